/* admin.c: see admin.h. */
#include "admin.h"

#include "vn_buf.h"
#include "vn_snip.h"
#include "vn_tok.h"

#include <sqlite3.h>

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define LOCK_POLL_MS 50
#define CHECK_MAX_ERRORS "20" /* integrity_check lines reported */
/* After a run, merge the whole FTS5 index into one b-tree once the
 * articles changed (added, updated or removed) since the last full merge
 * reach MERGE_PERCENT of the index, or once it has more than
 * MERGE_SEGMENTS b-trees (a run adds one or two). Each b-tree a query
 * must look into, and each stale entry of an updated article, costs
 * time: on 10,000 articles, queries took 6% longer after one unmerged
 * run of 1% changes (3 b-trees), 15% after two, 45% after ten; 29%
 * longer with 7 b-trees left by tiny runs. A full merge costs about an
 * eighth of a fresh build. scripts/merge-bench.sh measures the policy. */
#define MERGE_PERCENT 1
#define MERGE_SEGMENTS 3

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* A failed SQLite call on db as a vn_err. */
static int sql_error(sqlite3 *db, const char *what, vn_err *err)
{
    int code = sqlite3_errcode(db);
    return vn_err_set(err, code == SQLITE_BUSY || code == SQLITE_LOCKED ? VN_EBUSY : VN_EDB,
                      "%s: %s", what, sqlite3_errmsg(db));
}

/* The first column of the one row sql returns, as an integer. */
static int sql_int(sqlite3 *db, const char *sql, int64_t *out, vn_err *err)
{
    sqlite3_stmt *s = NULL;
    *out = 0;
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK ? VN_OK
                                                                   : sql_error(db, sql, err);
    if (rc == VN_OK) {
        int step = sqlite3_step(s);
        if (step == SQLITE_ROW)
            *out = sqlite3_column_int64(s, 0);
        else if (step != SQLITE_DONE)
            rc = sql_error(db, sql, err);
    }
    sqlite3_finalize(s);
    return rc;
}

static int sql_exec(sqlite3 *db, const char *sql, const char *what, vn_err *err)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK ? VN_OK
                                                                : sql_error(db, what, err);
}

/* ---- the run lock ------------------------------------------------------- */

/* The pid written in the lock file, or 0. */
static long lock_holder(int fd)
{
    char text[32];
    ssize_t n = pread(fd, text, sizeof text - 1, 0);
    if (n <= 0)
        return 0;
    text[n] = '\0';
    return strtol(text, NULL, 10);
}

static int lock_wait(int fd, const char *path, const char *db, double wait_s, vn_err *err)
{
    double deadline = now() + wait_s;
    for (;;) {
        if (flock(fd, LOCK_EX | LOCK_NB) == 0)
            return VN_OK;
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK)
            return vn_err_set(err, VN_EIO, "cannot lock %s: %s", path, strerror(errno));
        double left = deadline - now();
        if (left <= 0)
            break;
        double ms = left * 1e3 < LOCK_POLL_MS ? left * 1e3 : LOCK_POLL_MS;
        struct timespec ts = {0, (long)(ms * 1e6)};
        nanosleep(&ts, NULL);
    }
    long pid = lock_holder(fd);
    char who[64] = "another process";
    if (pid > 0)
        snprintf(who, sizeof who, "another vnindex (pid %ld)", pid);
    return vn_err_set(err, VN_EBUSY, "%s is busy: %s is updating it; gave up after %g s "
                      "(--wait SECONDS waits longer)", db, who, wait_s);
}

int vn_admin_lock(const char *db, double wait_s, int *fd, vn_err *err)
{
    vn_buf path = VN_BUF_INIT;
    *fd = -1;
    if (vn_buf_printf(&path, "%s.lock", db) != VN_OK)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    int f = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0644), writable = f >= 0;
    if (f < 0 && errno == EACCES) /* made by another user: flock needs no write access */
        f = open(path.data, O_RDONLY | O_CLOEXEC);
    int rc = f >= 0 ? VN_OK : vn_err_set(err, VN_EIO, "cannot create the lock file %s: %s",
                                         path.data, strerror(errno));
    if (rc == VN_OK)
        rc = lock_wait(f, path.data, db, wait_s, err);
    if (rc == VN_OK && writable) { /* for the message of whoever waits next */
        char pid[24];
        int n = snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
        if (ftruncate(f, 0) != 0 || pwrite(f, pid, (size_t)n, 0) != n)
            (void)0; /* the pid is a courtesy: the lock holds without it */
    }
    if (rc != VN_OK && f >= 0)
        close(f);
    else
        *fd = f;
    vn_buf_free(&path);
    return rc;
}

