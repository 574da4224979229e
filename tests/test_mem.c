/* test_mem.c: the index in memory (vn_mem.h) ranks exactly as FTS5 does.
 *
 * A generated archive of Vietnamese syllables in their many spellings
 * (with ties, undated articles, a title weight to matter, deletions and
 * updates over several commits) is searched with random queries through
 * vn_store_search twice, with the in-memory index and without it, on
 * several pages, orders and date bounds: ids, ranks, exact scores,
 * titles, snippets and totals must all agree, and so must match counts
 * (vn_store_count_match). Then: what it declines,
 * and that a commit after loading sends searches back to FTS5. */
#include "vn_buf.h"
#include "vn_mem.h"
#include "vn_query.h"
#include "vn_snip.h"
#include "vn_store.h"
#include "vn_tok.h"

#include "mem_check.h"

#include <setjmp.h> /* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "test_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/test_mem.XXXXXX";
static char dbpath[64];

/* Each line: one syllable's spellings, the accent-free one first. */
static const char *const words[][6] = {
    {"tinh", "tình", "tính", "tỉnh", "tinh", NULL}, {"gian", "giản", "gian", "gián", NULL},
    {"bien", "biên", "biển", "biến", NULL},        {"che", "chế", "chè", NULL},
    {"can", "cán", "cần", "căn", NULL},            {"bo", "bộ", "bỏ", "bó", NULL},
    {"dan", "dân", "đàn", "dan", NULL},            {"so", "sở", "số", "sơ", NULL},
    {"noi", "nội", "nói", "nơi", NULL},            {"vu", "vụ", "vũ", NULL},
    {"hoa", "hòa", "hoà", "hóa", "hoa", NULL},     {"thuy", "thủy", "thuỷ", NULL},
    {"uy", "ủy", "uỷ", "Ủy", NULL},                {"ban", "ban", "bản", "bàn", NULL},
    {"cong", "công", "cộng", "cống", NULL},        {"chuc", "chức", "chúc", NULL},
};
#define NWORDS (sizeof words / sizeof words[0])

static int nspell(size_t w)
{
    int n = 1;
    while (n < 5 && words[w][n] != NULL)
        n++;
    return n - 1;
}

static const char *spelling(size_t w, unsigned r)
{
    return words[w][1 + r % (unsigned)nspell(w)];
}

static void add_text(vn_buf *b, unsigned *seed, int n)
{
    static const char *const punct[] = {" ", " ", " ", " ", ", ", ". ", " - ", "\n"};
    for (int i = 0; i < n; i++) {
        size_t w = (size_t)rand_r(seed) % NWORDS;
        vn_buf_puts(b, spelling(w, (unsigned)rand_r(seed)));
        vn_buf_puts(b, punct[rand_r(seed) % 8]);
    }
}

/* Article i of body_words random words; with repeat > 0, the body's
 * words stand around repeat times "tỉnh": more instances of a query than
 * vn_rank looks at (VN_SNIP_INST_MAX), the other words past them. */
static int put_long(vn_store *st, int i, unsigned *seed, int body_words, int repeat)
{
    char path[32], date[16];
    vn_buf title = VN_BUF_INIT, body = VN_BUF_INIT;
    add_text(&title, seed, 2 + rand_r(seed) % 4);
    add_text(&body, seed, body_words / 2);
    for (int k = 0; k < repeat; k++)
        vn_buf_puts(&body, "tỉnh ");
    add_text(&body, seed, body_words - body_words / 2);
    snprintf(path, sizeof path, "/a/%d.txt", i);
    snprintf(date, sizeof date, "20%02d-%02d-01", 10 + rand_r(seed) % 10, 1 + rand_r(seed) % 12);
    vn_buf_add(&title, "", 1);
    vn_doc d = {.path = path, .title = title.data, .date = rand_r(seed) % 7 ? date : NULL,
                .body = body.data, .body_len = body.len, .size = 1, .mtime = 1, .hash = i};
    vn_err err;
    vn_stored old;
    int64_t id = vn_store_lookup(st, path, &old, &err) == VN_OK ? old.id : 0;
    int rc = vn_store_put(st, &d, &id, &err);
    if (rc != VN_OK)
        fprintf(stderr, "put: %s\n", err.msg);
    vn_buf_free(&title);
    vn_buf_free(&body);
    return rc;
}

static int put(vn_store *st, int i, unsigned *seed, int body_words)
{
    return put_long(st, i, seed, body_words, 0);
}

