/* serve_mem.c: see serve_mem.h. */
#include "serve_mem.h"

#include "vn_store.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CHECK_EVERY_MS 1000
#define RELOAD_QUIET_S 2      /* the generation unchanged this long */
#define RETRY_AFTER_S 60      /* after a failed load */

/* One loaded copy, shared by reference count. */
typedef struct copy {
    vn_mem *m;
    int refs;
} copy;

struct serve_mem {
    char *db;
    pthread_t thread;
    pthread_mutex_t lock;  /* guards everything below */
    pthread_cond_t wake;
    int stopping;
    sqlite3 *loading;      /* the connection a load runs on, to interrupt */
    copy *cur;
    double load_ms;
    unsigned loads;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void copy_drop(copy *c)
{
    if (c != NULL && --c->refs == 0) {
        vn_mem_free(c->m);
        free(c);
    }
}

/* Sleep ms unless told to stop. Returns 1 when stopping. */
static int nap(serve_mem *sm, int ms)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += ms / 1000;
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
        until.tv_sec++;
        until.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&sm->lock);
    if (!sm->stopping)
        pthread_cond_timedwait(&sm->wake, &sm->lock, &until);
    int stop = sm->stopping;
    pthread_mutex_unlock(&sm->lock);
    return stop;
}

/* Load a copy and make it current. OUT: *gen, its generation. Returns
 * VN_OK (also when stopping: then nothing changed) or an error. */
static int load(serve_mem *sm, vn_store *st, int64_t *gen)
{
    vn_err err = {0};
    vn_mem *m = NULL;
    double t0 = now_s();
    pthread_mutex_lock(&sm->lock);
    int stopping = sm->stopping;
    sm->loading = stopping ? NULL : vn_store_db(st);
    pthread_mutex_unlock(&sm->lock);
    if (stopping)
        return VN_OK;
    int rc = vn_store_load_mem(st, &m, &err);
    pthread_mutex_lock(&sm->lock);
    sm->loading = NULL;
    stopping = sm->stopping;
    pthread_mutex_unlock(&sm->lock);
    if (stopping) { /* interrupted, or done too late to matter */
        vn_mem_free(m);
        return VN_OK;
    }
    copy *c = rc == VN_OK ? calloc(1, sizeof *c) : NULL;
    if (rc == VN_OK && c == NULL) {
        vn_mem_free(m);
        rc = vn_err_set(&err, VN_ENOMEM, "out of memory");
    }
    if (rc != VN_OK) {
        fprintf(stderr, "vnquery serve: searching through FTS5 for now: %s\n", err.msg);
        return rc;
    }
    *c = (copy){m, 1};
    *gen = vn_mem_generation(m);
    pthread_mutex_lock(&sm->lock);
    copy *old = sm->cur;
    sm->cur = c;
    sm->load_ms = (now_s() - t0) * 1e3;
    sm->loads++;
    copy_drop(old);
    pthread_mutex_unlock(&sm->lock);
    return VN_OK;
}

static void *run(void *arg)
{
    serve_mem *sm = arg;
    vn_store *st = NULL;
    vn_err err = {0};
    int64_t seen = -1, loaded = -1;
    double seen_at = 0.0, failed_at = -1e9;
    for (int stop = 0; !stop; stop = nap(sm, CHECK_EVERY_MS)) {
        int64_t gen = 0;
        double now = now_s();
        if (st == NULL && now - failed_at < RETRY_AFTER_S)
            continue;
        if (st == NULL && vn_store_open(sm->db, VN_STORE_READ, &st, &err) != VN_OK) {
            fprintf(stderr, "vnquery serve: searching through FTS5 for now: %s\n", err.msg);
            failed_at = now;
            continue;
        }
        if (vn_store_generation(st, &gen, &err) != VN_OK)
            continue;
        if (gen != seen) {
            seen = gen;
            seen_at = now;
        }
        int first = loaded < 0;
        int quiet = now - seen_at >= RELOAD_QUIET_S, retry = now - failed_at >= RETRY_AFTER_S;
        if (gen == loaded || !(first || quiet) || !retry)
            continue;
        if (load(sm, st, &loaded) != VN_OK)
            failed_at = now;
    }
    vn_store_close(st);
    return NULL;
}

int serve_mem_start(const char *db, serve_mem **out, vn_err *err)
{
    serve_mem *sm = calloc(1, sizeof *sm);
    *out = NULL;
    if (sm == NULL || (sm->db = strdup(db)) == NULL) {
        free(sm);
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    }
    pthread_mutex_init(&sm->lock, NULL);
    pthread_cond_init(&sm->wake, NULL);
    if (pthread_create(&sm->thread, NULL, run, sm) != 0) {
        pthread_mutex_destroy(&sm->lock);
        pthread_cond_destroy(&sm->wake);
        free(sm->db);
        free(sm);
        return vn_err_set(err, VN_ENOMEM, "cannot start a thread");
    }
    *out = sm;
    return VN_OK;
}

void serve_mem_stop(serve_mem *sm)
{
    if (sm == NULL)
        return;
    pthread_mutex_lock(&sm->lock);
    sm->stopping = 1;
    if (sm->loading != NULL)
        sqlite3_interrupt(sm->loading); /* a load in progress stops at once */
    pthread_cond_signal(&sm->wake);
    pthread_mutex_unlock(&sm->lock);
    pthread_join(sm->thread, NULL);
    copy_drop(sm->cur);
    pthread_mutex_destroy(&sm->lock);
    pthread_cond_destroy(&sm->wake);
    free(sm->db);
    free(sm);
}

const vn_mem *serve_mem_acquire(serve_mem *sm, void **ref)
{
    *ref = NULL;
    if (sm == NULL)
        return NULL;
    pthread_mutex_lock(&sm->lock);
    copy *c = sm->cur;
    if (c != NULL)
        c->refs++;
    pthread_mutex_unlock(&sm->lock);
    *ref = c;
    return c != NULL ? c->m : NULL;
}

void serve_mem_release(serve_mem *sm, void *ref)
{
    if (sm == NULL || ref == NULL)
        return;
    pthread_mutex_lock(&sm->lock);
    copy_drop(ref);
    pthread_mutex_unlock(&sm->lock);
}

void serve_mem_info_get(serve_mem *sm, serve_mem_info *info)
{
    *info = (serve_mem_info){0};
    if (sm == NULL)
        return;
    pthread_mutex_lock(&sm->lock);
    if (sm->cur != NULL) {
        info->ready = 1;
        info->generation = vn_mem_generation(sm->cur->m);
        info->bytes = vn_mem_bytes(sm->cur->m);
    }
    info->load_ms = sm->load_ms;
    info->loads = sm->loads;
    pthread_mutex_unlock(&sm->lock);
}