void vn_admin_unlock(int fd)
{
    if (fd >= 0)
        close(fd); /* releases the flock */
}

/* ---- --stats ------------------------------------------------------------------ */

/* The uncompressed length written at the start of vn_zip's stored form
 * (vn_zip.h: format byte 1, then a LEB128 varint), or 0. */
static int64_t stored_text_len(const unsigned char *p, int n)
{
    uint64_t v = 0;
    if (n < 2 || p[0] != 1)
        return 0;
    for (int i = 1, shift = 0; i < n && shift < 63; i++, shift += 7) {
        v |= (uint64_t)(p[i] & 0x7f) << shift;
        if (!(p[i] & 0x80))
            return (int64_t)v;
    }
    return 0;
}

/* Sizes of every article. Only the head of each body is read (its
 * length is in the row header; the text's length in the stored form's
 * first bytes), so this costs a lookup per article, not a read of it. */
static int stats_articles(sqlite3 *db, vn_admin_stats *o, vn_err *err)
{
    sqlite3_stmt *s = NULL;
    sqlite3_blob *blob = NULL;
    const char *sql = "SELECT id, size, length(body) FROM article";
    int rc = sqlite3_prepare_v2(db, sql, -1, &s, NULL) == SQLITE_OK ? VN_OK
                                                                   : sql_error(db, sql, err);
    int step = SQLITE_DONE;
    while (rc == VN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        int n = sqlite3_column_int(s, 2);
        unsigned char head[11];
        int nhead = n < (int)sizeof head ? n : (int)sizeof head;
        o->articles++;
        o->file_bytes += sqlite3_column_int64(s, 1);
        o->stored_bytes += n;
        int code = blob == NULL ? sqlite3_blob_open(db, "main", "article", "body", id, 0, &blob)
                                : sqlite3_blob_reopen(blob, id);
        if (code == SQLITE_OK && sqlite3_blob_read(blob, head, nhead, 0) == SQLITE_OK)
            o->text_bytes += stored_text_len(head, nhead);
        else if (code != SQLITE_OK)
            rc = sql_error(db, "cannot read an article", err);
    }
    if (rc == VN_OK && step != SQLITE_DONE)
        rc = sql_error(db, "cannot read the articles", err);
    sqlite3_blob_close(blob);
    sqlite3_finalize(s);
    return rc;
}

static int stats_terms(sqlite3 *db, vn_admin_stats *o, vn_err *err)
{
    int rc = sql_exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vn_admin_vocab"
                      " USING fts5vocab(main, 'article_fts', 'row')",
                      "cannot read the vocabulary", err);
    if (rc == VN_OK)
        rc = sql_int(db, "SELECT count(*) FROM temp.vn_admin_vocab", &o->terms, err);
    if (rc == VN_OK)
        rc = sql_int(db, "SELECT coalesce(sum(cnt), 0) FROM temp.vn_admin_vocab", &o->tokens,
                     err);
    sqlite3_exec(db, "DROP TABLE IF EXISTS temp.vn_admin_vocab", NULL, NULL, NULL);
    return rc;
}

/* Pages of the FTS5 shadow tables (dbstat), else their payload bytes. */
static int stats_index(sqlite3 *db, vn_admin_stats *o, vn_err *err)
{
    int rc = sql_int(db, "SELECT sum(pgsize) FROM dbstat('main', 1)"
                     " WHERE name LIKE 'article\\_fts\\_%' ESCAPE '\\'", &o->index_bytes, NULL);
    if (rc != VN_OK)
        rc = sql_int(db, "SELECT (SELECT coalesce(sum(length(block)), 0) FROM article_fts_data)"
                     " + (SELECT coalesce(sum(length(sz)), 0) FROM article_fts_docsize)",
                     &o->index_bytes, err);
    if (rc == VN_OK)
        rc = sql_int(db, "SELECT count(DISTINCT segid) FROM article_fts_idx", &o->segments, err);
    return rc;
}

