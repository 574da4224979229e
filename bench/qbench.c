/* qbench: in-process query latency, ours against the FTS5 baseline.
 *
 *   qbench --ours DB QUERIES       vn_query_parse + vn_store_search
 *   qbench --baseline DB QUERIES   vn_query_parse + the same expression on
 *                                  baseline_load's table `doc`
 *   qbench --mem DB QUERIES        --ours with the index in memory (vn_mem.h);
 *                                  adds its load time and size
 *   qbench --same DB QUERIES       each query through vn_mem and through
 *                                  FTS5, on pages 1 and 3, by relevance and
 *                                  by date, with and without date bounds:
 *                                  ids, exact scores and totals must agree
 *   qbench --match QUERIES         print each query's FTS5 expression
 *
 * QUERIES holds one query a line (empty lines skipped). Each search asks
 * for 10 results with snippets, and the callback copies every field, so
 * both sides pay for what a caller would get. One warm-up pass, then
 * PASSES timed passes; a query's time is the median of its passes, and
 * the figures are the median and p99 (nearest rank) of those over the
 * queries (QBENCH_ALL set in the environment: every query's time on
 * stderr, not only the slowest), plus the medians of the accent-free queries (pure ASCII) and
 * of the accented ones. Match counts come from an untimed pass (ours:
 * from the search itself). The SLOWEST slowest queries go to stderr.
 *
 * Prints one line of key=value pairs for scripts/bench.sh. Exit: 0 done,
 * 1 failure, 2 usage. */
#include "vn_buf.h"
#include "vn_err.h"
#include "vn_mem.h"
#include "vn_query.h"
#include "vn_store.h"
#include "../tests/mem_check.h"

#include <sqlite3.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PASSES 3
#define LIMIT 10
#define SLOWEST 5   /* queries named on stderr */

static const char *const base_search_sql =
    "SELECT rowid, title, snippet(doc, 1, '<mark>', '</mark>', '\xE2\x80\xA6', 32)"
    " FROM doc WHERE doc MATCH ?1 ORDER BY bm25(doc, 10.0, 1.0) LIMIT 10";
static const char *const base_count_sql = "SELECT count(*) FROM doc WHERE doc MATCH ?1";

typedef struct engine {
    vn_store *st;                 /* ours, or NULL */
    vn_mem *mem;                  /* ours in memory, or NULL */
    sqlite3 *db;                  /* the baseline, or NULL */
    sqlite3_stmt *search, *count; /* on db */
    vn_buf copy;                  /* the fields of the last result page */
} engine;

typedef struct qlist {
    char **text;  /* one query a line, NUL-terminated; owned */
    size_t n, cap;
} qlist;

static double millis(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* ---- the query file ------------------------------------------------------ */

static int read_queries(const char *path, qlist *q, vn_err *err)
{
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return vn_err_set(err, VN_EIO, "cannot open %s", path);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int rc = VN_OK;
    while (rc == VN_OK && (len = getline(&line, &cap, f)) >= 0) {
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0)
            continue;
        if (q->n == q->cap) {
            size_t ncap = q->cap ? q->cap * 2 : 256;
            char **p = realloc(q->text, ncap * sizeof *p);
            if (p == NULL) {
                rc = vn_err_set(err, VN_ENOMEM, "out of memory");
                break;
            }
            q->text = p;
            q->cap = ncap;
        }
        if ((q->text[q->n] = strdup(line)) == NULL)
            rc = vn_err_set(err, VN_ENOMEM, "out of memory");
        else
            q->n++;
    }
    free(line);
    fclose(f);
    if (rc == VN_OK && q->n == 0)
        rc = vn_err_set(err, VN_EINVAL, "%s holds no query", path);
    return rc;
}

static void free_queries(qlist *q)
{
    for (size_t i = 0; i < q->n; i++)
        free(q->text[i]);
    free(q->text);
}

static int is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80)
            return 0;
    return 1;
}

/* ---- one search ------------------------------------------------------------ */

static void copy_str(vn_buf *b, const char *s, int *rc)
{
    vn_buf_puts_rc(b, s ? s : "", rc);
    vn_buf_add_rc(b, "\n", 1, rc);
}

