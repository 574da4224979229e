/* test_snip.c: vn_snippet(), vn_proximity() and vn_rank() on a real FTS5 table.
 *
 * One in-memory database (group_setup) with the `vietnamese` tokenizer,
 * the table f(body, title) and a small vn_spelling table, so that words
 * typed without diacritics expand. Each test adds the rows it needs and
 * queries them by rowid. All texts are written for these tests. */
#include "vn_snip.h"

#include "vn_buf.h"
#include "vn_err.h"
#include "vn_expand.h"
#include "vn_norm.h"
#include "vn_tok.h"

#include <sqlite3.h>

#include <setjmp.h> /* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define OPEN "\x02"
#define CLOSE "\x03"
#define ELLIPSIS "\xE2\x80\xA6"

static sqlite3 *db; /* opened by group_setup, shared by all tests */
static vn_tok *tok; /* its tokenizer */

/* Spellings the queries typed without marks must reach. */
static const char *const spellings[][2] = {
    { "gian", "giản" }, { "bien", "biên" }, { "bien", "biển" },
    { "bien", "biến" }, { "che", "chế" },
};

static int group_setup(void **state)
{
    (void)state;
    vn_err err;
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_open(":memory:", &db);
    if (rc == SQLITE_OK)
        rc = vn_tok_register(db, &tok, &err) == VN_OK ? SQLITE_OK : SQLITE_ERROR;
    if (rc == SQLITE_OK)
        rc = vn_snip_register(db, &err) == VN_OK ? SQLITE_OK : SQLITE_ERROR;
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db,
            "CREATE TABLE doc(id INTEGER PRIMARY KEY, note TEXT);"
            "CREATE VIRTUAL TABLE f USING fts5(body, title, tokenize='vietnamese');"
            "CREATE TABLE vn_spelling(fold TEXT, canon TEXT, PRIMARY KEY(fold, canon))"
            " WITHOUT ROWID;", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "INSERT INTO vn_spelling VALUES (?, ?)", -1, &st, NULL);
    for (size_t k = 0; rc == SQLITE_OK && k < sizeof spellings / sizeof spellings[0]; k++) {
        sqlite3_bind_text(st, 1, spellings[k][0], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, spellings[k][1], -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? sqlite3_reset(st) : SQLITE_ERROR;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_OK ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    /* vn_tok holds prepared statements (its vn_spelling lookups) until its
     * destructor, which SQLite runs only once the connection has none, so
     * sqlite3_close() answers SQLITE_BUSY after a query that expanded a
     * word. Rather than finalize vn_tok's statements behind its back, keep
     * the handle reachable then, so LeakSanitizer stays quiet. */
    if (sqlite3_close(db) == SQLITE_OK)
        db = NULL;
    return 0;
}

/* ---- helpers ---- */

/* Insert a row; returns its rowid. */
static sqlite3_int64 add_row(const char *title, const char *body)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO f(title, body) VALUES (?, ?)", -1,
                                        &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, title, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, body, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    return sqlite3_last_insert_rowid(db);
}

/* The snippet of row id for match (NULL: a full scan, no match), with
 * ntok tokens (< 0: the default). OUT: caller frees. */