static int64_t file_size(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

int vn_admin_stats_get(vn_store *st, const char *db_path, vn_admin_stats *out, vn_err *err)
{
    sqlite3 *db = vn_store_db(st);
    int64_t free_pages = 0, page_size = 0;
    memset(out, 0, sizeof *out);
    /* Scans gain nothing from a memory map, which would only make the
     * pages they touch count as this process's memory. Then one read
     * transaction: every figure from the same state. */
    sqlite3_exec(db, "PRAGMA mmap_size=0", NULL, NULL, NULL);
    int rc = sql_exec(db, "BEGIN", "cannot start a read transaction", err);
    if (rc == VN_OK)
        rc = stats_articles(db, out, err);
    if (rc == VN_OK)
        rc = stats_terms(db, out, err);
    if (rc == VN_OK)
        rc = stats_index(db, out, err);
    if (rc == VN_OK)
        rc = sql_int(db, "PRAGMA freelist_count", &free_pages, err);
    if (rc == VN_OK)
        rc = sql_int(db, "PRAGMA page_size", &page_size, err);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    out->free_bytes = free_pages * page_size;
    vn_buf wal = VN_BUF_INIT;
    out->db_bytes = file_size(db_path);
    if (vn_buf_printf(&wal, "%s-wal", db_path) == VN_OK)
        out->wal_bytes = file_size(wal.data);
    vn_buf_free(&wal);
    return rc;
}

/* The keys of a run's record, in the order --stats prints them. */
static const char *const run_keys[] = {
    "last_run_at", "last_run_seconds", "last_run_added", "last_run_updated",
    "last_run_removed", "last_run_unchanged", "last_run_failed", "last_run_warned",
};
#define NRUN_KEYS (sizeof run_keys / sizeof run_keys[0])

int vn_admin_last_run(vn_store *st, vn_buf *out, vn_err *err)
{
    int rc = VN_OK;
    for (size_t i = 0; rc == VN_OK && i < NRUN_KEYS; i++) {
        char *v = NULL;
        rc = vn_store_meta_get(st, run_keys[i], &v, err);
        if (rc == VN_OK && v != NULL && vn_buf_printf(out, "%s %s\n", run_keys[i], v) != VN_OK)
            rc = vn_err_set(err, VN_ENOMEM, "out of memory");
        free(v);
    }
    return rc;
}

/* ---- --check -------------------------------------------------------------------- */

/* SQLite codes that mean the file's contents are wrong, as opposed to
 * the check being unable to run (busy, out of memory, I/O). */
static int is_damage(int code)
{
    switch (code & 0xff) {
    case SQLITE_CORRUPT: case SQLITE_NOTADB: case SQLITE_FORMAT: case SQLITE_ERROR:
    case SQLITE_MISMATCH: case SQLITE_RANGE: case SQLITE_SCHEMA:
        return 1;
    default:
        return 0;
    }
}

static int check_pages(sqlite3 *db, int *damaged, vn_buf *report, vn_err *err)
{
    sqlite3_stmt *s = NULL;
    int rc = VN_OK, step,
        code = sqlite3_prepare_v2(db, "PRAGMA integrity_check(" CHECK_MAX_ERRORS ")", -1, &s,
                                  NULL);
    while (code == SQLITE_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(s, 0);
        if (line != NULL && strcmp(line, "ok") != 0) {
            *damaged = 1;
            vn_buf_printf_rc(report, &rc, "integrity_check: %s\n", line);
        }
    }
    if (code == SQLITE_OK && step != SQLITE_DONE)
        code = step;
    if (code != SQLITE_OK && is_damage(code)) {
        *damaged = 1;
        vn_buf_printf_rc(report, &rc, "integrity_check: %s\n", sqlite3_errmsg(db));
    } else if (code != SQLITE_OK) {
        rc = sql_error(db, "integrity_check failed", err);
    }
    sqlite3_finalize(s);
    return rc == VN_ENOMEM ? vn_err_set(err, rc, "out of memory") : rc;
}

/* FTS5's own check: the index is well formed and holds exactly the words
 * of the articles' text (which it reads back through vn_unzip). */
static int check_fts(sqlite3 *db, int *damaged, vn_buf *report, vn_err *err)
{
    int code = sqlite3_exec(db, "INSERT INTO article_fts(article_fts) VALUES('integrity-check')",
                            NULL, NULL, NULL);
    if (code == SQLITE_OK)
        return VN_OK;
    if (!is_damage(code))
        return sql_error(db, "the full-text check failed", err);
    *damaged = 1;
    const char *what = (code & 0xff) == SQLITE_CORRUPT
                           ? "the full-text index does not match the articles"
                           : "the full-text index or the stored text cannot be read";
    int rc = vn_buf_printf(report, "fts5 integrity-check: %s (%s)\n", what, sqlite3_errmsg(db));
    return rc == VN_OK ? VN_OK : vn_err_set(err, rc, "out of memory");
}

/* FTS5's integrity-check (before SQLite 3.44) does not read an external
 * content table, so a second check compares the index with the text: a
 * sum of hashes of every (article, column, position, term), once from
 * the articles' text through the tokenizer, once from the index through
 * fts5vocab. Order does not matter; any missing, extra or changed token
 * changes the sum. */
#define FTS_MAX_TOKEN 32768 /* FTS5 keeps this much of a longer token */

typedef struct tok_sum {
    uint64_t sum;
    int64_t doc;
    int col, ntok;       /* column; tokens so far in it */
    int64_t bad_sizes;   /* articles whose token counts differ from docsize's */
} tok_sum;

static uint64_t token_hash(int64_t doc, int col, int pos, const char *term, int n)
{
    uint64_t h = 14695981039346656037ull; /* FNV-1a, then a splitmix64 finish */
    for (int i = 0; i < n; i++)
        h = (h ^ (unsigned char)term[i]) * 1099511628211ull;
    h ^= (uint64_t)doc * 0x9E3779B97F4A7C15ull ^ (uint64_t)col << 48 ^ (uint64_t)pos << 20;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

/* As FTS5 positions tokens: a colocated one shares the previous position. */
static int on_token(void *ctx, int flags, const char *term, int n, int start, int end)
{
    tok_sum *t = ctx;
    (void)start;
    (void)end;
    if (!(flags & FTS5_TOKEN_COLOCATED) || t->ntok == 0)
        t->ntok++;
    t->sum += token_hash(t->doc, t->col, t->ntok - 1, term, n > FTS_MAX_TOKEN ? FTS_MAX_TOKEN : n);
    return SQLITE_OK;
}

#define FTS_MAX_COLS 8

/* The columns of article_fts in their order, the order of its docsize
 * counts and of the view article_text it reads. */
typedef struct fts_cols {
    int n;
    char name[FTS_MAX_COLS][32];
} fts_cols;

static int fts_columns(sqlite3 *db, fts_cols *c, vn_err *err)
{
    sqlite3_stmt *s = NULL;
    c->n = 0;
    int rc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('article_fts')", -1, &s,
                                NULL) == SQLITE_OK ? VN_OK : sql_error(db, "no index", err);
    while (rc == VN_OK && sqlite3_step(s) == SQLITE_ROW && c->n < FTS_MAX_COLS) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        snprintf(c->name[c->n++], sizeof c->name[0], "%s", name ? name : "");
    }
    sqlite3_finalize(s);
    if (rc == VN_OK && c->n == 0)
        rc = vn_err_set(err, VN_EDB, "the full-text table has no columns");
    return rc;
}

