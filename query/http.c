/* http.c: `vnquery serve`, the website's search box over HTTP; see
 * serve.h for the endpoints.
 *
 * libmicrohttpd runs a pool of worker threads (MHD_OPTION_THREAD_POOL_SIZE),
 * each answering its own connections start to finish. The server listens
 * and accepts itself, in a thread of its own, and hands each connection
 * to MHD (MHD_add_connection), which spreads them over the workers: left
 * to accept, one worker could take every connection a client opened at
 * once and the others stay idle (seen under wrk: half the throughput in
 * one run out of five). Before listening the
 * server opens one read-only vn_store per thread (a small pool); a thread
 * takes one on its first request and keeps it (thread-local), and every
 * store is closed after the daemon stops. SQLite's WAL lets the indexer
 * commit while we read: each search is a new read transaction and sees
 * the last commit.
 *
 * Each request first asks its connection for PRAGMA data_version; a change
 * (another process committed) bumps the server's generation, which
 * invalidates the result cache (serve_cache.h) and the titles behind the
 * suggestions (serve_complete.h).
 *
 * Every response carries a Content-Type with its charset, nosniff and a
 * Content-Security-Policy allowing only our own files; nothing but the
 * embedded files is ever served, so no path can reach the file system. */
#include "serve.h"

#include "mhd.h"
#include "out.h"
#include "out_html.h"
#include "search.h"
#include "serve_cache.h"
#include "serve_complete.h"
#include "serve_mem.h"
#include "vn_buf.h"
#include "vn_norm.h"
#include "vn_store.h"
#include "vn_syn.h"

#include <microhttpd.h>
#include <sqlite3.h>

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

enum { EXIT_STOPPED = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_DB = 3 };

/* libmicrohttpd, loaded by serve_main before the daemon starts (mhd.h). */
static const vn_mhd *mhd;

#define Q_MAX_BYTES 1000
#define Q_MAX_TEXT "1000"
#define SHUTDOWN_GRACE_S 10   /* longest wait for requests in progress */
#define TITLES_EVERY_S 5      /* rebuild the suggestion titles at most this often */
#define URI_LOG_MAX 2048      /* bytes of a request line kept for the log */

static const char json_type[] = "application/json; charset=utf-8";
static const char html_type[] = "text/html; charset=utf-8";
static const char text_type[] = "text/plain; charset=utf-8";
static const char csp[] =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "connect-src 'self'; font-src 'none'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'";

static const char usage[] =
    "Usage: vnquery serve [OPTIONS]\n"
    "Answer searches over HTTP: the search page at /, JSON at /api/search and\n"
    "/api/suggest, /healthz for monitoring. Only GET and HEAD.\n"
    "\n"
    "  --db FILE            the index (default: $VNSEARCH_DB, else vnsearch.db)\n"
    "  --listen HOST:PORT   where to listen (default 127.0.0.1:8080; port 0 picks\n"
    "                       a free one; [::1]:8080 for IPv6)\n"
    "  --threads N          worker threads, each with its own connection to the\n"
    "                       index (default: the number of CPUs)\n"
    "  --access-log FILE    append one line per request to FILE\n"
    "  --synonyms FILE      more abbreviations, as for vnquery --synonyms\n"
    "  --cache MB           memory for recent results (default 64; 0: no cache)\n"
    "  --timeout S          close a connection idle for S seconds (default 10)\n"
    "  --max-connections N  open connections at most (default 512)\n"
    "  --per-ip N           open connections from one address at most (default 64)\n"
    "  --no-memory          rank through FTS5 only, without a copy of the index in\n"
    "                       memory (by default one is loaded at start and again\n"
    "                       after each reindex: about 1.3 times the index's size)\n"
    "\n"
    "Endpoints:\n"
    "  GET /?q=&page=&size=&since=&until=&sort=   the search page\n"
    "  GET /api/search?q=&page=&size=&since=&until=&sort=\n"
    "        the JSON of vnquery --json plus page, size and pages; size at\n"
    "        most 50; since/until YYYY-MM-DD, YYYY-MM or YYYY; sort relevance,\n"
    "        date or date-asc; bad values give 400 and {\"error\", \"field\",\n"
    "        \"message\"}\n"
    "  GET /api/suggest?q=   {\"query\", \"suggestions\": [{\"text\", \"kind\"}]}\n"
    "  GET /healthz          {\"status\": \"ok\", \"articles\": N, ...}\n"
    "\n"
    "Prints the address it listens on, then runs until SIGTERM or SIGINT, and\n"
    "stops once the requests in progress are answered.\n"
    "Exit: 0 stopped by a signal, 1 runtime failure, 2 usage, 3 database error.\n";

typedef struct serve_opts {
    const char *db, *listen, *access_log, *synonyms;
    int threads, timeout_s, max_conn, per_ip, cache_mb;
    int no_memory;
} serve_opts;

/* A connection to the index and what goes with it. The server opens one
 * per worker thread before it listens; a thread takes one on its first
 * request and keeps it. The lock is never contended: it only guards
 * against more threads than the pool holds, which MHD does not make. */
typedef struct worker {
    pthread_mutex_t lock;
    vn_store *st;
    vn_norm *nm;
    sqlite3_stmt *dv;      /* PRAGMA data_version */
    int64_t dv_last;       /* what it said last */
} worker;

/* One build of the suggestion titles, shared by reference count. */
typedef struct titles {
    complete_index *ci;
    uint64_t gen;          /* the generation it was read at */
    int refs;
} titles;

typedef struct server {
    serve_opts o;
    struct MHD_Daemon *d;
    pthread_mutex_t lock;  /* guards titles, rebuilding, rebuilt_at */
    worker *pool;          /* o.threads of them */
    atomic_int next_worker;
    titles *titles;
    int rebuilding;
    double rebuilt_at;     /* now_ms() of the last titles build */
    atomic_uint_fast64_t gen;
    atomic_uint_fast64_t mem_searches; /* answered through the copy in memory */
    atomic_int inflight;   /* requests between their first line and their end */
    atomic_int stopping;
    int log_fd;            /* -1: no access log */
    serve_cache *cache;    /* NULL: no cache */
    vn_syn *syn;           /* abbreviations: built in, plus --synonyms */
    serve_mem *mem;        /* the index in memory, or NULL (--no-memory) */
    int listen_fd;         /* ours, -1 when closed */
    pthread_mutex_t conn_lock; /* guards open_conns */
    pthread_cond_t conn_freed;
    int open_conns;        /* connections MHD holds: none accepted past --max-connections */
    pthread_t acceptor;
    int accepting;         /* the acceptor thread runs */
} server;

/* The worker of the calling thread, taken from the pool on its first
 * request. */