static char *snip(const char *match, sqlite3_int64 id, int ntok)
{
    char sql[160];
    sqlite3_stmt *st = NULL;
    snprintf(sql, sizeof sql, "SELECT vn_snippet(f%s) FROM f WHERE %s rowid = ?2",
             ntok < 0 ? "" : ", ?3", match != NULL ? "f MATCH ?1 AND" : "");
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (match != NULL)
        sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    if (ntok >= 0)
        sqlite3_bind_int(st, 3, ntok);
    int rc = sqlite3_step(st);
    if (rc != SQLITE_ROW)
        fail_msg("no row for %s: %s", match ? match : "(scan)", sqlite3_errmsg(db));
    assert_int_equal(sqlite3_column_type(st, 0), SQLITE_TEXT);
    char *out = strdup((const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    assert_non_null(out);
    return out;
}

/* vn_proximity of row id for match. */
static double prox(const char *match, sqlite3_int64 id)
{
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
        "SELECT vn_proximity(f) FROM f WHERE f MATCH ?1 AND rowid = ?2", -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, id);
    if (sqlite3_step(st) != SQLITE_ROW)
        fail_msg("no row for %s: %s", match, sqlite3_errmsg(db));
    double v = sqlite3_column_double(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* What every snippet must be: valid UTF-8, marks strictly alternating
 * and never empty, no line breaks or tabs, no doubled or edge spaces.
 * Returns the number of spans. */
static int check_shape(const char *s)
{
    int open = 0, spans = 0;
    size_t n = strlen(s);
    assert_true(vn_norm_utf8_valid(s, n));
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\x02') {
            assert_false(open);
            assert_int_not_equal(s[i + 1], '\x03');
            open = 1;
            spans++;
        } else if (s[i] == '\x03') {
            assert_true(open);
            open = 0;
        }
        assert_false(s[i] == '\n' || s[i] == '\r' || s[i] == '\t');
        assert_false(s[i] == ' ' && s[i + 1] == ' ');
    }
    assert_false(open);
    if (n > 0) {
        assert_int_not_equal(s[0], ' ');
        assert_int_not_equal(s[n - 1], ' ');
    }
    return spans;
}

/* Words in s (runs between spaces). */
static size_t count_words(const char *s)
{
    size_t n = 0;
    for (size_t i = 0; s[i] != '\0'; i++)
        n += s[i] != ' ' && (i == 0 || s[i - 1] == ' ');
    return n;
}

static const char adjacent_body[] =
    "Ủy ban nhân dân tỉnh vừa ban hành kế hoạch tinh giản biên chế trong các cơ "
    "quan hành chính. Mục tiêu là giảm mười phần trăm số người hưởng lương từ "
    "ngân sách.";

static const char four_words[] = "\"tinh\" AND \"giản\" AND \"biên\" AND \"chế\"";

/* A filler sentence holding none of the words the tests look for. */
static const char filler[] =
    "Buổi sáng ở làng quê yên bình, người nông dân ra đồng từ sớm, trâu cày "
    "ruộng, trẻ em đến trường và chợ phiên họp đông vui. ";

/* About nbytes of filler, with extra inserted after each every-th
 * sentence (every == 0: once, in the middle). OUT: caller frees. */
static char *long_body(size_t nbytes, const char *extra, size_t every)
{
    size_t nsent = nbytes / (sizeof filler - 1) + 1, len = 0;
    char *s = malloc(nsent * (sizeof filler + strlen(extra)) + 1);
    assert_non_null(s);
    for (size_t i = 0; i < nsent; i++) {
        memcpy(s + len, filler, sizeof filler - 1);
        len += sizeof filler - 1;
        if (every ? i % every == every - 1 : i == nsent / 2) {
            memcpy(s + len, extra, strlen(extra));
            len += strlen(extra);
        }
    }
    s[len] = '\0';
    return s;
}

/* ---- vn_snippet ---- */

static void test_adjacent_one_span(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Kế hoạch năm 2024", adjacent_body);
    char *s = snip(four_words, id, 40);
    assert_non_null(strstr(s, OPEN "tinh giản biên chế" CLOSE));
    assert_int_equal(check_shape(s), 1);
    /* The whole body fits: no cut at the start, none at the end. */
    assert_string_equal(s, "Ủy ban nhân dân tỉnh vừa ban hành kế hoạch " OPEN "tinh giản biên chế"
                           CLOSE " trong các cơ quan hành chính. Mục tiêu là giảm mười phần "
                           "trăm số người hưởng lương từ ngân sách");
    free(s);
}

static void test_unaccented_query_marks_accented_text(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Kế hoạch năm 2025", adjacent_body);
    char *s = snip("\"tinh\" AND \"gian\" AND \"bien\" AND \"che\"", id, -1);
    assert_non_null(strstr(s, OPEN "tinh giản biên chế" CLOSE));
    assert_int_equal(check_shape(s), 1);
    free(s);
}

static void test_nfd_stays_nfd(void **state)
{
    (void)state;
    /* giản biên chế decomposed: a+U+0309, e+U+0302, e+U+0302+U+0301. */
    sqlite3_int64 id = add_row("Đề án",
        "Sở Nội vụ trình đề án tinh gia\xCC\x89n bie\xCC\x82n che\xCC\x82\xCC\x81 giai đoạn mới.");
    char *s = snip(four_words, id, -1);
    assert_non_null(strstr(s, OPEN "tinh gia\xCC\x89n bie\xCC\x82n che\xCC\x82\xCC\x81" CLOSE));
    assert_null(strstr(s, "giản"));
    assert_int_equal(check_shape(s), 1);
    free(s);
    s = snip("\"gian\" AND \"che\"", id, -1);
    assert_non_null(strstr(s, OPEN "gia\xCC\x89n" CLOSE " bie\xCC\x82n " OPEN "che\xCC\x82\xCC\x81" CLOSE));
    free(s);
}

static void test_scattered_separate_spans(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Hồ sơ",
        "Việc tinh lọc hồ sơ được giao cho phòng tổ chức. Các bước giản lược thủ tục "
        "đã xong, còn biên bản họp và quy chế mới sẽ công bố sau.");
    char *s = snip(four_words, id, -1);
    assert_int_equal(check_shape(s), 4);
    assert_non_null(strstr(s, OPEN "tinh" CLOSE " lọc"));
    assert_non_null(strstr(s, OPEN "giản" CLOSE " lược"));
    assert_non_null(strstr(s, OPEN "biên" CLOSE " bản"));
    assert_non_null(strstr(s, "quy " OPEN "chế" CLOSE " mới"));
    free(s);
}