/* vn_store_search's callback: keep a copy of every field. */
static int copy_hit(void *ctx, const vn_hit *hit)
{
    vn_buf *b = ctx;
    int rc = VN_OK;
    vn_buf_printf_rc(b, &rc, "%lld %d %.6f\n", (long long)hit->id, hit->rank, hit->score);
    copy_str(b, hit->path, &rc);
    copy_str(b, hit->url, &rc);
    copy_str(b, hit->title, &rc);
    copy_str(b, hit->date, &rc);
    copy_str(b, hit->author, &rc);
    copy_str(b, hit->snippet, &rc);
    return rc;
}

static int base_search(engine *e, const char *match, vn_err *err)
{
    sqlite3_reset(e->search);
    sqlite3_bind_text(e->search, 1, match, -1, SQLITE_STATIC);
    int rc = VN_OK, step;
    while (rc == VN_OK && (step = sqlite3_step(e->search)) == SQLITE_ROW) {
        vn_buf_printf_rc(&e->copy, &rc, "%lld\n", (long long)sqlite3_column_int64(e->search, 0));
        copy_str(&e->copy, (const char *)sqlite3_column_text(e->search, 1), &rc);
        copy_str(&e->copy, (const char *)sqlite3_column_text(e->search, 2), &rc);
    }
    if (rc == VN_OK && step != SQLITE_DONE)
        rc = vn_err_set(err, VN_EDB, "baseline: %s: %s", match, sqlite3_errmsg(e->db));
    sqlite3_reset(e->search);
    return rc;
}

/* Parse text and run the search; OUT: *ms, the time both took, and *total
 * (ours only: the baseline counts in count_matches). */
static int one_query(engine *e, const char *text, double *ms, int64_t *total, vn_err *err)
{
    vn_query q = {0};
    vn_buf_reset(&e->copy);
    *total = 0;
    double t0 = millis();
    int rc = vn_query_parse(text, strlen(text), &q, err);
    if (rc == VN_OK && q.match != NULL)
        rc = e->st ? vn_store_search(e->st, &(vn_search){.match = q.match, .limit = LIMIT},
                                     copy_hit, &e->copy, total, err)
                   : base_search(e, q.match, err);
    *ms = millis() - t0;
    vn_query_free(&q);
    return rc;
}

/* The baseline's match count for text, untimed. */
static int count_matches(engine *e, const char *text, int64_t *total, vn_err *err)
{
    vn_query q = {0};
    int rc = vn_query_parse(text, strlen(text), &q, err);
    *total = 0;
    if (rc == VN_OK && q.match != NULL) {
        sqlite3_reset(e->count);
        sqlite3_bind_text(e->count, 1, q.match, -1, SQLITE_STATIC);
        if (sqlite3_step(e->count) == SQLITE_ROW)
            *total = sqlite3_column_int64(e->count, 0);
        else
            rc = vn_err_set(err, VN_EDB, "baseline: %s: %s", q.match, sqlite3_errmsg(e->db));
        sqlite3_reset(e->count);
    }
    vn_query_free(&q);
    return rc;
}

/* ---- figures ---------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The nearest-rank percentile pct of v[0..n) (sorts v). */
static double percentile(double *v, size_t n, double pct)
{
    if (n == 0)
        return 0.0;
    qsort(v, n, sizeof *v, cmp_double);
    size_t k = (size_t)(pct / 100.0 * (double)n + 0.999999);
    return v[k > 0 ? k - 1 : 0];
}

