/* index.h: one vnindex run: walk the paths, bring the store up to date.
 *
 * New and changed files are read, extracted and stored; files whose size
 * and mtime match what is stored are not read at all (a file written in
 * a second the run saw is recorded so that the next run reads it again);
 * a file whose bytes did not change (only touched) is recorded as
 * unchanged; articles under an indexed directory whose file is gone are
 * removed, except under a path that could not be walked. Articles with
 * no URL of their own get one from the --base-url table (admin.h). On a
 * terminal (opts->progress), a progress bar with rate and ETA, from a
 * count of the files made before the walk. A run into an index that holds
 * articles is one transaction: searches see the old state until it
 * commits, then the new one, never a mixture, and a crash loses the run,
 * never leaving a half-written article; the next run does it again. A
 * first build, into an empty index, commits every 500 articles (a crash
 * loses the open batch). Per-file problems are printed to stderr and
 * counted; the run goes on. */
#ifndef VN_INDEX_H
#define VN_INDEX_H

#include "vn_err.h"
#include "vn_store.h"

#include <stddef.h>

typedef struct index_opts {
    int quiet;      /* print only errors */
    int progress;   /* draw a progress bar on stderr (a terminal) */
    const char *base_url; /* --base-url: public URL of each root, "" forgets
                             it, NULL keeps what the index remembers */
    const char *content_selector; /* --content-selector: the article element
                                     of .html pages, or NULL (see html.h) */
    int remembered_selector; /* without content_selector, read each root's
                                pages with the selector the index remembers
                                for it (--rebuild, which copies the old
                                index's), not with none */
} index_opts;

typedef struct index_counts {
    size_t added, updated, removed, unchanged, failed, warned;
} index_counts;

/* Index the files and directories in paths[0..npaths) into st.
 * OUT: *counts. Returns VN_OK when the store is consistent and up to
 * date for every path that could be read (check counts->failed), or the
 * error that stopped the run (what it had not committed is rolled back). */
int index_run(vn_store *st, char *const *paths, size_t npaths, const index_opts *opts,
              index_counts *counts, vn_err *err);

#endif
