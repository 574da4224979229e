/* index.c: see index.h. */
#include "index.h"

#include "admin.h"
#include "charset.h"
#include "extract.h"
#include "html.h"
#include "vn_buf.h"
#include "vn_norm.h"
#include "vn_tok.h"
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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

/* A run into an index that holds articles is one transaction: searches
 * meanwhile see the index as it was until the run commits, then as it
 * is, never a mixture (the archive's zlib dictionary, trained once 1000
 * articles are in, is then trained inside it). A first build (an empty
 * index, or the new one of --rebuild) has no old state to keep: it
 * commits in batches, so a build killed half-way keeps what it did. */
#define BATCH_DOCS 500             /* articles per transaction of a first build */
#define BATCH_BYTES (32u << 20)    /* or this much text */
#define FILE_MAX (64u << 20)       /* larger files are refused */
#define TAPE_MAX (1u << 20)        /* longer bodies are tokenized by the writer */

typedef struct dir_id {
    dev_t dev;
    ino_t ino;
} dir_id;

/* Compressing against the archive's dictionary is the heaviest step: two
 * workers keep the main thread (tokenizing, SQLite) fed on two cores. */
#define WORKERS 2

typedef struct run {
    vn_store *st;
    const index_opts *opts;
    index_counts *c;
    vn_buf seen;            /* int64_t ids of articles whose file was found */
    vn_buf dirs;            /* dir_id: directories on the current walk path */
    vn_buf unseen;          /* paths that could not be walked, each NUL-terminated:
                               the sweep keeps what the index holds under them */
    vn_urlmap *urls;        /* --base-url table */
    vn_urlmap *selectors;   /* --content-selector each root was read with */
    vn_buf url;             /* scratch: one article's URL */
    int force;              /* read every file of this root again (its URL changed) */
    int64_t racy_from;      /* the run's first second: see stored_mtime */
    int in_tx;
    int one_tx;             /* the index held articles: commit only at the end */
    size_t batch_docs, batch_bytes, nfiles;
    size_t total;           /* articles counted before the walk (progress bar) */
    double t0, drawn;       /* start; last progress bar */
    pthread_t worker[WORKERS];
    int nworkers;
    pthread_mutex_t mu;     /* guards the slots' state and the counters below */
    pthread_cond_t cv;
    struct job *slot;       /* QUEUE_LEN jobs */
    size_t head, next, tail; /* next to fill (main), to prepare (worker), to store (main) */
    int stop;
    vn_zip_dict dict;       /* the archive's zlib dictionary, once it has one */
    int has_dict;           /* dict is set: published to the worker under mu */
} run;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* path on stderr with control characters escaped (\n, \x1b), so that a
 * message stays on one line whatever the file is called. */
static void put_path(const char *path, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c == '\n')
            fputs("\\n", stderr);
        else if (c < 0x20 || c == 0x7f)
            fprintf(stderr, "\\x%02x", c);
        else
            fputc(c, stderr);
    }
}

/* Messages the worker wrote about path, with path escaped wherever it
 * appears. */
static void put_messages(const char *msg, const char *path)
{
    size_t npath = strlen(path);
    for (const char *hit; npath > 0 && (hit = strstr(msg, path)) != NULL; msg = hit + npath) {
        fwrite(msg, 1, (size_t)(hit - msg), stderr);
        put_path(path, npath);
    }
    fputs(msg, stderr);
}

