/* serve_mem.h: the server's copy of the index in memory (vn_mem.h).
 *
 * A thread of its own loads it when the server starts, then looks at the
 * index's generation every second and loads it again once the indexer
 * has committed and the generation has stood still for RELOAD_QUIET_S
 * (a first build commits every 500 articles: no reload for each). Until
 * the first load ends, and whenever the copy is older than what a search
 * sees, vn_store answers through FTS5: results are the same, only slower.
 * While a new copy loads, the old one serves: both are in memory then.
 * A load (or an open) that fails is reported on stderr and tried again
 * after a minute. Stopping interrupts a load in progress. */
#ifndef SERVE_MEM_H
#define SERVE_MEM_H

#include "vn_err.h"
#include "vn_mem.h"

#include <stddef.h>
#include <stdint.h>

typedef struct serve_mem serve_mem;

/* Start loading the index at db. OUT: *out (stop it with serve_mem_stop). */
int serve_mem_start(const char *db, serve_mem **out, vn_err *err);

/* Stop the thread and free every copy. No search may hold one. */
void serve_mem_stop(serve_mem *sm);

/* The current copy, or NULL while none is loaded; hold it until
 * serve_mem_release(sm, *ref). sm may be NULL (then NULL). */
const vn_mem *serve_mem_acquire(serve_mem *sm, void **ref);
void serve_mem_release(serve_mem *sm, void *ref);

/* For /healthz. */
typedef struct serve_mem_info {
    int ready;             /* a copy is loaded */
    int64_t generation;    /* of the copy */
    size_t bytes;
    double load_ms;        /* the last load took */
    unsigned loads;        /* completed so far */
} serve_mem_info;
void serve_mem_info_get(serve_mem *sm, serve_mem_info *info);

#endif
