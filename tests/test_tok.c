/* test_tok.c: the `vietnamese` FTS5 tokenizer inside SQLite: what is
 * indexed, how queries expand, and where highlights land. */
#include "vn_tok.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static sqlite3 *db;
static vn_tok *tok;

static void exec(const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", sql, msg);
}

static int setup(void **state)
{
    (void)state;
    vn_err err;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || vn_tok_register(db, &tok, &err) != VN_OK)
        return -1;
    exec("CREATE TABLE vn_spelling(fold TEXT, canon TEXT, PRIMARY KEY(fold, canon)) WITHOUT ROWID;"
         "CREATE VIRTUAL TABLE f USING fts5(body, tokenize='vietnamese');"
         "CREATE VIRTUAL TABLE v USING fts5vocab(f, row);"
         "BEGIN;");
    vn_tok_collect(tok, 1);
    exec("INSERT INTO f(rowid, body) VALUES"
         " (1, 'Hoà bình và Uỷ ban'),"
         " (2, 'Ủy ban hòa giải, kĩ năng'),"
         " (3, 'Kế hoạch tinh giản biên chế'),"
         " (4, 'biển chế tác đồ gốm'),"
         " (5, 'Đồng Nai, Ðồng Tháp, dong song');");
    vn_err e2;
    if (vn_tok_flush(tok, &e2) != VN_OK)
        return -1;
    exec("COMMIT;");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vn_tok_finish(tok);
    return sqlite3_close(db) == SQLITE_OK ? 0 : -1;
}

/* The rowids that MATCH q, as "1 2 3". */
static const char *rows(const char *q)
{
    static char out[128];
    sqlite3_stmt *st;
    out[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT rowid FROM f WHERE f MATCH ?1 ORDER BY rowid",
                                        -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_text(st, 1, q, -1, SQLITE_STATIC);
    while (sqlite3_step(st) == SQLITE_ROW)
        snprintf(out + strlen(out), sizeof out - strlen(out), "%s%lld", out[0] ? " " : "",
                 sqlite3_column_int64(st, 0));
    assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
    return out;
}

static int vocab_has(const char *term)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM v WHERE term = ?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, term, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return n;
}

/* Each word is indexed once, in canonical form. */
static void test_indexed_forms(void **state)
{
    (void)state;
    assert_true(vocab_has("hòa"));
    assert_false(vocab_has("hoà"));
    assert_true(vocab_has("ủy"));
    assert_false(vocab_has("uỷ"));
    assert_true(vocab_has("kỹ"));
    assert_false(vocab_has("kĩ"));
    assert_true(vocab_has("đồng"));
    assert_false(vocab_has("Đồng"));
}

/* With diacritics: that spelling only (after canonicalization). */
static void test_accented_query(void **state)
{
    (void)state;
    assert_string_equal(rows("\"hoà\""), "1 2");
    assert_string_equal(rows("\"Uỷ ban\""), "1 2");
    assert_string_equal(rows("\"kỹ năng\""), "2");
    assert_string_equal(rows("\"biên chế\""), "3");
    assert_string_equal(rows("\"biển\""), "4");
    assert_string_equal(rows("\"đồng\""), "5");
}

/* Without: every spelling the index holds, inside phrases too. */
static void test_unaccented_query(void **state)
{
    (void)state;
    assert_string_equal(rows("\"bien che\""), "3 4");
    assert_string_equal(rows("\"tinh gian bien che\""), "3");
    assert_string_equal(rows("\"uy ban\""), "1 2");
    assert_string_equal(rows("\"ki nang\""), "2");
    assert_string_equal(rows("\"dong\""), "5");
    assert_string_equal(rows("\"hoa\" AND \"binh\""), "1");
    assert_string_equal(rows("NEAR(\"bien\" \"gom\", 3)"), "4");
    assert_string_equal(rows("\"bie\" *"), "3 4");
    /* only the last word of a prefix phrase is a prefix */
    assert_string_equal(rows("\"ki na\" *"), "2");
    assert_string_equal(rows("\"uy ba\" *"), "1 2");
    assert_string_equal(rows("\"tinh gian bi\" *"), "3");
    assert_string_equal(rows("\"xyz\""), "");
}

/* highlight() marks the accented text, by exact byte offsets. */
static void test_highlight(void **state)
{
    (void)state;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT highlight(f, 0, '[', ']') FROM f"
                                            " WHERE f MATCH '\"bien che\"' ORDER BY rowid",
                                        -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "Kế hoạch tinh giản [biên chế]");
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "[biển chế] tác đồ gốm");
    sqlite3_finalize(st);
}

/* The spelling table got every accented word once, keyed by fold. */
static void test_spellings(void **state)
{
    (void)state;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(canon, ' ') FROM"
                                            " (SELECT canon FROM vn_spelling WHERE fold = 'bien'"
                                            "  ORDER BY canon)", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(st, 0), "biên biển");
    sqlite3_finalize(st);
}

/* Rows of a query on db, one line each, as text. */
static void dump(const char *sql, char *out, size_t cap)
{
    sqlite3_stmt *st;
    out[0] = '\0';
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (int c = 0; c < sqlite3_column_count(st); c++) {
            const char *v = (const char *)sqlite3_column_text(st, c);
            snprintf(out + strlen(out), cap - strlen(out), "%s%s", c ? "|" : "", v ? v : "");
        }
        snprintf(out + strlen(out), cap - strlen(out), "\n");
    }
    assert_int_equal(sqlite3_finalize(st), SQLITE_OK);
}