static _Thread_local worker *tl_worker;

/* One request, from its first line (on_uri) to its end (on_completed). */
typedef struct request {
    double t0;
    char *uri;             /* as sent, for the access log */
    char method[12], version[12];
    int status;            /* 0 until we answer */
    size_t bytes;
    int seen;              /* on_request has run once */
    int counted;           /* in server.inflight */
} request;

/* What a handler answers. */
typedef struct reply {
    int status;
    const char *type;
    vn_buf body;
    const char *fixed;     /* instead of body: static bytes (embedded files) */
    size_t nfixed;
    const char *cache_control;
    char etag[24];
    const char *allow;
    int retry_after;       /* seconds, or 0 */
} reply;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- workers ---------------------------------------------------------------- */

static int64_t data_version(worker *w)
{
    int64_t v = -1;
    if (sqlite3_step(w->dv) == SQLITE_ROW)
        v = sqlite3_column_int64(w->dv, 0);
    sqlite3_reset(w->dv);
    return v;
}

/* Open w's connection and note its data_version, the baseline that later
 * commits by the indexer move. */
static int worker_open(worker *w, const char *db, vn_err *err)
{
    int rc = vn_store_open(db, VN_STORE_READ, &w->st, err);
    if (rc == VN_OK)
        rc = vn_norm_open(&w->nm, err);
    if (rc == VN_OK && sqlite3_prepare_v3(vn_store_db(w->st), "PRAGMA data_version", -1,
                                          SQLITE_PREPARE_PERSISTENT, &w->dv, NULL) != SQLITE_OK)
        rc = vn_err_set(err, VN_EDB, "%s: %s", db, sqlite3_errmsg(vn_store_db(w->st)));
    if (rc == VN_OK && (w->dv_last = data_version(w)) < 0)
        rc = vn_err_set(err, VN_EDB, "%s: %s", db, sqlite3_errmsg(vn_store_db(w->st)));
    return rc;
}

static void worker_close(worker *w)
{
    sqlite3_finalize(w->dv);
    vn_store_close(w->st);
    vn_norm_close(w->nm);
    w->dv = NULL;
    w->st = NULL;
    w->nm = NULL;
}

static worker *worker_acquire(server *sv)
{
    if (tl_worker == NULL) {
        unsigned i = (unsigned)atomic_fetch_add(&sv->next_worker, 1);
        tl_worker = &sv->pool[i % (unsigned)sv->o.threads];
    }
    pthread_mutex_lock(&tl_worker->lock);
    return tl_worker;
}

static void worker_release(worker *w)
{
    pthread_mutex_unlock(&w->lock);
}

/* The index generation as this request sees it: bumped whenever this
 * connection finds that another one (the indexer) committed. */
static uint64_t generation(server *sv, worker *w)
{
    int64_t v = data_version(w);
    if (v != w->dv_last || v < 0) {
        w->dv_last = v;
        atomic_fetch_add(&sv->gen, 1);
    }
    return atomic_load(&sv->gen);
}

/* ---- suggestion titles ------------------------------------------------------------ */

static void titles_release(server *sv, titles *t)
{
    if (t == NULL)
        return;
    pthread_mutex_lock(&sv->lock);
    int last = --t->refs == 0;
    pthread_mutex_unlock(&sv->lock);
    if (last) {
        complete_free(t->ci);
        free(t);
    }
}

/* Read the titles again (outside the lock). OUT: a new titles with one
 * reference (the server's), or NULL. */
static titles *titles_build(worker *w, uint64_t gen)
{
    vn_err err = {0};
    complete_index *ci = NULL;
    titles *t = NULL;
    if (complete_build(w->st, w->nm, &ci, &err) == VN_OK && (t = calloc(1, sizeof *t)) != NULL) {
        *t = (titles){.ci = ci, .gen = gen, .refs = 1};
        return t;
    }
    fprintf(stderr, "vnquery serve: cannot read titles for suggestions: %s\n",
            err.msg[0] ? err.msg : "out of memory");
    complete_free(ci);
    return NULL;
}

/* The titles to suggest from: the current build, or a new one when the
 * index changed (at most every TITLES_EVERY_S; meanwhile the old one).
 * OUT: a reference (release it), or NULL when none could be read. */
static titles *titles_acquire(server *sv, worker *w)
{
    uint64_t gen = generation(sv, w);
    pthread_mutex_lock(&sv->lock);
    titles *t = sv->titles;
    int rebuild = (t == NULL || t->gen != gen) && !sv->rebuilding
                  && (t == NULL || now_ms() - sv->rebuilt_at >= TITLES_EVERY_S * 1e3);
    if (rebuild)
        sv->rebuilding = 1;
    if (t != NULL)
        t->refs++;
    pthread_mutex_unlock(&sv->lock);
    if (!rebuild)
        return t;
    titles *fresh = titles_build(w, gen), *old = NULL;
    pthread_mutex_lock(&sv->lock);
    sv->rebuilding = 0;
    sv->rebuilt_at = now_ms();
    if (fresh != NULL) {
        old = sv->titles;
        sv->titles = fresh;
        fresh->refs++; /* ours */
    }
    pthread_mutex_unlock(&sv->lock);
    if (fresh == NULL)
        return t;
    titles_release(sv, old); /* the server's reference */
    titles_release(sv, t);   /* ours */
    return fresh;
}

/* ---- replies -------------------------------------------------------------------- */

static int is_api(const char *path)
{
    return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/healthz") == 0;
}

/* {"error": en, "field": field, "message": vi} */
static void json_error(reply *r, int status, const char *field, const char *en, const char *vi)
{
    int rc = VN_OK;
    r->status = status;
    r->type = json_type;
    vn_buf_reset(&r->body);
    vn_buf_puts_rc(&r->body, "{\"error\": ", &rc);
    out_json_string(&r->body, en, &rc);
    vn_buf_puts_rc(&r->body, ", \"field\": ", &rc);
    out_json_string(&r->body, field, &rc);
    vn_buf_puts_rc(&r->body, ", \"message\": ", &rc);
    out_json_string(&r->body, vi, &rc);
    vn_buf_puts_rc(&r->body, "}\n", &rc);
}

/* An error as JSON under /api/ and /healthz, as text elsewhere. */
static void error_reply(reply *r, const char *path, int status, const char *en, const char *vi)
{
    if (is_api(path)) {
        json_error(r, status, NULL, en, vi);
        return;
    }
    r->status = status;
    r->type = text_type;
    vn_buf_reset(&r->body);
    vn_buf_printf(&r->body, "%s\n%s\n", vi, en);
}

/* A failed search or store: busy gives 503 and Retry-After, the rest 500.
 * The details go to stderr, not to the client. */