/* Tokenize every article's text as FTS5 would. OUT: *sum, and
 * *bad_sizes, the articles whose docsize row disagrees. */
static int text_sum(sqlite3 *db, const fts_cols *cols, uint64_t *sum, int64_t *bad_sizes,
                    vn_err *err)
{
    fts5_api *api = vn_tok_api(db);
    fts5_tokenizer mod;
    Fts5Tokenizer *tok = NULL;
    void *ud = NULL;
    sqlite3_stmt *s = NULL;
    tok_sum t = {0};
    vn_buf sql = VN_BUF_INIT;
    int rc = api != NULL && api->xFindTokenizer(api, VN_TOK_NAME, &ud, &mod) == SQLITE_OK
                     && mod.xCreate(ud, NULL, 0, &tok) == SQLITE_OK
                 ? VN_OK : vn_err_set(err, VN_EDB, "cannot start the " VN_TOK_NAME " tokenizer");
    vn_buf_puts_rc(&sql, "SELECT t.id, d.sz", &rc);
    for (int c = 0; c < cols->n; c++)
        vn_buf_printf_rc(&sql, &rc, ", t.\"%s\"", cols->name[c]);
    vn_buf_puts_rc(&sql, " FROM article_text t LEFT JOIN article_fts_docsize d ON d.id = t.id",
                   &rc);
    if (rc == VN_OK && sqlite3_prepare_v2(db, sql.data, -1, &s, NULL) != SQLITE_OK)
        rc = sql_error(db, "cannot read the articles", err);
    int step = SQLITE_DONE;
    while (rc == VN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t size[FTS_MAX_COLS];
        int nsize = vn_fts_docsize(sqlite3_column_blob(s, 1), sqlite3_column_bytes(s, 1),
                                   size, cols->n),
            bad = nsize != cols->n;
        t.doc = sqlite3_column_int64(s, 0);
        for (t.col = 0; rc == VN_OK && t.col < cols->n; t.col++) {
            const char *text = (const char *)sqlite3_column_text(s, 2 + t.col);
            t.ntok = 0;
            if (text != NULL && mod.xTokenize(tok, &t, FTS5_TOKENIZE_DOCUMENT, text,
                                              sqlite3_column_bytes(s, 2 + t.col), on_token)
                                    != SQLITE_OK)
                rc = vn_err_set(err, VN_EDB, "cannot tokenize article %lld", (long long)t.doc);
            bad |= t.col < nsize && size[t.col] != t.ntok;
        }
        *bad_sizes += bad;
    }
    if (rc == VN_OK && step != SQLITE_DONE)
        rc = sql_error(db, "cannot read the articles", err);
    sqlite3_finalize(s);
    vn_buf_free(&sql);
    if (tok != NULL)
        mod.xDelete(tok);
    *sum = t.sum;
    return rc;
}

