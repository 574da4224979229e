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
 *    every snippet is valid UTF-8;
 *  - vn_expand's rewrite (lone accent-free words as an OR of their
 *    spellings) with its phrase groups gives the same rows, with the same
 *    vn_rank keys and the same snippets, as the expression it rewrote. */
#include "fuzz.h"
#include "../match_check.h"

#include "vn_expand.h"
#include "vn_norm.h"
#include "vn_query.h"
#include "vn_snip.h"
#include "vn_tok.h"

#include <sqlite3.h>
#include <string.h>

static sqlite3 *db;
static sqlite3_stmt *search, *ranked;
static vn_tok *tok;
static vn_norm *nm;


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

/* Every row of match: "rowid key snippet\n", in rowid order. */
static void rows_of(const char *match, const char *groups, vn_buf *out)
{
    vn_buf_reset(out);
    int rc = sqlite3_bind_text(ranked, 1, match, -1, SQLITE_STATIC);
    if (rc == SQLITE_OK && groups != NULL)
        rc = sqlite3_bind_text(ranked, 2, groups, -1, SQLITE_STATIC);
    while (rc == SQLITE_OK && (rc = sqlite3_step(ranked)) == SQLITE_ROW) {
        FUZZ_CHECK(vn_buf_printf(out, "%lld %.9g %s\n", sqlite3_column_int64(ranked, 0),
                                 sqlite3_column_double(ranked, 1),
                                 (const char *)sqlite3_column_text(ranked, 2)) == VN_OK,
                   "out of memory");
        rc = SQLITE_OK;
    }
    FUZZ_CHECK(rc == SQLITE_DONE, "FTS5 rejected <%s>: %s", match, sqlite3_errmsg(db));
    sqlite3_reset(ranked);
    sqlite3_clear_bindings(ranked);
}

/* The rewrite finds what the original finds, ranked and cut the same. */
static void check_expand(const char *match)
{
    vn_buf m = VN_BUF_INIT, g = VN_BUF_INIT, a = VN_BUF_INIT, b = VN_BUF_INIT;
    vn_err err;
    int rc = vn_expand(nm, match, vn_tok_spellings, tok, &m, &g, &err);
    FUZZ_CHECK(rc == VN_OK, "vn_expand failed: %d %s", rc, err.msg);
    FUZZ_CHECK(g.len > 0 || strcmp(m.data, match) == 0, "changed without groups: <%s>", m.data);
    if (g.len > 0) {
        FUZZ_CHECK(count_strings(m.data) > count_strings(match), "<%s> grew no phrase", m.data);
        rows_of(match, NULL, &a);
        rows_of(m.data, g.data, &b);
        FUZZ_CHECK(strcmp(a.data ? a.data : "", b.data ? b.data : "") == 0,
                   "<%s> -> <%s> (groups %s):\n%s\nagainst\n%s", match, m.data, g.data,
                   a.data ? a.data : "", b.data ? b.data : "");
    }
    vn_buf_free(&m);
    vn_buf_free(&g);
    vn_buf_free(&a);
    vn_buf_free(&b);
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
    if (vn_norm_open(&nm, &err) != VN_OK
        || sqlite3_prepare_v2(db, "SELECT rowid, vn_rank(f, 'f', NULL, ?2, 10.0, 1.0),"
                                  " vn_snippet(f, 12, ?2) FROM f WHERE f MATCH ?1 ORDER BY rowid",
                              -1, &ranked, NULL) != SQLITE_OK) {
        fprintf(stderr, "setup: %s\n", sqlite3_errmsg(db));
        abort();
    }
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
    check_expand(q.match);
    vn_query_free(&q);
    return 0;
}