static void store_failed(reply *r, const char *path, int rc, const vn_err *err)
{
    fprintf(stderr, "vnquery serve: %s: %s\n", path, err->msg);
    if (rc == VN_EBUSY) {
        r->retry_after = 1;
        error_reply(r, path, 503, "the index is busy, try again",
                    "Máy chủ đang bận, xin thử lại sau giây lát.");
    } else {
        error_reply(r, path, 500, "the search failed", "Không tìm được do lỗi máy chủ.");
    }
}

static void add_headers(server *sv, struct MHD_Response *resp, const reply *r)
{
    mhd->add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->type ? r->type : text_type);
    mhd->add_response_header(resp, "X-Content-Type-Options", "nosniff");
    mhd->add_response_header(resp, "Content-Security-Policy", csp);
    mhd->add_response_header(resp, "Referrer-Policy", "no-referrer");
    mhd->add_response_header(resp, "X-Frame-Options", "DENY");
    mhd->add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL,
                            r->cache_control ? r->cache_control : "no-store");
    if (r->etag[0])
        mhd->add_response_header(resp, MHD_HTTP_HEADER_ETAG, r->etag);
    if (r->allow)
        mhd->add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
    if (r->retry_after) {
        char s[16];
        snprintf(s, sizeof s, "%d", r->retry_after);
        mhd->add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, s);
    }
    if (atomic_load(&sv->stopping))
        mhd->add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
}

/* Hand r to MHD (its body included) and note the status for the log. */
static enum MHD_Result send_reply(server *sv, struct MHD_Connection *c, request *rq, reply *r)
{
    struct MHD_Response *resp;
    size_t n;
    if (r->fixed != NULL) {
        n = r->nfixed;
        resp = mhd->create_response_from_buffer(n, (void *)r->fixed, MHD_RESPMEM_PERSISTENT);
    } else if (r->body.len > 0) {
        char *data = NULL;
        vn_buf_take(&r->body, &data, &n);
        resp = mhd->create_response_from_buffer(n, data, MHD_RESPMEM_MUST_FREE);
        if (resp == NULL)
            free(data);
    } else {
        n = 0;
        resp = mhd->create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);
    }
    vn_buf_free(&r->body);
    if (resp == NULL)
        return MHD_NO;
    add_headers(sv, resp, r);
    rq->status = r->status;
    rq->bytes = n;
    enum MHD_Result ok = mhd->queue_response(c, (unsigned)r->status, resp);
    mhd->destroy_response(resp);
    return ok;
}

/* ---- parameters --------------------------------------------------------------------- */

typedef struct params {
    search_req rq;
    const char *q;         /* NULL when absent; borrowed from MHD */
    int page, size;
    const char *field, *en, *vi;  /* the first bad parameter */
} params;

/* The value of the parameter name (decoded), or NULL when absent. OUT: *n,
 * its length, which exceeds strlen() when it holds an encoded NUL. */
static const char *arg(struct MHD_Connection *c, const char *name, size_t *n)
{
    const char *v = NULL;
    *n = 0;
    if (mhd->lookup_connection_value_n(c, MHD_GET_ARGUMENT_KIND, name, strlen(name), &v, n)
        != MHD_YES)
        return NULL;
    return v;
}

/* A date bound: empty is none; OUT: out[11]. Returns 0 or -1. */
static int read_date(const char *v, size_t n, int is_until, char out[11])
{
    if (v == NULL || n == 0)
        return 0;
    return n <= 10 && strlen(v) == n ? search_parse_date(v, is_until, out) : -1;
}

static int bad(params *p, const char *field, const char *en, const char *vi)
{
    p->field = field;
    p->en = en;
    p->vi = vi;
    return -1;
}

static int read_q(struct MHD_Connection *c, params *p)
{
    size_t n;
    const char *q = arg(c, "q", &n);
    if (q == NULL)
        return 0;
    if (n > Q_MAX_BYTES)
        return bad(p, "q", "q is longer than " Q_MAX_TEXT " bytes",
                   "Từ khóa quá dài: tối đa " Q_MAX_TEXT " byte.");
    if (memchr(q, '\0', n) != NULL || !vn_norm_utf8_valid(q, n))
        return bad(p, "q", "q is not valid UTF-8",
                   "Từ khóa có ký tự không hợp lệ (không phải UTF-8).");
    p->q = q;
    return 0;
}

/* A whole number in [lo, hi], or -1. An empty value is the default. */
#define SIZE_ASKED_MAX 999999999999999999L /* 18 digits, all search_parse_int reads */

static int read_int(struct MHD_Connection *c, const char *name, int dflt, int lo, long hi)
{
    size_t n;
    const char *v = arg(c, name, &n);
    if (v == NULL || n == 0)
        return dflt;
    long x;
    if (search_parse_int(v, n, lo, hi, &x) != 0)
        return -1;
    return x > INT_MAX ? INT_MAX : (int)x;
}

static int read_dates(struct MHD_Connection *c, params *p)
{
    size_t n;
    const char *since = arg(c, "since", &n);
    if (read_date(since, n, 0, p->rq.since) != 0)
        return bad(p, "since", "since wants a date: YYYY-MM-DD, YYYY-MM or YYYY",
                   "Ngày bắt đầu không hợp lệ: dùng dạng YYYY-MM-DD, YYYY-MM hoặc YYYY.");
    const char *until = arg(c, "until", &n);
    if (read_date(until, n, 1, p->rq.until) != 0)
        return bad(p, "until", "until wants a date: YYYY-MM-DD, YYYY-MM or YYYY",
                   "Ngày kết thúc không hợp lệ: dùng dạng YYYY-MM-DD, YYYY-MM hoặc YYYY.");
    if (p->rq.since[0] && p->rq.until[0] && strcmp(p->rq.since, p->rq.until) > 0)
        return bad(p, "since", "since is after until", "Ngày bắt đầu sau ngày kết thúc.");
    return 0;
}

/* Every parameter of a search; unknown ones are ignored. Returns 0, or -1
 * with p->field, p->en and p->vi naming the first bad one. */