/* The same sum from the index's side, every (term, article, column,
 * position) it holds. */
static int index_sum(sqlite3 *db, const fts_cols *cols, uint64_t *sum, vn_err *err)
{
    sqlite3_stmt *s = NULL;
    *sum = 0;
    int rc = sql_exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vn_admin_instance"
                      " USING fts5vocab(main, 'article_fts', 'instance')",
                      "cannot read the index", err);
    if (rc == VN_OK && sqlite3_prepare_v2(db, "SELECT doc, col, offset, term"
                                          " FROM temp.vn_admin_instance", -1, &s, NULL)
                           != SQLITE_OK)
        rc = sql_error(db, "cannot read the index", err);
    int step = SQLITE_DONE;
    while (rc == VN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(s, 1);
        int c = 0;
        while (c < cols->n && (col == NULL || strcmp(col, cols->name[c]) != 0))
            c++;
        *sum += token_hash(sqlite3_column_int64(s, 0), c, sqlite3_column_int(s, 2),
                           (const char *)sqlite3_column_blob(s, 3), sqlite3_column_bytes(s, 3));
    }
    if (rc == VN_OK && step != SQLITE_DONE)
        rc = sql_error(db, "cannot read the index", err);
    sqlite3_finalize(s);
    sqlite3_exec(db, "DROP TABLE IF EXISTS temp.vn_admin_instance", NULL, NULL, NULL);
    return rc;
}

static int check_text(sqlite3 *db, int *damaged, vn_buf *report, vn_err *err)
{
    uint64_t from_text = 0, from_index = 0;
    int64_t bad_sizes = 0, nsizes = 0, narticles = 0;
    fts_cols cols;
    int rc = fts_columns(db, &cols, err);
    if (rc == VN_OK)
        rc = text_sum(db, &cols, &from_text, &bad_sizes, err);
    if (rc == VN_OK)
        rc = index_sum(db, &cols, &from_index, err);
    if (rc == VN_OK)
        rc = sql_int(db, "SELECT count(*) FROM article_fts_docsize", &nsizes, err);
    if (rc == VN_OK)
        rc = sql_int(db, "SELECT count(*) FROM article", &narticles, err);
    if (rc != VN_OK && rc != VN_EBUSY && rc != VN_ENOMEM) { /* unreadable text or index */
        *damaged = 1;
        rc = vn_buf_printf(report, "text check: %s\n", err->msg);
    } else if (rc == VN_OK && from_text != from_index) {
        *damaged = 1;
        rc = vn_buf_puts(report, "text check: the full-text index does not match the"
                         " articles' text\n");
    } else if (rc == VN_OK && (bad_sizes > 0 || nsizes != narticles)) {
        *damaged = 1;
        rc = vn_buf_printf(report, "text check: the index's token counts are wrong for %lld of"
                           " %lld articles (%lld counted)\n", (long long)bad_sizes,
                           (long long)narticles, (long long)nsizes);
    }
    return rc == VN_ENOMEM ? vn_err_set(err, rc, "out of memory") : rc;
}