static void test_punctuation_splits_spans(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Từ khóa", "Các từ khóa là tinh, giản; còn biên chế thì đứng liền nhau.");
    char *s = snip(four_words, id, -1);
    assert_int_equal(check_shape(s), 3);
    assert_non_null(strstr(s, OPEN "tinh" CLOSE ", " OPEN "giản" CLOSE "; còn " OPEN "biên chế" CLOSE));
    free(s);
}

static void test_whitespace_and_control_bytes(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Tin nhanh",
        "Tin nhanh:\r\n\tĐề án\x02 tinh giản\x03 biên \x02  chế\n\n\x03đã được thông qua.");
    char *s = snip(four_words, id, -1);
    assert_string_equal(s, "Tin nhanh: Đề án " OPEN "tinh giản biên chế" CLOSE " đã được thông qua");
    free(s);
    s = snip(NULL, id, -1); /* no match: the same text, no marks */
    assert_string_equal(s, "Tin nhanh: Đề án tinh giản biên chế đã được thông qua");
    free(s);
}

static void test_long_body_bounded_excerpt(void **state)
{
    (void)state;
    char *body = long_body(50000, "Tỉnh đã tinh giản biên chế đúng hạn. ", 0);
    assert_true(strlen(body) >= 50000);
    sqlite3_int64 id = add_row("Báo cáo dài", body);
    char *s = snip(four_words, id, -1);
    size_t n = strlen(s);
    assert_true(n < 600);
    assert_int_equal(strncmp(s, ELLIPSIS, 3), 0);
    assert_string_equal(s + n - 3, ELLIPSIS);
    assert_int_equal(check_shape(s), 1);
    assert_non_null(strstr(s, OPEN "tinh giản biên chế" CLOSE));
    /* The hits sit mid-window, with context on both sides. */
    assert_non_null(strstr(s, " vui. Tỉnh đã " OPEN "tinh giản biên chế" CLOSE " đúng hạn. Buổi "));
    assert_true(count_words(s) <= 32 + 5);
    free(s);
    free(body);
}

static void test_long_body_many_hits(void **state)
{
    (void)state;
    char *body = long_body(50000, "Huyện tiếp tục tinh giản biên chế, rồi biên chế lại được tinh giản. ", 3);
    sqlite3_int64 id = add_row("Nhiều lần", body);
    clock_t t0 = clock();
    for (int i = 0; i < 20; i++) {
        char *s = snip(four_words, id, 40);
        assert_true(strlen(s) < 800);
        assert_non_null(strstr(s, OPEN "tinh giản biên chế" CLOSE));
        check_shape(s);
        free(s);
        assert_true(prox(four_words, id) == 1.0);
    }
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    assert_true(secs < 10.0); /* generous: sanitizers are slow */
    free(body);
}

static void test_prefers_adjacent_window(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Chọn đoạn",
        "Đầu bài nhắc tinh thần, sự giản dị, đường biên và thể chế một lần. "
        "Tiếp theo là nhiều câu chữ không liên quan gì tới chủ đề đang bàn ở đây cả, "
        "kéo dài khá lâu để đẩy đoạn sau ra xa khỏi cửa sổ đầu tiên của bài viết này. "
        "Cuối cùng, bộ trưởng nói rõ: phải tinh giản biên chế ngay.");
    char *s = snip(four_words, id, 12);
    assert_int_equal(check_shape(s), 1);
    assert_non_null(strstr(s, OPEN "tinh giản biên chế" CLOSE " ngay"));
    assert_int_equal(strncmp(s, ELLIPSIS, 3), 0);
    free(s);
}

