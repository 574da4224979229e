/* search.c: parse, rescue, filter, sort and page one search. */
#include "search.h"

#include "vn_buf.h"
#include "vn_norm.h"
#include "vn_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double millis(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int days_in(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int search_parse_date(const char *s, int is_until, char out[11])
{
    int y = 0, m = 0, d = 0, used = 0;
    size_t n = strlen(s);
    out[0] = '\0';
    if (n == 4 && sscanf(s, "%4d%n", &y, &used) == 1 && used == 4)
        m = 0;
    else if (n == 7 && sscanf(s, "%4d-%2d%n", &y, &m, &used) == 2 && used == 7)
        d = 0;
    else if (n != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] >= '0' && s[i] <= '9') && !(s[i] == '-' && (i == 4 || i == 7)))
            return -1;
    if (y < 1900 || y > 2100 || (n > 4 && (m < 1 || m > 12)))
        return -1;
    if (n == 10 && (d < 1 || d > days_in(y, m)))
        return -1;
    if (n == 4)
        m = is_until ? 12 : 1;
    if (n <= 7)
        d = is_until ? days_in(y, m) : 1;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return 0;
}

int search_parse_sort(const char *s, int *sort)
{
    if (strcmp(s, "relevance") == 0)
        *sort = VN_SORT_RELEVANCE;
    else if (strcmp(s, "date") == 0)
        *sort = VN_SORT_DATE;
    else if (strcmp(s, "date-asc") == 0)
        *sort = VN_SORT_DATE_ASC;
    else
        return -1;
    return 0;
}

/* ---- copying the page out ------------------------------------------------ */

typedef struct collect {
    search_res *res;
    int cap, rc;
} collect;

static char *dup_or_null(const char *s, int *rc)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *rc = VN_ENOMEM;
    return d;
}

static int keep_hit(void *ctx, const vn_hit *hit)
{
    collect *c = ctx;
    search_res *r = c->res;
    if (r->nhits == c->cap) {
        int cap = c->cap ? c->cap * 2 : 16;
        vn_hit *h = realloc(r->hits, (size_t)cap * sizeof *h);
        if (h == NULL)
            return c->rc = VN_ENOMEM;
        r->hits = h;
        c->cap = cap;
    }
    vn_hit *h = &r->hits[r->nhits++];
    *h = *hit;
    h->path = dup_or_null(hit->path, &c->rc);
    h->url = dup_or_null(hit->url, &c->rc);
    h->title = dup_or_null(hit->title, &c->rc);
    h->date = dup_or_null(hit->date, &c->rc);
    h->author = dup_or_null(hit->author, &c->rc);
    h->snippet = dup_or_null(hit->snippet, &c->rc);
    return c->rc;
}

static void drop_hits(search_res *res)
{
    for (int i = 0; i < res->nhits; i++) {
        vn_hit *h = &res->hits[i];
        free((char *)h->path);
        free((char *)h->url);
        free((char *)h->title);
        free((char *)h->date);
        free((char *)h->author);
        free((char *)h->snippet);
    }
    free(res->hits);
    res->hits = NULL;
    res->nhits = 0;
}

void search_res_free(search_res *res)
{
    if (res == NULL)
        return;
    drop_hits(res);
    free(res->searched);
    free(res->suggestion);
    memset(res, 0, sizeof *res);
}

/* ---- the accent-free retry ---------------------------------------------- */

/* The query text with every word folded (marks dropped, đ -> d) and the
 * rest (quotes, '-', '*', upper-case operators) left as typed. */
typedef struct folder {
    const char *text;
    size_t at;
    vn_buf out;
    int marks, rc;
} folder;

static int fold_word(void *ctx, const vn_token *tok)
{
    folder *f = ctx;
    size_t n = tok->end - tok->start;
    const char *w = f->text + tok->start;
    vn_buf_add_rc(&f->out, f->text + f->at, tok->start - f->at, &f->rc);
    int op = (n == 2 && memcmp(w, "OR", 2) == 0) || (n == 3 && memcmp(w, "AND", 3) == 0)
          || (n == 3 && memcmp(w, "NOT", 3) == 0);
    if (op)
        vn_buf_add_rc(&f->out, w, n, &f->rc);
    else
        vn_buf_add_rc(&f->out, tok->fold, tok->nfold, &f->rc);
    f->marks |= tok->has_marks;
    f->at = tok->end;
    return f->rc;
}

/* OUT: *folded (caller frees), NULL when text holds no accented word. */
static int fold_query(const char *text, char **folded, vn_err *err)
{
    *folded = NULL;
    vn_norm *nm = NULL;
    folder f = {.text = text, .out = VN_BUF_INIT};
    int rc = vn_norm_open(&nm, err);
    if (rc == VN_OK)
        rc = vn_norm_tokens(nm, text, strlen(text), fold_word, &f, NULL, err);
    vn_norm_close(nm);
    vn_buf_puts_rc(&f.out, text + f.at, &f.rc);
    if (rc == VN_OK && f.rc != VN_OK)
        rc = vn_err_set(err, f.rc, "out of memory");
    if (rc == VN_OK && f.marks)
        vn_buf_take(&f.out, folded, NULL);
    vn_buf_free(&f.out);
    return rc;
}

/* ---- one search ------------------------------------------------------------ */

static int run_text(vn_store *st, const search_req *rq, const char *text, search_res *res,
                    vn_err *err)
{
    vn_query q = {0};
    collect c = {.res = res};
    vn_search s = {
        .limit = rq->limit, .offset = rq->offset, .sort = rq->sort,
        .since = rq->since[0] ? rq->since : NULL,
        .until = rq->until[0] ? rq->until : NULL,
    };
    drop_hits(res);
    int rc = vn_query_parse(text, strlen(text), &q, err);
    s.match = q.match;
    if (rc == VN_OK)
        rc = vn_store_search(st, &s, keep_hit, &c, &res->total, err);
    if (rc == VN_OK && c.rc != VN_OK)
        rc = vn_err_set(err, c.rc, "out of memory");
    vn_query_free(&q);
    return rc;
}

int search_run(vn_store *st, const search_req *rq, search_res *res, vn_err *err)
{
    double t0 = millis();
    memset(res, 0, sizeof *res);
    int rc = run_text(st, rq, rq->q, res, err);
    if (rc == VN_OK && res->total == 0) {
        char *folded = NULL;
        rc = fold_query(rq->q, &folded, err);
        if (rc == VN_OK && folded != NULL) {
            rc = run_text(st, rq, folded, res, err);
            res->relaxed = res->total > 0;
        }
        free(folded);
    }
    res->took_ms = millis() - t0;
    return rc;
}
