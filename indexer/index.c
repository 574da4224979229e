/* index.c: see index.h. */
#include "index.h"

#include "extract.h"
#include "vn_buf.h"
#include "vn_norm.h"
#include "vn_zip.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#define BATCH_DOCS 500             /* articles per transaction */
#define BATCH_BYTES (32u << 20)    /* or this much text */
#define FILE_MAX (64u << 20)       /* larger files are refused */

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

typedef struct run {
    vn_store *st;
    const index_opts *opts;
    index_counts *c;
    vn_buf seen;            /* int64_t ids of articles whose file was found */
    vn_buf dirs;            /* dir_id: directories on the current walk path */
    int walk_failed;        /* a directory under the current root was unreadable */
    int in_tx;
    size_t batch_docs, batch_bytes, nfiles;
    double t0;
    pthread_t worker;
    int has_worker;
    pthread_mutex_t mu;     /* guards the slots' state and the counters below */
    pthread_cond_t cv;
    struct job *slot;       /* QUEUE_LEN jobs */
    size_t head, next, tail; /* next to fill (main), to prepare (worker), to store (main) */
    int stop;
} run;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One line on stderr about path (stderr is unbuffered). */
static void problem(const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "vnindex: %s: ", path);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static void progress(run *r)
{
    if (!r->opts->progress || r->nfiles % 200 != 0)
        return;
    double dt = now() - r->t0;
    fprintf(stderr, "\r%zu files, %.0f/s, %zu new, %zu changed   ", r->nfiles,
            dt > 0 ? r->nfiles / dt : 0.0, r->c->added, r->c->updated);
}

static int remember(run *r, int64_t id)
{
    return vn_buf_add(&r->seen, &id, sizeof id);
}

/* ---- batches ---------------------------------------------------------- */

static int batch_open(run *r, vn_err *err)
{
    int rc = r->in_tx ? VN_OK : vn_store_begin(r->st, err);
    r->in_tx |= rc == VN_OK;
    return rc;
}

static int batch_close(run *r, vn_err *err)
{
    int rc = r->in_tx ? vn_store_commit(r->st, err) : VN_OK;
    r->in_tx = 0;
    r->batch_docs = r->batch_bytes = 0;
    return rc;
}

static int batch_account(run *r, size_t bytes, vn_err *err)
{
    r->batch_docs++;
    r->batch_bytes += bytes;
    if (r->batch_docs >= BATCH_DOCS || r->batch_bytes >= BATCH_BYTES)
        return batch_close(r, err);
    return VN_OK;
}

/* ---- one file, in the worker thread --------------------------------------- */

/* Reading, hashing, decoding, extracting and compressing a file happen in
 * a worker thread, while the main thread walks and writes to SQLite (which
 * is where tokenizing happens). Jobs are taken and stored in walk order. */
#define QUEUE_LEN 32

enum { SLOT_EMPTY, SLOT_PENDING, SLOT_DONE };
enum { OUT_STORE, OUT_TOUCH, OUT_FAIL };

typedef struct job {
    int state;             /* SLOT_*, under the queue's lock */
    char *path;            /* owned */
    struct stat sb;
    int found;             /* old is what the store holds for path */
    vn_stored old;
    int outcome;           /* OUT_*: set by the worker */
    int64_t hash;
    size_t nraw;           /* bytes read */
    vn_article art;
    vn_buf z;              /* the body in vn_zip's stored form */
    vn_buf msg;            /* problems to print, one line each */
    int warned;
} job;

typedef struct worker_bufs {
    vn_buf raw, text;
} worker_bufs;

/* Read the whole file into raw. Returns 0, or an errno value. */
static int read_file(vn_buf *raw, const char *path, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    vn_buf_reset(raw);
    int rc = vn_buf_reserve(raw, size + 1) == VN_OK ? 0 : ENOMEM;
    while (rc == 0) {
        if (raw->len > FILE_MAX) {
            rc = EFBIG;
            break;
        }
        if (vn_buf_reserve(raw, 65536) != VN_OK) {
            rc = ENOMEM;
            break;
        }
        ssize_t n = read(fd, raw->data + raw->len, raw->cap - raw->len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? errno : 0;
            break;
        }
        raw->len += (size_t)n;
    }
    close(fd);
    if (raw->data != NULL)
        raw->data[raw->len] = '\0';
    return rc;
}

static int64_t content_hash(const char *p, size_t n)
{
    uint64_t a = crc32_z(0, (const Bytef *)p, n);
    uint64_t b = adler32_z(1, (const Bytef *)p, n);
    return (int64_t)((a << 32) | b);
}

