/* index.c: see index.h. */
#include "index.h"

#include "extract.h"
#include "vn_buf.h"
#include "vn_norm.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
    int64_t *seen;          /* ids of articles whose file was found */
    size_t nseen, capseen;
    dir_id *dirs;           /* directories on the current walk path */
    size_t ndirs, capdirs;
    int walk_failed;        /* a directory under the current root was unreadable */
    int in_tx;
    size_t batch_docs, batch_bytes, nfiles;
    double t0;
    vn_buf raw, text;
} run;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void problem(run *r, const char *path, const char *fmt, const char *detail)
{
    fprintf(stderr, "vnindex: %s: ", path);
    fprintf(stderr, fmt, detail);
    fputc('\n', stderr);
    if (r->opts->progress)
        fflush(stderr);
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
    if (r->nseen == r->capseen) {
        size_t cap = r->capseen ? r->capseen * 2 : 1024;
        int64_t *p = realloc(r->seen, cap * sizeof *p);
        if (p == NULL)
            return VN_ENOMEM;
        r->seen = p;
        r->capseen = cap;
    }
    r->seen[r->nseen++] = id;
    return VN_OK;
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

/* ---- one file ---------------------------------------------------------- */

/* Read the whole file into r->raw. Returns 0, or an errno value. */
static int read_file(run *r, const char *path, size_t size)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    vn_buf_reset(&r->raw);
    int rc = vn_buf_reserve(&r->raw, size + 1) == VN_OK ? 0 : ENOMEM;
    while (rc == 0) {
        if (r->raw.len > FILE_MAX) {
            rc = EFBIG;
            break;
        }
        if (vn_buf_reserve(&r->raw, 65536) != VN_OK) {
            rc = ENOMEM;
            break;
        }
        ssize_t n = read(fd, r->raw.data + r->raw.len, r->raw.cap - r->raw.len - 1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            rc = n < 0 ? errno : 0;
            break;
        }
        r->raw.len += (size_t)n;
    }
    close(fd);
    if (r->raw.data != NULL)
        r->raw.data[r->raw.len] = '\0';
    return rc;
}

static int64_t content_hash(const char *p, size_t n)
{
    uint64_t a = crc32_z(0, (const Bytef *)p, n);
    uint64_t b = adler32_z(1, (const Bytef *)p, n);
    return (int64_t)((a << 32) | b);
}

/* Turn r->raw into valid UTF-8 text in r->text. Returns 0 when usable;
 * else prints why and returns -1. */
static int decode(run *r, const char *path)
{
    size_t bad = 0;
    if (memchr(r->raw.data, '\0', r->raw.len) != NULL) {
        problem(r, path, "not a text file (%s), skipped", "binary: NUL bytes");
        return -1;
    }
    vn_buf_reset(&r->text);
    if (vn_norm_utf8_clean(r->raw.data, r->raw.len, &r->text, &bad) != VN_OK) {
        problem(r, path, "%s", "out of memory");
        return -1;
    }
    if (bad * 50 > r->raw.len) {
        problem(r, path, "not UTF-8 text (%s), skipped", "too many invalid bytes");
        return -1;
    }
    if (bad > 0) {
        char msg[64];
        snprintf(msg, sizeof msg, "%zu", bad);
        problem(r, path, "%s invalid UTF-8 sequences replaced by U+FFFD", msg);
        r->c->warned++;
    }
    return 0;
}

/* Store the file at path (already read into r->raw). A file that cannot
 * be decoded or extracted is reported; what was stored for it stays. */