static int read_params(struct MHD_Connection *c, params *p)
{
    memset(p, 0, sizeof *p);
    p->page = 1;
    p->size = OUT_HTML_SIZE_DEFAULT;
    if (read_q(c, p) != 0)
        return -1;
    /* any size asked for is cut to the largest page, however large */
    int size = read_int(c, "size", OUT_HTML_SIZE_DEFAULT, 1, SIZE_ASKED_MAX);
    if (size < 0)
        return bad(p, "size", "size wants a whole number from 1",
                   "Số kết quả mỗi trang phải là số nguyên dương.");
    p->size = size < OUT_HTML_SIZE_MAX ? size : OUT_HTML_SIZE_MAX;
    int page = read_int(c, "page", 1, 1, SEARCH_OFFSET_MAX / p->size + 1);
    if (page < 0)
        return bad(p, "page", "page wants a whole number from 1, within the first "
                   "1000000 results", "Số trang không hợp lệ.");
    p->page = page;
    if (read_dates(c, p) != 0)
        return -1;
    size_t n;
    const char *sort = arg(c, "sort", &n);
    if (sort != NULL && n > 0 && (strlen(sort) != n || search_parse_sort(sort, &p->rq.sort) != 0))
        return bad(p, "sort", "sort wants relevance, date or date-asc",
                   "Cách sắp xếp không hợp lệ: relevance, date hoặc date-asc.");
    p->rq.q = p->q;
    p->rq.limit = p->size;
    p->rq.offset = (p->page - 1) * p->size;
    return 0;
}

static int blank(const char *s)
{
    for (; s != NULL && *s; s++)
        if (*s != ' ' && *s != '\t' && *s != '\n' && *s != '\r')
            return 0;
    return 1;
}

/* ---- searching ---------------------------------------------------------------------- */

/* rq through the cache, else through the worker's store. OUT: *res. */
static int run_search(server *sv, worker *w, const search_req *rq, search_res *res, vn_err *err)
{
    double t0 = now_ms();
    uint64_t gen = generation(sv, w);
    char *key = sv->cache ? serve_cache_key(rq) : NULL;
    if (key != NULL && serve_cache_get(sv->cache, key, gen, res)) {
        res->took_ms = now_ms() - t0;
        free(key);
        return VN_OK;
    }
    search_req with_syn = *rq;
    with_syn.syn = sv->syn;
    void *ref = NULL;
    int64_t answered = vn_store_mem_answers(w->st);
    vn_store_use_mem(w->st, serve_mem_acquire(sv->mem, &ref));
    int rc = search_run(w->st, w->nm, &with_syn, res, err);
    vn_store_use_mem(w->st, NULL);
    if (vn_store_mem_answers(w->st) > answered)
        atomic_fetch_add(&sv->mem_searches, 1);
    serve_mem_release(sv->mem, ref);
    if (rc == VN_OK && key != NULL)
        serve_cache_put(sv->cache, key, gen, res);
    free(key);
    return rc;
}

/* ---- the endpoints ---------------------------------------------------------------------- */

static void do_search(server *sv, struct MHD_Connection *c, const char *path, reply *r)
{
    params p;
    vn_err err = {0};
    if (read_params(c, &p) != 0) {
        json_error(r, 400, p.field, p.en, p.vi);
        return;
    }
    if (p.q == NULL) {
        json_error(r, 400, "q", "q is missing", "Hãy nhập từ khóa.");
        return;
    }
    worker *w = worker_acquire(sv);
    search_res res = {0};
    int rc = run_search(sv, w, &p.rq, &res, &err);
    worker_release(w);
    if (rc != VN_OK) {
        store_failed(r, path, rc, &err);
        search_res_free(&res);
        return;
    }
    int orc = VN_OK;
    r->type = json_type;
    out_json_page(&r->body, &p.rq, &res, &orc);
    /* The same document as vnquery --json, with the paging at its end. */
    assert(orc != VN_OK || (r->body.len >= 2 && r->body.data[r->body.len - 2] == '}'));
    if (orc == VN_OK) {
        r->body.len -= 2;
        vn_buf_printf_rc(&r->body, &orc, ", \"page\": %d, \"size\": %d, \"pages\": %lld}\n",
                         p.page, p.size, (long long)out_html_pages(res.total, p.size));
    }
    search_res_free(&res);
    if (orc != VN_OK)
        error_reply(r, path, 500, "out of memory", "Máy chủ hết bộ nhớ.");
}

static void do_page(server *sv, struct MHD_Connection *c, const char *path, reply *r)
{
    params p;
    vn_err err = {0};
    search_res res = {0};
    out_html_view v = {0};
    int rc = VN_OK, orc = VN_OK;
    r->type = html_type;
    r->cache_control = "no-cache";
    if (read_params(c, &p) != 0) {
        r->status = 400;
        v.error = p.vi;
    } else if (!blank(p.q)) {
        worker *w = worker_acquire(sv);
        rc = run_search(sv, w, &p.rq, &res, &err);
        worker_release(w);
        if (rc != VN_OK) {
            fprintf(stderr, "vnquery serve: %s: %s\n", path, err.msg);
            r->status = rc == VN_EBUSY ? 503 : 500;
            v.error = rc == VN_EBUSY ? "Máy chủ đang bận, xin thử lại sau giây lát."
                                     : "Không tìm được do lỗi máy chủ.";
        } else {
            v.res = &res;
        }
    }
    v.q = p.field && strcmp(p.field, "q") == 0 ? NULL : p.q; /* never echo bad bytes */
    v.rq = &p.rq;
    v.page = p.page;
    v.size = p.size;
    out_html_page(&r->body, &v, &orc);
    search_res_free(&res);
    if (orc != VN_OK)
        error_reply(r, path, 500, "out of memory", "Máy chủ hết bộ nhớ.");
}

static void do_suggest(server *sv, struct MHD_Connection *c, const char *path, reply *r)
{
    params p = {0};
    vn_err err = {0};
    complete_list list = {0};
    if (read_q(c, &p) != 0) {
        json_error(r, 400, p.field, p.en, p.vi);
        return;
    }
    int rc = VN_OK, orc = VN_OK;
    if (!blank(p.q)) {
        worker *w = worker_acquire(sv);
        titles *t = titles_acquire(sv, w);
        rc = complete_run(t ? t->ci : NULL, w->st, w->nm, p.q, &list, &err);
        worker_release(w);
        titles_release(sv, t);
    }
    if (rc != VN_OK) {
        complete_list_free(&list);
        store_failed(r, path, rc, &err);
        return;
    }
    r->type = json_type;
    vn_buf_puts_rc(&r->body, "{\"query\": ", &orc);
    out_json_string(&r->body, p.q ? p.q : "", &orc);
    vn_buf_puts_rc(&r->body, ", \"suggestions\": [", &orc);
    for (int i = 0; i < list.n; i++) {
        vn_buf_puts_rc(&r->body, i ? ", {\"text\": " : "{\"text\": ", &orc);
        out_json_string(&r->body, list.item[i].text, &orc);
        vn_buf_printf_rc(&r->body, &orc, ", \"kind\": \"%s\"}",
                         complete_kind_name(list.item[i].kind));
    }
    vn_buf_puts_rc(&r->body, "]}\n", &orc);
    complete_list_free(&list);
    if (orc != VN_OK)
        error_reply(r, path, 500, "out of memory", "Máy chủ hết bộ nhớ.");
}