/* Article i, its text as given: two of the same text have the same
 * score, whatever their dates. */
static int put_text(vn_store *st, int i, const char *body, const char *date)
{
    char path[32];
    snprintf(path, sizeof path, "/a/%d.txt", i);
    vn_doc d = {.path = path, .title = "Hai ngày", .date = date, .body = body,
                .body_len = strlen(body), .size = 1, .mtime = 1, .hash = i};
    vn_err err;
    int64_t id = 0;
    int rc = vn_store_put(st, &d, &id, &err);
    if (rc != VN_OK)
        fprintf(stderr, "put: %s\n", err.msg);
    return rc;
}

static int group_setup(void **state)
{
    (void)state;
    vn_store *st = NULL;
    vn_err err;
    unsigned seed = 7;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
    int rc = vn_store_open(dbpath, VN_STORE_WRITE, &st, &err);
    /* three commits (several FTS5 segments), then replacements and
     * deletions (FTS5 delete markers) */
    for (int c = 0; rc == VN_OK && c < 3; c++) {
        rc = vn_store_begin(st, &err);
        for (int i = 0; rc == VN_OK && i < 120; i++)
            rc = put(st, c * 120 + i, &seed, 10 + rand_r(&seed) % 60);
        for (int i = 0; rc == VN_OK && c == 1 && i < 2; i++)
            rc = put_long(st, 2000 + i, &seed, 40, VN_SNIP_INST_MAX + 50);
        /* the same text on two dates, after every other: equal scores
         * that date order puts apart */
        if (rc == VN_OK && c == 2)
            rc = put_text(st, 3000, "tinh chế biển tình", "2031-05-02");
        if (rc == VN_OK && c == 2)
            rc = put_text(st, 3001, "tinh chế biển tình", "2031-05-01");
        /* twins: equal scores, ordered by id */
        for (int i = 0; rc == VN_OK && c == 0 && i < 6; i++) {
            unsigned same = 99;
            rc = put(st, 1000 + i, &same, 30);
        }
        if (rc == VN_OK)
            rc = vn_store_commit(st, &err);
    }
    if (rc == VN_OK)
        rc = vn_store_begin(st, &err);
    for (int i = 0; rc == VN_OK && i < 40; i++)
        rc = put(st, i * 7, &seed, 25); /* same path: replaced */
    for (int64_t id = 3; rc == VN_OK && id < 300; id += 11)
        rc = vn_store_delete(st, id, &err);
    if (rc == VN_OK)
        rc = vn_store_commit(st, &err);
    if (rc != VN_OK)
        fprintf(stderr, "setup: %s\n", err.msg);
    vn_store_close(st);
    return rc == VN_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    remove_db(dbpath);
    rmdir(dir);
    return 0;
}

/* ---- queries ------------------------------------------------------------------- */

static void add_word(vn_buf *q, unsigned *seed)
{
    size_t w = (size_t)rand_r(seed) % NWORDS;
    vn_buf_puts(q, rand_r(seed) % 2 ? words[w][0] : spelling(w, (unsigned)rand_r(seed)));
}

/* Mostly what people type (words with and without marks, phrases), some
 * OR and exclusions, and now and then what vn_mem leaves to FTS5. The
 * first queries (nth below 2 * NWORDS) put each word after tinh: the long
 * articles' proximity; the next ones, a word, a quoted phrase and an
 * exclusion (FTS5 once lost instances there). */
static void random_query(vn_buf *q, unsigned *seed, int nth)
{
    static const char *const fixed[] = {
        "tinh \"gian bien\" -uy", "bien \"tinh tinh\" -so", "(tinh OR gian) \"bien che\" -dan",
        "tinh gian \"bien che\" -vu", "\"can bo\" hoa -thuy -noi", "(tình OR tính) \"tinh chế\" -uy",
    };
    vn_buf_reset(q);
    int nf = (int)(sizeof fixed / sizeof *fixed);
    if (nth >= 2 * (int)NWORDS && nth < 2 * (int)NWORDS + nf) {
        vn_buf_puts(q, fixed[nth - 2 * (int)NWORDS]);
        vn_buf_add(q, "", 1);
        return;
    }
    if (nth < 2 * (int)NWORDS) {
        const char *w = words[nth / 2][0];
        vn_buf_printf(q, nth % 2 ? "tinh %s" : "tinh gian %s", w);
        vn_buf_add(q, "", 1);
        return;
    }
    int n = 1 + rand_r(seed) % 4, quoted = rand_r(seed) % 3 == 0 && n > 1;
    if (quoted)
        vn_buf_puts(q, "\"");
    for (int i = 0; i < n; i++) {
        if (i > 0)
            vn_buf_puts(q, " ");
        add_word(q, seed);
    }
    if (quoted)
        vn_buf_puts(q, "\"");
    switch (rand_r(seed) % 10) {
    case 0:
        vn_buf_puts(q, " OR ");
        add_word(q, seed);
        break;
    case 1:
        vn_buf_puts(q, " -");
        add_word(q, seed);
        break;
    case 2:
        vn_buf_puts(q, " title:");
        add_word(q, seed);
        break;
    case 3:
        vn_buf_puts(q, " bi*");
        break;
    }
    vn_buf_add(q, "", 1);
}