static void test_sentence_start(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Câu",
        "Câu mở đầu nói về thời tiết hôm nay khá đẹp trời. Chính phủ yêu cầu tinh giản "
        "biên chế ngay trong năm nay và các năm sau nữa cho đến khi hoàn thành mục tiêu.");
    char *s = snip(four_words, id, 8);
    assert_string_equal(s, ELLIPSIS "Chính phủ yêu cầu " OPEN "tinh giản biên chế" CLOSE ELLIPSIS);
    free(s);
}

static void test_title_fallback(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Tinh giản biên chế ở cấp xã", "Nội dung đang được cập nhật.");
    char *s = snip(four_words, id, -1);
    assert_string_equal(s, OPEN "Tinh giản biên chế" CLOSE " ở cấp xã");
    free(s);
    /* A match in both columns: the body wins. */
    id = add_row("Tinh giản biên chế", "Bài viết bàn về biên chế giáo dục.");
    s = snip("\"biên\" AND \"chế\"", id, -1);
    assert_string_equal(s, "Bài viết bàn về " OPEN "biên chế" CLOSE " giáo dục");
    free(s);
}

static void test_empty_body(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Biên chế giáo viên", "");
    char *s = snip("\"bien\" AND \"che\"", id, -1);
    assert_string_equal(s, OPEN "Biên chế" CLOSE " giáo viên");
    free(s);
    s = snip(NULL, id, -1); /* no instances anywhere: the (empty) body */
    assert_string_equal(s, "");
    free(s);
    id = add_row("", "");
    s = snip(NULL, id, 10);
    assert_string_equal(s, "");
    free(s);
}

static void test_no_match_and_ntokens_clamp(void **state)
{
    (void)state;
    char *body = long_body(4000, "", 1);
    sqlite3_int64 id = add_row("Không khớp", body);
    char *s = snip(NULL, id, -1); /* default 32 */
    assert_int_equal(count_words(s), 32);
    assert_int_equal(check_shape(s), 0);
    assert_int_equal(strncmp(s, "Buổi sáng ở làng", strlen("Buổi sáng ở làng")), 0);
    assert_string_equal(s + strlen(s) - 3, ELLIPSIS);
    free(s);
    s = snip(NULL, id, 1); /* clamped up to 4 */
    assert_string_equal(s, "Buổi sáng ở làng" ELLIPSIS);
    free(s);
    s = snip(NULL, id, 100000); /* clamped down to 200 */
    assert_int_equal(count_words(s), 200);
    free(s);
    free(body);
}

static void test_colocated_spellings_marked(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Hành trình", "Tàu ra biển, qua biên giới, rồi biến mất.");
    char *s = snip("\"bien\"", id, -1);
    assert_string_equal(s, "Tàu ra " OPEN "biển" CLOSE ", qua " OPEN "biên" CLOSE " giới, rồi "
                           OPEN "biến" CLOSE " mất");
    free(s);
}

static void test_random_bodies_well_formed(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "tinh", "giản", "biên", "chế", "gia\xCC\x89n", "nhà", "nước", " ", "  ", "\n",
        "\r\n", "\t", ",", ".", "\xE2\x80\xA6", "\x02", "\x03", "(", "\"", "\xC2\xA0",
        "ĐỒNG", "----------------------------------------------------------------",
    };
    uint64_t x = 88172645463325252u;
    for (int round = 0; round < 60; round++) {
        char body[2048];
        size_t n = 0;
        while (n < 1500) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            const char *p = parts[x % (sizeof parts / sizeof parts[0])];
            memcpy(body + n, p, strlen(p));
            n += strlen(p);
            if (x % 3 == 0)
                body[n++] = ' ';
        }
        memcpy(body + n, " nhà", sizeof " nhà"); /* so that every query matches */
        sqlite3_int64 id = add_row("Ngẫu nhiên", body);
        char *s = snip("\"gian\" OR \"tinh\" OR \"che\" OR \"nhà\"", id, (int)(x % 40));
        check_shape(s);
        assert_true(strlen(s) < 40 * 80);
        free(s);
        s = snip("\"tinh giản\" OR \"biên\" OR \"nhà\"", id, -1);
        check_shape(s);
        free(s);
    }
}