/* One line on stderr about path (stderr is unbuffered). */
static void problem(const char *path, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("vnindex: ", stderr);
    put_path(path, strlen(path));
    fputs(": ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

static int is_article(const char *name);

/* ---- the progress bar ------------------------------------------------------ */

#define BAR_WIDTH 24
#define DRAW_EVERY 0.25   /* seconds between redraws (and every 200 files) */

static void eta_text(char *dst, size_t n, double seconds)
{
    long s = seconds < 0 ? 0 : (long)(seconds + 0.5);
    if (s >= 3600)
        snprintf(dst, n, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(dst, n, "%ld:%02ld", s / 60, s % 60);
}

/* On stderr, over the previous one: " 45% [#####.....] 1200 files, 850/s,
 * ETA 0:17", narrowed to the terminal's width; now when force is set,
 * else every DRAW_EVERY seconds or 200 files. */
static void progress(run *r, int force)
{
    if (!r->opts->progress)
        return;
    double t = now(), dt = t - r->t0;
    if (!force && r->nfiles % 200 != 0 && t - r->drawn < DRAW_EVERY)
        return;
    r->drawn = t;
    size_t total = r->total > r->nfiles ? r->total : r->nfiles;
    double rate = dt > 0 ? r->nfiles / dt : 0, done = total ? (double)r->nfiles / total : 1;
    char eta[32] = "--:--", bar[BAR_WIDTH + 1];
    if (rate > 0 && r->nfiles > 0)
        eta_text(eta, sizeof eta, (double)(total - r->nfiles) / rate);
    int fill = (int)(done * BAR_WIDTH);
    memset(bar, '#', (size_t)fill);
    memset(bar + fill, '.', (size_t)(BAR_WIDTH - fill));
    bar[BAR_WIDTH] = '\0';
    struct winsize ws;
    int cols = ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 ? ws.ws_col : 80;
    if (cols >= 75)
        fprintf(stderr, "\r%3d%% [%s] %zu files, %.0f/s, ETA %s\033[K", (int)(done * 100),
                bar, r->nfiles, rate, eta);
    else if (cols >= 45)
        fprintf(stderr, "\r%3d%% %zu files, %.0f/s, ETA %s\033[K", (int)(done * 100),
                r->nfiles, rate, eta);
}

/* Add to *n the articles under path, walked as walk() goes (hidden
 * entries skipped, each folder once) but without sorting or reading. */
static void count_walk(vn_buf *dirs, const char *path, size_t *n)
{
    struct stat sb;
    if (stat(path, &sb) != 0)
        return;
    if (!S_ISDIR(sb.st_mode)) {
        *n += S_ISREG(sb.st_mode) && is_article(path);
        return;
    }
    const dir_id *open_dirs = (const dir_id *)dirs->data, here = {sb.st_dev, sb.st_ino};
    for (size_t i = 0; i < dirs->len / sizeof here; i++)
        if (open_dirs[i].dev == here.dev && open_dirs[i].ino == here.ino)
            return;
    DIR *d = opendir(path);
    if (d == NULL || vn_buf_add(dirs, &here, sizeof here) != VN_OK) {
        if (d != NULL)
            closedir(d);
        return;
    }
    vn_buf child = VN_BUF_INIT;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (e->d_name[0] == '.')
            continue;
        vn_buf_reset(&child);
        if (vn_buf_printf(&child, "%s/%s", path, e->d_name) != VN_OK)
            break;
        if (e->d_type == DT_REG)
            *n += is_article(child.data);
        else if (e->d_type == DT_DIR || e->d_type == DT_LNK || e->d_type == DT_UNKNOWN)
            count_walk(dirs, child.data, n);
    }
    vn_buf_free(&child);
    closedir(d);
    dirs->len -= sizeof here;
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

/* Hand the archive's zlib dictionary to the worker once the store has
 * one (from the start, or trained by a commit once 1000 articles are in):
 * bodies prepared from then on are compressed against it. */
static int publish_dict(run *r, vn_err *err)
{
    vn_zip_dict d;
    if (r->has_dict)
        return VN_OK;
    int rc = vn_store_dict(r->st, &d, err);
    if (rc != VN_OK)
        return rc == VN_ENOTFOUND ? VN_OK : rc;
    pthread_mutex_lock(&r->mu);
    r->dict = d;
    r->has_dict = 1;
    pthread_mutex_unlock(&r->mu);
    return VN_OK;
}

static int batch_close(run *r, vn_err *err)
{
    int rc = r->in_tx ? vn_store_commit(r->st, err) : VN_OK;
    r->in_tx = 0;
    r->batch_docs = r->batch_bytes = 0;
    if (rc == VN_OK)
        rc = publish_dict(r, err);
    return rc;
}

static int batch_account(run *r, size_t bytes, vn_err *err)
{
    r->batch_docs++;
    r->batch_bytes += bytes;
    if (!r->one_tx && (r->batch_docs >= BATCH_DOCS || r->batch_bytes >= BATCH_BYTES))
        return batch_close(r, err);
    /* one transaction: the dictionary is trained inside it, at the same
     * points as the batches would have trained it */
    if (r->one_tx && !r->has_dict && r->batch_docs % BATCH_DOCS == 0) {
        int rc = vn_store_train(r->st, err);
        return rc == VN_OK ? publish_dict(r, err) : rc;
    }
    return VN_OK;
}

/* ---- one file, in the worker thread --------------------------------------- */

/* Reading, hashing, decoding, extracting and compressing a file happen in
 * WORKERS worker threads, while the main thread walks and writes to SQLite
 * (which is where tokenizing happens). Workers take jobs in walk order and
 * the main thread stores them in that order. */
#define QUEUE_LEN 32

enum { SLOT_EMPTY, SLOT_PENDING, SLOT_DONE };
enum { OUT_STORE, OUT_TOUCH, OUT_FAIL };

typedef struct job {
    int state;             /* SLOT_*, under the queue's lock */
    char *path;            /* owned */
    const char *selector;  /* --content-selector for an .html page, or NULL
                              (borrowed from the run's root) */
    struct stat sb;
    int found;             /* old is what the store holds for path */
    vn_stored old;
    int outcome;           /* OUT_*: set by the worker */
    int64_t hash;
    size_t nraw;           /* bytes read */
    vn_article art;
    vn_buf z;              /* the body in vn_zip's stored form */
    vn_tape tape;          /* title's and body's tokens, or none (ntext 0) */
    vn_buf msg;            /* problems to print, one line each */
    int warned;
} job;

typedef struct worker_bufs {
    vn_buf raw, text;
    vn_zip_dict dict;      /* what bodies are compressed against (none: n == 0) */
    const index_opts *opts; /* borrowed from the run */
    vn_zip_packer *packer; /* loaded with dict, or NULL */
    vn_tok *maker;         /* tokenizes ahead for the writer, or NULL */
    int no_maker;          /* opening one failed: the writer tokenizes */
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

/* Turn raw into valid UTF-8 in text (see charset.h). Returns 0 when
 * usable: a binary file is not. A guessed charset is noted; replaced
 * bytes (however many: the text around them is still worth finding) and
 * an unknown declared charset are warnings, shown even with --quiet. */
static int job_decode(job *j, worker_bufs *w)
{
    vn_charset_info cs;
    vn_err err;
    char reason[600];
    if (vn_charset_decode(w->raw.data, w->raw.len, vn_html_path(j->path), &w->text, &cs, &err)
        != VN_OK) {
        snprintf(reason, sizeof reason, "%s, skipped", err.msg);
        return job_fail(j, reason);
    }
    if (cs.ignored[0] != '\0' && cs.ignored_unknown) {
        vn_buf_printf(&j->msg, "vnindex: %s: declares charset '%s', which iconv does not know;"
                      " read as %s\n", j->path, cs.ignored, cs.name);
        j->warned = 1;
    }
    if (cs.how == VN_CHARSET_DETECTED && !w->opts->quiet)
        vn_buf_printf(&j->msg, "vnindex: %s: no charset declared, decoded as %s (detected)\n",
                      j->path, cs.name);
    if (cs.ninvalid > 0) {
        vn_buf_printf(&j->msg, "vnindex: %s: %zu invalid %s sequences replaced by U+FFFD"
                      " (%zu byte%s)\n", j->path, cs.ninvalid, cs.name, cs.ninvalid_bytes,
                      cs.ninvalid_bytes == 1 ? "" : "s");
        j->warned = 1;
    }
    return 0;
}

/* Tokenize the article here, for the writer to replay (vn_tok.h): the
 * writer thread runs SQLite and is the one the build waits for. Anything
 * that goes wrong leaves no tape, and the writer tokenizes itself. */
static void job_tape(job *j, worker_bufs *w)
{
    vn_err err;
    if (j->art.body_len > TAPE_MAX || w->no_maker)
        return;
    if (w->maker == NULL && vn_tok_open_maker(&w->maker, &err) != VN_OK) {
        w->no_maker = 1;
        return;
    }
    const char *text[2] = {j->art.title ? j->art.title : "", j->art.body ? j->art.body : ""};
    size_t n[2] = {strlen(text[0]), j->art.body ? j->art.body_len : 0};
    if (vn_tok_tape(w->maker, text, n, 2, &j->tape, &err) != VN_OK)
        vn_tape_free(&j->tape);
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
    int missed = 0;
    int rc = vn_html_path(j->path)
                 ? vn_extract_html(w->text.data, w->text.len, j->selector,
                                   &j->art, &missed, &err)
                 : vn_extract_txt(w->text.data, w->text.len, &j->art, &err);
    if (rc != VN_OK) {
        snprintf(reason, sizeof reason, "%s, skipped", err.msg);
        job_fail(j, reason);
        return;
    }
    if (missed && !w->opts->quiet)
        vn_buf_printf(&j->msg, "vnindex: %s: --content-selector matched nothing; the article"
                      " was found by text density\n", j->path);
    /* a packer for the dictionary in force (one is trained mid-run) */
    uint32_t id = w->dict.n > 0 ? w->dict.id : 0;
    rc = VN_OK;
    if (w->packer == NULL || vn_zip_packer_dict_id(w->packer) != id) {
        vn_zip_packer_close(w->packer);
        rc = vn_zip_packer_open(&w->dict, VN_ZIP_LEVEL, &w->packer, &err);
    }
    if (rc == VN_OK)
        rc = vn_zip_packer_pack(w->packer, j->art.body, j->art.body_len, &j->z, &err);
    if (rc != VN_OK) {
        snprintf(reason, sizeof reason, "%s, skipped", err.msg);
        job_fail(j, reason);
        return;
    }
    job_tape(j, w);
}

static void *worker_main(void *arg)
{
    run *r = arg;
    worker_bufs w = {VN_BUF_INIT, VN_BUF_INIT, {0}, r->opts, NULL, NULL, 0};
    pthread_mutex_lock(&r->mu);
    for (;;) {
        while (!r->stop && r->next == r->head)
            pthread_cond_wait(&r->cv, &r->mu);
        if (r->next == r->head)
            break;
        job *j = &r->slot[r->next++ % QUEUE_LEN]; /* this worker's */
        w.dict = r->dict;
        pthread_mutex_unlock(&r->mu);
        job_prepare(j, &w);
        pthread_mutex_lock(&r->mu);
        j->state = SLOT_DONE;
        pthread_cond_broadcast(&r->cv);
    }
    pthread_mutex_unlock(&r->mu);
    vn_buf_free(&w.raw);
    vn_buf_free(&w.text);
    vn_zip_packer_close(w.packer);
    vn_tok_close(w.maker);
    return NULL;
}

static void job_clear(job *j)
{
    free(j->path);
    vn_article_free(&j->art);
    vn_buf_free(&j->z);
    vn_buf_free(&j->msg);
    vn_tape_free(&j->tape);
    memset(j, 0, sizeof *j);
}

/* ---- one file, in the main thread ----------------------------------------- */

/* The mtime to record for j's file. One written in a second this run has
 * seen (or in the future) could be rewritten within that second after we
 * read it, keeping its size and mtime ("racily clean", as git says): it
 * is recorded as RACY_MTIME, which no file has, so that the next run
 * reads it again (and records its mtime once that is in the past). */
#define RACY_MTIME INT64_MIN
static int64_t stored_mtime(const run *r, const job *j)
{
    return (int64_t)j->sb.st_mtime >= r->racy_from ? RACY_MTIME : (int64_t)j->sb.st_mtime;
}

/* Write what the worker made of j to the store. */
static int job_store(run *r, job *j, vn_err *err)
{
    int rc = VN_OK;
    int64_t id = j->found ? j->old.id : 0;
    if (j->msg.len > 0)
        put_messages(j->msg.data, j->path);
    r->c->warned += (size_t)j->warned;
    if (j->outcome == OUT_FAIL) {
        r->c->failed++;
        return j->found ? remember(r, id) : VN_OK; /* keep what we had */
    }
    rc = batch_open(r, err);
    if (rc == VN_OK && j->outcome == OUT_TOUCH) {
        r->c->unchanged++;
        if (stored_mtime(r, j) != j->old.mtime) /* else read again only to be sure */
            rc = vn_store_touch(r->st, id, stored_mtime(r, j), err);
        return rc == VN_OK ? remember(r, id) : rc;
    }
    const char *url = j->art.url != NULL && *j->art.url != '\0' ? j->art.url : NULL;
    if (url == NULL) { /* none of its own: from --base-url, if any */
        vn_buf_reset(&r->url);
        int mapped = vn_urlmap_url(r->urls, j->path, &r->url);
        if (mapped < 0)
            return vn_err_set(err, VN_ENOMEM, "out of memory");
        url = mapped ? r->url.data : NULL;
    }
    vn_doc doc = {
        .path = j->path, .url = url, .title = j->art.title, .date = j->art.date,
        .author = j->art.author, .body = j->art.body, .body_len = j->art.body_len,
        .body_z = j->z.data, .body_z_len = j->z.len,
        .size = j->sb.st_size, .mtime = stored_mtime(r, j), .hash = j->hash,
        .tape = j->tape.ntext > 0 ? &j->tape : NULL,
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
    /* the folder's own, or, for --rebuild without --content-selector, what
     * the index remembers for the nearest folder above the file */
    j->selector = vn_rootmap_get(r->selectors, path);
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
    progress(r, 0);
    if (found && r->force)
        old.size = -1; /* looks changed: read and stored again, URL included */
    if (found && old.size == sb->st_size && old.mtime == sb->st_mtime) {
        r->c->unchanged++;
        return remember(r, old.id);
    }
    return submit(r, path, sb, found ? &old : NULL, err);
}

/* ---- walking ------------------------------------------------------------ */

/* .txt, .html and .htm files, any case. */
static int is_article(const char *name)
{
    size_t n = strlen(name);
    return (n > 4 && strcasecmp(name + n - 4, ".txt") == 0) || vn_html_path(name);
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
        char **p = vn_grow(*names, &cap, *n + 1, sizeof *p);
        if (p == NULL) {
            rc = ENOMEM;
            break;
        }
        *names = p;
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

/* path could not be walked: the sweep must keep the articles under it. */
static int unseen(run *r, const char *path, vn_err *err)
{
    return vn_buf_add(&r->unseen, path, strlen(path) + 1) == VN_OK
               ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory");
}

/* Is path, or a folder above it, one that could not be walked? */
static int is_unseen(const run *r, const char *path)
{
    const char *p = r->unseen.data, *end = p + r->unseen.len;
    for (; p != NULL && p < end; p += strlen(p) + 1) {
        size_t n = strlen(p);
        if (strncmp(path, p, n) == 0 && (path[n] == '\0' || path[n] == '/'))
            return 1;
    }
    return 0;
}

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
        rc = unseen(r, dir, err);
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
    struct stat sb, lsb;
    if (stat(path, &sb) != 0) {
        /* A dangling link that is not named like an article may have
         * pointed to a folder: say nothing, keep what it held. */
        int e = errno;
        if (!(lstat(path, &lsb) == 0 && S_ISLNK(lsb.st_mode) && e == ENOENT)
            || is_article(path)) {
            problem(path, "%s", strerror(e));
            r->c->failed++;
        }
        return unseen(r, path, err);
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
    if (is_unseen(g->r, path))
        return VN_OK;
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
    int rc = publish_dict(r, err);
    if (rc != VN_OK)
        return rc;
    for (; r->nworkers < WORKERS; r->nworkers++)
        if (pthread_create(&r->worker[r->nworkers], NULL, worker_main, r) != 0)
            return vn_err_set(err, VN_ENOMEM, "cannot start a worker thread");
    return VN_OK;
}

/* Let the worker finish what it holds, join it, free the queue. */
static void worker_stop(run *r)
{
    if (r->slot == NULL)
        return;
    if (r->nworkers > 0) {
        pthread_mutex_lock(&r->mu);
        r->stop = 1;
        pthread_cond_broadcast(&r->cv);
        pthread_mutex_unlock(&r->mu);
    }
    for (int i = 0; i < r->nworkers; i++)
        pthread_join(r->worker[i], NULL);
    for (size_t i = 0; i < QUEUE_LEN; i++)
        job_clear(&r->slot[i]);
    free(r->slot);
    pthread_mutex_destroy(&r->mu);
    pthread_cond_destroy(&r->cv);
}

/* ---- the run -------------------------------------------------------------- */

/* One PATH of the run. */
typedef struct root {
    char *path;        /* absolute; NULL when it cannot be resolved */
    char *dir;         /* the folder its settings are kept under: path, or a
                          file's own folder */
    int forced;        /* its URL or selector changed: read every file again */
} root;

/* Each path as an absolute root; a path that cannot be resolved is named
 * on stderr and counted, and its root left NULL. */
static int resolve_roots(run *r, char *const *paths, size_t npaths, root *roots, vn_err *err)
{
    for (size_t i = 0; i < npaths; i++) {
        struct stat sb;
        root *o = &roots[i];
        if ((o->path = realpath(paths[i], NULL)) == NULL) {
            problem(paths[i], "%s", strerror(errno));
            r->c->failed++;
            continue;
        }
        if ((o->dir = strdup(o->path)) == NULL)
            return vn_err_set(err, VN_ENOMEM, "out of memory");
        char *slash = strrchr(o->dir, '/');
        if (stat(o->path, &sb) == 0 && !S_ISDIR(sb.st_mode) && slash != NULL)
            slash[slash == o->dir] = '\0'; /* "/a/b.txt" -> "/a", "/b.txt" -> "/" */
    }
    return VN_OK;
}

/* Map each root's folder to url in r->urls (--base-url), or give it and
 * the folders below it the run's --content-selector ("" for none) in
 * r->selectors. OUT: a root where what applies changed is forced, so it
 * is read again. */
static int map_roots(run *r, const char *url, root *roots, size_t npaths, vn_err *err)
{
    int rc = VN_OK;
    const char *sel = r->opts->content_selector ? r->opts->content_selector : "";
    for (size_t i = 0; rc == VN_OK && i < npaths; i++) {
        int changed = 0;
        if (roots[i].dir == NULL)
            continue;
        rc = url != NULL ? vn_urlmap_set(r->urls, roots[i].dir, url, &changed, err)
                         : vn_rootmap_set_tree(r->selectors, roots[i].dir, sel, &changed, err);
        roots[i].forced |= changed;
    }
    return rc;
}

/* Load the folder tables, resolve the roots, decide each one's selector
 * and whether it is read again in full. */
static int prepare_roots(run *r, char *const *paths, size_t npaths, root *roots, vn_err *err)
{
    int rc = vn_urlmap_load(r->st, &r->urls, err);
    if (rc == VN_OK)
        rc = vn_rootmap_load(r->st, VN_SELECTOR_KEY, &r->selectors, err);
    if (rc == VN_OK)
        rc = resolve_roots(r, paths, npaths, roots, err);
    if (rc == VN_OK && r->opts->base_url != NULL)
        rc = map_roots(r, r->opts->base_url, roots, npaths, err);
    /* --rebuild without --content-selector reads with what it carried over */
    if (rc == VN_OK && (r->opts->content_selector != NULL || !r->opts->remembered_selector))
        rc = map_roots(r, NULL, roots, npaths, err);
    return rc;
}

/* Walk every root, then store what is still queued. */
static int walk_roots(run *r, const root *roots, size_t npaths, vn_err *err)
{
    int rc = VN_OK;
    if (r->opts->progress) { /* the bar needs a total */
        vn_buf dirs = VN_BUF_INIT;
        for (size_t i = 0; i < npaths; i++)
            if (roots[i].path != NULL)
                count_walk(&dirs, roots[i].path, &r->total);
        vn_buf_free(&dirs);
    }
    for (size_t i = 0; rc == VN_OK && i < npaths; i++) {
        r->force = roots[i].forced;
        if (roots[i].path != NULL)
            rc = walk(r, roots[i].path, err);
    }
    progress(r, 1); /* the walk is done: 100% */
    if (rc == VN_OK)
        rc = drain_all(r, err);
    return rc;
}

/* Sweep what is gone, save the folder tables and commit. The tables go
 * last: a run that dies before here is redone in full. */
static int finish_roots(run *r, const root *roots, size_t npaths, vn_err *err)
{
    int rc = VN_OK;
    if (r->seen.len > sizeof(int64_t))
        qsort(r->seen.data, r->seen.len / sizeof(int64_t), sizeof(int64_t), cmp_id);
    for (size_t i = 0; rc == VN_OK && i < npaths; i++)
        if (roots[i].path != NULL)
            rc = sweep(r, roots[i].path, err);
    if (rc == VN_OK)
        rc = batch_open(r, err);
    if (rc == VN_OK && r->opts->base_url != NULL)
        rc = vn_urlmap_save(r->urls, r->st, err);
    if (rc == VN_OK)
        rc = vn_urlmap_save(r->selectors, r->st, err);
    if (rc == VN_OK)
        rc = batch_close(r, err);
    return rc;
}

int index_run(vn_store *st, char *const *paths, size_t npaths, const index_opts *opts,
              index_counts *counts, vn_err *err)
{
    run r = {.st = st, .opts = opts, .c = counts, .t0 = now(), .racy_from = time(NULL)};
    root *roots = calloc(npaths + 1, sizeof *roots);
    int64_t narticles = 0;
    memset(counts, 0, sizeof *counts);
    int rc = roots != NULL ? worker_start(&r, err) : vn_err_set(err, VN_ENOMEM, "out of memory");
    if (rc == VN_OK)
        rc = vn_store_count(st, &narticles, err);
    r.one_tx = narticles > 0;
    if (rc == VN_OK)
        rc = prepare_roots(&r, paths, npaths, roots, err);
    if (rc == VN_OK)
        rc = walk_roots(&r, roots, npaths, err);
    if (rc == VN_OK)
        rc = finish_roots(&r, roots, npaths, err);
    if (rc != VN_OK)
        vn_store_rollback(st);
    worker_stop(&r);
    if (opts->progress)
        fputs("\r\033[K", stderr);
    for (size_t i = 0; roots != NULL && i < npaths; i++) {
        free(roots[i].path);
        free(roots[i].dir);
    }
    free(roots);
    vn_urlmap_free(r.urls);
    vn_urlmap_free(r.selectors);
    vn_buf_free(&r.seen);
    vn_buf_free(&r.dirs);
    vn_buf_free(&r.unseen);
    vn_buf_free(&r.url);
    return rc;
}