static void do_health(server *sv, struct MHD_Connection *c, const char *path, reply *r)
{
    vn_err err = {0};
    int64_t n = 0;
    (void)c;
    worker *w = worker_acquire(sv);
    int rc = vn_store_count(w->st, &n, &err);
    worker_release(w);
    if (rc != VN_OK) {
        fprintf(stderr, "vnquery serve: %s: %s\n", path, err.msg);
        json_error(r, 503, NULL, "the index cannot be read", "Không đọc được chỉ mục.");
        return;
    }
    serve_cache_stats cs;
    serve_mem_info mi;
    serve_cache_stats_get(sv->cache, &cs);
    serve_mem_info_get(sv->mem, &mi);
    r->type = json_type;
    vn_buf_printf(&r->body, "{\"status\": \"ok\", \"articles\": %lld, \"threads\": %d, "
                  "\"cache\": {\"entries\": %zu, \"bytes\": %zu, \"hits\": %llu, "
                  "\"misses\": %llu}, \"memory\": {\"enabled\": %s, \"ready\": %s, "
                  "\"generation\": %lld, \"bytes\": %zu, \"loads\": %u, \"load_ms\": %.0f, "
                  "\"searches\": %llu}}\n",
                  (long long)n, sv->o.threads, cs.entries, cs.bytes,
                  (unsigned long long)cs.hits, (unsigned long long)cs.misses,
                  sv->mem != NULL ? "true" : "false", mi.ready ? "true" : "false",
                  (long long)mi.generation, mi.bytes, mi.loads, mi.load_ms,
                  (unsigned long long)atomic_load(&sv->mem_searches));
}

/* An embedded file, with an ETag so that a browser revalidates cheaply. */
static void do_asset(struct MHD_Connection *c, const out_asset *a, reply *r)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < a->len; i++)
        h = (h ^ (unsigned char)a->data[i]) * 1099511628211ull;
    snprintf(r->etag, sizeof r->etag, "\"%016llx\"", (unsigned long long)h);
    r->type = a->type;
    r->cache_control = "no-cache";
    const char *inm = mhd->lookup_connection_value(c, MHD_HEADER_KIND,
                                                  MHD_HTTP_HEADER_IF_NONE_MATCH);
    if (inm != NULL && strcmp(inm, r->etag) == 0) {
        r->status = 304;
        return;
    }
    r->fixed = a->data;
    r->nfixed = a->len;
}

typedef void (*handler_fn)(server *sv, struct MHD_Connection *c, const char *path, reply *r);

static const struct route {
    const char *path;
    handler_fn fn;
} routes[] = {
    {"/", do_page},
    {"/api/search", do_search},
    {"/api/suggest", do_suggest},
    {"/healthz", do_health},
};

/* Non-zero when the path as sent holds an encoded NUL, which MHD decodes
 * into a shorter path ("/static/app.js%00.png"). */
static int nul_in_path(const char *uri)
{
    const char *end = uri ? strchr(uri, '?') : NULL;
    size_t n = uri == NULL ? 0 : end ? (size_t)(end - uri) : strlen(uri);
    for (size_t i = 0; i + 2 < n; i++)
        if (uri[i] == '%' && uri[i + 1] == '0' && uri[i + 2] == '0')
            return 1;
    return 0;
}

static void dispatch(server *sv, struct MHD_Connection *c, const char *path, const char *uri,
                     reply *r)
{
    out_asset a;
    if (nul_in_path(uri)) {
        error_reply(r, path, 404, "no such page", "Không có trang này.");
        return;
    }
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (strcmp(path, routes[i].path) == 0) {
            routes[i].fn(sv, c, path, r);
            return;
        }
    }
    if (out_html_asset(path, &a) == 0) {
        do_asset(c, &a, r);
        return;
    }
    error_reply(r, path, 404, "no such page", "Không có trang này.");
}

/* ---- MHD callbacks ---------------------------------------------------------------------- */

/* A request line has arrived: from here until on_completed the request
 * counts as in progress, and a stop waits for it. */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
    server *sv = cls;
    (void)c;
    request *rq = calloc(1, sizeof *rq);
    if (rq != NULL) {
        rq->t0 = now_ms();
        rq->uri = strndup(uri ? uri : "", URI_LOG_MAX);
        rq->counted = 1;
        atomic_fetch_add(&sv->inflight, 1);
    }
    return rq;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload, size_t *upload_size, void **ctx)
{
    server *sv = cls;
    request *rq = *ctx;
    (void)upload;
    if (rq == NULL && (rq = *ctx = on_uri(sv, url, c)) == NULL)
        return MHD_NO;
    int head = strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
    int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
    reply r = {.status = 200};
    if (!rq->seen) {
        rq->seen = 1;
        snprintf(rq->method, sizeof rq->method, "%s", method);
        snprintf(rq->version, sizeof rq->version, "%s", version);
        if (get || head)
            return MHD_YES; /* answer once the request is complete */
        r.allow = "GET, HEAD";
        error_reply(&r, url, 405, "only GET and HEAD", "Chỉ nhận GET và HEAD.");
        return send_reply(sv, c, rq, &r);
    }
    if (*upload_size != 0) { /* a body sent with GET: ignored */
        *upload_size = 0;
        return MHD_YES;
    }
    dispatch(sv, c, url, rq->uri, &r);
    return send_reply(sv, c, rq, &r);
}

/* One access log line: the printable bytes of s, others as \xHH. */
static void log_escaped(vn_buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch < 0x20 || ch >= 0x7F || ch == '"' || ch == '\\')
            vn_buf_printf(b, "\\x%02X", ch);
        else
            vn_buf_putc(b, (char)ch);
    }
}