static int store_file(run *r, const char *path, const struct stat *sb, int64_t hash,
                      const vn_stored *old, vn_err *err)
{
    vn_article art = {0};
    vn_err xerr;
    int64_t id = old ? old->id : 0;
    if (decode(r, path) != 0
        || (vn_extract_txt(r->text.data, r->text.len, &art, &xerr) != VN_OK
            && (problem(r, path, "%s, skipped", xerr.msg), 1))) {
        r->c->failed++;
        return old ? remember(r, old->id) : VN_OK;
    }
    vn_doc doc = {
        .path = path, .url = art.url, .title = art.title, .date = art.date,
        .author = art.author, .body = art.body, .body_len = art.body_len,
        .size = sb->st_size, .mtime = sb->st_mtime, .hash = hash,
    };
    int rc = batch_open(r, err);
    if (rc == VN_OK)
        rc = vn_store_put(r->st, &doc, &id, err);
    if (rc == VN_OK)
        rc = remember(r, id);
    if (rc == VN_OK) {
        if (old)
            r->c->updated++;
        else
            r->c->added++;
        rc = batch_account(r, r->raw.len, err);
    }
    vn_article_free(&art);
    return rc;
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
    int e = read_file(r, path, (size_t)sb->st_size);
    if (e != 0) {
        problem(r, path, "cannot read: %s", e == EFBIG ? "larger than 64 MB" : strerror(e));
        r->c->failed++;
        return found ? remember(r, old.id) : VN_OK; /* keep what we had */
    }
    int64_t hash = content_hash(r->raw.data ? r->raw.data : "", r->raw.len);
    if (found && old.hash == hash && old.size == (int64_t)r->raw.len) {
        r->c->unchanged++; /* touched, not changed */
        rc = batch_open(r, err);
        if (rc == VN_OK)
            rc = vn_store_touch(r->st, old.id, sb->st_mtime, err);
        return rc == VN_OK ? remember(r, old.id) : rc;
    }
    if (r->raw.len == 0) {
        problem(r, path, "%s, skipped", "empty file");
        r->c->failed++;
        return VN_OK;
    }
    return store_file(r, path, sb, hash, found ? &old : NULL, err);
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
    for (size_t i = 0; i < r->ndirs; i++)
        if (r->dirs[i].dev == sb->st_dev && r->dirs[i].ino == sb->st_ino)
            return VN_OK; /* a loop through a symbolic link */
    if (r->ndirs == r->capdirs) {
        size_t cap = r->capdirs ? r->capdirs * 2 : 16;
        dir_id *p = realloc(r->dirs, cap * sizeof *p);
        if (p == NULL)
            return vn_err_set(err, VN_ENOMEM, "out of memory");
        r->dirs = p;
        r->capdirs = cap;
    }
    r->dirs[r->ndirs++] = (dir_id){sb->st_dev, sb->st_ino};
    char **names;
    size_t n;
    int e = list_dir(dir, &names, &n), rc = VN_OK;
    if (e != 0) {
        problem(r, dir, "cannot read directory: %s", strerror(e));
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
    r->ndirs--;
    return rc;
}

static int walk(run *r, const char *path, vn_err *err)
{
    struct stat sb;
    if (stat(path, &sb) != 0) {
        problem(r, path, "%s", strerror(errno));
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
    int64_t *id;
    size_t n, cap;
} gone;

static int collect_gone(void *ctx, int64_t id, const char *path)
{
    gone *g = ctx;
    (void)path;
    if (bsearch(&id, g->r->seen, g->r->nseen, sizeof id, cmp_id) != NULL)
        return VN_OK;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 256;
        int64_t *p = realloc(g->id, cap * sizeof *p);
        if (p == NULL)
            return VN_ENOMEM;
        g->id = p;
        g->cap = cap;
    }
    g->id[g->n++] = id;
    return VN_OK;
}

/* Remove the articles under root whose files were not seen. */
static int sweep(run *r, const char *root, vn_err *err)
{
    gone g = {r, NULL, 0, 0};
    int rc = vn_store_each_under(r->st, root, collect_gone, &g, err);
    if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory");
    for (size_t i = 0; rc == VN_OK && i < g.n; i++) {
        rc = batch_open(r, err);
        if (rc == VN_OK)
            rc = vn_store_delete(r->st, g.id[i], err);
        if (rc == VN_OK) {
            r->c->removed++;
            rc = batch_account(r, 0, err);
        }
    }
    free(g.id);
    return rc;
}

/* ---- the run -------------------------------------------------------------- */

int index_run(vn_store *st, char *const *paths, size_t npaths, const index_opts *opts,
              index_counts *counts, vn_err *err)
{
    run r = {.st = st, .opts = opts, .c = counts, .t0 = now()};
    char **roots = calloc(npaths + 1, sizeof *roots);
    int *sweepable = calloc(npaths + 1, sizeof *sweepable);
    int rc = roots && sweepable ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory");
    memset(counts, 0, sizeof *counts);
    for (size_t i = 0; rc == VN_OK && i < npaths; i++) {
        roots[i] = realpath(paths[i], NULL);
        if (roots[i] == NULL) {
            problem(&r, paths[i], "%s", strerror(errno));
            counts->failed++;
            continue;
        }
        r.walk_failed = 0;
        rc = walk(&r, roots[i], err);
        sweepable[i] = !r.walk_failed;
    }
    if (r.nseen > 1)
        qsort(r.seen, r.nseen, sizeof *r.seen, cmp_id);
    for (size_t i = 0; rc == VN_OK && i < npaths; i++)
        if (roots[i] != NULL && sweepable[i])
            rc = sweep(&r, roots[i], err);
    if (rc == VN_OK)
        rc = batch_close(&r, err);
    if (rc != VN_OK)
        vn_store_rollback(st);
    if (opts->progress)
        fputs("\r\033[K", stderr);
    for (size_t i = 0; roots && i < npaths; i++)
        free(roots[i]);
    free(roots);
    free(sweepable);
    free(r.seen);
    free(r.dirs);
    vn_buf_free(&r.raw);
    vn_buf_free(&r.text);
    return rc;
}
