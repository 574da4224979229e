/* test_serve.c: the pieces of `vnquery serve` that need no sockets: the
 * result cache (serve_cache), the completions (serve_complete) over a small
 * index built here, and the page writer (out_html). The HTTP side is
 * tests/cli/test_http.sh; the page in a browser, tests/cli/test_browser.sh.
 * Every text is written for these tests. */
#include "out_html.h"
#include "search.h"
#include "serve_cache.h"
#include "serve_complete.h"
#include "vn_buf.h"
#include "vn_err.h"
#include "vn_norm.h"
#include "vn_store.h"

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

/* ---- helpers ------------------------------------------------------------------ */

/* A result of n hits whose titles say "title i" (i from first). */
static void fake_res(search_res *res, int n, int first)
{
    memset(res, 0, sizeof *res);
    res->total = 1000;
    res->took_ms = 12.5;
    res->hits = calloc((size_t)n, sizeof *res->hits);
    assert_non_null(res->hits);
    for (int i = 0; i < n; i++) {
        char t[32];
        snprintf(t, sizeof t, "title %d", first + i);
        res->hits[i].title = strdup(t);
        res->hits[i].path = strdup("/a/b.txt");
        res->hits[i].snippet = strdup("a \x02match\x03 here");
        res->hits[i].rank = i + 1;
    }
    res->nhits = n;
}

static search_req req(const char *q, int limit, int offset)
{
    search_req rq = {.q = q, .limit = limit, .offset = offset};
    return rq;
}

static char *page_of(const out_html_view *v)
{
    vn_buf b = VN_BUF_INIT;
    int rc = VN_OK;
    out_html_page(&b, v, &rc);
    assert_int_equal(rc, VN_OK);
    char *s = NULL;
    assert_int_equal(vn_buf_take(&b, &s, NULL), VN_OK);
    return s;
}

/* ---- serve_cache -------------------------------------------------------------------- */

static void test_cache_hit_is_a_deep_copy(void **state)
{
    (void)state;
    serve_cache *c = NULL;
    search_res res, got;
    search_req rq = req("tinh giản", 10, 0);
    assert_int_equal(serve_cache_open(1 << 20, &c), VN_OK);
    char *key = serve_cache_key(&rq);
    assert_int_equal(serve_cache_get(c, key, 1, &got), 0);
    fake_res(&res, 3, 0);
    res.searched = strdup("tình giản");
    serve_cache_put(c, key, 1, &res);
    search_res_free(&res); /* the cache kept its own copy */
    assert_int_equal(serve_cache_get(c, key, 1, &got), 1);
    assert_int_equal(got.nhits, 3);
    assert_int_equal(got.total, 1000);
    assert_string_equal(got.hits[2].title, "title 2");
    assert_string_equal(got.searched, "tình giản");
    assert_null(got.suggestion);
    free((char *)got.hits[0].title);      /* the copy is the caller's */
    got.hits[0].title = strdup("changed");
    search_res_free(&got);
    assert_int_equal(serve_cache_get(c, key, 1, &got), 1);
    assert_string_equal(got.hits[0].title, "title 0");
    search_res_free(&got);
    serve_cache_stats st;
    serve_cache_stats_get(c, &st);
    assert_int_equal(st.hits, 2);
    assert_int_equal(st.misses, 1);
    assert_int_equal(st.entries, 1);
    free(key);
    serve_cache_close(c);
}

static void test_cache_generation_and_key(void **state)
{
    (void)state;
    serve_cache *c = NULL;
    search_res res, got;
    assert_int_equal(serve_cache_open(1 << 20, &c), VN_OK);
    search_req a = req("x", 10, 0), b = req("x", 10, 10), d = req("x", 10, 0);
    d.sort = VN_SORT_DATE;
    search_req e = req("x", 10, 0);
    strcpy(e.since, "2023-01-01");
    char *ka = serve_cache_key(&a), *kb = serve_cache_key(&b), *kd = serve_cache_key(&d),
         *ke = serve_cache_key(&e);
    assert_string_not_equal(ka, kb);
    assert_string_not_equal(ka, kd);
    assert_string_not_equal(ka, ke);
    fake_res(&res, 1, 0);
    serve_cache_put(c, ka, 7, &res);
    search_res_free(&res);
    assert_int_equal(serve_cache_get(c, kb, 7, &got), 0); /* another page */
    assert_int_equal(serve_cache_get(c, ka, 8, &got), 0); /* the index changed */
    assert_int_equal(serve_cache_get(c, ka, 7, &got), 0); /* and the entry is gone */
    assert_int_equal(serve_cache_get(NULL, ka, 7, &got), 0);
    serve_cache_put(NULL, ka, 7, &got); /* no cache: nothing, no crash */
    free(ka);
    free(kb);
    free(kd);
    free(ke);
    serve_cache_close(c);
}

