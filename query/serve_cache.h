/* serve_cache.h: the server's cache of recent searches. A website's search
 * box sees the same few queries again and again; a hit skips SQLite.
 *
 * Entries are keyed by the whole request (text, page, filters, order) and
 * tagged with the index generation they were computed at: the server
 * bumps the generation whenever any of its connections sees a commit
 * (PRAGMA data_version), and an entry of an older generation is never
 * returned, so a reindex shows at once. Least recently used entries go
 * first once the cache holds more than its byte budget.
 *
 * Safe to share between threads (one mutex, held only to copy). */
#ifndef VN_SERVE_CACHE_H
#define VN_SERVE_CACHE_H

#include "search.h"

#include <stddef.h>
#include <stdint.h>

typedef struct serve_cache serve_cache;

/* A cache of about max_bytes. OUT: *out (NULL when out of memory);
 * released with serve_cache_close. Returns VN_OK or VN_ENOMEM. */
int serve_cache_open(size_t max_bytes, serve_cache **out);
/* Accepts NULL. */
void serve_cache_close(serve_cache *c);

/* The key for rq (the text and every field that changes the results).
 * OUT: caller frees; NULL when out of memory. */
char *serve_cache_key(const search_req *rq);

/* Copy the results stored under key at generation gen into *res (which
 * the caller then frees with search_res_free). Returns 1 on a hit, 0 on a
 * miss (res zeroed). c may be NULL: always a miss. */
int serve_cache_get(serve_cache *c, const char *key, uint64_t gen, search_res *res);

/* Store a copy of res under key, at generation gen. Best effort: out of
 * memory or a result larger than the budget just stores nothing. c may
 * be NULL. */
void serve_cache_put(serve_cache *c, const char *key, uint64_t gen, const search_res *res);

/* Counters for /healthz. */
typedef struct serve_cache_stats {
    uint64_t hits, misses;
    size_t entries, bytes;
} serve_cache_stats;
void serve_cache_stats_get(serve_cache *c, serve_cache_stats *out);

#endif