static int job_fail(job *j, const char *reason)
{
    vn_buf_printf(&j->msg, "vnindex: %s: %s\n", j->path, reason);
    j->outcome = OUT_FAIL;
    return -1;
}

/* Turn raw into valid UTF-8 in text. Returns 0 when usable. */
static int job_decode(job *j, worker_bufs *w)
{
    size_t bad = 0;
    if (memchr(w->raw.data, '\0', w->raw.len) != NULL)
        return job_fail(j, "not a text file (binary: NUL bytes), skipped");
    vn_buf_reset(&w->text);
    if (vn_norm_utf8_clean(w->raw.data, w->raw.len, &w->text, &bad) != VN_OK)
        return job_fail(j, "out of memory, skipped");
    if (bad * 50 > w->raw.len)
        return job_fail(j, "not UTF-8 text (too many invalid bytes), skipped");
    if (bad > 0) {
        vn_buf_printf(&j->msg, "vnindex: %s: %zu invalid UTF-8 sequences replaced by U+FFFD\n",
                      j->path, bad);
        j->warned = 1;
    }
    return 0;
}

/* Everything about one file that needs no database. */
static void job_prepare(job *j, worker_bufs *w)
{
    vn_err err;
    char reason[600];
    int e = read_file(&w->raw, j->path, (size_t)j->sb.st_size);
    if (e != 0) {
        snprintf(reason, sizeof reason, "cannot read: %s",
                 e == EFBIG ? "larger than 64 MB" : strerror(e));
        job_fail(j, reason);
        return;
    }
    j->nraw = w->raw.len;
    j->hash = content_hash(w->raw.data ? w->raw.data : "", w->raw.len);
    j->outcome = OUT_STORE;
    if (j->found && j->old.hash == j->hash && j->old.size == (int64_t)j->nraw) {
        j->outcome = OUT_TOUCH; /* touched, not changed */
        return;
    }
    if (j->nraw == 0) {
        job_fail(j, "empty file, skipped");
        return;
    }
    if (job_decode(j, w) != 0)
        return;
    if (vn_extract_txt(w->text.data, w->text.len, &j->art, &err) != VN_OK) {
        snprintf(reason, sizeof reason, "%s, skipped", err.msg);
        job_fail(j, reason);
        return;
    }
    if (vn_zip_pack(j->art.body, j->art.body_len, VN_ZIP_LEVEL, &j->z, &err) != VN_OK) {
        snprintf(reason, sizeof reason, "%s, skipped", err.msg);
        job_fail(j, reason);
    }
}

static void *worker_main(void *arg)
{
    run *r = arg;
    worker_bufs w = {VN_BUF_INIT, VN_BUF_INIT};
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (!r->stop && r->next == r->head)
            pthread_cond_wait(&r->cv, &r->mu);
        if (r->next == r->head)
            break;
        job *j = &r->slot[r->next % QUEUE_LEN];
        pthread_mutex_unlock(&r->mu);
        job_prepare(j, &w);
        pthread_mutex_lock(&r->mu);
        j->state = SLOT_DONE;
        r->next++;
        pthread_cond_broadcast(&r->cv);
    }
    pthread_mutex_unlock(&r->mu);
    vn_buf_free(&w.raw);
    vn_buf_free(&w.text);
    return NULL;
}

static void job_clear(job *j)
{
    free(j->path);
    vn_article_free(&j->art);
    vn_buf_free(&j->z);
    vn_buf_free(&j->msg);
    memset(j, 0, sizeof *j);
}

/* ---- one file, in the main thread ----------------------------------------- */

/* Write what the worker made of j to the store. */
static int job_store(run *r, job *j, vn_err *err)
{
    int rc = VN_OK;
    int64_t id = j->found ? j->old.id : 0;
    if (j->msg.len > 0)
        fputs(j->msg.data, stderr);
    r->c->warned += (size_t)j->warned;
    if (j->outcome == OUT_FAIL) {
        r->c->failed++;
        return j->found ? remember(r, id) : VN_OK; /* keep what we had */
    }
    rc = batch_open(r, err);
    if (rc == VN_OK && j->outcome == OUT_TOUCH) {
        r->c->unchanged++;
        rc = vn_store_touch(r->st, id, j->sb.st_mtime, err);
        return rc == VN_OK ? remember(r, id) : rc;
    }
    vn_doc doc = {
        .path = j->path, .url = j->art.url, .title = j->art.title, .date = j->art.date,
        .author = j->art.author, .body = j->art.body, .body_len = j->art.body_len,
        .body_z = j->z.data, .body_z_len = j->z.len,
        .size = j->sb.st_size, .mtime = j->sb.st_mtime, .hash = j->hash,
    };
    if (rc == VN_OK)
        rc = vn_store_put(r->st, &doc, &id, err);
    if (rc == VN_OK)
        rc = remember(r, id);
    if (rc == VN_OK) {
        if (j->found)
            r->c->updated++;
        else
            r->c->added++;
        rc = batch_account(r, j->nraw, err);
    }
    return rc;
}