static int64_t search(vn_store *st, const vn_mem *m, const vn_search *s, vn_buf *out)
{
    vn_err err;
    int64_t total = -1;
    if (mem_check_search(st, m, s, out, &total, &err) != VN_OK)
        fail_msg("search: %s", err.msg);
    return total;
}

static void test_same_as_fts5(void **state)
{
    (void)state;
    static const struct {
        int limit, offset, sort, ties;
        const char *since, *until;
    } ways[] = {
        {10, 0, VN_SORT_RELEVANCE, 0, NULL, NULL}, {10, 0, VN_SORT_RELEVANCE, 1, NULL, NULL},
        {3, 5, VN_SORT_RELEVANCE, 1, NULL, NULL},  {10, 0, VN_SORT_DATE, 1, NULL, NULL},
        {4, 4, VN_SORT_DATE_ASC, 0, NULL, NULL},   {10, 0, VN_SORT_RELEVANCE, 0, "2013", "2016-12-31"},
        {1, 0, VN_SORT_RELEVANCE, 1, NULL, NULL},
    };
    vn_store *st = NULL;
    vn_mem *m = NULL;
    vn_err err;
    vn_buf q = VN_BUF_INIT, a = VN_BUF_INIT, b = VN_BUF_INIT;
    unsigned seed = 2026;
    int compared = 0, with_hits = 0;
    int64_t counted = 0; /* counts the copy answered */
    assert_int_equal(vn_store_open(dbpath, VN_STORE_READ, &st, &err), VN_OK);
    assert_int_equal(vn_store_load_mem(st, &m, &err), VN_OK);
    assert_true(vn_mem_bytes(m) > 0);
    assert_true(vn_mem_generation(m) != 0); /* drawn at each commit that changed something */
    for (int i = 0; i < 400; i++) {
        vn_query vq = {0};
        random_query(&q, &seed, i);
        vn_mem_set_split(m, i % 2 ? 1 : SIZE_MAX); /* phrases checked on two threads, or one */
        assert_int_equal(vn_query_parse(q.data, strlen(q.data), &vq, &err), VN_OK);
        for (size_t w = 0; vq.match != NULL && w < sizeof ways / sizeof *ways; w++) {
            vn_search s = {.match = vq.match, .limit = ways[w].limit, .offset = ways[w].offset,
                           .sort = ways[w].sort, .ties = ways[w].ties,
                           .since = ways[w].since, .until = ways[w].until};
            int64_t ta = search(st, m, &s, &a), tb = search(st, NULL, &s, &b);
            if (!mem_check_same(&a, ta, &b, tb))
                fail_msg("%s (way %zu): %lld against %lld matches\n--- vn_mem\n%.*s--- FTS5\n%.*s",
                         q.data, w, (long long)ta, (long long)tb, (int)a.len, a.data, (int)b.len,
                         b.data);
            compared++;
            with_hits += tb > 0;
        }
        if (vq.match != NULL) { /* counts alike too */
            int64_t ca = -1, cb = -2;
            int64_t before = vn_store_mem_answers(st);
            vn_store_use_mem(st, m);
            assert_int_equal(vn_store_count_match(st, vq.match, &ca, &err), VN_OK);
            vn_store_use_mem(st, NULL);
            counted += vn_store_mem_answers(st) - before;
            assert_int_equal(vn_store_count_match(st, vq.match, &cb, &err), VN_OK);
            if (ca != cb)
                fail_msg("%s: count %lld against %lld", q.data, (long long)ca, (long long)cb);
        }
        vn_query_free(&vq);
    }
    assert_true(compared > 2000);
    /* most of them through the copy (title: and prefixes go to FTS5);
     * the counts it answered are not searches */
    assert_true(vn_store_mem_answers(st) - counted > compared / 2);
    assert_true(with_hits > compared / 2); /* the queries do find things */
    vn_buf_free(&q);
    vn_buf_free(&a);
    vn_buf_free(&b);
    vn_mem_free(m);
    vn_store_close(st);
}