int vn_admin_check(vn_store *st, int *damaged, vn_buf *report, vn_err *err)
{
    sqlite3 *db = vn_store_db(st);
    *damaged = 0;
    /* One read transaction: the text and the index from the same state. */
    int rc = check_pages(db, damaged, report, err);
    if (rc == VN_OK)
        rc = check_fts(db, damaged, report, err);
    if (rc == VN_OK && !*damaged)
        rc = sql_exec(db, "BEGIN", "cannot start a read transaction", err);
    if (rc == VN_OK && !*damaged) {
        rc = check_text(db, damaged, report, err);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    return rc;
}

/* ---- --optimize and the merges after a run -------------------------------------- */

static int merge_all(sqlite3 *db, vn_err *err)
{
    return sql_exec(db, "INSERT INTO article_fts(article_fts) VALUES('optimize')",
                    "cannot merge the full-text index", err);
}

int vn_admin_optimize(vn_store *st, vn_err *err)
{
    sqlite3 *db = vn_store_db(st);
    int64_t free_pages = 0, pages = 0;
    int rc = merge_all(db, err);
    if (rc == VN_OK)
        rc = vn_store_meta_set(st, "changes_since_merge", "0", err);
    if (rc == VN_OK)
        rc = sql_int(db, "PRAGMA freelist_count", &free_pages, err);
    if (rc == VN_OK)
        rc = sql_int(db, "PRAGMA page_count", &pages, err);
    if (rc == VN_OK && free_pages * 4 > pages)
        rc = sql_exec(db, "VACUUM", "cannot compact the database", err);
    if (rc == VN_OK)
        rc = sql_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", "cannot checkpoint", err);
    return rc;
}

static int meta_int(vn_store *st, const char *key, int64_t *out, vn_err *err)
{
    char *v = NULL;
    int rc = vn_store_meta_get(st, key, &v, err);
    *out = v != NULL ? strtoll(v, NULL, 10) : 0;
    free(v);
    return rc;
}

static int meta_printf(vn_store *st, const char *key, vn_err *err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static int meta_printf(vn_store *st, const char *key, vn_err *err, const char *fmt, ...)
{
    char v[64];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(v, sizeof v, fmt, ap);
    va_end(ap);
    return vn_store_meta_set(st, key, v, err);
}

static int record_run(vn_store *st, const index_counts *n, time_t started, double seconds,
                      vn_err *err)
{
    char at[32];
    struct tm tm;
    gmtime_r(&started, &tm);
    strftime(at, sizeof at, "%Y-%m-%dT%H:%M:%SZ", &tm);
    const size_t counts[] = {n->added, n->updated, n->removed, n->unchanged, n->failed,
                             n->warned};
    int rc = vn_store_meta_set(st, run_keys[0], at, err);
    if (rc == VN_OK)
        rc = meta_printf(st, run_keys[1], err, "%.2f", seconds);
    for (size_t i = 2; rc == VN_OK && i < NRUN_KEYS; i++)
        rc = meta_printf(st, run_keys[i], err, "%zu", counts[i - 2]);
    return rc;
}

/* Full merge once enough has changed since the last one; in between,
 * FTS5's automerge keeps the small b-trees in check. */
static int tidy(vn_store *st, const index_counts *n, int *merged, vn_err *err)
{
    int64_t changes = 0, articles = 0, segments = 0;
    int rc = meta_int(st, "changes_since_merge", &changes, err);
    changes += (int64_t)(n->added + n->updated + n->removed);
    if (rc == VN_OK)
        rc = vn_store_count(st, &articles, err);
    if (rc == VN_OK)
        rc = sql_int(vn_store_db(st), "SELECT count(DISTINCT segid) FROM article_fts_idx",
                     &segments, err);
    *merged = rc == VN_OK && changes > 0
              && (changes * 100 >= articles * MERGE_PERCENT || segments > MERGE_SEGMENTS);
    if (*merged) {
        rc = merge_all(vn_store_db(st), err);
        changes = 0;
    }
    if (rc == VN_OK)
        rc = meta_printf(st, "changes_since_merge", err, "%lld", (long long)changes);
    return rc;
}

int vn_admin_finish_run(vn_store *st, const index_counts *n, time_t started, double seconds,
                        int *merged, vn_err *err)
{
    *merged = 0;
    int rc = vn_store_begin(st, err);
    if (rc == VN_OK)
        rc = record_run(st, n, started, seconds, err);
    if (rc == VN_OK)
        rc = tidy(st, n, merged, err);
    if (rc == VN_OK)
        rc = vn_store_commit(st, err);
    if (rc != VN_OK)
        vn_store_rollback(st);
    return rc;
}

/* ---- public URLs ------------------------------------------------------------------- */

#define URL_KEY "base_url:" /* vn_meta key prefix; the root follows */

typedef struct url_root {
    char *root;    /* absolute folder, no trailing slash */
    char *url;     /* "" when removed */
    int dirty;     /* differs from the store */
} url_root;

struct vn_urlmap {
    url_root *r;
    size_t n, cap;
    const char *key; /* vn_meta key prefix: URL_KEY or VN_SELECTOR_KEY */
};

void vn_urlmap_free(vn_urlmap *m)
{
    if (m == NULL)
        return;
    for (size_t i = 0; i < m->n; i++) {
        free(m->r[i].root);
        free(m->r[i].url);
    }
    free(m->r);
    free(m);
}

static int urlmap_add(vn_urlmap *m, const char *root, const char *url)
{
    url_root *p = vn_grow(m->r, &m->cap, m->n + 1, sizeof *p);
    if (p == NULL)
        return VN_ENOMEM;
    m->r = p;
    url_root *e = &m->r[m->n];
    e->root = strdup(root);
    e->url = strdup(url);
    e->dirty = 0;
    if (e->root == NULL || e->url == NULL) {
        free(e->root);
        free(e->url);
        return VN_ENOMEM;
    }
    m->n++;
    return VN_OK;
}

int vn_urlmap_load(vn_store *st, vn_urlmap **out, vn_err *err)
{
    return vn_rootmap_load(st, URL_KEY, out, err);
}

int vn_rootmap_load(vn_store *st, const char *key, vn_urlmap **out, vn_err *err)
{
    sqlite3 *db = vn_store_db(st);
    sqlite3_stmt *s = NULL;
    vn_urlmap *m = calloc(1, sizeof *m);
    const char *sql = "SELECT substr(key, length(?1) + 1), value FROM vn_meta"
                      " WHERE key >= ?1 || '/' AND key < ?1 || '0'";
    *out = NULL;
    int rc = m != NULL ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory");
    if (rc == VN_OK)
        m->key = key;
    if (rc == VN_OK && sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK)
        rc = sql_error(db, "cannot read the folder settings in vn_meta", err);
    if (rc == VN_OK)
        sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int step = SQLITE_DONE;
    while (rc == VN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *root = (const char *)sqlite3_column_text(s, 0);
        const char *url = (const char *)sqlite3_column_text(s, 1);
        if (root != NULL && url != NULL && *url != '\0' && urlmap_add(m, root, url) != VN_OK)
            rc = vn_err_set(err, VN_ENOMEM, "out of memory");
    }
    if (rc == VN_OK && step != SQLITE_DONE)
        rc = sql_error(db, "cannot read the folder settings in vn_meta", err);
    sqlite3_finalize(s);
    if (rc != VN_OK)
        vn_urlmap_free(m);
    else
        *out = m;
    return rc;
}

/* The part of path below root, or NULL when path is not under root. */
static const char *below(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return path[0] == '/' ? path + 1 : NULL;
    if (strncmp(path, root, n) != 0 || path[n] != '/')
        return NULL;
    return path + n + 1;
}

/* The entry of m for the longest root that is path or a folder above it,
 * or NULL; with skip_empty, entries set to "" do not count. OUT: *rel
 * (may be NULL), path below that root ("" for the root itself). */
static const url_root *best_root(const vn_urlmap *m, const char *path, int skip_empty,
                                 const char **rel)
{
    const url_root *best = NULL;
    for (size_t i = 0; m != NULL && i < m->n; i++) {
        const url_root *e = &m->r[i];
        const char *r = strcmp(path, e->root) == 0 ? path + strlen(path) : below(path, e->root);
        if (r == NULL || (skip_empty && *e->url == '\0')
            || (best != NULL && strlen(e->root) <= strlen(best->root)))
            continue;
        best = e;
        if (rel != NULL)
            *rel = r;
    }
    return best;
}

const char *vn_rootmap_get(const vn_urlmap *m, const char *path)
{
    const url_root *e = best_root(m, path, 0, NULL);
    return e != NULL && *e->url != '\0' ? e->url : NULL;
}

int vn_rootmap_set_tree(vn_urlmap *m, const char *root, const char *text, int *changed,
                        vn_err *err)
{
    const char *was = vn_rootmap_get(m, root);
    int set = 0;
    *changed = strcmp(was != NULL ? was : "", text) != 0;
    for (size_t i = 0; i < m->n; i++) /* folders below take root's text now */
        if (below(m->r[i].root, root) != NULL && *m->r[i].url != '\0') {
            *changed |= strcmp(m->r[i].url, text) != 0;
            m->r[i].url[0] = '\0';
            m->r[i].dirty = 1;
        }
    return vn_urlmap_set(m, root, text, &set, err);
}

int vn_urlmap_valid(const char *url)
{
    const char *p = url;
    if (*url == '\0')
        return 1;
    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return 0;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
           || *p == '+' || *p == '-' || *p == '.')
        p++;
    if (strncmp(p, "://", 3) != 0 || p[3] == '\0' || p[3] == '/')
        return 0;
    for (p += 3; *p; p++)
        if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f || strchr("\"<>\\^`{|}", *p))
            return 0;
    return 1;
}