static void test_cache_evicts_least_recent(void **state)
{
    (void)state;
    serve_cache *c = NULL;
    search_res res, got;
    char *keys[40];
    char q[40][16];
    assert_int_equal(serve_cache_open(16 * 1024, &c), VN_OK);
    for (int i = 0; i < 40; i++) {
        snprintf(q[i], sizeof q[i], "q%d", i);
        search_req rq = req(q[i], 10, 0);
        keys[i] = serve_cache_key(&rq);
        fake_res(&res, 5, i);
        serve_cache_put(c, keys[i], 1, &res);
        search_res_free(&res);
        if (i >= 1 && serve_cache_get(c, keys[0], 1, &got)) /* keep q0 in use */
            search_res_free(&got);
    }
    serve_cache_stats st;
    serve_cache_stats_get(c, &st);
    assert_true(st.bytes <= 16 * 1024);
    assert_true(st.entries < 40);
    assert_int_equal(serve_cache_get(c, keys[0], 1, &got), 1); /* used: kept */
    search_res_free(&got);
    assert_int_equal(serve_cache_get(c, keys[39], 1, &got), 1); /* newest: kept */
    search_res_free(&got);
    assert_int_equal(serve_cache_get(c, keys[1], 1, &got), 0); /* oldest unused: gone */
    fake_res(&res, 200, 0);                                      /* over a quarter */
    serve_cache_put(c, keys[1], 1, &res);
    search_res_free(&res);
    assert_int_equal(serve_cache_get(c, keys[1], 1, &got), 0);
    for (int i = 0; i < 40; i++)
        free(keys[i]);
    serve_cache_close(c);
}

/* ---- out_html ---------------------------------------------------------------------- */

static void test_html_text_escapes_and_drops_controls(void **state)
{
    (void)state;
    vn_buf b = VN_BUF_INIT;
    int rc = VN_OK;
    out_html_text(&b, "<a href=\"x\">'&'</a>\x02mark\x03\x01\tend", &rc);
    assert_int_equal(rc, VN_OK);
    assert_string_equal(b.data, "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;mark\tend");
    vn_buf_free(&b);
}

static void test_html_query_string(void **state)
{
    (void)state;
    vn_buf b = VN_BUF_INIT;
    int rc = VN_OK;
    search_req rq = req("x", 10, 0);
    out_html_query(&b, "tinh giản & \"biên\"", NULL, 1, OUT_HTML_SIZE_DEFAULT, &rc);
    assert_string_equal(b.data, "q=tinh+gi%E1%BA%A3n+%26+%22bi%C3%AAn%22");
    vn_buf_reset(&b);
    strcpy(rq.since, "2023-01-01");
    strcpy(rq.until, "2023-12-31");
    rq.sort = VN_SORT_DATE_ASC;
    out_html_query(&b, "a-b_c.d~e", &rq, 3, 20, &rc);
    assert_string_equal(b.data,
                        "q=a-b_c.d~e&since=2023-01-01&until=2023-12-31&sort=date-asc&size=20&page=3");
    assert_int_equal(rc, VN_OK);
    vn_buf_free(&b);
    assert_int_equal(out_html_pages(0, 10), 0);
    assert_int_equal(out_html_pages(1, 10), 1);
    assert_int_equal(out_html_pages(10, 10), 1);
    assert_int_equal(out_html_pages(11, 10), 2);
    assert_int_equal(out_html_pages(50000000, 50), SEARCH_OFFSET_MAX / 50 + 1);
}

