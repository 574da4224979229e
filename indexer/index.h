/* index.h: one vnindex run: walk the paths, bring the store up to date.
 *
 * New and changed files are read, extracted and stored; files whose size
 * and mtime match what is stored are not read at all; a file whose bytes
 * did not change (only touched) is recorded as unchanged; articles under
 * an indexed directory whose file is gone are removed. Writes go in
 * batched transactions, so a crash loses at most the open batch and never
 * leaves a half-written article. Per-file problems are printed to stderr
 * and counted; the run goes on. */
#ifndef VN_INDEX_H
#define VN_INDEX_H

#include "vn_err.h"
#include "vn_store.h"

#include <stddef.h>

typedef struct index_opts {
    int quiet;      /* print only errors */
    int progress;   /* draw a progress line on stderr (a terminal) */
} index_opts;

typedef struct index_counts {
    size_t added, updated, removed, unchanged, failed, warned;
} index_counts;

/* Index the files and directories in paths[0..npaths) into st.
 * OUT: *counts. Returns VN_OK when the store is consistent and up to
 * date for every path that could be read (check counts->failed), or the
 * error that stopped the run (the open batch is then rolled back). */
int index_run(vn_store *st, char *const *paths, size_t npaths, const index_opts *opts,
              index_counts *counts, vn_err *err);

#endif
