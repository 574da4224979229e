/* vn_snip.h: excerpts with highlight spans, and the proximity signal
 * used in ranking, as FTS5 auxiliary functions.
 *
 *   vn_snippet(fts, ntokens [, groups])  the best passage of about ntokens words of
 *       the first column, the body (of another column when the body
 *       holds no match), as plain
 *       text in which each run of matched words is wrapped in
 *       VN_SNIP_OPEN ... VN_SNIP_CLOSE (bytes that never occur in the
 *       returned text otherwise). Cut only at word boundaries, so never
 *       inside a character; "…" marks a cut; line breaks become spaces.
 *   vn_proximity(fts)  in [0, 1]: 1 when, in some column, the query's
 *       phrases stand adjacent and in query order; smaller as the
 *       tightest window holding all of them grows; 0 when fewer than two
 *       phrases match or no column holds them all.
 *   vn_rank(fts, table, rows, groups, w0, w1, ...)  the ranking key, lower first:
 *       bm25(fts, w0, w1, ...) * (1 + 2 * vn_proximity(fts)), minus
 *       VN_RANK_TIER when vn_proximity is 1, so that rows holding the
 *       query's phrases adjacent and in order come before all others.
 *       The same BM25 as FTS5's bm25() (k1 1.2, b 0.75, column weights
 *       w0, w1, ... default 1), computed with one pass over the row's
 *       instances; table names the FTS5 table in "main", whose docsize
 *       records it reads directly (NULL: through xColumnSize, slower).
 *       rows, NULL or an sqlite3_int64 bound with sqlite3_bind_pointer
 *       under the type VN_RANK_ROWS, counts the rows ranked: the total
 *       of matches without a second pass (count(*) OVER () buffered
 *       every row and sorted them all, half the cost of a query).
 *       vn_rank_score() takes the tier back off.
 *   groups, NULL or a list from vn_expand (vn_expand.h), puts the
 *       phrases of one word's spellings together: vn_snippet and vn_rank
 *       then count them as one phrase (one query word), with the articles
 *       holding any of them for its IDF, as with colocated synonyms.
 *
 * Registered per connection; vn_rank keeps per-query state (IDF, scratch)
 * with xSetAuxdata, the others none. */
#ifndef VN_SNIP_H
#define VN_SNIP_H

#include "vn_err.h"

#include <sqlite3.h>
#include <stdint.h>

/* Instances of a row that snippets and proximity read: an article that
 * holds the query's words more often (a 50 MB one can hold a million) is
 * judged on its first ones, where a window for proximity must still hold
 * every phrase the row holds. */
#define VN_SNIP_INST_MAX 20000

#define VN_SNIP_OPEN '\x02'
#define VN_SNIP_CLOSE '\x03'

/* What vn_rank subtracts for adjacent rows: far beyond any BM25 sum of a
 * 10,000-byte query, small enough that the score keeps 7 digits. */
#define VN_RANK_TIER 1e9
#define VN_RANK_ROWS "vn_rank_rows" /* sqlite3_bind_pointer type */

/* 1 for the key of a row of proximity 1 (vn_rank's first tier). */
static inline int vn_rank_first_tier(double key)
{
    return key < -VN_RANK_TIER / 2;
}

/* The score (bm25 times the proximity factor) of a vn_rank key. */
static inline double vn_rank_score(double key)
{
    return vn_rank_first_tier(key) ? key + VN_RANK_TIER : key;
}

/* The token count of each column as an FTS5 docsize row (the table's
 * _docsize.sz) records it: SQLite varints (7 bits a byte, high bit set on
 * all but the last, the 9th byte whole). OUT: out[0..return), at most
 * max counts. */
int vn_fts_docsize(const unsigned char *p, int n, int64_t *out, int max);

/* vn_rank's scoring, for callers that find a row's instances some other
 * way (vn_mem.h) and must rank exactly as vn_rank does. A ranker holds
 * one query: ngroup groups (the words that count), each with its size
 * in tokens psize[g] and its IDF idf[g] (vn_rank_idf of the rows in the
 * index and the rows holding the group), avgdl tokens per row, and nw
 * column weights w (missing ones are 1). Per row: vn_ranker_row, then
 * vn_ranker_add for each instance in FTS5's xInst order (column, offset,
 * phrase), then vn_ranker_key with the row's size in tokens gives the
 * key vn_rank would. NULL from vn_ranker_new: out of memory; the others
 * return VN_OK or VN_ENOMEM. */
typedef struct vn_ranker vn_ranker;

/* Read groups (vn_expand.h: one decimal number per phrase, separated by
 * spaces) for the query's nphrase phrases into map, as vn_rank and
 * vn_snippet do. Returns the number of groups, or 0 when groups is NULL
 * or does not fit the query (then each phrase is its own group: map is
 * the identity). */
int vn_rank_groups(const char *groups, int nphrase, int *map);
vn_ranker *vn_ranker_new(int ngroup, const int *psize, const double *idf, double avgdl,
                         const double *w, int nw);
void vn_ranker_free(vn_ranker *r);
double vn_rank_idf(int64_t nrow, int64_t nhit);
void vn_ranker_row(vn_ranker *r);
int vn_ranker_add(vn_ranker *r, int group, int col, int off);
int vn_ranker_key(vn_ranker *r, int size, double *key);
/* Instead of vn_ranker_add, for a row that may be skipped: n instances
 * of group in column col, counted (for BM25, and as a group the row
 * holds) but not placed; then vn_ranker_best is
 * the key the row would have with proximity p (VN_RANK_P_* below), no
 * larger than its real key when its proximity is at most p. A row worth
 * ranking starts again from vn_ranker_row. */
void vn_ranker_count(vn_ranker *r, int group, int col, uint32_t n);
double vn_ranker_best(const vn_ranker *r, int size, double p);

/* What vn_proximity can be: 1 (the words adjacent and in order), 0.8
 * (adjacent, another order), else below 0.7; 0 with fewer than two
 * groups in the row. */
#define VN_RANK_P_ADJACENT 1.0
#define VN_RANK_P_REORDERED 0.8
#define VN_RANK_P_APART 0.7 /* times sizes / window: a window wider than the words */
#define VN_RANK_P_NONE 0.0

/* vn_snippet's text for a row whose instances come from elsewhere
 * (vn_mem.h): v[0..n) in FTS5's xInst order (column, offset, phrase),
 * each under its group (of ngroup, sized psize[g] tokens), the first
 * 20,000 of them as vn_snippet reads; text[c] / ntext[c] the row's
 * columns (ncol); ntokens as vn_snippet's first argument; tok tokenizes
 * a column as FTS5's xTokenize would (FTS5_TOKENIZE_AUX), calling cb
 * with tctx. Appends to out. Returns VN_OK, VN_ENOMEM or VN_EDB. */
typedef struct vn_snip_inst {
    int group, col, off;
} vn_snip_inst;
typedef int (*vn_snip_tokenize_fn)(void *ctx, const char *text, int ntext, void *tctx,
                                   int (*cb)(void *, int, const char *, int, int, int));
struct vn_buf;
int vn_snip_text(const vn_snip_inst *v, int n, int ngroup, const int *psize,
                 const char *const *text, const int *ntext, int ncol, int ntokens,
                 vn_snip_tokenize_fn tok, void *tok_ctx, struct vn_buf *out);

/* Register vn_snippet(), vn_proximity() and vn_rank() on db (FTS5
 * required). */
int vn_snip_register(sqlite3 *db, vn_err *err);

#endif