static int count_hit(void *ctx, const vn_hit *hit)
{
    (void)hit;
    (*(int *)ctx)++;
    return VN_OK;
}

/* Ties are equal scores by relevance only: by date, the row after the
 * page is the next page's even when its score equals the last row's. */
static void test_date_order_has_no_ties(void **state)
{
    (void)state;
    vn_store *st = NULL;
    vn_mem *m = NULL;
    vn_err err;
    vn_buf a = VN_BUF_INIT, b = VN_BUF_INIT;
    assert_int_equal(vn_store_open(dbpath, VN_STORE_READ, &st, &err), VN_OK);
    assert_int_equal(vn_store_load_mem(st, &m, &err), VN_OK);
    for (int sort = VN_SORT_DATE; sort <= VN_SORT_DATE_ASC; sort++) {
        /* only the one text on two dates (2031, after every other) */
        vn_search s = {.match = "\"tinh\" AND \"chế\" AND \"biển\"", .limit = 1,
                       .since = "2031-01-01", .sort = sort, .ties = 1};
        int64_t ta = search(st, m, &s, &a), tb = search(st, NULL, &s, &b);
        assert_int_equal(tb, 2);
        if (!mem_check_same(&a, ta, &b, tb))
            fail_msg("--- vn_mem\n%.*s--- FTS5\n%.*s", (int)a.len, a.data, (int)b.len, b.data);
        int n = 0; /* one result: the page's, not the other date's */
        int64_t total = 0;
        assert_int_equal(vn_store_search(st, &s, count_hit, &n, &total, &err), VN_OK);
        assert_int_equal(n, 1);
    }
    vn_buf_free(&a);
    vn_buf_free(&b);
    vn_mem_free(m);
    vn_store_close(st);
}

/* One read transaction over several calls: only the outermost is the
 * store's to end, and loading the copy inside the caller's leaves it the
 * caller's (it used to be committed). */
static void test_read_transaction(void **state)
{
    (void)state;
    vn_store *st = NULL;
    vn_mem *m = NULL;
    vn_err err;
    int outer = -1, inner = -1;
    int64_t n = -1;
    assert_int_equal(vn_store_open(dbpath, VN_STORE_READ, &st, &err), VN_OK);
    sqlite3 *db = vn_store_db(st);
    assert_int_equal(vn_store_read_begin(st, &outer, &err), VN_OK);
    assert_int_equal(outer, 1);
    assert_int_equal(sqlite3_get_autocommit(db), 0);
    assert_int_equal(vn_store_read_begin(st, &inner, &err), VN_OK);
    assert_int_equal(inner, 0);
    assert_int_equal(vn_store_load_mem(st, &m, &err), VN_OK);
    vn_store_use_mem(st, m);
    assert_int_equal(vn_store_count_match(st, "\"tinh\"", &n, &err), VN_OK);
    assert_true(n > 0);
    vn_store_read_end(st, inner);
    assert_int_equal(sqlite3_get_autocommit(db), 0); /* still the caller's */
    vn_store_read_end(st, outer);
    assert_int_equal(sqlite3_get_autocommit(db), 1);
    vn_store_use_mem(st, NULL);
    vn_mem_free(m);
    vn_store_close(st);
}