static void test_html_page_escapes_everything(void **state)
{
    (void)state;
    search_res res;
    fake_res(&res, 3, 0);
    free((char *)res.hits[0].title);
    res.hits[0].title = strdup("<script>alert(1)</script>");
    res.hits[0].url = strdup("javascript:alert(1)");
    free((char *)res.hits[0].snippet);
    res.hits[0].snippet = strdup("<img src=x onerror=alert(1)> \x02khớp\x03");
    res.hits[1].url = strdup("https://sonoivu.example/bai?id=1&x=\"2\"");
    res.hits[1].date = strdup("2023-07-20");
    res.hits[1].author = strdup("<b>Tác giả</b>");
    res.suggestion = strdup("<i>gợi ý</i>");
    res.searched = strdup("\"đã\" tìm");
    res.relaxed = 1;
    search_req rq = req("\"><script>x</script>", 3, 3);
    out_html_view v = {.q = rq.q, .rq = &rq, .res = &res, .page = 2, .size = 3};
    char *page = page_of(&v);
    assert_null(strstr(page, "<script>"));
    assert_null(strstr(page, "<img"));
    assert_null(strstr(page, "<b>"));
    assert_null(strstr(page, "<i>"));
    assert_null(strstr(page, "javascript:"));
    assert_non_null(strstr(page, "value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\""));
    assert_non_null(strstr(page, "<h2 class=\"hit-title\">&lt;script&gt;alert(1)&lt;/script&gt;</h2>"));
    assert_non_null(strstr(page, "&lt;img src=x onerror=alert(1)&gt; <mark>khớp</mark>"));
    assert_non_null(strstr(page, "<a href=\"https://sonoivu.example/bai?id=1&amp;x=&quot;2&quot;\">"));
    assert_non_null(strstr(page, "<time datetime=\"2023-07-20\">20/07/2023</time>"));
    assert_non_null(strstr(page, "Đã tìm: <strong>&quot;đã&quot; tìm</strong>"));
    assert_non_null(strstr(page, "Có phải bạn muốn tìm: <a href=\"?q=%3Ci%3Eg%E1%BB%A3i+%C3%BD%3C%2Fi%3E&amp;size=3\">"));
    assert_non_null(strstr(page, "notice-relaxed"));
    assert_non_null(strstr(page, "Trang 2/334 · <strong>1.000</strong> kết quả"));
    assert_non_null(strstr(page, "<ol id=\"results\" class=\"results\" start=\"4\">"));
    assert_non_null(strstr(page, "<span aria-current=\"page\">2</span>"));
    assert_non_null(strstr(page, "rel=\"next\" data-page=\"3\">Trang sau ›</a>"));
    assert_non_null(strstr(page, "<input type=\"hidden\" name=\"size\" value=\"3\">"));
    assert_null(strstr(page, "{{"));
    free(page);
    search_res_free(&res);
}

static void test_html_page_empty_and_error(void **state)
{
    (void)state;
    out_html_view v = {.page = 1, .size = OUT_HTML_SIZE_DEFAULT};
    char *page = page_of(&v);
    assert_non_null(strstr(page, "<title>Tìm kiếm tin bài – Sở Nội vụ</title>"));
    assert_non_null(strstr(page, "value=\"\""));
    assert_non_null(strstr(page, "<option value=\"relevance\" selected>"));
    assert_non_null(strstr(page, "role=\"status\" aria-live=\"polite\"></div>"));
    assert_null(strstr(page, "name=\"size\""));
    free(page);
    v.error = "Ngày <bắt đầu> không hợp lệ";
    page = page_of(&v);
    assert_non_null(strstr(page, "<p class=\"error\" role=\"alert\">Ngày &lt;bắt đầu&gt; không hợp lệ</p>"));
    free(page);
}

static void test_html_assets(void **state)
{
    (void)state;
    out_asset a;
    assert_int_equal(out_html_asset("/static/app.js", &a), 0);
    assert_string_equal(a.type, "text/javascript; charset=utf-8");
    assert_true(a.len > 1000);
    assert_non_null(memmem(a.data, a.len, "/api/suggest", 12));
    assert_int_equal(out_html_asset("/static/style.css", &a), 0);
    assert_int_equal(out_html_asset("/static/favicon.svg", &a), 0);
    assert_int_equal(out_html_asset("/static/index.html", &a), -1);
    assert_int_equal(out_html_asset("/static/../out_html.c", &a), -1);
    assert_int_equal(out_html_asset("", &a), -1);
    assert_null(a.data);
}

/* ---- serve_complete ------------------------------------------------------------------ */

static char dir[] = "/tmp/test_serve_XXXXXX";
static char dbpath[64];

static const char *const titles[][2] = { /* title, date */
    {"Triển khai kế hoạch tinh giản biên chế năm 2024", "2024-02-01"},
    {"Tinh giản biên chế ở cấp xã", "2023-05-01"},
    {"Bồi dưỡng kỹ năng lãnh đạo", "2023-01-01"},
    {"Biển đảo quê hương", "2022-01-01"},
    {"Biên giới và biển đảo", "2021-01-01"},
};