static double median(double *v, size_t n)
{
    if (n == 0)
        return 0.0;
    qsort(v, n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2.0;
}

typedef struct timed_query {
    double ms;
    size_t i;   /* index in the qlist */
} timed_query;

static int slower_first(const void *a, const void *b)
{
    double x = ((const timed_query *)a)->ms, y = ((const timed_query *)b)->ms;
    return (x < y) - (x > y);
}

/* Name the SLOWEST slowest queries on stderr: "qbench: slow: MS\tMATCHES\tQUERY". */
static int print_slowest(const qlist *q, const double *per, const int64_t *total, vn_err *err)
{
    timed_query *t = calloc(q->n, sizeof *t);
    if (t == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    for (size_t i = 0; i < q->n; i++)
        t[i] = (timed_query){per[i], i};
    qsort(t, q->n, sizeof *t, slower_first);
    size_t show = getenv("QBENCH_ALL") != NULL ? q->n : SLOWEST; /* every query, slowest first */
    for (size_t k = 0; k < show && k < q->n; k++)
        fprintf(stderr, "qbench: slow: %.3f\t%lld\t%s\n", t[k].ms, (long long)total[t[k].i],
                q->text[t[k].i]);
    free(t);
    return VN_OK;
}

/* Warm up, time PASSES passes, count matches, print the figures. */
static int bench(engine *e, const qlist *q, vn_err *err)
{
    double *pass = calloc(q->n * PASSES, sizeof *pass);
    double *per = calloc(q->n, sizeof *per), *plain = calloc(q->n, sizeof *plain);
    double *accent = calloc(q->n, sizeof *accent);
    int64_t *total = calloc(q->n, sizeof *total);
    int rc = pass && per && plain && accent && total ? VN_OK
                                                      : vn_err_set(err, VN_ENOMEM, "out of memory");
    double ms;
    for (size_t i = 0; rc == VN_OK && i < q->n; i++) /* warm-up */
        rc = one_query(e, q->text[i], &ms, &total[i], err);
    for (int p = 0; rc == VN_OK && p < PASSES; p++)
        for (size_t i = 0; rc == VN_OK && i < q->n; i++)
            rc = one_query(e, q->text[i], &pass[i * PASSES + (size_t)p], &total[i], err);
    for (size_t i = 0; rc == VN_OK && e->db && i < q->n; i++)
        rc = count_matches(e, q->text[i], &total[i], err);

    size_t nplain = 0, naccent = 0, nohits = 0;
    double sum_total = 0;
    for (size_t i = 0; rc == VN_OK && i < q->n; i++) {
        per[i] = median(&pass[i * PASSES], PASSES);
        if (is_ascii(q->text[i]))
            plain[nplain++] = per[i];
        else
            accent[naccent++] = per[i];
        nohits += total[i] == 0;
        sum_total += (double)total[i];
    }
    if (rc == VN_OK)
        rc = print_slowest(q, per, total, err);
    if (rc == VN_OK) {
        double med = median(per, q->n), p99 = percentile(per, q->n, 99.0);
        printf("queries=%zu median_ms=%.3f p99_ms=%.3f max_ms=%.3f plain_n=%zu "
               "plain_median_ms=%.3f accent_n=%zu accent_median_ms=%.3f nohits=%zu "
               "mean_matches=%.0f sqlite_version=%s\n",
               q->n, med, p99, per[q->n - 1], nplain, median(plain, nplain), naccent,
               median(accent, naccent), nohits, sum_total / (double)q->n,
               sqlite3_libversion());
    }
    free(pass);
    free(per);
    free(plain);
    free(accent);
    free(total);
    return rc;
}

/* ---- the two engines -------------------------------------------------------- */

static int open_baseline(engine *e, const char *path, vn_err *err)
{
    if (sqlite3_open_v2(path, &e->db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        return vn_err_set(err, VN_EDB, "cannot open %s: %s", path,
                          e->db ? sqlite3_errmsg(e->db) : "out of memory");
    if (sqlite3_prepare_v2(e->db, base_search_sql, -1, &e->search, NULL) != SQLITE_OK
        || sqlite3_prepare_v2(e->db, base_count_sql, -1, &e->count, NULL) != SQLITE_OK)
        return vn_err_set(err, VN_EDB, "%s: %s", path, sqlite3_errmsg(e->db));
    return VN_OK;
}

static void close_engine(engine *e)
{
    vn_store_close(e->st);
    vn_mem_free(e->mem);
    sqlite3_finalize(e->search);
    sqlite3_finalize(e->count);
    sqlite3_close(e->db);
    vn_buf_free(&e->copy);
}

static int print_matches(const qlist *q, vn_err *err)
{
    int rc = VN_OK;
    for (size_t i = 0; rc == VN_OK && i < q->n; i++) {
        vn_query pq = {0};
        rc = vn_query_parse(q->text[i], strlen(q->text[i]), &pq, err);
        if (rc == VN_OK)
            puts(pq.match ? pq.match : "");
        vn_query_free(&pq);
    }
    return rc;
}

/* --same: each query's results, exactly (tests/mem_check.h). */
static int same(engine *e, const qlist *ql, vn_err *err)
{
    static const struct {
        int offset, sort;
        const char *since, *until;
    } ways[] = {
        {0, VN_SORT_RELEVANCE, NULL, NULL}, {20, VN_SORT_RELEVANCE, NULL, NULL},
        {0, VN_SORT_DATE, NULL, NULL}, {10, VN_SORT_DATE_ASC, NULL, NULL},
        {0, VN_SORT_RELEVANCE, "2010-01-01", "2016-12-31"},
    };
    vn_buf a = VN_BUF_INIT, b = VN_BUF_INIT;
    int rc = VN_OK, ok = 0, bad = 0;
    for (size_t i = 0; rc == VN_OK && i < ql->n; i++) {
        vn_query q = {0};
        rc = vn_query_parse(ql->text[i], strlen(ql->text[i]), &q, err);
        for (size_t w = 0; rc == VN_OK && q.match != NULL && w < sizeof ways / sizeof *ways; w++) {
            vn_search s = {.match = q.match, .limit = LIMIT, .offset = ways[w].offset,
                           .sort = ways[w].sort, .since = ways[w].since,
                           .until = ways[w].until, .ties = 1};
            int64_t ta = 0, tb = 0;
            rc = mem_check_search(e->st, e->mem, &s, &a, &ta, err);
            if (rc == VN_OK)
                rc = mem_check_search(e->st, NULL, &s, &b, &tb, err);
            if (rc != VN_OK)
                break;
            if (mem_check_same(&a, ta, &b, tb)) {
                ok++;
                continue;
            }
            bad++;
            fprintf(stderr, "qbench: differs: %s (way %zu): %lld against %lld matches\n"
                    "--- vn_mem\n%.*s--- FTS5\n%.*s", ql->text[i], w, (long long)ta,
                    (long long)tb, (int)a.len, a.data ? a.data : "", (int)b.len,
                    b.data ? b.data : "");
        }
        vn_query_free(&q);
    }
    vn_buf_free(&a);
    vn_buf_free(&b);
    /* "same" proves nothing unless the copy answered: a copy declining
     * everything (a wrong generation, say) agrees with FTS5 by default */
    int64_t answered = vn_store_mem_answers(e->st);
    printf("%d same, %d different, %lld answered by the copy\n", ok, bad, (long long)answered);
    if (rc == VN_OK && bad > 0)
        return vn_err_set(err, VN_EINVAL, "vn_mem and FTS5 disagree");
    if (rc == VN_OK && answered <= ok / 2)
        return vn_err_set(err, VN_EINVAL, "the copy in memory answered %lld of %d searches",
                          (long long)answered, ok);
    return rc;
}

static const char usage[] =
    "Usage: qbench --ours|--mem|--same DB QUERIES | --baseline DB QUERIES | --match QUERIES\n";

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "";
    int is_match = strcmp(mode, "--match") == 0;
    int is_mem = strcmp(mode, "--mem") == 0, is_same = strcmp(mode, "--same") == 0;
    int is_ours = strcmp(mode, "--ours") == 0 || is_mem || is_same;
    int is_base = strcmp(mode, "--baseline") == 0;
    double load_ms = 0.0;
    if (!(is_match && argc == 3) && !((is_ours || is_base) && argc == 4)) {
        fputs(usage, stderr);
        return 2;
    }
    qlist q = {0};
    engine e = {.copy = VN_BUF_INIT};
    vn_err err = {0};
    int rc = read_queries(argv[argc - 1], &q, &err);
    if (rc == VN_OK && is_match)
        rc = print_matches(&q, &err);
    else if (rc == VN_OK && is_ours)
        rc = vn_store_open(argv[2], VN_STORE_READ, &e.st, &err);
    else if (rc == VN_OK)
        rc = open_baseline(&e, argv[2], &err);
    if (rc == VN_OK && (is_mem || is_same)) {
        load_ms = millis();
        rc = vn_store_load_mem(e.st, &e.mem, &err);
        load_ms = millis() - load_ms;
        if (rc == VN_OK && is_mem)
            vn_store_use_mem(e.st, e.mem);
    }
    if (rc == VN_OK && is_same)
        rc = same(&e, &q, &err);
    else if (rc == VN_OK && !is_match)
        rc = bench(&e, &q, &err);
    if (rc == VN_OK && is_mem)
        printf(" mem_load_ms=%.0f mem_mb=%.1f\n", load_ms, (double)vn_mem_bytes(e.mem) / 1048576.0);
    close_engine(&e);
    free_queries(&q);
    if (rc != VN_OK) {
        fprintf(stderr, "qbench: error: %s\n", err.msg);
        return 1;
    }
    return 0;
}
