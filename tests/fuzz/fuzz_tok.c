/* fuzz_tok.c: libFuzzer target for the tokenizer: vn_norm_tokens (and
 * the ICU reference path) and the FTS5 tokenizer `vietnamese` as SQLite
 * calls it, for documents and for queries (plain and prefix).
 *
 * Invariants, for any bytes:
 *  - every token lies inside the input (start < end <= n), starts on a
 *    character boundary, and tokens come in order without overlapping;
 *  - canonical and folded forms are non-empty, valid UTF-8, at most
 *    as many tokens as there are characters; the folded form holds no
 *    combining mark and no đ; has_marks says whether they differ;
 *  - the FTS5 tokenizer never fails on a document; its tokens are
 *    non-empty valid UTF-8 within the text, in order, and only
 *    colocated synonyms repeat a token's offsets;
 *  - the fast path and ICU's break iterator give the same tokens (the
 *    contract of vn_norm_tokens_icu); FUZZ_TOK_DIFF=0 in the
 *    environment turns this check off;
 *  - a tape made by a maker (vn_tok_tape) and replayed by the tokenizer
 *    (vn_tok_play) gives exactly the calls the tokenizer makes itself. */
#include "fuzz.h"

#include "vn_norm.h"
#include "vn_tok.h"

#include <sqlite3.h>
#include <string.h>

static vn_norm *nm;
static sqlite3 *db;
static fts5_tokenizer tk;
static Fts5Tokenizer *tk_inst;
static vn_tok *vt, *maker; /* the registered tokenizer; one making tapes */
static int diff_on;

typedef struct walk {
    const char *src;
    const uint8_t *cut; /* cut[i]: i is where a character (or an invalid
                           sequence, as U8_NEXT reads it) starts or ends */
    size_t n, ntok, last_end;
    vn_buf desc;      /* "start end canon fold\n" per token, for the diff */
} walk;

static int on_norm_token(void *ctx, const vn_token *t)
{
    walk *w = ctx;
    FUZZ_CHECK(t->start < t->end && t->end <= w->n, "token [%zu, %zu) outside [0, %zu)",
               t->start, t->end, w->n);
    FUZZ_CHECK(t->start >= w->last_end, "token at %zu overlaps the previous, ending at %zu",
               t->start, w->last_end);
    FUZZ_CHECK(w->cut[t->start] && w->cut[t->end], "token [%zu, %zu) cuts a character",
               t->start, t->end);
    FUZZ_CHECK(t->ncanon > 0 && t->nfold > 0, "empty form at [%zu, %zu)", t->start, t->end);
    FUZZ_CHECK(fuzz_utf8_ok(t->canon, t->ncanon), "canon not UTF-8 at %zu", t->start);
    FUZZ_CHECK(fuzz_utf8_ok(t->fold, t->nfold), "fold not UTF-8 at %zu", t->start);
    FUZZ_CHECK(memchr(t->canon, '\0', t->ncanon) == NULL, "NUL in canon at %zu", t->start);
    UChar32 m = fuzz_first_mark(t->fold, t->nfold);
    FUZZ_CHECK(m < 0, "fold <%.*s> keeps U+%04X", (int)t->nfold, t->fold, (unsigned)m);
    int differ = t->ncanon != t->nfold || memcmp(t->canon, t->fold, t->nfold) != 0;
    FUZZ_CHECK(t->has_marks == differ, "has_marks=%d for <%.*s>/<%.*s>", t->has_marks,
               (int)t->ncanon, t->canon, (int)t->nfold, t->fold);
    w->last_end = t->end;
    w->ntok++;
    if (diff_on)
        vn_buf_printf(&w->desc, "%zu %zu %.*s %.*s\n", t->start, t->end, (int)t->ncanon,
                      t->canon, (int)t->nfold, t->fold);
    return 0;
}

static void norm_walk(const char *src, size_t n, const uint8_t *cut, int icu, walk *w)
{
    vn_err err;
    size_t bad = 0;
    memset(w, 0, sizeof *w);
    w->src = src;
    w->cut = cut;
    w->n = n;
    int rc = icu ? vn_norm_tokens_icu(nm, src, n, on_norm_token, w, &bad, &err)
                 : vn_norm_tokens(nm, src, n, on_norm_token, w, &bad, &err);
    FUZZ_CHECK(rc == VN_OK, "vn_norm_tokens%s failed: %d %s", icu ? "_icu" : "", rc, err.msg);
    FUZZ_CHECK(w->ntok <= n, "%zu tokens from %zu bytes", w->ntok, n);
    FUZZ_CHECK((bad == 0) == fuzz_utf8_ok(src, n), "%zu invalid sequences counted", bad);
}

/* ---- through FTS5 -------------------------------------------------------- */

typedef struct fts_walk {
    const char *src;
    int n, ntok, last_start, last_end;
    vn_buf calls; /* "flags start end token\n" per call, for the tape check */
} fts_walk;

