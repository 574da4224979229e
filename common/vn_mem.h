/* vn_mem.h: the FTS5 index held in memory, to rank a query without FTS5.
 *
 * FTS5 answers a query by walking every matching row through SQLite's
 * virtual-table machinery and calling vn_rank (vn_snip.h) on each: that
 * walk, not our scoring, is most of a query's time (BENCHMARKS.md). A
 * long-running process (the server, qbench) can instead load the index's
 * postings once, read through FTS5's own fts5vocab table, and rank a
 * query over plain arrays: the same rows, the same keys (vn_rank's own
 * scoring, through vn_ranker), the same order, the same total.
 *
 * What it answers: the expressions vn_query and vn_expand write, made of
 * strings, AND, OR, NOT and parentheses, where every OR joins only
 * strings (one word's spellings). Anything else (title:, prefixes, an OR
 * over AND-ed words, an article id beyond its tables) it declines, and
 * the caller asks FTS5 as before.
 *
 * A snapshot: it holds the index as it was at one generation (vn_meta
 * "generation", a random number vn_store_commit draws again whenever a
 * transaction put or deleted articles; vn_store_generation reads it). vn_store uses it only for searches that see that
 * same generation. Immutable once loaded: any number of threads may rank
 * with it at once, each on its own connection.
 * Calls return VN_OK or an error code and fill *err. */
#ifndef VN_MEM_H
#define VN_MEM_H

#include "vn_err.h"

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

typedef struct vn_mem vn_mem;

/* Load the index of db (a vn_store connection: the tokenizer and vn_rank
 * registered), inside the caller's read transaction, which sees
 * generation gen (vn_store_load_mem does all this). OUT: *out, freed
 * with vn_mem_free. */
int vn_mem_load(sqlite3 *db, int64_t gen, vn_mem **out, vn_err *err);
void vn_mem_free(vn_mem *m);

/* The generation it holds, and its size in bytes. */
int64_t vn_mem_generation(const vn_mem *m);
size_t vn_mem_bytes(const vn_mem *m);
/* A quoted phrase's candidate rows (those holding all its words) are
 * checked in two halves on two threads from this many on: 50,000 by
 * default on a machine of two cores or more, none on one core. Not while
 * another thread ranks with m. */
void vn_mem_set_split(vn_mem *m, size_t rows);

/* One ranking request: the FTS5 expression and phrase groups vn_store
 * would give FTS5 and vn_rank, the date bounds and order of vn_search,
 * and the rows [offset, offset + limit) of the ordered matches. */
typedef struct vn_mem_query {
    const char *match;
    const char *groups;        /* NULL: each phrase its own group */
    const char *since, *until; /* NULL: unbounded */
    int sort;                  /* VN_SORT_* of vn_store.h */
    int limit, offset;
    double weights[2];         /* vn_rank's column weights: body, title */
    int ties_after;            /* by rank: also up to this many rows after the
                                  page whose key equals its last row's */
} vn_mem_query;

/* What a ranked query keeps for its snippets. */
typedef struct vn_mem_found vn_mem_found;

/* Rank q with the `vietnamese` tokenizer of api, the fts5_api of a
 * connection in a read transaction that sees m's generation (its
 * vn_spelling gives the spellings). OUT: *found NULL when m declines q
 * (nothing else set); otherwise id[0..*n) and key[0..*n) (vn_rank keys,
 * caller's arrays of limit + ties_after entries), *total (the matches
 * within the dates) and *found, for vn_mem_snippet, freed with
 * vn_mem_found_free. */
int vn_mem_rank(const vn_mem *m, fts5_api *api, const vn_mem_query *q, int64_t *id, double *key,
                int *n, int64_t *total, vn_mem_found **found, vn_err *err);
void vn_mem_found_free(vn_mem_found *f);

/* The articles matching match, as FTS5's count(*) gives them. OUT:
 * *handled 0 when m declines match (then *count 0). */
int vn_mem_count(const vn_mem *m, fts5_api *api, const char *match, int64_t *count, int *handled,
                 vn_err *err);

/* vn_snippet(ntokens, groups) of row id, for a query f found: its
 * columns' texts text[c] / ntext[c] (ncol of them: body, title, as the
 * FTS5 table's content). Appends to out. */
struct vn_buf;
int vn_mem_snippet(const vn_mem_found *f, int64_t id, const char *const *text, const int *ntext,
                   int ncol, int ntokens, struct vn_buf *out, vn_err *err);

#endif