int vn_urlmap_set(vn_urlmap *m, const char *root, const char *url, int *changed, vn_err *err)
{
    *changed = 0;
    for (size_t i = 0; i < m->n; i++) {
        url_root *e = &m->r[i];
        if (strcmp(e->root, root) != 0)
            continue;
        if (strcmp(e->url, url) == 0)
            return VN_OK;
        char *copy = strdup(url);
        if (copy == NULL)
            return vn_err_set(err, VN_ENOMEM, "out of memory");
        free(e->url);
        e->url = copy;
        e->dirty = *changed = 1;
        return VN_OK;
    }
    if (*url == '\0')
        return VN_OK;
    if (urlmap_add(m, root, url) != VN_OK)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    m->r[m->n - 1].dirty = *changed = 1;
    return VN_OK;
}

int vn_urlmap_save(vn_urlmap *m, vn_store *st, vn_err *err)
{
    sqlite3 *db = vn_store_db(st);
    int rc = VN_OK;
    for (size_t i = 0; rc == VN_OK && i < m->n; i++) {
        url_root *e = &m->r[i];
        if (!e->dirty)
            continue;
        vn_buf key = VN_BUF_INIT;
        rc = vn_buf_printf(&key, "%s%s", m->key, e->root) == VN_OK
                 ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory");
        if (rc == VN_OK && *e->url != '\0') {
            rc = vn_store_meta_set(st, key.data, e->url, err);
        } else if (rc == VN_OK) {
            static const char what[] = "cannot forget a folder's setting";
            sqlite3_stmt *s = NULL;
            if (sqlite3_prepare_v2(db, "DELETE FROM vn_meta WHERE key = ?1", -1, &s, NULL)
                != SQLITE_OK)
                rc = sql_error(db, what, err);
            if (rc == VN_OK) {
                sqlite3_bind_text(s, 1, key.data, -1, SQLITE_STATIC);
                if (sqlite3_step(s) != SQLITE_DONE)
                    rc = sql_error(db, what, err);
            }
            sqlite3_finalize(s);
        }
        e->dirty = rc != VN_OK;
        vn_buf_free(&key);
    }
    return rc;
}

