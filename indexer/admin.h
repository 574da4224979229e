/* admin.h: what makes vnindex safe to run from cron, around index_run.
 *
 * - The run lock: one writer at a time per index, an flock(2) on the file
 *   DB.lock next to the database. The kernel drops it when the holder
 *   exits or is killed, so it never goes stale; the file itself stays.
 * - Reports on a store: --stats (sizes and the last run's record) and
 *   --check (SQLite's integrity_check plus FTS5's integrity-check).
 * - Housekeeping: the last run's record in vn_meta, FTS5 merges after a
 *   run, --optimize.
 * - Public URLs for files (--base-url): a table root -> URL kept in
 *   vn_meta, so that later runs, and runs on a subfolder, map the same;
 *   the --content-selector each root was read with, alike; both carried
 *   from an index into the one --rebuild makes beside it.
 *
 * Calls return VN_OK or an error code and fill *err; nothing here prints.
 * SQL runs on the store's connection (vn_store_db), one thread at a time. */
#ifndef VN_ADMIN_H
#define VN_ADMIN_H

#include "index.h"
#include "vn_buf.h"
#include "vn_err.h"
#include "vn_store.h"

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* ---- the run lock ------------------------------------------------------- */

/* Take the lock of the index at db, trying for up to wait_s seconds.
 * OUT: *fd, the lock (release with vn_admin_unlock), -1 on failure.
 * VN_EBUSY when another process holds it (the message names its pid);
 * VN_EIO when DB.lock cannot be created. */
int vn_admin_lock(const char *db, double wait_s, int *fd, vn_err *err);
/* Release and close. Accepts -1. */
void vn_admin_unlock(int fd);

/* ---- reports ------------------------------------------------------------------ */

typedef struct vn_admin_stats {
    int64_t articles;
    int64_t terms;          /* distinct terms in the FTS5 index */
    int64_t tokens;         /* term occurrences */
    int64_t file_bytes;     /* sum of the indexed files' sizes */
    int64_t text_bytes;     /* article text, uncompressed */
    int64_t stored_bytes;   /* the same, as stored (vn_zip) */
    int64_t index_bytes;    /* pages of the FTS5 tables */
    int64_t segments;       /* FTS5 b-trees (fewer is faster) */
    int64_t db_bytes;       /* the database file */
    int64_t wal_bytes;      /* its -wal */
    int64_t free_bytes;     /* unused pages inside the file */
} vn_admin_stats;

/* Gather the figures above. db_path names the file (for its size). */
int vn_admin_stats_get(vn_store *st, const char *db_path, vn_admin_stats *out, vn_err *err);

/* The last run's record as "key value" lines ("last_run_at 2024-...").
 * Appends to out (nothing when no run was recorded). */
int vn_admin_last_run(vn_store *st, vn_buf *out, vn_err *err);

/* Check the whole database: page structure and every index
 * (PRAGMA integrity_check), then the FTS5 index against the articles'
 * text. OUT: *damaged is 1 when either found a problem; report then gets
 * one line per problem (at most a few dozen). Returns VN_OK when the
 * check ran to the end, damaged or not. */
int vn_admin_check(vn_store *st, int *damaged, vn_buf *report, vn_err *err);

/* Merge the FTS5 index into one b-tree, then reclaim free pages
 * (VACUUM when over a quarter of the file is free) and empty the -wal. */
int vn_admin_optimize(vn_store *st, vn_err *err);

/* ---- after a run ---------------------------------------------------------------- */

/* Record counts, the start time (wall clock) and the duration of the run
 * that just ended, and keep the FTS5 index tidy: a full merge once the
 * articles changed since the last one reach 1% of the index or it holds
 * more than 3 b-trees, so query time stays near a fresh build's after
 * many small runs (admin.c says why). OUT: *merged is 1 when the whole
 * index was merged. */
int vn_admin_finish_run(vn_store *st, const index_counts *n, time_t started, double seconds,
                        int *merged, vn_err *err);

/* ---- public URLs ---------------------------------------------------------------- */

typedef struct vn_urlmap vn_urlmap;

/* Load the root -> URL table from the store. OUT: *out (free with
 * vn_urlmap_free), possibly empty. */
int vn_urlmap_load(vn_store *st, vn_urlmap **out, vn_err *err);
void vn_urlmap_free(vn_urlmap *m);

/* The same kind of table, root -> text, kept in vn_meta under another
 * key prefix (a constant string): VN_SELECTOR_KEY holds the
 * --content-selector each root was last read with, so that a different
 * one reads the root again (vn_urlmap_set and _save as for URLs). */
#define VN_SELECTOR_KEY "content_selector:"
int vn_rootmap_load(vn_store *st, const char *key, vn_urlmap **out, vn_err *err);

/* The text of the longest root that is path (absolute, no trailing
 * slash) or a folder above it, or NULL when none maps it or it maps to
 * "". Borrowed: valid until the next change to m. */
const char *vn_rootmap_get(const vn_urlmap *m, const char *path);

/* Give root and every folder below it text ("" for none), in memory.
 * OUT: *changed is 1 when what applied to some file under root differs:
 * they must be read again. */
int vn_rootmap_set_tree(vn_urlmap *m, const char *root, const char *text, int *changed,
                        vn_err *err);

/* Is url a base URL we accept: scheme://something, no spaces or control
 * characters? ("" is accepted: it removes a mapping.) */
int vn_urlmap_valid(const char *url);

/* Map files under the folder root (absolute, no trailing slash) to url
 * ("" removes the mapping), in memory. OUT: *changed is 1 when this
 * differs from what the store holds: files under root must be read again
 * for their URLs to follow. */
int vn_urlmap_set(vn_urlmap *m, const char *root, const char *url, int *changed, vn_err *err);

/* Write the in-memory table to the store (inside the caller's
 * transaction). */
int vn_urlmap_save(vn_urlmap *m, vn_store *st, vn_err *err);

/* The public URL of the file at path: the URL of the longest mapped root
 * that path lies under, then the rest of path, percent-encoded except
 * for unreserved characters and '/'. Appends to out and returns 1, or
 * returns 0 when no root maps path (out untouched), or -1 out of memory. */
int vn_urlmap_url(const vn_urlmap *m, const char *path, vn_buf *out);

/* ---- --rebuild ------------------------------------------------------------------- */

/* The folder settings (both tables above: each root's --base-url and
 * --content-selector) of the index at db, read with SQLite alone and
 * read-only, so an index of another version will do. Appends them to
 * out as key and value, each NUL-terminated. Returns VN_OK, or VN_EDB
 * with SQLite's reason when they cannot be read (a damaged index). */
int vn_admin_settings_read(const char *db, vn_buf *out, vn_err *err);

/* Write settings as vn_admin_settings_read gave them into st, in one
 * transaction. OUT: *n, how many. */
int vn_admin_settings_write(vn_store *st, const vn_buf *settings, size_t *n, vn_err *err);

#endif
