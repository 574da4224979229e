/* out.h: how vnquery prints results: text for people, JSON for programs.
 * Snippets arrive with VN_SNIP_OPEN/CLOSE marks (vn_snip.h). Writers
 * append to a vn_buf and never print. */
#ifndef VN_OUT_H
#define VN_OUT_H

#include "vn_buf.h"
#include "vn_store.h"

#include <stdint.h>

/* What a search produced, for the page header and JSON fields. */
typedef struct out_page {
    const char *query;   /* as typed */
    int64_t total;
    double took_ms;
    int limit, offset;
} out_page;

/* HTML-escape n bytes of s into b (& < > " '), turning snippet marks into
 * <mark> and </mark>. */
void out_html_escape(vn_buf *b, const char *s, size_t n, int *rc);

/* JSON string (with quotes) for s, or null when s is NULL. '<', '>' and
 * '&' are written as \u escapes so the JSON is safe inside HTML. */
void out_json_string(vn_buf *b, const char *s, int *rc);

/* The JSON document: {"query", "total", "took_ms", "limit", "offset",
 * "results": [...]}: open before the hits, one call per hit (first set
 * for the page's first), close after. */
void out_json_open(vn_buf *b, const out_page *pg, int *rc);
void out_json_hit(vn_buf *b, const vn_hit *hit, int first, int *rc);
void out_json_close(vn_buf *b, const out_page *pg, int *rc);

/* One result as text: rank, title, date, path, snippet with matches in
 * bold (ansi != 0) or [brackets]. */
void out_text_hit(vn_buf *b, const vn_hit *hit, int ansi, int *rc);
/* The closing line: "N results" or "no results", and the time taken. */
void out_text_footer(vn_buf *b, const out_page *pg, int nshown, int *rc);

#endif