static void test_wrong_arguments(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Tham số", adjacent_body);
    static const char *const sql[] = {
        "SELECT vn_snippet(f, 5, '0', 6) FROM f WHERE f MATCH 'tinh' AND rowid = ?",
        "SELECT vn_proximity(f, 1) FROM f WHERE f MATCH 'tinh' AND rowid = ?",
        "SELECT vn_rank(f, 'f') FROM f WHERE f MATCH 'tinh' AND rowid = ?",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st = NULL;
        assert_int_equal(sqlite3_prepare_v2(db, sql[i], -1, &st, NULL), SQLITE_OK);
        sqlite3_bind_int64(st, 1, id);
        assert_int_equal(sqlite3_step(st), SQLITE_ERROR);
        assert_non_null(strstr(sqlite3_errmsg(db), "wrong number of arguments"));
        sqlite3_finalize(st);
    }
    /* Registering twice is harmless. */
    vn_err err;
    assert_int_equal(vn_snip_register(db, &err), VN_OK);
}

/* ---- vn_proximity ---- */

static void test_proximity_adjacent_in_order(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Gần nhau", adjacent_body);
    assert_true(prox(four_words, id) == 1.0);
    assert_true(prox("\"tinh\" AND \"gian\" AND \"bien\" AND \"che\"", id) == 1.0);
    assert_true(prox("\"tinh giản\" AND \"biên chế\"", id) == 1.0);
}

static void test_proximity_reversed(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Đảo ngược", adjacent_body);
    assert_true(prox("\"giản\" AND \"tinh\"", id) == 0.8);
    assert_true(prox("\"biên chế\" AND \"tinh giản\"", id) == 0.8);
}

static void test_proximity_scattered(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Rải rác",
        "Việc tinh lọc hồ sơ được giao cho phòng tổ chức. Các bước giản lược thủ tục "
        "đã xong, còn biên bản họp và quy chế mới sẽ công bố sau.");
    /* tinh is token 1, chế token 25, and two clause breaks (". " and
     * ", ") stand between: W = 27. */
    assert_float_equal(prox("\"tinh\" AND \"chế\"", id), 0.7 * 2 / 27, 1e-9);
    assert_float_equal(prox(four_words, id), 0.7 * 4 / 27, 1e-9);
    /* giản (13) lược... biên (20), a break after "xong,": W = 9. */
    assert_float_equal(prox("\"giản\" AND \"biên\"", id), 0.7 * 2 / 9, 1e-9);
    assert_true(prox(four_words, id) < 0.7);
}

static void test_proximity_zero(void **state)
{
    (void)state;
    sqlite3_int64 id = add_row("Tinh giản ở cấp xã", adjacent_body);
    assert_true(prox("\"tinh\"", id) == 0.0);
    assert_true(prox("\"tinh giản biên chế\"", id) == 0.0);
    /* One phrase without instances: k = 1. */
    assert_true(prox("\"tinh\" OR \"quốc\"", id) == 0.0);
    /* xã only in the title, ngân only in the body. */
    assert_true(prox("\"xã\" AND \"ngân\"", id) == 0.0);
    /* Both phrases in the title: that column counts. */
    assert_true(prox("\"tinh\" AND \"xã\"", id) > 0.0);
}

/* A row holding the query's words more often than proximity looks at
 * (VN_SNIP_INST_MAX instances, the first ones): a window must still
 * hold every word the row holds, so words missing from those first
 * instances leave it no window. */
static void test_proximity_past_first_instances(void **state)
{
    (void)state;
    vn_buf a = VN_BUF_INIT, b = VN_BUF_INIT;
    vn_buf_puts(&a, "tinh giản ");
    vn_buf_puts(&b, "tinh giản chế ");
    for (int i = 0; i < VN_SNIP_INST_MAX; i++) {
        vn_buf_puts(&a, "tinh ");
        vn_buf_puts(&b, "tinh ");
    }
    vn_buf_puts(&a, "chế.");
    assert_int_equal(vn_buf_add(&a, "", 1), VN_OK);
    assert_int_equal(vn_buf_add(&b, "", 1), VN_OK);
    sqlite3_int64 late = add_row("Nhiều lần", a.data), early = add_row("Nhiều lần", b.data);
    const char *match = "\"tinh\" AND \"giản\" AND \"chế\"";
    assert_true(prox(match, late) == 0.0); /* chế past the first instances */
    assert_true(prox(match, early) == 1.0);
    assert_true(prox("\"tinh\" AND \"giản\"", late) == 1.0);
    vn_buf_free(&a);
    vn_buf_free(&b);
}

