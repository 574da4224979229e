/* test_tok.c: the `vietnamese` FTS5 tokenizer inside SQLite: what is
 * indexed, how queries expand, and where highlights land. */
#include "vn_tok.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_indexed_forms),
        cmocka_unit_test(test_accented_query),
        cmocka_unit_test(test_unaccented_query),
        cmocka_unit_test(test_highlight),
        cmocka_unit_test(test_spellings),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