/* What vn_mem answers itself and what it leaves to FTS5. */
static void test_declines(void **state)
{
    (void)state;
    static const struct {
        const char *match;
        int answered;
    } cases[] = {
        {"\"tinh\"", 1},
        {"\"tinh gian\" AND \"bien\"", 1},
        {"(\"\x06tinh\" OR \"\x06tình\") AND \"bien\"", 1},
        {"\"tinh\" NOT (\"bien\" OR (\"can\" AND \"bo\"))", 1},
        {"\"tinh\" OR \"bien\"", 1},
        {"(\"tinh\" AND \"bien\") OR \"ubnd\"", 0}, /* AND under OR */
        {"title : \"tinh\"", 0},
        {"\"bi\" *", 0},
        {"tinh", 0},                                /* a bare word */
        {"\"tinh\" \"bien\"", 0},                   /* implicit AND */
        {"NEAR(\"tinh\" \"bien\")", 0},
        {"\"tinh\" AND", 0},
        {"\"tinh", 0},
        {"\" , \"", 0},                             /* a phrase of no words */
        /* an OR, a phrase of two words and a NOT: FTS5 loses instances */
        {"((\"tình\" OR \"tính\") AND \"tinh chế\") NOT \"uy\"", 0},
        {"(\"tình\" OR \"tính\") AND \"tinh chế\"", 1},
        {"(\"tình\" AND \"tinh chế\") NOT \"uy\"", 1},
        {"((\"tình\" OR \"tính\") AND \"chế\") NOT \"uy\"", 1},
    };
    vn_store *st = NULL;
    vn_mem *m = NULL;
    vn_err err;
    assert_int_equal(vn_store_open(dbpath, VN_STORE_READ, &st, &err), VN_OK);
    assert_int_equal(vn_store_load_mem(st, &m, &err), VN_OK);
    sqlite3 *db = vn_store_db(st);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        int64_t id[10];
        double key[10];
        int n = -1;
        int64_t total = -1;
        vn_mem_found *f = NULL;
        vn_mem_query mq = {cases[i].match, NULL, NULL, NULL, VN_SORT_RELEVANCE, 10, 0, {1.0, 10.0}, 0};
        assert_int_equal(sqlite3_exec(db, "BEGIN", NULL, NULL, NULL), SQLITE_OK);
        assert_int_equal(vn_mem_rank(m, vn_tok_api(db), &mq, id, key, &n, &total, &f, &err), VN_OK);
        sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        if ((f != NULL) != cases[i].answered)
            fail_msg("%s: %s", cases[i].match, f ? "answered" : "declined");
        if (f == NULL)
            assert_int_equal(n, 0);
        vn_mem_found_free(f);
    }
    vn_mem_free(m);
    vn_store_close(st);
}

/* A commit after the load: searches see the new generation and go to
 * FTS5, so the new article is found. */
static void test_stale_goes_to_fts5(void **state)
{
    (void)state;
    vn_store *rd = NULL, *wr = NULL;
    vn_mem *m = NULL;
    vn_err err;
    vn_buf a = VN_BUF_INIT, b = VN_BUF_INIT;
    int64_t before = 0, after = 0;
    assert_int_equal(vn_store_open(dbpath, VN_STORE_READ, &rd, &err), VN_OK);
    assert_int_equal(vn_store_load_mem(rd, &m, &err), VN_OK);
    vn_search s = {.match = "\"xylophone\"", .limit = 10};
    assert_int_equal(search(rd, m, &s, &a), 0);

    assert_int_equal(vn_store_open(dbpath, VN_STORE_WRITE, &wr, &err), VN_OK);
    assert_int_equal(vn_store_generation(wr, &before, &err), VN_OK);
    assert_int_equal(vn_store_begin(wr, &err), VN_OK);
    const char *body = "Một bài mới về xylophone.";
    vn_doc d = {.path = "/new.txt", .title = "Mới", .body = body, .body_len = strlen(body),
                .size = 1, .mtime = 1, .hash = 1};
    int64_t id = 0;
    assert_int_equal(vn_store_put(wr, &d, &id, &err), VN_OK);
    assert_int_equal(vn_store_commit(wr, &err), VN_OK);
    assert_int_equal(vn_store_generation(wr, &after, &err), VN_OK);
    assert_true(after != before);
    /* a transaction that changes no article keeps the generation, even
     * when it writes vn_meta (as every vnindex run records itself) */
    assert_int_equal(vn_store_begin(wr, &err), VN_OK);
    assert_int_equal(vn_store_meta_set(wr, "last_run_at", "now", &err), VN_OK);
    assert_int_equal(vn_store_touch(wr, id, 2, &err), VN_OK);
    assert_int_equal(vn_store_commit(wr, &err), VN_OK);
    assert_int_equal(vn_store_generation(wr, &before, &err), VN_OK);
    assert_int_equal(before, after);
    vn_store_close(wr);

    assert_int_equal(search(rd, m, &s, &a), 1);
    assert_int_equal(search(rd, NULL, &s, &b), 1);
    assert_int_equal(a.len, b.len);
    assert_memory_equal(a.data, b.data, a.len);
    vn_buf_free(&a);
    vn_buf_free(&b);
    vn_mem_free(m);
    vn_store_close(rd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_as_fts5),
        cmocka_unit_test(test_date_order_has_no_ties),
        cmocka_unit_test(test_read_transaction),
        cmocka_unit_test(test_declines),
        cmocka_unit_test(test_stale_goes_to_fts5),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