static void test_ranking_prefers_adjacent(void **state)
{
    (void)state;
    /* The same words in both rows, so bm25 ties; only proximity differs. */
    sqlite3_int64 far = add_row("Thành phố",
        "Thành phố chuyển giao dự án và đổi mới cách làm để tăng số lượng dịch vụ công.");
    sqlite3_int64 near = add_row("Thành phố",
        "Thành phố chuyển đổi số và giao dự án mới cách làm để tăng lượng dịch vụ công.");
    const char *match = "\"chuyển\" AND \"đổi\" AND \"số\"";
    assert_true(prox(match, near) == 1.0);
    assert_true(prox(match, far) < 0.2);
    sqlite3_stmt *st = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
        "SELECT rowid FROM f WHERE f MATCH ?1 AND rowid IN (?2, ?3)"
        " ORDER BY bm25(f, 1.0, 5.0) * (1.0 + 2.0 * vn_proximity(f))", -1, &st, NULL),
        SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, far);
    sqlite3_bind_int64(st, 3, near);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), near);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int64(st, 0), far);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

/* vn_rank against what it replaces: bm25(f, 1.0, 5.0) * (1 + 2 p), minus
 * the tier for adjacent rows, on every row the table holds by now, for
 * single words, several words, spellings and a phrase; through the
 * docsize records (table named) and through xColumnSize (NULL). */
static void test_rank_matches_bm25(void **state)
{
    (void)state;
    static const char *const matches[] = {
        "\"thành\"", "\"tinh\" AND \"giản\"", "\"chuyển\" AND \"đổi\" AND \"số\"",
        "\"bien\" AND \"che\"", "\"giản biên\" AND \"tinh\"", "\"tinh\" OR \"xã\"",
    };
    static const char *const tables[] = { "'f'", "NULL", "'nosuchtable'" };
    add_row("Thành phố tinh gọn", "Tinh giản biên chế. Thành phố tinh giản, biên chế giảm.");
    add_row("Biển", "Biến đổi khí hậu và biển; chế độ biên giới.");
    char sql[400];
    int compared = 0;
    for (size_t t = 0; t < sizeof tables / sizeof tables[0]; t++) {
        snprintf(sql, sizeof sql,
                 "SELECT bm25(f, 1.0, 5.0), vn_proximity(f), vn_rank(f, %s, ?2, NULL, 1.0, 5.0)"
                 " FROM f WHERE f MATCH ?1", tables[t]);
        for (size_t m = 0; m < sizeof matches / sizeof matches[0]; m++) {
            sqlite3_stmt *st = NULL;
            assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
            sqlite3_int64 ranked = 0;
            sqlite3_bind_text(st, 1, matches[m], -1, SQLITE_STATIC);
            sqlite3_bind_pointer(st, 2, &ranked, VN_RANK_ROWS, NULL);
            int rows = 0, rc;
            while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
                double b = sqlite3_column_double(st, 0), p = sqlite3_column_double(st, 1);
                double key = sqlite3_column_double(st, 2);
                double want = b * (1.0 + 2.0 * p);
                assert_true((key < -VN_RANK_TIER / 2) == (p >= 1.0));
                double got = vn_rank_score(key);
                if (fabs(got - want) > 1e-6 * (1.0 + fabs(want)))
                    fail_msg("%s, table %s: vn_rank %.9g, bm25 x proximity %.9g", matches[m],
                             tables[t], got, want);
                rows++;
            }
            assert_int_equal(rc, SQLITE_DONE);
            assert_true(rows > 0);
            assert_int_equal(ranked, rows); /* each row counted once */
            compared += rows;
            sqlite3_finalize(st);
        }
    }
    assert_true(compared >= 3 * 8);
}

/* The rows vn_rank counts are every match, even when the query returns
 * only the first page; a pointer of another type is ignored. */
