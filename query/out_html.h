/* out_html.h: the search page as the server renders it, and the files the
 * page loads. The markup lives in query/web/index.html, a template whose
 * {{slots}} this module fills; query/web/app.js builds the same markup in
 * the browser when JavaScript runs. The files of query/web/ are embedded
 * into the program (.incbin in out_html.c), so the server reads nothing
 * from disk and serves nothing but them.
 * Everything written into the page is escaped. Writers append to a vn_buf,
 * never print, and take an int *rc (see vn_buf.h). */
#ifndef VN_OUT_HTML_H
#define VN_OUT_HTML_H

#include "search.h"
#include "vn_buf.h"

#include <stddef.h>
#include <stdint.h>

/* Results per page when the request names none, and the most it may ask. */
#define OUT_HTML_SIZE_DEFAULT 10
#define OUT_HTML_SIZE_MAX 50

/* Pages of size results that total matches fill, as far as a request
 * can reach (SEARCH_OFFSET_MAX). */
int64_t out_html_pages(int64_t total, int size);

/* What the page shows. */
typedef struct out_html_view {
    const char *q;          /* the text in the box (valid UTF-8), or NULL */
    const search_req *rq;   /* the search asked for (filters, sort), or NULL */
    const search_res *res;  /* its results, or NULL when none ran */
    int page, size;         /* 1-based page; results per page */
    const char *error;      /* a message for the reader, or NULL */
} out_html_view;

/* The whole page for v: the form filled in, then the error, or the
 * notices, the count, the results and the page links. */
void out_html_page(vn_buf *b, const out_html_view *v, int *rc);

/* Text escaped for HTML content or a quoted attribute: & < > " ' become
 * entities, other control characters (snippet marks included) are
 * dropped. */
void out_html_text(vn_buf *b, const char *s, int *rc);

/* The query string (no leading '?') that asks for this search: q, since,
 * until, sort, size and page, each left out at its default, percent-
 * encoded (space as '+'). rq may be NULL. */
void out_html_query(vn_buf *b, const char *q, const search_req *rq, int page, int size,
                    int *rc);

/* One embedded file. */
typedef struct out_asset {
    const char *path;       /* as requested: "/static/app.js" */
    const char *type;       /* Content-Type, charset included */
    const char *data;
    size_t len;
} out_asset;

/* The embedded file served at path: 0 and *out, or -1 when there is none
 * (these are the only files the server sends). */
int out_html_asset(const char *path, out_asset *out);

#endif
