/* fuzz_query.c: libFuzzer target for vn_query_parse, run the way vnquery
 * runs it: the expression goes to FTS5 on a small in-memory index built
 * with the `vietnamese` tokenizer, ranked with bm25 and vn_proximity,
 * with a vn_snippet for every hit.
 *
 * Invariants, for any bytes:
 *  - parsing succeeds; with nothing searchable, match is NULL and no
 *    positive item or OR is counted;
 *  - otherwise match is valid UTF-8 without a stray NUL, and outside its
 *    FTS5 strings holds only AND OR NOT ( ) * and "title :" (nothing the
 *    user typed leaks out of the quotes), with one string per counted
 *    item;
 *  - FTS5 accepts it and the query runs to the end without an error;
 *    every snippet is valid UTF-8. */
#include "fuzz.h"
#include "../match_check.h"

#include "vn_query.h"
#include "vn_snip.h"
#include "vn_tok.h"

#include <sqlite3.h>
#include <string.h>

static sqlite3 *db;
static sqlite3_stmt *search;


static void run(const char *match)
{
    int rc = sqlite3_bind_text(search, 1, match, -1, SQLITE_STATIC);
    while (rc == SQLITE_OK && (rc = sqlite3_step(search)) == SQLITE_ROW) {
        const char *snip = (const char *)sqlite3_column_text(search, 1);
        size_t nsnip = (size_t)sqlite3_column_bytes(search, 1);
        FUZZ_CHECK(snip != NULL && fuzz_utf8_ok(snip, nsnip), "snippet not UTF-8 for <%s>",
                   match);
        rc = SQLITE_OK;
    }
    FUZZ_CHECK(rc == SQLITE_DONE, "FTS5 rejected <%s>: %s", match, sqlite3_errmsg(db));
    sqlite3_reset(search);
    sqlite3_clear_bindings(search);
}

static void exec(const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        fprintf(stderr, "%s: %s\n", sql, msg);
        abort();
    }
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    vn_err err;
    vn_tok *tok;
    if (sqlite3_open(":memory:", &db) != SQLITE_OK || vn_tok_register(db, &tok, &err) != VN_OK
        || vn_snip_register(db, &err) != VN_OK) {
        fprintf(stderr, "setup: %s\n", err.msg);
        abort();
    }
    exec("CREATE TABLE vn_spelling(fold TEXT, canon TEXT, PRIMARY KEY(fold, canon))"
         " WITHOUT ROWID;"
         "CREATE VIRTUAL TABLE f USING fts5(title, body, tokenize='vietnamese');"
         "BEGIN;");
    vn_tok_collect(tok, 1);
    exec("INSERT INTO f(rowid, title, body) VALUES"
         " (1, 'Kế hoạch tinh giản biên chế', 'Số 3815/KH-UBND về phát triển kinh tế - xã hội"
         " TP.HCM năm 2023, tỷ lệ 4.401 và 1,5%'),"
         " (2, 'Luật đất đai', 'Quy định về quyền sử dụng đất của hộ gia đình; Ủy ban và"
         " Uỷ ban hòa giải, kĩ năng, biển chế tác đồ gốm'),"
         " (3, 'Thông báo', 'Ủy ban nhân dân tỉnh hướng dẫn thi hành luật <script>x</script>"
         " &amp; \"trích dẫn\" cải cách hành chính'),"
         " (4, 'Đồng Nai', 'Ðồng Tháp, dong song; Hà Nội mùa thu; NEAR AND OR NOT title');");
    if (vn_tok_flush(tok, &err) != VN_OK) {
        fprintf(stderr, "flush: %s\n", err.msg);
        abort();
    }
    exec("COMMIT;");
    if (sqlite3_prepare_v2(db, "SELECT rowid, vn_snippet(f, 12),"
                                " bm25(f, 10.0, 1.0) * (1.0 + 2.0 * vn_proximity(f)) AS s"
                                " FROM f WHERE f MATCH ?1 ORDER BY s",
                           -1, &search, NULL) != SQLITE_OK) {
        fprintf(stderr, "prepare: %s\n", sqlite3_errmsg(db));
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vn_query q;
    vn_err err;
    int rc = vn_query_parse((const char *)data, size, &q, &err);
    FUZZ_CHECK(rc == VN_OK, "vn_query_parse failed: %d %s", rc, err.msg);
    FUZZ_CHECK(q.npositive >= 0 && q.nnegative >= 0, "negative counts");
    if (q.match == NULL) {
        FUZZ_CHECK(q.npositive == 0 && q.has_or == 0, "no match but %d positive, or=%d",
                   q.npositive, q.has_or);
        return 0;
    }
    size_t n = strlen(q.match);
    FUZZ_CHECK(q.npositive > 0, "match <%s> with no positive item", q.match);
    FUZZ_CHECK(fuzz_utf8_ok(q.match, n), "match not UTF-8");
    int nstr = count_strings(q.match);
    FUZZ_CHECK(nstr == q.npositive + q.nnegative, "%d strings for %d+%d items in <%s>", nstr,
               q.npositive, q.nnegative, q.match);
    FUZZ_CHECK(!q.has_or || strstr(q.match, " OR ") != NULL, "has_or without OR in <%s>",
               q.match);
    run(q.match);
    vn_query_free(&q);
    return 0;
}