static void write_log(server *sv, struct MHD_Connection *c, const request *rq)
{
    char ip[INET6_ADDRSTRLEN] = "-", when[40];
    const union MHD_ConnectionInfo *ci =
        mhd->get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (ci != NULL && ci->client_addr != NULL) {
        const struct sockaddr *sa = ci->client_addr;
        if (sa->sa_family == AF_INET)
            inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, ip,
                      sizeof ip);
        else if (sa->sa_family == AF_INET6)
            inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, ip,
                      sizeof ip);
    }
    time_t t = time(NULL);
    struct tm tm;
    localtime_r(&t, &tm);
    strftime(when, sizeof when, "%d/%b/%Y:%H:%M:%S %z", &tm);
    vn_buf line = VN_BUF_INIT;
    vn_buf_printf(&line, "%s - - [%s] \"", ip, when);
    log_escaped(&line, rq->method[0] ? rq->method : "-");
    vn_buf_putc(&line, ' ');
    log_escaped(&line, rq->uri ? rq->uri : "-");
    vn_buf_putc(&line, ' ');
    log_escaped(&line, rq->version[0] ? rq->version : "-");
    if (rq->status)
        vn_buf_printf(&line, "\" %d %zu %.3f\n", rq->status, rq->bytes,
                      (now_ms() - rq->t0) / 1e3);
    else
        vn_buf_printf(&line, "\" - 0 %.3f\n", (now_ms() - rq->t0) / 1e3);
    if (line.data != NULL && write(sv->log_fd, line.data, line.len) < 0) {
        /* a full disk must not stop the searches */
    }
    vn_buf_free(&line);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **ctx,
                         enum MHD_RequestTerminationCode toe)
{
    server *sv = cls;
    request *rq = *ctx;
    (void)toe;
    if (rq == NULL)
        return;
    if (sv->log_fd >= 0)
        write_log(sv, c, rq);
    if (rq->counted)
        atomic_fetch_sub(&sv->inflight, 1);
    free(rq->uri);
    free(rq);
    *ctx = NULL;
}

/* ---- options ------------------------------------------------------------------------------ */

static const struct num_opt {
    int ch;
    const char *name;
    long lo, hi;
    size_t at;             /* offset of the int in serve_opts */
} num_opts[] = {
    {'t', "--threads", 1, 256, offsetof(serve_opts, threads)},
    {'c', "--cache", 0, 65536, offsetof(serve_opts, cache_mb)},
    {'T', "--timeout", 1, 3600, offsetof(serve_opts, timeout_s)},
    {'m', "--max-connections", 1, 100000, offsetof(serve_opts, max_conn)},
    {'p', "--per-ip", 1, 100000, offsetof(serve_opts, per_ip)},
};

static int set_num(serve_opts *o, int ch, const char *s)
{
    for (size_t i = 0; i < sizeof num_opts / sizeof num_opts[0]; i++) {
        const struct num_opt *n = &num_opts[i];
        if (n->ch != ch)
            continue;
        long v;
        if (search_parse_int(s, strlen(s), n->lo, n->hi, &v) != 0) {
            fprintf(stderr, "vnquery serve: %s wants a number from %ld to %ld\n", n->name,
                    n->lo, n->hi);
            return -1;
        }
        *(int *)(void *)((char *)o + n->at) = (int)v;
        return 0;
    }
    return -1;
}

/* Returns 0 to run, 1 after --help, -1 on misuse (said on stderr). */
static int parse_args(int argc, char **argv, serve_opts *o)
{
    static const struct option longs[] = {
        {"db", required_argument, NULL, 'd'},
        {"listen", required_argument, NULL, 'l'},
        {"threads", required_argument, NULL, 't'},
        {"access-log", required_argument, NULL, 'a'},
        {"synonyms", required_argument, NULL, 's'},
        {"cache", required_argument, NULL, 'c'},
        {"timeout", required_argument, NULL, 'T'},
        {"max-connections", required_argument, NULL, 'm'},
        {"per-ip", required_argument, NULL, 'p'},
        {"no-memory", no_argument, NULL, 'M'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "h", longs, NULL)) != -1) {
        switch (ch) {
        case 'd': o->db = optarg; break;
        case 'l': o->listen = optarg; break;
        case 'a': o->access_log = optarg; break;
        case 's': o->synonyms = optarg; break;
        case 'M': o->no_memory = 1; break;
        case 'h': fputs(usage, stdout); return 1;
        case '?':
            fputs("Try 'vnquery serve --help'.\n", stderr);
            return -1;
        default:
            if (set_num(o, ch, optarg) != 0)
                return -1;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "vnquery serve: unexpected argument '%s'\n"
                "Try 'vnquery serve --help'.\n", argv[optind]);
        return -1;
    }
    return 0;
}

/* "HOST:PORT" or "[V6]:PORT" -> an address. Returns 0, or -1 with the
 * reason in why. */
static int parse_listen(const char *s, struct sockaddr_storage *ss, const char **why)
{
    const char *colon = strrchr(s, ':');
    char host[256];
    if (colon == NULL || colon == s || (size_t)(colon - s) >= sizeof host) {
        *why = "wants HOST:PORT, such as 127.0.0.1:8080";
        return -1;
    }
    memcpy(host, s, (size_t)(colon - s));
    host[colon - s] = '\0';
    size_t n = strlen(host);
    if (host[0] == '[' && n >= 2 && host[n - 1] == ']') {
        memmove(host, host + 1, n - 2);
        host[n - 2] = '\0';
    }
    long port;
    if (search_parse_int(colon + 1, strlen(colon + 1), 0, 65535, &port) != 0) {
        *why = "wants a port from 0 to 65535";
        return -1;
    }
    struct addrinfo hints = {.ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL;
    int gai = getaddrinfo(host, NULL, &hints, &res);
    if (gai != 0 || res == NULL || res->ai_addrlen > sizeof *ss) {
        *why = gai ? gai_strerror(gai) : "no address";
        if (res != NULL)
            freeaddrinfo(res);
        return -1;
    }
    memset(ss, 0, sizeof *ss);
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    if (ss->ss_family == AF_INET)
        ((struct sockaddr_in *)(void *)ss)->sin_port = htons((uint16_t)port);
    else
        ((struct sockaddr_in6 *)(void *)ss)->sin6_port = htons((uint16_t)port);
    return 0;
}

/* ---- running ------------------------------------------------------------------------------ */

/* Open a connection per worker thread before listening (so that a
 * missing or foreign database is reported at once) and read the titles
 * for suggestions. */
static int open_pool(server *sv)
{
    vn_err err = {0};
    int64_t n = 0;
    int rc = VN_OK;
    sv->pool = calloc((size_t)sv->o.threads, sizeof *sv->pool);
    if (sv->pool == NULL)
        rc = vn_err_set(&err, VN_ENOMEM, "out of memory");
    for (int i = 0; rc == VN_OK && i < sv->o.threads; i++) {
        pthread_mutex_init(&sv->pool[i].lock, NULL);
        rc = worker_open(&sv->pool[i], sv->o.db, &err);
    }
    if (rc == VN_OK)
        rc = vn_store_count(sv->pool[0].st, &n, &err);
    if (rc == VN_OK) {
        sv->titles = titles_build(&sv->pool[0], 0);
        sv->rebuilt_at = now_ms();
    }
    if (rc != VN_OK) {
        fprintf(stderr, "vnquery serve: %s\n", err.msg);
        return rc == VN_ENOMEM ? EXIT_FAILED : EXIT_DB;
    }
    return EXIT_STOPPED;
}

/* libmicrohttpd's own messages (a malformed request, a request too big
 * for a connection's memory...), prefixed as ours and rate-limited: any
 * client can provoke them, and they must not flood the service's log. */
#define MHD_LOG_BURST 10   /* messages per window */
#define MHD_LOG_WINDOW 60  /* seconds */

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
    static time_t window;
    static unsigned said, dropped;
    char line[512];
    (void)cls;
    vsnprintf(line, sizeof line, fmt, ap);
    line[strcspn(line, "\r\n")] = '\0';
    pthread_mutex_lock(&lock);
    time_t t = time(NULL);
    if (t - window >= MHD_LOG_WINDOW) {
        if (dropped > 0)
            fprintf(stderr, "vnquery serve: libmicrohttpd: %u more messages in the last"
                    " %d s not shown\n", dropped, MHD_LOG_WINDOW);
        window = t;
        said = dropped = 0;
    }
    if (said < MHD_LOG_BURST) {
        said++;
        fprintf(stderr, "vnquery serve: libmicrohttpd: %s\n", line);
    } else {
        dropped++;
    }
    pthread_mutex_unlock(&lock);
}

