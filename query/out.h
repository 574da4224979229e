/* out.h: how vnquery prints results: text for people, JSON for programs.
 * Snippets arrive with VN_SNIP_OPEN/CLOSE marks (vn_snip.h). Writers
 * append to a vn_buf and never print. */
#ifndef VN_OUT_H
#define VN_OUT_H

#include "search.h"
#include "vn_buf.h"
#include "vn_store.h"

#include <stdint.h>

/* HTML-escape n bytes of s into b (& < > " '), turning snippet marks into
 * <mark> and </mark>. */
void out_html_escape(vn_buf *b, const char *s, size_t n, int *rc);

/* JSON string (with quotes) for s, or null when s is NULL. '<', '>' and
 * '&' are written as \u escapes so the JSON is safe inside HTML; bytes
 * that are not UTF-8 (a file name may hold any) as \ufffd, so the JSON
 * is always valid UTF-8. */
void out_json_string(vn_buf *b, const char *s, int *rc);

/* The JSON document for a search: {"query", "total", "took_ms", "limit",
 * "offset", "sort", "since", "until", "relaxed", "searched", "suggestion",
 * "results": [{rank, path, url, title, date, author, score, snippet}]}. */
void out_json_page(vn_buf *b, const search_req *rq, const search_res *res, int *rc);

/* One hit as a JSON object (the elements of "results"). */
void out_json_hit(vn_buf *b, const vn_hit *hit, int *rc);

/* One result as text: rank, title, date, path, snippet with matches in
 * bold (ansi != 0) or [brackets]. */
void out_text_hit(vn_buf *b, const vn_hit *hit, int ansi, int *rc);
/* The page as text: notices (searched instead, relaxed, suggestion), the
 * hits, and a closing line with the count and the time taken. */
void out_text_page(vn_buf *b, const search_req *rq, const search_res *res, int ansi,
                   int *rc);

#endif