static int group_setup(void **state)
{
    (void)state;
    vn_store *st = NULL;
    vn_err err;
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(dbpath, sizeof dbpath, "%s/t.db", dir);
    int rc = vn_store_open(dbpath, VN_STORE_WRITE, &st, &err);
    if (rc == VN_OK)
        rc = vn_store_begin(st, &err);
    for (size_t i = 0; rc == VN_OK && i < sizeof titles / sizeof titles[0]; i++) {
        char path[32], body[256];
        snprintf(path, sizeof path, "/a/%zu.txt", i);
        snprintf(body, sizeof body, "Bài số %zu: %s. Cán bộ tham dự đông đủ.", i, titles[i][0]);
        vn_doc d = {.path = path, .title = titles[i][0], .date = titles[i][1], .body = body,
                    .body_len = strlen(body), .size = 1, .mtime = 1, .hash = (int64_t)i};
        int64_t id = 0;
        rc = vn_store_put(st, &d, &id, &err);
    }
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

typedef struct fixture {
    vn_store *st;
    vn_norm *nm;
    complete_index *ci;
} fixture;

static int fixture_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    vn_err err;
    if (f == NULL || vn_store_open(dbpath, VN_STORE_READ, &f->st, &err) != VN_OK
        || vn_norm_open(&f->nm, &err) != VN_OK || complete_build(f->st, f->nm, &f->ci, &err) != VN_OK)
        return -1;
    *state = f;
    return 0;
}

static int fixture_teardown(void **state)
{
    fixture *f = *state;
    complete_free(f->ci);
    vn_norm_close(f->nm);
    vn_store_close(f->st);
    free(f);
    return 0;
}

/* The completions of q, as "kind:text|kind:text...". OUT: caller frees. */
static char *complete(fixture *f, const char *q)
{
    complete_list l;
    vn_err err;
    vn_buf b = VN_BUF_INIT;
    assert_int_equal(complete_run(f->ci, f->st, f->nm, q, &l, &err), VN_OK);
    for (int i = 0; i < l.n; i++)
        vn_buf_printf(&b, "%s%s:%s", i ? "|" : "", complete_kind_name(l.item[i].kind),
                      l.item[i].text);
    complete_list_free(&l);
    char *s = NULL;
    if (b.data == NULL)
        return strdup("");
    vn_buf_take(&b, &s, NULL);
    return s;
}

static void test_complete_accent_free_prefix(void **state)
{
    fixture *f = *state;
    assert_int_equal(complete_size(f->ci), 5);
    char *s = complete(f, "TINH gian bi");
    assert_string_equal(s, "phrase:tinh giản biên|phrase:tinh giản biên chế"
                           "|title:Tinh giản biên chế ở cấp xã"
                           "|title:Triển khai kế hoạch tinh giản biên chế năm 2024");
    free(s);
}

static void test_complete_marks_choose_the_spelling(void **state)
{
    fixture *f = *state;
    char *s = complete(f, "biê");   /* biên, not biển */
    assert_string_equal(s, "phrase:biên|phrase:biên chế|phrase:biên giới"
                           "|title:Biên giới và biển đảo"
                           "|title:Triển khai kế hoạch tinh giản biên chế năm 2024"
                           "|title:Tinh giản biên chế ở cấp xã|title:Biển đảo quê hương");
    free(s);
    s = complete(f, "bien");        /* every spelling */
    assert_non_null(strstr(s, "phrase:biển"));
    assert_non_null(strstr(s, "phrase:biên"));
    free(s);
}

static void test_complete_terms_when_no_title_has_the_words(void **state)
{
    fixture *f = *state;
    char *s = complete(f, "tham du");  /* "tham dự" is in bodies only */
    assert_non_null(strstr(s, "term:tham dự"));
    assert_null(strstr(s, "phrase:"));
    assert_null(strstr(s, "title:"));
    free(s);
}

static void test_complete_nothing(void **state)
{
    fixture *f = *state;
    const char *none[] = {"", "   ", "!!", "zzqq", "tinh gian bi zz"};
    for (size_t i = 0; i < sizeof none / sizeof none[0]; i++) {
        char *s = complete(f, none[i]);
        assert_string_equal(s, "");
        free(s);
    }
    char *s = complete(f, "kỹ năng ");   /* finished: the next word */
    assert_string_equal(s, "phrase:kỹ năng lãnh|title:Bồi dưỡng kỹ năng lãnh đạo");
    free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_hit_is_a_deep_copy),
        cmocka_unit_test(test_cache_generation_and_key),
        cmocka_unit_test(test_cache_evicts_least_recent),
        cmocka_unit_test(test_html_text_escapes_and_drops_controls),
        cmocka_unit_test(test_html_query_string),
        cmocka_unit_test(test_html_page_escapes_everything),
        cmocka_unit_test(test_html_page_empty_and_error),
        cmocka_unit_test(test_html_assets),
        cmocka_unit_test_setup_teardown(test_complete_accent_free_prefix, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_complete_marks_choose_the_spelling, fixture_setup,
                                        fixture_teardown),
        cmocka_unit_test_setup_teardown(test_complete_terms_when_no_title_has_the_words,
                                        fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_complete_nothing, fixture_setup, fixture_teardown),
    };
    /* group_setup builds the small index the completion tests read */
    return cmocka_run_group_tests_name("serve", tests, group_setup, group_teardown);
}