/* Wait for the oldest job and store it. */
static int drain_one(run *r, vn_err *err)
{
    job *j = &r->slot[r->tail % QUEUE_LEN];
    pthread_mutex_lock(&r->mu);
    while (j->state != SLOT_DONE)
        pthread_cond_wait(&r->cv, &r->mu);
    pthread_mutex_unlock(&r->mu);
    int rc = job_store(r, j, err);
    job_clear(j);
    r->tail++;
    return rc;
}

static int drain_all(run *r, vn_err *err)
{
    int rc = VN_OK;
    while (rc == VN_OK && r->tail < r->head)
        rc = drain_one(r, err);
    return rc;
}

/* Hand the file to the worker, storing finished jobs when the queue is
 * full. */
static int submit(run *r, const char *path, const struct stat *sb, const vn_stored *old,
                  vn_err *err)
{
    int rc = VN_OK;
    while (rc == VN_OK && r->head - r->tail == QUEUE_LEN)
        rc = drain_one(r, err);
    if (rc != VN_OK)
        return rc;
    job *j = &r->slot[r->head % QUEUE_LEN];
    if ((j->path = strdup(path)) == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    j->sb = *sb;
    j->found = old != NULL;
    if (old != NULL)
        j->old = *old;
    pthread_mutex_lock(&r->mu);
    j->state = SLOT_PENDING;
    r->head++;
    pthread_cond_broadcast(&r->cv);
    pthread_mutex_unlock(&r->mu);
    return VN_OK;
}

static int index_file(run *r, const char *path, const struct stat *sb, vn_err *err)
{
    vn_stored old;
    int rc = vn_store_lookup(r->st, path, &old, err);
    int found = rc == VN_OK;
    if (rc != VN_OK && rc != VN_ENOTFOUND)
        return rc;
    r->nfiles++;
    progress(r);
    if (found && old.size == sb->st_size && old.mtime == sb->st_mtime) {
        r->c->unchanged++;
        return remember(r, old.id);
    }
    return submit(r, path, sb, found ? &old : NULL, err);
}

/* ---- walking ------------------------------------------------------------ */

static int is_article(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcasecmp(name + n - 4, ".txt") == 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The entries of dir, sorted, without hidden ones. OUT: *names (caller
 * frees each and the array). Returns 0 or an errno value. */
static int list_dir(const char *dir, char ***names, size_t *n)
{
    DIR *d = opendir(dir);
    size_t cap = 0;
    *names = NULL;
    *n = 0;
    if (d == NULL)
        return errno;
    int rc = 0;
    for (struct dirent *e; rc == 0 && (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        if (*n == cap) {
            cap = cap ? cap * 2 : 64;
            char **p = realloc(*names, cap * sizeof *p);
            if (p == NULL) {
                rc = ENOMEM;
                break;
            }
            *names = p;
        }
        if (((*names)[*n] = strdup(e->d_name)) == NULL)
            rc = ENOMEM;
        else
            (*n)++;
    }
    closedir(d);
    if (*n > 1)
        qsort(*names, *n, sizeof **names, cmp_str);
    return rc;
}

static int walk(run *r, const char *path, vn_err *err);

static int walk_dir(run *r, const char *dir, const struct stat *sb, vn_err *err)
{
    const dir_id *open_dirs = (const dir_id *)r->dirs.data, here = {sb->st_dev, sb->st_ino};
    for (size_t i = 0; i < r->dirs.len / sizeof here; i++)
        if (open_dirs[i].dev == here.dev && open_dirs[i].ino == here.ino)
            return VN_OK; /* a loop through a symbolic link */
    if (vn_buf_add(&r->dirs, &here, sizeof here) != VN_OK)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    char **names;
    size_t n;
    int e = list_dir(dir, &names, &n), rc = VN_OK;
    if (e != 0) {
        problem(dir, "cannot read directory: %s", strerror(e));
        r->c->failed++;
        r->walk_failed = 1;
    }
    vn_buf child = VN_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        vn_buf_reset(&child);
        if (rc == VN_OK)
            rc = vn_buf_printf(&child, "%s/%s", dir, names[i]) == VN_OK
                     ? walk(r, child.data, err) : vn_err_set(err, VN_ENOMEM, "out of memory");
        free(names[i]);
    }
    free(names);
    vn_buf_free(&child);
    r->dirs.len -= sizeof here;
    return rc;
}

static int walk(run *r, const char *path, vn_err *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        problem(path, "%s", strerror(errno));
        r->c->failed++;
        r->walk_failed = 1;
        return VN_OK;
    }
    if (S_ISDIR(sb.st_mode))
        return walk_dir(r, path, &sb, err);
    if (!S_ISREG(sb.st_mode) || !is_article(path))
        return VN_OK;
    return index_file(r, path, &sb, err);
}

/* ---- removing what is gone ------------------------------------------------ */

static int cmp_id(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

typedef struct gone {
    const run *r;
    vn_buf id;  /* int64_t ids whose files were not seen */
} gone;

static int collect_gone(void *ctx, int64_t id, const char *path)
{
    gone *g = ctx;
    (void)path;
    if (bsearch(&id, g->r->seen.data, g->r->seen.len / sizeof id, sizeof id, cmp_id) != NULL)
        return VN_OK;
    return vn_buf_add(&g->id, &id, sizeof id);
}

/* Remove the articles under root whose files were not seen. */
static int sweep(run *r, const char *root, vn_err *err)
{
    gone g = {r, VN_BUF_INIT};
    int rc = vn_store_each_under(r->st, root, collect_gone, &g, err);
    if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory");
    const int64_t *ids = (const int64_t *)g.id.data;
    for (size_t i = 0; rc == VN_OK && i < g.id.len / sizeof *ids; i++) {
        rc = batch_open(r, err);
        if (rc == VN_OK)
            rc = vn_store_delete(r->st, ids[i], err);
        if (rc == VN_OK) {
            r->c->removed++;
            rc = batch_account(r, 0, err);
        }
    }
    vn_buf_free(&g.id);
    return rc;
}

/* ---- the worker's life ------------------------------------------------------ */

static int worker_start(run *r, vn_err *err)
{
    r->slot = calloc(QUEUE_LEN, sizeof *r->slot);
    if (r->slot == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    pthread_mutex_init(&r->mu, NULL);
    pthread_cond_init(&r->cv, NULL);
    if (pthread_create(&r->worker, NULL, worker_main, r) != 0)
        return vn_err_set(err, VN_ENOMEM, "cannot start a worker thread");
    r->has_worker = 1;
    return VN_OK;
}

/* Let the worker finish what it holds, join it, free the queue. */
static void worker_stop(run *r)
{
    if (r->slot == NULL)
        return;
    if (r->has_worker) {
        pthread_mutex_lock(&r->mu);
        r->stop = 1;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
        pthread_join(r->worker, NULL);
    }
    for (size_t i = 0; i < QUEUE_LEN; i++)
        job_clear(&r->slot[i]);
    free(r->slot);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
}

/* ---- the run -------------------------------------------------------------- */

int index_run(vn_store *st, char *const *paths, size_t npaths, const index_opts *opts,
              index_counts *counts, vn_err *err)
{
    run r = {.st = st, .opts = opts, .c = counts, .t0 = now()};
    char **roots = calloc(npaths + 1, sizeof *roots);
    int *sweepable = calloc(npaths + 1, sizeof *sweepable);
    memset(counts, 0, sizeof *counts);
    int rc = roots && sweepable ? worker_start(&r, err)
                                : vn_err_set(err, VN_ENOMEM, "out of memory");
    for (size_t i = 0; rc == VN_OK && i < npaths; i++) {
        roots[i] = realpath(paths[i], NULL);
        if (roots[i] == NULL) {
            problem(paths[i], "%s", strerror(errno));
            counts->failed++;
            continue;
        }
        r.walk_failed = 0;
        rc = walk(&r, roots[i], err);
        sweepable[i] = !r.walk_failed;
    }
    if (rc == VN_OK)
        rc = drain_all(&r, err);
    if (r.seen.len > sizeof(int64_t))
        qsort(r.seen.data, r.seen.len / sizeof(int64_t), sizeof(int64_t), cmp_id);
    for (size_t i = 0; rc == VN_OK && i < npaths; i++)
        if (roots[i] != NULL && sweepable[i])
            rc = sweep(&r, roots[i], err);
    if (rc == VN_OK)
        rc = batch_close(&r, err);
    if (rc != VN_OK)
        vn_store_rollback(st);
    worker_stop(&r);
    if (opts->progress)
        fputs("\r\033[K", stderr);
    for (size_t i = 0; roots && i < npaths; i++)
        free(roots[i]);
    free(roots);
    free(sweepable);
    vn_buf_free(&r.seen);
    vn_buf_free(&r.dirs);
    return rc;
}
