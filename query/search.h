/* search.h: one search as vnquery and its HTTP server run it: what was
 * typed is parsed, rescued when it finds nothing as typed (an accented
 * query retried without accents), filtered by date, sorted and paged.
 * The page's results are copied out, so the caller renders them as text,
 * JSON or HTML at leisure. Never prints.
 * Calls return VN_OK or an error code and fill *err. */
#ifndef VN_SEARCH_H
#define VN_SEARCH_H

#include "vn_err.h"
#include "vn_store.h"

#include <stddef.h>
#include <stdint.h>

#define SEARCH_LIMIT_MAX 1000
#define SEARCH_OFFSET_MAX 1000000
#define SEARCH_QUERY_MAX 10000 /* bytes: longer takes seconds and means nothing */

struct vn_syn;

typedef struct search_req {
    const char *q;            /* as typed, UTF-8 (invalid bytes read as U+FFFD) */
    const struct vn_syn *syn; /* abbreviations and other spellings, or NULL */
    int limit, offset;        /* the page */
    char since[11], until[11];/* inclusive "YYYY-MM-DD" bounds; "" for none */
    int sort;                 /* VN_SORT_* (vn_store.h) */
} search_req;

typedef struct search_res {
    int64_t total;            /* every match, not just the page */
    double took_ms;
    int relaxed;              /* nothing matched as typed: searched without accents */
    char *searched;           /* the text searched when it differs from the
                                 text typed (Telex/VNI decoded to words an
                                 article holds), else NULL */
    char *suggestion;         /* "did you mean": the text with each word the
                                 index never held replaced by the nearest
                                 word an article holds (also when other
                                 words found results), or NULL */
    vn_hit *hits;             /* the page, best first; strings owned */
    int nhits;
} search_res;

/* Read "YYYY", "YYYY-MM" or "YYYY-MM-DD" as a bound: the first day of the
 * period (is_until == 0) or its last. OUT: out[11]. Returns 0, or -1 for
 * anything else (month 13, 31 February, year outside 1900..2100). */
int search_parse_date(const char *s, int is_until, char out[11]);

/* Read the n bytes at s as a whole number in [lo, hi]: digits only (no
 * sign, space or trailing text; a NUL inside fails). OUT: *out. Returns
 * 0, or -1 for anything else. For --limit, page=, --listen's port... */
int search_parse_int(const char *s, size_t n, long lo, long hi, long *out);

/* Read "relevance", "date" or "date-asc". OUT: *sort. Returns 0 or -1. */
int search_parse_sort(const char *s, int *sort);

/* The synonym table: the one shipped in the binary, then the groups of
 * the file at user_path (may be NULL), which take its forms over.
 * OUT: *out, released with vn_syn_free; shared by threads once loaded. */
int search_syn_load(const char *user_path, struct vn_syn **out, vn_err *err);

/* Run rq against st, splitting words with nm (borrowed: one per thread,
 * kept across searches, so its word cache stays warm). OUT: *res,
 * released with search_res_free (also after an error). */
struct vn_norm;
int search_run(vn_store *st, struct vn_norm *nm, const search_req *rq, search_res *res,
               vn_err *err);

/* Accepts a zeroed or NULL res. */
void search_res_free(search_res *res);

#endif