static void test_rank_counts_all_matches(void **state)
{
    (void)state;
    for (int i = 0; i < 30; i++)
        add_row("Đếm", "Hàng đếm được cho vn_rank, tinh giản.");
    sqlite3_stmt *st = NULL, *count = NULL;
    assert_int_equal(sqlite3_prepare_v2(db,
        "SELECT id FROM (SELECT rowid AS id, vn_rank(f, 'f', ?2, NULL) AS r FROM f WHERE f MATCH ?1)"
        " ORDER BY r, id LIMIT 3", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM f WHERE f MATCH ?1", -1,
                                        &count, NULL), SQLITE_OK);
    static const char *const matches[] = { "\"đếm\"", "\"tinh\"", "\"không có đâu\"" };
    for (size_t m = 0; m < sizeof matches / sizeof matches[0]; m++) {
        sqlite3_int64 ranked = 0;
        int n = 0;
        sqlite3_bind_text(st, 1, matches[m], -1, SQLITE_STATIC);
        sqlite3_bind_pointer(st, 2, &ranked, VN_RANK_ROWS, NULL);
        while (sqlite3_step(st) == SQLITE_ROW)
            n++;
        sqlite3_reset(st);
        sqlite3_bind_text(count, 1, matches[m], -1, SQLITE_STATIC);
        assert_int_equal(sqlite3_step(count), SQLITE_ROW);
        assert_int_equal(ranked, sqlite3_column_int64(count, 0));
        assert_true(n <= 3 && (n == 3 || ranked == n));
        sqlite3_reset(count);
    }
    sqlite3_int64 ranked = 0;
    sqlite3_bind_text(st, 1, "\"đếm\"", -1, SQLITE_STATIC);
    sqlite3_bind_pointer(st, 2, &ranked, "another type", NULL);
    while (sqlite3_step(st) == SQLITE_ROW)
        ;
    assert_int_equal(ranked, 0);
    sqlite3_finalize(st);
    sqlite3_finalize(count);
}

/* ---- vn_expand and phrase groups ---- */

/* Every row of match with its rank key and snippet, in rowid order, as
 * one text: "id key snippet\n"... */
static void rows_of(const char *match, const char *groups, vn_buf *out)
{
    sqlite3_stmt *st = NULL;
    vn_buf_reset(out);
    assert_int_equal(sqlite3_prepare_v2(db,
        "SELECT rowid, vn_rank(f, 'f', NULL, ?2, 1.0, 5.0), vn_snippet(f, 12, ?2)"
        " FROM f WHERE f MATCH ?1 ORDER BY rowid", -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, match, -1, SQLITE_STATIC);
    if (groups != NULL)
        sqlite3_bind_text(st, 2, groups, -1, SQLITE_STATIC);
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        assert_int_equal(vn_buf_printf(out, "%lld %.9g %s\n", sqlite3_column_int64(st, 0),
                                       sqlite3_column_double(st, 1),
                                       (const char *)sqlite3_column_text(st, 2)), VN_OK);
    if (rc != SQLITE_DONE)
        fail_msg("%s: %s", match, sqlite3_errmsg(db));
    sqlite3_finalize(st);
}

/* A lone word typed without marks becomes an OR of its spellings, and
 * with its groups the rows, their rank keys and their snippets are
 * exactly those of the colocated synonyms; phrases, prefixes and words
 * with marks stay as they are. */
static void test_expand_same_results(void **state)
{
    (void)state;
    static const struct {
        const char *match;
        int expands;
    } cases[] = {
        { "\"bien\"", 1 },
        { "\"tinh\" AND \"bien\" AND \"che\"", 1 },
        { "\"Bien\" AND \"gian\"", 1 },
        { "title : \"bien\"", 1 },
        { "\"tinh\" NOT \"bien\"", 1 },
        { "(\"bien\" OR \"che\") AND \"tinh\"", 1 },
        { "\"tinh gian\" AND \"bien\"", 1 },
        { "\"tinh gian bien che\"", 0 },
        { "\"bie\" *", 0 },
        { "\"biên\" AND \"chế\"", 0 },
        { "\"tinh\"", 0 },
        { "\"tinh\"\"\" AND \"bien\"", 1 },
        { "\"\x06" "bien\"", 0 },
        /* a NOT and a string of several words: left as it is (vn_expand.h) */
        { "(\"bien\" AND \"tinh gian\") NOT \"che\"", 0 },
        { "\"bien\" NOT \"tinh gian\"", 0 },
        { "\"bien\" AND \"NOT gian\"", 1 },
    };
    add_row("Biển đảo", "Tinh giản biên chế gắn với biến đổi; biển xanh. Tinh gian, bien che.");
    add_row("Biên giới", "Biến chế tinh giản: biển, biên, biến. Chế độ tinh giản biên chế.");
    vn_norm *nm = NULL;
    vn_err err;
    assert_int_equal(vn_norm_open(&nm, &err), VN_OK);
    vn_buf m = VN_BUF_INIT, g = VN_BUF_INIT, a = VN_BUF_INIT, b = VN_BUF_INIT;
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        assert_int_equal(vn_expand(nm, cases[k].match, vn_tok_spellings, tok, &m, &g, &err),
                         VN_OK);
        if (cases[k].expands != (g.len > 0))
            fail_msg("%s: expanded to %s (groups '%s')", cases[k].match, m.data,
                     g.data ? g.data : "");
        if (!cases[k].expands)
            assert_string_equal(m.data, cases[k].match);
        rows_of(cases[k].match, NULL, &a);
        rows_of(m.data, g.len > 0 ? g.data : NULL, &b);
        assert_true(a.len > 0 || strstr(cases[k].match, "NOT") != NULL);
        if (strcmp(a.data ? a.data : "", b.data ? b.data : "") != 0)
            fail_msg("%s -> %s (groups %s):\n%s\nagainst\n%s", cases[k].match, m.data,
                     g.data ? g.data : "", a.data ? a.data : "", b.data ? b.data : "");
    }
    /* the shape, spellings in vn_spelling's order */
    assert_int_equal(vn_expand(nm, "\"bien\" AND \"tinh\"", vn_tok_spellings, tok, &m, &g,
                               &err), VN_OK);
    assert_string_equal(m.data, "(\"\x06" "bien\" OR \"\x06" "biên\" OR \"\x06" "biến\" OR \"\x06"
                                "biển\") AND \"tinh\"");
    assert_string_equal(g.data, "0 0 0 0 1 ");
    vn_buf_free(&m);
    vn_buf_free(&g);
    vn_buf_free(&a);
    vn_buf_free(&b);
    vn_norm_close(nm);
}