static int on_fts_token(void *ctx, int flags, const char *tok, int ntok, int start, int end)
{
    fts_walk *w = ctx;
    FUZZ_CHECK(ntok > 0 && fuzz_utf8_ok(tok, (size_t)ntok), "bad FTS5 token");
    FUZZ_CHECK(start >= 0 && start < end && end <= w->n, "FTS5 token [%d, %d) outside [0, %d)",
               start, end, w->n);
    if (flags & FTS5_TOKEN_COLOCATED)
        FUZZ_CHECK(w->ntok > 0 && start == w->last_start && end == w->last_end,
                   "a synonym not at its word's offsets");
    else
        FUZZ_CHECK(start >= w->last_end, "FTS5 token at %d overlaps the previous", start);
    w->last_start = start;
    w->last_end = end;
    w->ntok++;
    vn_buf_printf(&w->calls, "%d %d %d ", flags, start, end);
    vn_buf_add(&w->calls, tok, (size_t)ntok);
    vn_buf_add(&w->calls, "\n", 1);
    return SQLITE_OK;
}

/* OUT: calls (caller frees), what the tokenizer called back, one a line. */
static void fts_walk_text(const char *src, size_t n, int flags, vn_buf *calls)
{
    fts_walk w = {src, (int)n, 0, 0, 0, VN_BUF_INIT};
    int rc = tk.xTokenize(tk_inst, &w, flags, src, (int)n, on_fts_token);
    FUZZ_CHECK(rc == SQLITE_OK, "xTokenize(flags=%d) failed: %d", flags, rc);
    if (calls != NULL)
        *calls = w.calls;
    else
        vn_buf_free(&w.calls);
}

/* The document's tokens from a tape equal the tokenizer's own. */
static void tape_check(const char *src, size_t n, const vn_buf *direct)
{
    vn_tape tape = {0};
    vn_err err;
    vn_buf replayed = VN_BUF_INIT;
    const char *text[1] = {src};
    FUZZ_CHECK(vn_tok_tape(maker, text, &n, 1, &tape, &err) == VN_OK, "vn_tok_tape: %s",
               err.msg);
    FUZZ_CHECK(vn_tok_play(vt, &tape, &err) == VN_OK, "vn_tok_play: %s", err.msg);
    fts_walk_text(src, n, FTS5_TOKENIZE_DOCUMENT, &replayed);
    vn_tok_play(vt, NULL, &err);
    FUZZ_CHECK(replayed.len == direct->len
                   && (direct->len == 0 || memcmp(replayed.data, direct->data, direct->len) == 0),
               "the tape's tokens differ from the tokenizer's:\n--- tokenizer\n%.*s--- tape\n%.*s",
               (int)direct->len, direct->data ? direct->data : "", (int)replayed.len,
               replayed.data ? replayed.data : "");
    vn_buf_free(&replayed);
    vn_tape_free(&tape);
}

/* ---- setup ---------------------------------------------------------------- */

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
    const char *d = getenv("FUZZ_TOK_DIFF");
    diff_on = d == NULL || *d != '0';
    if (vn_norm_open(&nm, &err) != VN_OK || sqlite3_open(":memory:", &db) != SQLITE_OK
        || vn_tok_register(db, &vt, &err) != VN_OK || vn_tok_open_maker(&maker, &err) != VN_OK) {
        fprintf(stderr, "setup: %s\n", err.msg);
        abort();
    }
    /* the spelling table that query-time expansion reads */
    exec("CREATE TABLE vn_spelling(fold TEXT, canon TEXT, PRIMARY KEY(fold, canon))"
         " WITHOUT ROWID;"
         "INSERT INTO vn_spelling VALUES ('bien','biên'),('bien','biển'),('bien','biến'),"
         " ('hoa','hòa'),('hoa','hoa'),('ky','kỹ'),('dong','đồng'),('a','á'),('a','à');");
    fts5_api *api = vn_tok_api(db);
    void *user = NULL;
    if (api == NULL || api->xFindTokenizer(api, VN_TOK_NAME, &user, &tk) != SQLITE_OK
        || tk.xCreate(user, NULL, 0, &tk_inst) != SQLITE_OK) {
        fputs("setup: cannot find the vietnamese tokenizer\n", stderr);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    uint8_t *cut = calloc(size + 1, 1);
    for (size_t i = 0; i < size;) {
        UChar32 c;
        cut[i] = 1;
        U8_NEXT(data, i, size, c);
        (void)c;
    }
    cut[size] = 1;
    walk fast, icu;
    norm_walk(src, size, cut, 0, &fast);
    norm_walk(src, size, cut, 1, &icu);
    free(cut);
    if (diff_on)
        FUZZ_CHECK(fast.desc.len == icu.desc.len
                       && (fast.desc.len == 0
                           || memcmp(fast.desc.data, icu.desc.data, fast.desc.len) == 0),
                   "fast path and ICU disagree:\n--- fast\n%s--- icu\n%s",
                   fast.desc.data ? fast.desc.data : "", icu.desc.data ? icu.desc.data : "");
    vn_buf_free(&fast.desc);
    vn_buf_free(&icu.desc);
    if (size > 1 << 20)
        return 0;
    vn_buf direct = VN_BUF_INIT;
    fts_walk_text(src, size, FTS5_TOKENIZE_DOCUMENT, &direct);
    tape_check(src, size, &direct);
    vn_buf_free(&direct);
    if (size < 4096) { /* queries are short; expansion runs SQL per word */
        fts_walk_text(src, size, FTS5_TOKENIZE_QUERY, NULL);
        fts_walk_text(src, size, FTS5_TOKENIZE_QUERY | FTS5_TOKENIZE_PREFIX, NULL);
    }
    return 0;
}
