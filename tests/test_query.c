/* test_query.c: vn_query, user text -> FTS5 MATCH expression.
 *
 * One cmocka test per table row (input -> exact expression and counts),
 * each also run through a real FTS5 table; then error paths, long
 * inputs, a few searches whose hits we know, and random byte strings
 * that must always give an expression FTS5 accepts. */
#include "vn_query.h"

#include "match_check.h"

#include "vn_buf.h"
#include "vn_norm.h"
#include "vn_syn.h"

#include <sqlite3.h>
#include <unicode/utf8.h>

#include <setjmp.h> /* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- the in-memory FTS5 table every expression is run against ---- */

static sqlite3 *db; /* opened by group_setup, shared by all tests */

static const char *const rows[][2] = {
    { "Luật đất đai", "Quy định về quyền sử dụng đất của hộ gia đình" },
    { "Kế hoạch tinh giản biên chế", "Số 3815/KH-UBND về phát triển kinh tế - xã hội TP.HCM" },
    { "Thông báo", "Ủy ban nhân dân tỉnh hướng dẫn thi hành luật" },
};

static int group_setup(void **state)
{
    (void)state;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_open(":memory:", &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "CREATE VIRTUAL TABLE t USING fts5(title, body)", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "INSERT INTO t(title, body) VALUES (?, ?)", -1, &st, NULL);
    for (size_t k = 0; rc == SQLITE_OK && k < sizeof rows / sizeof rows[0]; k++) {
        sqlite3_bind_text(st, 1, rows[k][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, rows[k][1], -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? sqlite3_reset(st) : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    sqlite3_close(db);
    db = NULL;
    return 0;
}

/* Run match on t. Returns the hit count, or -1 with the SQLite message
 * in msg. */
static int run_match(const char *match, char *msg, size_t nmsg)
{
    sqlite3_stmt *st = NULL;
    int count = -1;
    int rc = sqlite3_prepare_v2(db, "SELECT count(*) FROM t WHERE t MATCH ?", -1, &st, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(st, 1, match, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        count = sqlite3_column_int(st, 0);
    snprintf(msg, nmsg, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return count;
}

/* ---- shape of an expression ---- */

static int is_valid_utf8(const char *s)
{
    int32_t n = (int32_t)strlen(s);
    for (int32_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, n, c);
        if (c < 0)
            return 0;
    }
    return 1;
}


/* Everything that must hold for any input: parses (with the synonym
 * table syn, read with nm, when not NULL), counts agree with the text,
 * the text is clean, and FTS5 runs it. */
static void check_props_syn(const char *in, size_t n, const vn_syn *syn, vn_norm *nm)
{
    vn_query q;
    vn_err err = { 0, "" };
    assert_int_equal(syn ? vn_query_parse_syn(in, n, syn, nm, &q, &err)
                         : vn_query_parse(in, n, &q, &err), VN_OK);
    assert_true(q.npositive >= 0 && q.nnegative >= 0);
    if (q.match == NULL) {
        assert_int_equal(q.npositive, 0);
        assert_int_equal(q.has_or, 0);
        return;
    }
    assert_true(q.npositive > 0);
    assert_true(is_valid_utf8(q.match));
    /* a string per item; synonyms add the other forms */
    int nstr = count_strings(q.match);
    if (syn ? nstr < q.npositive + q.nnegative : nstr != q.npositive + q.nnegative)
        fail_msg("shape: %d strings for %d+%d items in <%s>", nstr, q.npositive, q.nnegative,
                 q.match);
    if (q.has_or)
        assert_non_null(strstr(q.match, " OR "));
    char msg[256];
    if (run_match(q.match, msg, sizeof msg) < 0)
        fail_msg("FTS5 rejected <%s>: %s", q.match, msg);
    vn_query_free(&q);
}

static void check_props(const char *in, size_t n)
{
    check_props_syn(in, n, NULL, NULL);
}

/* ---- the table ---- */

typedef struct qcase {
    const char *name;   /* NULL: the input is the name */
    const char *in;
    size_t n;           /* 0: strlen(in) */
    const char *want;   /* NULL: match must be NULL */
    int npos, nneg, has_or;
} qcase;

static const qcase cases[] = {
    /* plain words */
    { NULL, "tinh giản biên chế", 0, "\"tinh\" AND \"giản\" AND \"biên\" AND \"chế\"", 4, 0, 0 },
    { NULL, "3815/KH-UBND", 0, "\"3815/KH-UBND\"", 1, 0, 0 },
    { NULL, "TP.HCM", 0, "\"TP.HCM\"", 1, 0, 0 },
    { "tab and newline separate", "ĐẢNG  Cộng\tsản\nViệt", 0, "\"ĐẢNG\" AND \"Cộng\" AND \"sản\" AND \"Việt\"", 4, 0, 0 },
    { "NFD kept as typed", "Ha\xCC\x80 No\xCC\xA3\xCC\x82i", 0,
      "\"Ha\xCC\x80\" AND \"No\xCC\xA3\xCC\x82i\"", 2, 0, 0 },
    { "U+00A0 and U+3000 separate", "a\xC2\xA0" "b\xE3\x80\x80" "c", 0,
      "\"a\" AND \"b\" AND \"c\"", 3, 0, 0 },
    { NULL, "20% x-", 0, "\"20%\" AND \"x-\"", 2, 0, 0 },
    /* nothing searchable */
    { "empty", "", 0, NULL, 0, 0, 0 },
    { "spaces only", " \t\n\r \xC2\xA0\xE3\x80\x80", 0, NULL, 0, 0, 0 },
    { NULL, ".,;!? … «»", 0, NULL, 0, 0, 0 },
    { NULL, "*", 0, NULL, 0, 0, 0 },
    { NULL, "\"", 0, NULL, 0, 0, 0 },
    { NULL, "\"\"", 0, NULL, 0, 0, 0 },
    { NULL, "\"   \"", 0, NULL, 0, 0, 0 },
    { NULL, "-", 0, NULL, 0, 0, 0 },
    { NULL, "--", 0, NULL, 0, 0, 0 },
    { NULL, "OR", 0, NULL, 0, 0, 0 },
    { NULL, "AND", 0, NULL, 0, 0, 0 },
    { NULL, "NOT", 0, NULL, 0, 0, 0 },
    { NULL, "title:", 0, NULL, 0, 0, 0 },
    /* phrases */
    { NULL, "\"Ủy ban nhân dân\" tỉnh", 0, "\"Ủy ban nhân dân\" AND \"tỉnh\"", 2, 0, 0 },
    { NULL, "\"unclosed phrase", 0, "\"unclosed phrase\"", 1, 0, 0 },
    { NULL, "abc\"def ghi\"jk", 0, "\"abc\" AND \"def ghi\" AND \"jk\"", 3, 0, 0 },
    { NULL, "x \"\" y", 0, "\"x\" AND \"y\"", 2, 0, 0 },
    { NULL, "ab\"", 0, "\"ab\"", 1, 0, 0 },
    { NULL, "\"a\"\"b\"", 0, "\"a\" AND \"b\"", 2, 0, 0 },
    /* exclusions */
    { NULL, "kinh tế -xã", 0, "(\"kinh\" AND \"tế\") NOT \"xã\"", 2, 1, 0 },
    { NULL, "kinh tế - xã hội", 0, "\"kinh\" AND \"tế\" AND \"xã\" AND \"hội\"", 4, 0, 0 },
    { NULL, "a -b -\"c d\"", 0, "\"a\" NOT (\"b\" OR \"c d\")", 1, 2, 0 },
    { NULL, "a ---b --", 0, "\"a\" NOT \"b\"", 1, 1, 0 },
    { NULL, "-a -b", 0, NULL, 0, 2, 0 },
    { NULL, "a NOT b", 0, "\"a\" NOT \"b\"", 1, 1, 0 },
    { NULL, "y NOT NOT x", 0, "\"y\" NOT \"x\"", 1, 1, 0 },
    { NULL, "a NOT", 0, "\"a\"", 1, 0, 0 },
    { NULL, "NOT a", 0, NULL, 0, 1, 0 },
    { NULL, "-OR x", 0, "\"x\" NOT \"OR\"", 1, 1, 0 },
    /* OR */
    { NULL, "a OR b", 0, "\"a\" OR \"b\"", 2, 0, 1 },
    { NULL, "x a OR b y", 0, "\"x\" AND (\"a\" OR \"b\") AND \"y\"", 4, 0, 1 },
    { NULL, "a OR b OR c", 0, "\"a\" OR \"b\" OR \"c\"", 3, 0, 1 },
    { NULL, "a OR OR b", 0, "\"a\" OR \"b\"", 2, 0, 1 },
    { NULL, "OR OR x", 0, "\"x\"", 1, 0, 0 },
    { NULL, "x OR", 0, "\"x\"", 1, 0, 0 },
    { NULL, "a or b", 0, "\"a\" AND \"or\" AND \"b\"", 3, 0, 0 },
    { NULL, "a AND b", 0, "\"a\" AND \"b\"", 2, 0, 0 },
    { NULL, "a OR b -c", 0, "(\"a\" OR \"b\") NOT \"c\"", 2, 1, 1 },
    { NULL, "x OR -y z", 0, "(\"x\" AND \"z\") NOT \"y\"", 2, 1, 0 },
    { NULL, "\"a b\" OR title:c", 0, "\"a b\" OR title : \"c\"", 2, 0, 1 },
    { NULL, "a OR b c OR d", 0, "(\"a\" OR \"b\") AND (\"c\" OR \"d\")", 4, 0, 1 },
    { NULL, "x OR AND y", 0, "\"x\" OR \"y\"", 2, 0, 1 },
    { NULL, "a OR NOT b", 0, "\"a\" NOT \"b\"", 1, 1, 0 },
    { NULL, "OR\"x\"", 0, "\"x\"", 1, 0, 0 },
    { NULL, "NEAR a", 0, "\"NEAR\" AND \"a\"", 2, 0, 0 },
    /* title: */
    { NULL, "title:luật", 0, "title : \"luật\"", 1, 0, 0 },
    { NULL, "Title:\"luật đất đai\"", 0, "title : \"luật đất đai\"", 1, 0, 0 },
    { NULL, "TITLE: x", 0, "title : \"x\"", 1, 0, 0 },
    { NULL, "đất -title:luật", 0, "\"đất\" NOT title : \"luật\"", 1, 1, 0 },
    { NULL, "-title: x y", 0, "\"y\" NOT title : \"x\"", 1, 1, 0 },
    { NULL, "title:title:x", 0, "title : \"title:x\"", 1, 0, 0 },
    { NULL, "body:x", 0, "\"body:x\"", 1, 0, 0 },
    { NULL, "title:lu*", 0, "title : \"lu\" *", 1, 0, 0 },
    /* prefix */
    { NULL, "luậ*", 0, "\"luậ\" *", 1, 0, 0 },
    { NULL, "đấ**", 0, "\"đấ\" *", 1, 0, 0 },
    { NULL, "l*", 0, "\"l\"", 1, 0, 0 },
    { NULL, "a*b", 0, "\"a*b\"", 1, 0, 0 },
    { NULL, "\"ủy ban nh\"*", 0, "\"ủy ban nh\" *", 1, 0, 0 },
    { NULL, "\"ủy ban n\"*", 0, "\"ủy ban n\"", 1, 0, 0 },
    /* hostile */
    { NULL, "^x", 0, "\"^x\"", 1, 0, 0 },
    { NULL, "a:b", 0, "\"a:b\"", 1, 0, 0 },
    { NULL, "(x)", 0, "\"(x)\"", 1, 0, 0 },
    { NULL, "{title}: +x", 0, "\"{title}:\" AND \"+x\"", 2, 0, 0 },
    { NULL, "NEAR(a b)", 0, "\"NEAR(a\" AND \"b)\"", 2, 0, 0 },
    { NULL, "'; DROP TABLE x; --", 0, "\"DROP\" AND \"TABLE\" AND \"x;\"", 3, 0, 0 },
    { NULL, "<script>alert(1)</script>", 0, "\"<script>alert(1)</script>\"", 1, 0, 0 },
    { "NUL bytes inside n", "ab\0cd\0\0-e", 9, "(\"ab\" AND \"cd\") NOT \"e\"", 2, 1, 0 },
    { "NUL inside a phrase", "\"a\0b\"", 5, "\"a b\"", 1, 0, 0 },
    { "invalid byte becomes U+FFFD", "ab\xFF" "cd", 0, "\"ab\xEF\xBF\xBD" "cd\"", 1, 0, 0 },
    { "invalid bytes alone", "\xFF \xC3 \xED\xA0\x80 \xC0\xAF", 0, NULL, 0, 0, 0 },
    { "truncated sequence", "x\xE1\xBA", 0, "\"x\xEF\xBF\xBD\"", 1, 0, 0 },
};

#define NCASES (sizeof cases / sizeof cases[0])

static void test_case(void **state)
{
    const qcase *c = *state;
    size_t n = c->n ? c->n : strlen(c->in);
    vn_query q;
    vn_err err = { 0, "" };
    assert_int_equal(vn_query_parse(c->in, n, &q, &err), VN_OK);
    if (c->want == NULL)
        assert_null(q.match);
    else
        assert_non_null(q.match);
    if (c->want != NULL)
        assert_string_equal(q.match, c->want);
    assert_int_equal(q.npositive, c->npos);
    assert_int_equal(q.nnegative, c->nneg);
    assert_int_equal(q.has_or, c->has_or);
    vn_query_free(&q);
    check_props(c->in, n);
}

/* The shape check must itself catch what it is there to catch. */
static void test_checker(void **state)
{
    (void)state;
    assert_int_equal(count_strings("(\"a\" OR \"b\"\"c\") NOT title : \"d\" *"), 3);
    assert_int_equal(count_strings("a"), -1);
    assert_int_equal(count_strings("\"a\" AND b:\"c\""), -1);
    assert_int_equal(count_strings("NEAR(\"a\" \"b\")"), -1);
    assert_int_equal(count_strings("^\"a\""), -1);
    assert_int_equal(count_strings("\"a\" + \"b\""), -1);
    assert_int_equal(count_strings("\"a"), -1);
}

/* ---- errors and ownership ---- */

static void test_errors(void **state)
{
    (void)state;
    vn_query q = { (char *)"junk", 7, 7, 7 };
    vn_err err = { 0, "" };
    assert_int_equal(vn_query_parse("x", 1, NULL, &err), VN_EINVAL);
    assert_int_equal(err.code, VN_EINVAL);
    assert_string_equal(err.msg, "query: no vn_query to fill");

    assert_int_equal(vn_query_parse(NULL, 3, &q, &err), VN_EINVAL);
    assert_string_equal(err.msg, "query: text is NULL but its length is 3");
    assert_null(q.match); /* out-parameter cleared on failure */
    assert_int_equal(q.npositive + q.nnegative + q.has_or, 0);

    /* refused before a byte is read, so the short buffer is fine */
    assert_int_equal(vn_query_parse("x", (size_t)INT32_MAX + 1, &q, &err), VN_EINVAL);
    assert_string_equal(err.msg, "query: 2147483648 bytes is too long (limit 2147483647)");
    assert_null(q.match);

    assert_int_equal(vn_query_parse(NULL, 0, &q, NULL), VN_OK); /* err may be NULL */
    assert_null(q.match);
}

static void test_release(void **state)
{
    (void)state;
    vn_query q;
    vn_query_free(NULL);
    assert_int_equal(vn_query_parse("a b", 3, &q, NULL), VN_OK);
    assert_non_null(q.match);
    vn_query_free(&q);
    assert_null(q.match);
    vn_query_free(&q); /* twice is harmless */
}

/* ---- size ---- */

static double seconds_since(clock_t t0)
{
    return (double)(clock() - t0) / CLOCKS_PER_SEC;
}

static void test_100k_bytes(void **state)
{
    (void)state;
    static const char unit[] = "tinh giản a OR b -c title:d đấ* \"e f\" (x) NEAR( ^ ";
    size_t n = 100000, ulen = sizeof unit - 1;
    char *in = malloc(n);
    assert_non_null(in);
    for (size_t k = 0; k < n; k++)
        in[k] = unit[k % ulen];
    in[n - 1] = ' '; /* don't end inside a multi-byte character */
    vn_query q;
    clock_t t0 = clock();
    assert_int_equal(vn_query_parse(in, n, &q, NULL), VN_OK);
    double secs = seconds_since(t0);
    assert_true(secs < 1.0);
    assert_true(q.npositive > 10000 && q.nnegative > 1000 && q.has_or);
    vn_query_free(&q);
    check_props(in, n);
    free(in);
}

static void test_1000_terms(void **state)
{
    (void)state;
    vn_buf in = VN_BUF_INIT, want = VN_BUF_INIT;
    int rc = VN_OK;
    for (int k = 0; k < 1000; k++) {
        vn_buf_printf_rc(&in, &rc, "%sw%d", k ? " " : "", k);
        vn_buf_printf_rc(&want, &rc, "%s\"w%d\"", k ? " AND " : "", k);
    }
    assert_int_equal(rc, VN_OK);
    vn_query q;
    assert_int_equal(vn_query_parse(in.data, in.len, &q, NULL), VN_OK);
    assert_string_equal(q.match, want.data);
    assert_int_equal(q.npositive, 1000);
    vn_query_free(&q);
    check_props(in.data, in.len);

    /* the same words OR'd, excluded, or in the title as prefixes */
    static const char *const forms[] = { "w%d OR v%d ", "-w%d x%d ", "title:w%d* NOT \"v %d\" " };
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        vn_buf_reset(&in);
        for (int k = 0; k < 1000; k++)
            vn_buf_printf_rc(&in, &rc, forms[f], k, k);
        assert_int_equal(rc, VN_OK);
        check_props(in.data, in.len);
    }
    vn_buf_free(&in);
    vn_buf_free(&want);
}

/* ---- meaning, on the three rows ---- */

static void test_hits(void **state)
{
    (void)state;
    static const struct { const char *in; int hits; } hits[] = {
        { "luật", 2 },                 /* title of 1, body of 3 */
        { "title:luật", 1 },
        { "luật -title:luật", 1 },
        { "luật NOT đất", 1 },
        { "\"Ủy ban nhân dân\"", 1 },
        { "\"nhân ủy\"", 0 },          /* a phrase keeps order */
        { "kinh OR đất", 2 },
        { "kinh tế OR đất", 1 },       /* kinh AND (tế OR đất) */
        { "3815/KH-UBND", 1 },
        { "luậ*", 2 },
        { "lu", 0 },
        { "\"thi hành lu\"*", 1 },
        { "tinh -\"biên chế\"", 1 },   /* row 3 has "tỉnh" too: unicode61 folds */
    };
    for (size_t k = 0; k < sizeof hits / sizeof hits[0]; k++) {
        vn_query q;
        char msg[256];
        assert_int_equal(vn_query_parse(hits[k].in, strlen(hits[k].in), &q, NULL), VN_OK);
        assert_non_null(q.match);
        int got = run_match(q.match, msg, sizeof msg);
        if (got != hits[k].hits)
            fail_msg("<%s> as <%s>: %d hits, want %d (%s)", hits[k].in, q.match, got,
                     hits[k].hits, msg);
        vn_query_free(&q);
    }
}

/* ---- random inputs ---- */

static uint64_t rng_next(uint64_t *s) /* xorshift64 */
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

/* Half the strings are random bytes; half are soup made of pieces that
 * mean something to the parser or to FTS5. */
/* Up to len bytes of bits[] picked at random, into out. Returns the length. */
static size_t soup(uint64_t *rng, const char *const *bits, size_t nbits, size_t len, char *out,
                   size_t cap)
{
    size_t n = 0;
    while (n < len) {
        const char *b = bits[rng_next(rng) % nbits];
        size_t blen = strlen(b);
        if (n + blen > cap)
            break;
        memcpy(out + n, b, blen);
        n += blen;
    }
    return n;
}

static size_t random_query(uint64_t *rng, char *out, size_t cap)
{
    static const char *const bits[] = {
        " ", " ", "\"", "-", "*", ":", "(", ")", "^", "+", "{", "}", "'", ",", "\t",
        "OR", "AND", "NOT", "NEAR", "NEAR(", "title:", "Title:", "body:", "a", "đấ",
        "luật", "x1", "\xC2\xA0", "\xE3\x80\x80", "\xFF", "\xC3", "\xED\xA0\x80",
        "Ha\xCC\x80", "\xF0\x9F\x98\x80", "\"\"", "--", "**",
    };
    size_t n = 0, len = (size_t)(rng_next(rng) % (cap / 8));
    if (rng_next(rng) & 1)
        return soup(rng, bits, sizeof bits / sizeof bits[0], len, out, cap);
    while (n < len)
        out[n++] = (char)(rng_next(rng) & 0xff);
    return n;
}

static void test_random(void **state)
{
    (void)state;
    uint64_t rng = 0x9e3779b97f4a7c15u;
    char buf[512];
    for (int k = 0; k < 4000; k++) {
        size_t n = random_query(&rng, buf, sizeof buf);
        check_props(buf, n);
    }
}

/* A synonym table of our own, with the normalizer it was read with. */
static vn_syn *syn_table(const char *table, vn_norm **nm)
{
    vn_syn *syn = NULL;
    vn_err err = {0};
    assert_int_equal(vn_syn_open(&syn, &err), VN_OK);
    assert_int_equal(vn_norm_open(nm, &err), VN_OK);
    assert_int_equal(vn_syn_parse(syn, *nm, table, strlen(table), "test", &err), VN_OK);
    return syn;
}

/* Synonyms: input -> exact expression, with a small table of our own. */
/* vn_query_string reads back the strings vn_query writes: quotes
 * doubled inside, and where the string ends. */
static void test_string_read_back(void **state)
{
    (void)state;
    static const struct {
        const char *in, *content, *rest;
        int closed;
    } reads[] = {
        { "\"tinh\" AND \"x\"", "tinh", " AND \"x\"", 1 },
        { "\"say \"\"hi\"\"\" OR", "say \"hi\"", " OR", 1 },
        { "\"\"", "", "", 1 },
        { "\"open", "open", "", 0 },
        { "\"ends \"\"", "ends \"", "", 0 },
    };
    vn_buf b = VN_BUF_INIT;
    for (size_t i = 0; i < sizeof reads / sizeof *reads; i++) {
        int closed = -1, rc = VN_OK;
        const char *end = vn_query_string(reads[i].in, &b, &closed, &rc);
        assert_int_equal(rc, VN_OK);
        assert_string_equal(b.data ? b.data : "", reads[i].content);
        assert_string_equal(end, reads[i].rest);
        assert_int_equal(closed, reads[i].closed);
    }
    vn_buf_free(&b);
}

static void test_synonyms(void **state)
{
    (void)state;
    static const char table[] =
        "UBND = Ủy ban nhân dân\n"
        "HĐND = Hội đồng nhân dân\n"
        "TP.HCM = TPHCM = Thành phố Hồ Chí Minh\n";
    static const struct { const char *in, *want; } syn_cases[] = {
        { "UBND", "(\"UBND\" OR \"Ủy ban nhân dân\")" },
        { "ubnd quận 1", "(\"ubnd\" OR \"Ủy ban nhân dân\") AND \"quận\" AND \"1\"" },
        { "uy ban nhan dan",
          "((\"uy\" AND \"ban\" AND \"nhan\" AND \"dan\") OR \"UBND\")" },
        { "Ủy ban nhân dân tỉnh",
          "((\"Ủy\" AND \"ban\" AND \"nhân\" AND \"dân\") OR \"UBND\") AND \"tỉnh\"" },
        /* the longest form wins; TP.HCM is one chunk of two words */
        { "TP.HCM", "(\"TP.HCM\" OR \"TPHCM\" OR \"Thành phố Hồ Chí Minh\")" },
        /* accented words must be the form's: "văn" is not "vân" */
        { "uy ban nhân dan", "((\"uy\" AND \"ban\" AND \"nhân\" AND \"dan\") OR \"UBND\")" },
        { "uy ban nhẩn dan", "\"uy\" AND \"ban\" AND \"nhẩn\" AND \"dan\"" },
        /* quoted, prefixed, OR-joined, excluded or split words: as typed */
        { "\"UBND\"", "\"UBND\"" },
        { "UBND*", "\"UBND\" *" },
        { "uy ban \"nhan dan\" -\"UBND\"", "(\"uy\" AND \"ban\" AND \"nhan dan\") NOT \"UBND\"" },
        /* one chunk: also as an OR operand and excluded */
        { "UBND OR HĐND", "(\"UBND\" OR \"Ủy ban nhân dân\") OR (\"HĐND\" OR \"Hội đồng nhân dân\")" },
        { "x UBND OR y z", "\"x\" AND ((\"UBND\" OR \"Ủy ban nhân dân\") OR \"y\") AND \"z\"" },
        { "x OR TP.HCM", "\"x\" OR (\"TP.HCM\" OR \"TPHCM\" OR \"Thành phố Hồ Chí Minh\")" },
        { "-UBND x", "\"x\" NOT (\"UBND\" OR \"Ủy ban nhân dân\")" },
        { "x NOT ubnd", "\"x\" NOT (\"ubnd\" OR \"Ủy ban nhân dân\")" },
        { "x y -UBND -z", "(\"x\" AND \"y\") NOT ((\"UBND\" OR \"Ủy ban nhân dân\") OR \"z\")" },
        { "x -title:UBND", "\"x\" NOT (title : \"UBND\" OR title : \"Ủy ban nhân dân\")" },
        { "UBND -TPHCM", "(\"UBND\" OR \"Ủy ban nhân dân\") NOT (\"TPHCM\" OR \"TP.HCM\" OR \"Thành phố Hồ Chí Minh\")" },
        /* several words: only standing AND-ed on their own */
        { "x OR uy ban nhan dan", "(\"x\" OR \"uy\") AND \"ban\" AND \"nhan\" AND \"dan\"" },
        { "uy ban nhan dan OR x", "\"uy\" AND \"ban\" AND \"nhan\" AND (\"dan\" OR \"x\")" },
        { "-uy ban nhan dan", "(\"ban\" AND \"nhan\" AND \"dan\") NOT \"uy\"" },
        { "-UBND* x", "\"x\" NOT \"UBND\" *" },
        { "uy ban \"nhan dan\"", "\"uy\" AND \"ban\" AND \"nhan dan\"" },
        { "title:UBND", "(title : \"UBND\" OR title : \"Ủy ban nhân dân\")" },
    };
    vn_norm *nm = NULL;
    vn_err err = {0};
    vn_syn *syn = syn_table(table, &nm);
    for (size_t k = 0; k < sizeof syn_cases / sizeof syn_cases[0]; k++) {
        vn_query q = {0};
        char msg[256];
        assert_int_equal(vn_query_parse_syn(syn_cases[k].in, strlen(syn_cases[k].in), syn, nm,
                                            &q, &err), VN_OK);
        if (strcmp(q.match, syn_cases[k].want) != 0)
            fail_msg("%s: got %s, want %s", syn_cases[k].in, q.match, syn_cases[k].want);
        assert_true(run_match(q.match, msg, sizeof msg) >= 0);
        vn_query_free(&q);
    }
    vn_norm_close(nm);
    vn_syn_free(syn);
}

/* Random soup with synonyms of every shape (one chunk, several words,
 * a code with punctuation) in every position: FTS5 accepts the
 * expression and nothing typed leaks out of its strings. */
static void test_random_synonyms(void **state)
{
    (void)state;
    static const char table[] =
        "UBND = Ủy ban nhân dân\n"
        "HĐND = Hội đồng nhân dân\n"
        "TP.HCM = TPHCM = TP HCM = TP. Hồ Chí Minh = Thành phố Hồ Chí Minh\n";
    static const char *const bits[] = {
        " ", " ", " ", "\"", "-", "*", "OR", "NOT", "AND", "title:", "UBND", "ubnd",
        "HĐND", "uy", "ban", "nhan", "dan", "Ủy", "TP.HCM", "TPHCM", "TP", "HCM", "Hồ",
        "Chí", "Minh", "x", "(", ")", ":", "\xFF",
    };
    vn_norm *nm = NULL;
    vn_syn *syn = syn_table(table, &nm);
    uint64_t rng = 0x2545f4914f6cdd1du;
    char buf[512];
    for (int k = 0; k < 3000; k++) {
        size_t len = (size_t)(rng_next(&rng) % 120);
        size_t n = soup(&rng, bits, sizeof bits / sizeof bits[0], len, buf, sizeof buf - 1);
        check_props_syn(buf, n, syn, nm);
    }
    vn_norm_close(nm);
    vn_syn_free(syn);
}

int main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(test_checker),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_release),
        cmocka_unit_test(test_100k_bytes),
        cmocka_unit_test(test_1000_terms),
        cmocka_unit_test(test_hits),
        cmocka_unit_test(test_random),
        cmocka_unit_test(test_string_read_back),
        cmocka_unit_test(test_synonyms),
        cmocka_unit_test(test_random_synonyms),
    };
    /* One test per table row, so each shows up by name. */
    struct CMUnitTest tests[NCASES + sizeof fixed / sizeof fixed[0]];
    for (size_t k = 0; k < NCASES; k++) {
        struct CMUnitTest t = { cases[k].name ? cases[k].name : cases[k].in, test_case, NULL,
                                NULL, (void *)&cases[k] };
        tests[k] = t;
    }
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
        tests[NCASES + k] = fixed[k];
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