/* The part of path below root, or NULL when path is not under root. */
int vn_urlmap_url(const vn_urlmap *m, const char *path, vn_buf *out)
{
    const char *rel = NULL;
    const url_root *best = best_root(m, path, 1, &rel);
    if (best == NULL)
        return 0;
    static const char hex[] = "0123456789ABCDEF";
    size_t nurl = strlen(best->url);
    while (nurl > 0 && best->url[nurl - 1] == '/')
        nurl--;
    int rc = VN_OK;
    vn_buf_add_rc(out, best->url, nurl, &rc);
    vn_buf_add_rc(out, "/", 1, &rc);
    for (const unsigned char *p = (const unsigned char *)rel; rc == VN_OK && *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')
            || strchr("-._~/", *p) != NULL) {
            vn_buf_add_rc(out, p, 1, &rc);
        } else {
            char esc[3] = {'%', hex[*p >> 4], hex[*p & 15]};
            vn_buf_add_rc(out, esc, 3, &rc);
        }
    }
    return rc == VN_OK ? 1 : -1;
}

/* ---- --rebuild ------------------------------------------------------------------- */

/* The vn_meta keys of both folder tables: a prefix, then an absolute root. */
#define SETTINGS_SQL \
    "SELECT key, value FROM vn_meta WHERE (key >= '" URL_KEY "/' AND key < '" URL_KEY "0')" \
    " OR (key >= '" VN_SELECTOR_KEY "/' AND key < '" VN_SELECTOR_KEY "0') ORDER BY key"

int vn_admin_settings_read(const char *db, vn_buf *out, vn_err *err)
{
    sqlite3 *from = NULL;
    sqlite3_stmt *s = NULL;
    int code = sqlite3_open_v2(db, &from, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (code == SQLITE_OK) {
        sqlite3_busy_timeout(from, 10000);
        code = sqlite3_prepare_v2(from, SETTINGS_SQL, -1, &s, NULL);
    }
    int rc = VN_OK, step = SQLITE_DONE;
    while (code == SQLITE_OK && rc == VN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *key = (const char *)sqlite3_column_text(s, 0);
        const char *value = (const char *)sqlite3_column_text(s, 1);
        if (key != NULL && value != NULL) {
            vn_buf_add_rc(out, key, strlen(key) + 1, &rc);
            vn_buf_add_rc(out, value, strlen(value) + 1, &rc);
        }
    }
    if (code == SQLITE_OK && rc == VN_OK && step != SQLITE_DONE)
        code = step;
    if (code != SQLITE_OK)
        rc = vn_err_set(err, VN_EDB, "%s", from != NULL ? sqlite3_errmsg(from)
                                                        : sqlite3_errstr(code));
    else if (rc != VN_OK)
        rc = vn_err_set(err, rc, "out of memory");
    sqlite3_finalize(s);
    sqlite3_close(from);
    return rc;
}

int vn_admin_settings_write(vn_store *st, const vn_buf *settings, size_t *n, vn_err *err)
{
    const char *p = settings->data, *end = p + settings->len;
    *n = 0;
    int rc = vn_store_begin(st, err);
    for (; rc == VN_OK && p != NULL && p < end; (*n)++) {
        const char *value = p + strlen(p) + 1;
        rc = vn_store_meta_set(st, p, value, err);
        p = value + strlen(value) + 1;
    }
    if (rc == VN_OK)
        rc = vn_store_commit(st, err);
    if (rc != VN_OK)
        vn_store_rollback(st);
    return rc;
}
