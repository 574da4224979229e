/* serve_cache.c: see serve_cache.h. A chained hash table whose entries
 * also sit on a doubly linked list, most recently used first. */
#include "serve_cache.h"

#include "vn_buf.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct entry {
    char *key;
    uint64_t gen;
    uint64_t hash;
    search_res res;          /* owned copy */
    size_t bytes;            /* what this entry costs, roughly */
    struct entry *next;      /* hash chain */
    struct entry *newer, *older;
} entry;

struct serve_cache {
    pthread_mutex_t lock;
    entry **bucket;
    size_t nbucket;          /* a power of two */
    entry *newest, *oldest;
    size_t bytes, max_bytes, entries;
    uint64_t hits, misses;
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

int serve_cache_open(size_t max_bytes, serve_cache **out)
{
    serve_cache *c = calloc(1, sizeof *c);
    *out = NULL;
    if (c == NULL)
        return VN_ENOMEM;
    c->nbucket = 4096;
    c->bucket = calloc(c->nbucket, sizeof *c->bucket);
    if (c->bucket == NULL) {
        free(c);
        return VN_ENOMEM;
    }
    c->max_bytes = max_bytes;
    pthread_mutex_init(&c->lock, NULL);
    *out = c;
    return VN_OK;
}

static void entry_free(entry *e)
{
    if (e == NULL)
        return;
    free(e->key);
    search_res_free(&e->res);
    free(e);
}

void serve_cache_close(serve_cache *c)
{
    if (c == NULL)
        return;
    for (entry *e = c->newest, *older; e != NULL; e = older) {
        older = e->older;
        entry_free(e);
    }
    free(c->bucket);
    pthread_mutex_destroy(&c->lock);
    free(c);
}

char *serve_cache_key(const search_req *rq)
{
    vn_buf k = VN_BUF_INIT;
    int rc = VN_OK;
    vn_buf_printf_rc(&k, &rc, "%d\x1f%d\x1f%d\x1f%s\x1f%s\x1f", rq->limit, rq->offset, rq->sort,
                     rq->since, rq->until);
    vn_buf_puts_rc(&k, rq->q, &rc);
    char *key = NULL;
    if (rc == VN_OK)
        vn_buf_take(&k, &key, NULL);
    vn_buf_free(&k);
    return key;
}

/* ---- copying results ------------------------------------------------------ */

static char *dup_counted(const char *s, size_t *bytes, int *rc)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d == NULL) {
        *rc = VN_ENOMEM;
        return NULL;
    }
    memcpy(d, s, n);
    *bytes += n;
    return d;
}

/* Deep copy of src into *dst (zeroed on failure). OUT: *bytes, the size. */
static int res_copy(search_res *dst, const search_res *src, size_t *bytes)
{
    int rc = VN_OK;
    *dst = *src;
    dst->hits = NULL;
    dst->nhits = 0;
    dst->searched = dup_counted(src->searched, bytes, &rc);
    dst->suggestion = dup_counted(src->suggestion, bytes, &rc);
    if (src->nhits > 0 && rc == VN_OK) {
        dst->hits = calloc((size_t)src->nhits, sizeof *dst->hits);
        if (dst->hits == NULL)
            rc = VN_ENOMEM;
        *bytes += (size_t)src->nhits * sizeof *dst->hits;
    }
    for (int i = 0; rc == VN_OK && i < src->nhits; i++) {
        const vn_hit *s = &src->hits[i];
        vn_hit *h = &dst->hits[i];
        *h = *s;
        h->path = h->url = h->title = h->date = h->author = h->snippet = NULL;
        dst->nhits = i + 1;
        h->path = dup_counted(s->path, bytes, &rc);
        h->url = dup_counted(s->url, bytes, &rc);
        h->title = dup_counted(s->title, bytes, &rc);
        h->date = dup_counted(s->date, bytes, &rc);
        h->author = dup_counted(s->author, bytes, &rc);
        h->snippet = dup_counted(s->snippet, bytes, &rc);
    }
    if (rc != VN_OK)
        search_res_free(dst);
    return rc;
}

/* ---- the table (lock held) ------------------------------------------------- */

static entry **slot_of(serve_cache *c, const char *key, uint64_t hash)
{
    entry **p = &c->bucket[hash & (c->nbucket - 1)];
    while (*p != NULL && ((*p)->hash != hash || strcmp((*p)->key, key) != 0))
        p = &(*p)->next;
    return p;
}

static void unlink_lru(serve_cache *c, entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        c->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        c->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(serve_cache *c, entry *e)
{
    e->older = c->newest;
    e->newer = NULL;
    if (c->newest)
        c->newest->newer = e;
    c->newest = e;
    if (c->oldest == NULL)
        c->oldest = e;
}

/* Take e out of the table and free it. */
static void drop(serve_cache *c, entry *e)
{
    entry **p = slot_of(c, e->key, e->hash);
    if (*p == e)
        *p = e->next;
    unlink_lru(c, e);
    c->bytes -= e->bytes;
    c->entries--;
    entry_free(e);
}

int serve_cache_get(serve_cache *c, const char *key, uint64_t gen, search_res *res)
{
    memset(res, 0, sizeof *res);
    if (c == NULL)
        return 0;
    uint64_t hash = fnv1a(key);
    size_t bytes = 0;
    int hit = 0;
    pthread_mutex_lock(&c->lock);
    entry *e = *slot_of(c, key, hash);
    if (e != NULL && e->gen != gen) {
        drop(c, e); /* the index changed since */
        e = NULL;
    }
    if (e != NULL && res_copy(res, &e->res, &bytes) == VN_OK) {
        unlink_lru(c, e);
        push_newest(c, e);
        hit = 1;
    }
    if (hit)
        c->hits++;
    else
        c->misses++;
    pthread_mutex_unlock(&c->lock);
    return hit;
}

void serve_cache_put(serve_cache *c, const char *key, uint64_t gen, const search_res *res)
{
    if (c == NULL)
        return;
    entry *e = calloc(1, sizeof *e);
    size_t bytes = sizeof *e + strlen(key) + 1;
    if (e == NULL || (e->key = strdup(key)) == NULL || res_copy(&e->res, res, &bytes) != VN_OK
        || bytes > c->max_bytes / 4) {
        entry_free(e);
        return;
    }
    e->gen = gen;
    e->hash = fnv1a(key);
    e->bytes = bytes;
    pthread_mutex_lock(&c->lock);
    entry **p = slot_of(c, key, e->hash);
    if (*p != NULL)
        drop(c, *p);
    p = slot_of(c, key, e->hash);
    *p = e;
    push_newest(c, e);
    c->bytes += bytes;
    c->entries++;
    while (c->bytes > c->max_bytes && c->oldest != NULL && c->oldest != e)
        drop(c, c->oldest);
    pthread_mutex_unlock(&c->lock);
}

void serve_cache_stats_get(serve_cache *c, serve_cache_stats *out)
{
    memset(out, 0, sizeof *out);
    if (c == NULL)
        return;
    pthread_mutex_lock(&c->lock);
    out->hits = c->hits;
    out->misses = c->misses;
    out->entries = c->entries;
    out->bytes = c->bytes;
    pthread_mutex_unlock(&c->lock);
}