/* The connections MHD holds, so that the acceptor waits at
 * --max-connections: a client over the limit waits in the backlog, as it
 * did when MHD accepted, instead of being accepted and dropped. The
 * acceptor counts each connection MHD takes (MHD tells of the start
 * later, in its own thread); MHD tells of each close. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_ctx,
                          enum MHD_ConnectionNotificationCode toe)
{
    server *sv = cls;
    (void)c;
    (void)socket_ctx;
    if (toe != MHD_CONNECTION_NOTIFY_CLOSED)
        return;
    pthread_mutex_lock(&sv->conn_lock);
    sv->open_conns--;
    pthread_cond_signal(&sv->conn_freed);
    pthread_mutex_unlock(&sv->conn_lock);
}

/* Wait while MHD holds --max-connections; returns 0 once stopping. */
static int room_for_one(server *sv)
{
    pthread_mutex_lock(&sv->conn_lock);
    while (sv->open_conns >= sv->o.max_conn && !atomic_load(&sv->stopping))
        pthread_cond_wait(&sv->conn_freed, &sv->conn_lock); /* stop_accepting wakes it too */
    pthread_mutex_unlock(&sv->conn_lock);
    return !atomic_load(&sv->stopping);
}

/* Accept connections and hand them to MHD until the socket is shut
 * down. */
static void *accept_loop(void *arg)
{
    server *sv = arg;
    while (room_for_one(sv)) {
        struct sockaddr_storage addr;
        socklen_t len = sizeof addr;
        int fd = accept4(sv->listen_fd, (struct sockaddr *)&addr, &len,
                         SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (fd >= 0) {
            /* MHD closes it when it cannot take it */
            if (mhd->add_connection(sv->d, fd, (struct sockaddr *)&addr, len) == MHD_YES) {
                pthread_mutex_lock(&sv->conn_lock);
                sv->open_conns++;
                pthread_mutex_unlock(&sv->conn_lock);
            }
            continue;
        }
        if (atomic_load(&sv->stopping) || errno == EINVAL || errno == EBADF)
            break;
        if (errno != EINTR && errno != ECONNABORTED) {
            struct timespec ts = {0, 10 * 1000 * 1000}; /* out of descriptors, or worse: */
            nanosleep(&ts, NULL);                       /* do not spin */
        }
    }
    return NULL;
}

static int listen_on(server *sv, const struct sockaddr_storage *ss)
{
    socklen_t len = ss->ss_family == AF_INET6 ? sizeof(struct sockaddr_in6)
                                              : sizeof(struct sockaddr_in);
    int on = 1;
    sv->listen_fd = socket(ss->ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (sv->listen_fd < 0)
        return -1;
    setsockopt(sv->listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
    if (ss->ss_family == AF_INET6)
        setsockopt(sv->listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (bind(sv->listen_fd, (const struct sockaddr *)ss, len) != 0
        || listen(sv->listen_fd, 511) != 0) {
        int e = errno;
        close(sv->listen_fd);
        sv->listen_fd = -1;
        errno = e;
        return -1;
    }
    return 0;
}

static int start(server *sv, const struct sockaddr_storage *ss)
{
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ITC | MHD_USE_ERROR_LOG
                     | MHD_USE_AUTO | MHD_USE_NO_LISTEN_SOCKET
                     | (ss->ss_family == AF_INET6 ? MHD_USE_IPv6 : 0);
    /* a pool for two threads or more; one thread is the daemon's own */
    struct MHD_OptionItem pool[] = {
        {sv->o.threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
         (intptr_t)sv->o.threads, NULL},
        {MHD_OPTION_END, 0, NULL},
    };
    if (listen_on(sv, ss) != 0) {
        fprintf(stderr, "vnquery serve: error: cannot listen on %s: %s\n", sv->o.listen,
                strerror(errno));
        return EXIT_FAILED;
    }
    sv->d = mhd->start_daemon(
        flags, 0, NULL, NULL, on_request, sv,
        MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, (void *)NULL, /* first: for every message */
        MHD_OPTION_ARRAY, pool,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)sv->o.timeout_s,
        /* the acceptor holds to --max-connections (room_for_one); MHD's own
         * limit, split among its threads and lowered a moment after our
         * count at each close, must not refuse before it */
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)sv->o.max_conn * 2 + 2,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)sv->o.per_ip,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)32768,
        MHD_OPTION_URI_LOG_CALLBACK, on_uri, (void *)sv,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)sv,
        MHD_OPTION_NOTIFY_CONNECTION, on_connection, (void *)sv,
        MHD_OPTION_END);
    if (sv->d == NULL) {
        fprintf(stderr, "vnquery serve: error: cannot start the HTTP server on %s\n",
                sv->o.listen);
        return EXIT_FAILED;
    }
    if (pthread_create(&sv->acceptor, NULL, accept_loop, sv) != 0) {
        fputs("vnquery serve: error: cannot start a thread\n", stderr);
        return EXIT_FAILED;
    }
    sv->accepting = 1;
    struct sockaddr_storage bound;
    socklen_t blen = sizeof bound;
    unsigned port = 0;
    if (getsockname(sv->listen_fd, (struct sockaddr *)&bound, &blen) == 0)
        port = ntohs(bound.ss_family == AF_INET6
                         ? ((const struct sockaddr_in6 *)(const void *)&bound)->sin6_port
                         : ((const struct sockaddr_in *)(const void *)&bound)->sin_port);
    char host[INET6_ADDRSTRLEN] = "?";
    if (ss->ss_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)ss)->sin_addr, host,
                  sizeof host);
    else
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr, host,
                  sizeof host);
    printf("vnquery serve: listening on http://%s%s%s:%u/ (%d threads, index %s)\n",
           ss->ss_family == AF_INET6 ? "[" : "", host, ss->ss_family == AF_INET6 ? "]" : "",
           port, sv->o.threads, sv->o.db);
    fflush(stdout);
    return EXIT_STOPPED;
}