/* Groups that do not fit the query are ignored, never trusted. */
static void test_bad_groups_ignored(void **state)
{
    (void)state;
    static const char *const bad[] = { "", "0", "0 1 2", "x y", "5 0", "-1 0", "0 99999999999",
                                       "0,1", "1 1" };
    vn_buf a = VN_BUF_INIT, b = VN_BUF_INIT;
    const char *match = "\"tinh\" AND \"biên\"";
    rows_of(match, NULL, &a);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        rows_of(match, bad[k], &b);
        if (strcmp(bad[k], "1 1") == 0) /* fits: one group of both */
            continue;
        if (strcmp(a.data, b.data) != 0)
            fail_msg("groups '%s' changed the results", bad[k]);
    }
    vn_buf_free(&a);
    vn_buf_free(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_adjacent_one_span),
        cmocka_unit_test(test_unaccented_query_marks_accented_text),
        cmocka_unit_test(test_nfd_stays_nfd),
        cmocka_unit_test(test_scattered_separate_spans),
        cmocka_unit_test(test_punctuation_splits_spans),
        cmocka_unit_test(test_whitespace_and_control_bytes),
        cmocka_unit_test(test_long_body_bounded_excerpt),
        cmocka_unit_test(test_long_body_many_hits),
        cmocka_unit_test(test_prefers_adjacent_window),
        cmocka_unit_test(test_sentence_start),
        cmocka_unit_test(test_title_fallback),
        cmocka_unit_test(test_empty_body),
        cmocka_unit_test(test_no_match_and_ntokens_clamp),
        cmocka_unit_test(test_colocated_spellings_marked),
        cmocka_unit_test(test_random_bodies_well_formed),
        cmocka_unit_test(test_wrong_arguments),
        cmocka_unit_test(test_proximity_adjacent_in_order),
        cmocka_unit_test(test_proximity_reversed),
        cmocka_unit_test(test_proximity_scattered),
        cmocka_unit_test(test_proximity_zero),
        cmocka_unit_test(test_proximity_past_first_instances),
        cmocka_unit_test(test_ranking_prefers_adjacent),
        cmocka_unit_test(test_rank_matches_bm25),
        cmocka_unit_test(test_rank_counts_all_matches),
        cmocka_unit_test(test_expand_same_results),
        cmocka_unit_test(test_bad_groups_ignored),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