static void insert2(const char *table, int64_t id, const char *a, const char *b)
{
    char sql[128];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "INSERT INTO %s(rowid, title, body) VALUES (?1, ?2, ?3)", table);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, a, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, b, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
}

/* Tokens recorded by a maker (another thread's tokenizer) and replayed
 * index exactly what the tokenizer indexes itself: terms, columns,
 * offsets, highlights and the vocabulary. */
static void test_tape(void **state)
{
    (void)state;
    static const char *const texts[][2] = {
        {"Kế hoạch tinh giản biên chế", "Ủy ban nhân dân TP.HCM, ngày 12/5/2023: 30% cán bộ.\n"
                                        "Hoa\xCC\x80 bi\xCC\x80nh (NFD) - zzztape mới."},
        {"", "Một dòng\n\nHai dòng… ba – bốn; năm: sáu 123abc"},
        {"Tiêu đề riêng zzzchỉ", ""},
    };
    vn_tok *maker = NULL;
    vn_err err;
    char a[8192], b[8192];
    assert_int_equal(vn_tok_open_maker(&maker, &err), VN_OK);
    exec("CREATE VIRTUAL TABLE g1 USING fts5(title, body, tokenize='vietnamese');"
         "CREATE VIRTUAL TABLE g2 USING fts5(title, body, tokenize='vietnamese');"
         "CREATE VIRTUAL TABLE i1 USING fts5vocab(g1, instance);"
         "CREATE VIRTUAL TABLE i2 USING fts5vocab(g2, instance);"
         "BEGIN;");
    vn_tok_collect(tok, 1);
    for (int i = 0; i < 3; i++) {
        vn_tape tape = {0};
        size_t n[2] = {strlen(texts[i][0]), strlen(texts[i][1])};
        insert2("g1", i + 1, texts[i][0], texts[i][1]);
        assert_int_equal(vn_tok_tape(maker, texts[i], n, 2, &tape, &err), VN_OK);
        assert_int_equal(vn_tok_play(tok, &tape, &err), VN_OK);
        insert2("g2", i + 1, texts[i][0], texts[i][1]);
        assert_int_equal(vn_tok_play(tok, NULL, &err), VN_OK);
        vn_tape_free(&tape);
    }
    dump("SELECT term, doc, col, offset FROM i1 ORDER BY 1, 2, 3, 4", a, sizeof a);
    dump("SELECT term, doc, col, offset FROM i2 ORDER BY 1, 2, 3, 4", b, sizeof b);
    assert_true(strlen(a) > 200);
    assert_string_equal(a, b);
    dump("SELECT highlight(g1, 1, '[', ']') FROM g1 WHERE g1 MATCH 'hoa binh OR mot'"
         " ORDER BY rowid", a, sizeof a);
    dump("SELECT highlight(g2, 1, '[', ']') FROM g2 WHERE g2 MATCH 'hoa binh OR mot'"
         " ORDER BY rowid", b, sizeof b);
    assert_non_null(strstr(a, "[Hoa\xCC\x80] [bi\xCC\x80nh]"));
    assert_string_equal(a, b);

    /* the tape is what is indexed when the text matches, and only then */
    vn_tape t1 = {0}, t2 = {0};
    const char *x[1] = {"alpha zzzthat"}, *y[1] = {"beta zzzbeta"};
    size_t nx = strlen(x[0]), ny = strlen(y[0]);
    assert_int_equal(vn_tok_tape(maker, x, &nx, 1, &t1, &err), VN_OK);
    assert_int_equal(vn_tok_tape(maker, y, &ny, 1, &t2, &err), VN_OK);
    t2.text[0] = x[0];
    t2.n[0] = nx; /* x's text, y's tokens */
    assert_int_equal(vn_tok_play(tok, &t2, &err), VN_OK);
    insert2("g2", 10, "", x[0]);
    insert2("g2", 11, "", "gamma zzzgamma");
    assert_int_equal(vn_tok_play(tok, NULL, &err), VN_OK);
    vn_tape_free(&t1);
    vn_tape_free(&t2);
    dump("SELECT term FROM i2 WHERE doc >= 10 AND term LIKE 'zzz%' ORDER BY 1", a, sizeof a);
    assert_string_equal(a, "zzzbeta\nzzzgamma\n");

    /* spellings seen by the maker reach the writer's vocabulary */
    assert_int_equal(vn_tok_flush(tok, &err), VN_OK);
    exec("COMMIT;");
    dump("SELECT canon FROM vn_spelling WHERE fold IN ('zzztape', 'zzzchi', 'moi') ORDER BY 1",
         a, sizeof a);
    assert_string_equal(a, "mới\nzzzchỉ\nzzztape\n");
    vn_tok_close(maker);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_indexed_forms),
        cmocka_unit_test(test_accented_query),
        cmocka_unit_test(test_unaccented_query),
        cmocka_unit_test(test_highlight),
        cmocka_unit_test(test_spellings),
        cmocka_unit_test(test_tape),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