/* Stop accepting: new connections are refused at once rather than left
 * waiting in the backlog. */
static void stop_accepting(server *sv)
{
    pthread_mutex_lock(&sv->conn_lock); /* an acceptor waiting for room: stopping now */
    pthread_cond_broadcast(&sv->conn_freed);
    pthread_mutex_unlock(&sv->conn_lock);
    if (sv->listen_fd >= 0)
        shutdown(sv->listen_fd, SHUT_RDWR);
    if (sv->accepting)
        pthread_join(sv->acceptor, NULL);
    sv->accepting = 0;
    if (sv->listen_fd >= 0)
        close(sv->listen_fd);
    sv->listen_fd = -1;
}

/* Stop taking connections, let the requests in progress finish (at most
 * SHUTDOWN_GRACE_S), then close the rest (idle keep-alive connections). */
static void stop(server *sv, int sig)
{
    fprintf(stderr, "vnquery serve: %s: finishing the requests in progress\n",
            sig == SIGINT ? "SIGINT" : "SIGTERM");
    atomic_store(&sv->stopping, 1);
    stop_accepting(sv);
    /* Done when nothing has been in progress for 50 ms: a worker busy with
     * a search reads the requests waiting on its other connections right
     * after it. */
    double deadline = now_ms() + SHUTDOWN_GRACE_S * 1e3;
    int quiet = 0;
    while (quiet < 5 && now_ms() < deadline) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        quiet = atomic_load(&sv->inflight) > 0 ? 0 : quiet + 1;
    }
    int left = atomic_load(&sv->inflight);
    mhd->stop_daemon(sv->d);
    sv->d = NULL;
    if (left > 0)
        fprintf(stderr, "vnquery serve: %d requests cut short after %d s\n", left,
                SHUTDOWN_GRACE_S);
    fputs("vnquery serve: stopped\n", stderr);
}

static int open_log(server *sv)
{
    sv->log_fd = -1;
    if (sv->o.access_log == NULL)
        return EXIT_STOPPED;
    sv->log_fd = open(sv->o.access_log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (sv->log_fd < 0) {
        fprintf(stderr, "vnquery serve: error: cannot open %s: %s\n", sv->o.access_log,
                strerror(errno));
        return EXIT_FAILED;
    }
    return EXIT_STOPPED;
}

static void teardown(server *sv)
{
    atomic_store(&sv->stopping, 1);
    stop_accepting(sv);
    if (sv->d != NULL)
        mhd->stop_daemon(sv->d);
    for (int i = 0; sv->pool != NULL && i < sv->o.threads; i++) {
        worker_close(&sv->pool[i]);
        pthread_mutex_destroy(&sv->pool[i].lock);
    }
    free(sv->pool);
    if (sv->titles != NULL) {
        complete_free(sv->titles->ci);
        free(sv->titles);
    }
    serve_cache_close(sv->cache);
    serve_mem_stop(sv->mem); /* after the daemon: no search holds a copy */
    if (sv->log_fd >= 0)
        close(sv->log_fd);
    pthread_mutex_destroy(&sv->lock);
    pthread_mutex_destroy(&sv->conn_lock);
    pthread_cond_destroy(&sv->conn_freed);
    vn_syn_free(sv->syn);
    free(sv);
}

int serve_main(int argc, char **argv)
{
    const char *env_db = getenv("VNSEARCH_DB");
    long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
    serve_opts o = {
        .db = env_db && *env_db ? env_db : "vnsearch.db", .listen = "127.0.0.1:8080",
        .threads = ncpu < 1 ? 1 : ncpu > 64 ? 64 : (int)ncpu,
        .timeout_s = 10, .max_conn = 512, .per_ip = 64, .cache_mb = 64,
    };
    struct sockaddr_storage ss;
    const char *why = NULL;
    int parsed = parse_args(argc, argv, &o);
    if (parsed != 0)
        return parsed > 0 ? EXIT_STOPPED : EXIT_USAGE;
    if (parse_listen(o.listen, &ss, &why) != 0) {
        fprintf(stderr, "vnquery serve: --listen %s: %s\n", o.listen, why);
        return EXIT_USAGE;
    }
    server *sv = calloc(1, sizeof *sv);
    if (sv == NULL) {
        fputs("vnquery serve: error: out of memory\n", stderr);
        return EXIT_FAILED;
    }
    sv->o = o;
    sv->log_fd = -1;
    sv->listen_fd = -1;
    pthread_mutex_init(&sv->lock, NULL);
    pthread_mutex_init(&sv->conn_lock, NULL);
    pthread_cond_init(&sv->conn_freed, NULL);
    /* SIGTERM and SIGINT wait for sigwait() below: blocked here, before
     * MHD's threads start, so that every thread inherits the mask. */
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &set, &old);
    signal(SIGPIPE, SIG_IGN);
    vn_err err = {0};
    int code = EXIT_STOPPED;
    if (search_syn_load(o.synonyms, &sv->syn, &err) != VN_OK) {
        fprintf(stderr, "vnquery serve: %s\n", err.msg);
        code = EXIT_USAGE;
    }
    if (code == EXIT_STOPPED && (mhd = vn_mhd_load(&err)) == NULL) {
        fprintf(stderr, "vnquery serve: error: %s\n", err.msg);
        code = EXIT_FAILED;
    }
    if (code == EXIT_STOPPED)
        code = open_pool(sv);
    if (code == EXIT_STOPPED)
        code = open_log(sv);
    if (code == EXIT_STOPPED && o.cache_mb > 0
        && serve_cache_open((size_t)o.cache_mb << 20, &sv->cache) != VN_OK) {
        fputs("vnquery serve: error: out of memory\n", stderr);
        code = EXIT_FAILED;
    }
    /* the copy starts loading before the daemon, which reads sv->mem; if
     * the daemon cannot start, teardown interrupts the load */
    if (code == EXIT_STOPPED && !o.no_memory && serve_mem_start(o.db, &sv->mem, &err) != VN_OK) {
        fprintf(stderr, "vnquery serve: error: %s\n", err.msg);
        code = EXIT_FAILED;
    }
    if (code == EXIT_STOPPED)
        code = start(sv, &ss);
    if (code == EXIT_STOPPED) {
        int sig = 0;
        sigwait(&set, &sig);
        stop(sv, sig);
    }
    teardown(sv);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return code;
}
