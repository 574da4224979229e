/* vn_tok.c: see vn_tok.h. */
#include "vn_tok.h"

#include "vn_buf.h"
#include "vn_norm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SPELL_SLOTS_MAX (1u << 20) /* flush and forget past this many */
#define SPELLING_BYTES 64          /* longer spellings are never emitted */

/* A set of canonical spellings (with marks) seen while indexing. */
typedef struct spell_set {
    uint32_t *slot;   /* arena offsets; 0 = empty */
    size_t nslot, nused;
    vn_buf arena;     /* "canon\0fold\0" records, offset 0 unused */
    size_t flushed;   /* arena bytes already written to vn_spelling */
} spell_set;

struct vn_tok {
    sqlite3 *db;
    vn_norm *nm;
    sqlite3_stmt *lookup;  /* spellings of one folded form */
    sqlite3_stmt *range;   /* spellings whose folded form has a prefix */
    int collect;
    spell_set spell;
    const vn_tape *tape;   /* replayed for the texts it was made from */
    size_t mark;           /* a maker's: spell arena bytes already on a tape */
};

/* ---- the spelling set ---------------------------------------------------- */


static uint32_t hash_bytes(const char *s, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static int spell_grow(spell_set *ss)
{
    size_t n = ss->nslot ? ss->nslot * 2 : 4096;
    uint32_t *slot = calloc(n, sizeof *slot);
    if (slot == NULL)
        return VN_ENOMEM;
    for (size_t i = 0; i < ss->nslot; i++) {
        uint32_t at = ss->slot[i];
        if (at == 0)
            continue;
        const char *s = ss->arena.data + at;
        size_t j = hash_bytes(s, strlen(s)) & (n - 1);
        while (slot[j] != 0)
            j = (j + 1) & (n - 1);
        slot[j] = at;
    }
    free(ss->slot);
    ss->slot = slot;
    ss->nslot = n;
    return VN_OK;
}

/* Remember canon (and its fold) unless already known. */
static int spell_add(spell_set *ss, const vn_token *t)
{
    int rc = VN_OK;
    if (ss->nused * 2 >= ss->nslot)
        rc = spell_grow(ss);
    if (rc != VN_OK)
        return rc;
    size_t j = hash_bytes(t->canon, t->ncanon) & (ss->nslot - 1);
    for (; ss->slot[j] != 0; j = (j + 1) & (ss->nslot - 1)) {
        const char *s = ss->arena.data + ss->slot[j];
        if (strncmp(s, t->canon, t->ncanon) == 0 && s[t->ncanon] == '\0')
            return VN_OK;
    }
    if (ss->arena.len == 0)
        vn_buf_add_rc(&ss->arena, "", 1, &rc);
    size_t at = ss->arena.len;
    vn_buf_add_rc(&ss->arena, t->canon, t->ncanon, &rc);
    vn_buf_add_rc(&ss->arena, "", 1, &rc);
    vn_buf_add_rc(&ss->arena, t->fold, t->nfold, &rc);
    vn_buf_add_rc(&ss->arena, "", 1, &rc);
    if (rc == VN_OK) {
        ss->slot[j] = (uint32_t)at;
        ss->nused++;
    }
    return rc;
}

static void spell_free(spell_set *ss)
{
    free(ss->slot);
    vn_buf_free(&ss->arena);
    memset(ss, 0, sizeof *ss);
}

/* ---- the tokenizer --------------------------------------------------------- */

typedef struct tok_call {
    vn_tok *tok;
    void *ctx;
    int (*xToken)(void *, int, const char *, int, int, int);
    const char *text; /* what is being tokenized */
    int query;       /* expand words typed without marks */
    int prefix;      /* the word being emitted is a prefix (word*) */
    size_t nprefix;  /* with FTS5_TOKENIZE_PREFIX: words in the text; only
                        the last one is a prefix, as FTS5 reads it */
    size_t nseen;    /* words emitted so far */
    size_t nwords;   /* words of the text so far (documents) */
    size_t last_end; /* byte offset where the previous word ended */
    int rc;          /* an SQLite code when a callback failed */
} tok_call;

/* Between two words that punctuation separates (a full stop, comma,
 * colon, bracket, dash... followed by a space, or a line break), one
 * extra token, so that the words are not adjacent: a phrase never runs
 * across a sentence or a clause ("hợp tác công nghiệp. Tại" does not hold
 * "công nghiệp tại"), and proximity counts the break. A quoted query
 * phrase holds it where it is punctuated the same way ("cán bộ, công
 * chức"). */
static int is_break(const char *gap, size_t n)
{
    int punct = 0, space = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)gap[i];
        if (c == '\n' || c == '\r')
            return 1;
        if (c == ' ' || c == '\t')
            space |= punct; /* a space after the punctuation */
        else if (strchr(".,;:!?()[]{}-/", c) != NULL && c != '\0')
            punct = 1;
        else if (c == 0xE2 && i + 2 < n && (unsigned char)gap[i + 1] == 0x80
                 && ((unsigned char)gap[i + 2] == 0xA6 || (unsigned char)gap[i + 2] == 0x93
                     || (unsigned char)gap[i + 2] == 0x94))
            punct = 1; /* … – — */
    }
    return punct && space;
}

/* Bytes in the first nchars code points of s[0..n). */
static size_t prefix_bytes(const char *s, size_t n, size_t nchars)
{
    size_t chars = 0;
    for (size_t k = 0; k < n; k++)
        if (((unsigned char)s[k] & 0xC0) != 0x80 && chars++ == nchars)
            return k;
    return n;
}

/* Emit every spelling the lookup statement returns as a colocated
 * synonym of the word w already emitted. With nchars > 0 (a prefix),
 * emit the first nchars characters of each, once. */
static int emit_spellings(tok_call *tc, sqlite3_stmt *st, const char *w, size_t nw,
                          const vn_token *t, size_t nchars)
{
    char seen[VN_TOK_SPELLINGS_MAX][SPELLING_BYTES];
    int nseen = 0, rc = SQLITE_OK;
    while (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        const char *s = (const char *)sqlite3_column_text(st, 0);
        size_t n = (size_t)sqlite3_column_bytes(st, 0);
        if (nchars > 0)
            n = prefix_bytes(s, n, nchars);
        if ((n == nw && memcmp(s, w, n) == 0) || n >= sizeof seen[0])
            continue;
        int dup = 0;
        for (int i = 0; i < nseen && !dup; i++)
            dup = strncmp(seen[i], s, n) == 0 && seen[i][n] == '\0';
        if (dup || nseen == VN_TOK_SPELLINGS_MAX)
            continue;
        memcpy(seen[nseen], s, n);
        seen[nseen++][n] = '\0';
        rc = tc->xToken(tc->ctx, FTS5_TOKEN_COLOCATED, s, (int)n, (int)t->start, (int)t->end);
    }
    sqlite3_reset(st);
    return rc;
}

static int prepare_lookups(vn_tok *tok)
{
    if (tok->lookup != NULL)
        return SQLITE_OK;
    int rc = sqlite3_prepare_v3(tok->db,
        "SELECT canon FROM vn_spelling WHERE fold = ?1", -1,
        SQLITE_PREPARE_PERSISTENT, &tok->lookup, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v3(tok->db,
            "SELECT canon FROM vn_spelling WHERE fold >= ?1 AND fold < ?1 || x'f48fbfbf'"
            " ORDER BY length(canon) LIMIT 2000", -1,
            SQLITE_PREPARE_PERSISTENT, &tok->range, NULL);
    return rc;
}

int vn_tok_spellings(void *ctx, const char *word, size_t n, vn_buf *list, size_t *count,
                     vn_err *err)
{
    vn_tok *tok = ctx;
    int rc = VN_OK;
    *count = 0;
    if (prepare_lookups(tok) != SQLITE_OK)
        return VN_OK; /* no spelling table: the word stands for itself */
    sqlite3_bind_text(tok->lookup, 1, word, (int)n, SQLITE_STATIC);
    while (rc == VN_OK && sqlite3_step(tok->lookup) == SQLITE_ROW) {
        size_t len = (size_t)sqlite3_column_bytes(tok->lookup, 0);
        if (len >= SPELLING_BYTES) /* as emit_spellings: never emitted */
            continue;
        vn_buf_add_rc(list, sqlite3_column_text(tok->lookup, 0), len, &rc);
        vn_buf_add_rc(list, "", 1, &rc);
        (*count)++;
    }
    sqlite3_reset(tok->lookup);
    if (rc != VN_OK)
        vn_err_set(err, rc, "out of memory listing spellings");
    return rc;
}

/* The synonyms of the word w (typed without marks, already emitted). */
static int expand(tok_call *tc, const char *w, size_t nw, const vn_token *t)
{
    vn_tok *tok = tc->tok;
    if (prepare_lookups(tok) != SQLITE_OK)
        return SQLITE_OK; /* no spelling table: the word stands for itself */
    sqlite3_stmt *st = tc->prefix ? tok->range : tok->lookup;
    size_t nchars = 0;
    for (size_t i = 0; tc->prefix && i < nw; i++)
        nchars += ((unsigned char)w[i] & 0xC0) != 0x80;
    sqlite3_bind_text(st, 1, w, (int)nw, SQLITE_STATIC);
    return emit_spellings(tc, st, w, nw, t, nchars);
}

/* A prefix typed in ASCII is looked up as typed, lower-cased: the
 * whole-syllable rules (ki -> ky) must not turn kim* into kym*. */
static int ascii_prefix(const tok_call *tc, const vn_token *t, char *dst, size_t cap)
{
    size_t n = t->end - t->start;
    if (!tc->prefix || t->has_marks || n >= cap)
        return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)tc->text[t->start + i];
        if (c >= 0x80)
            return 0;
        dst[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
    }
    dst[n] = '\0';
    return 1;
}

static int count_token(void *ctx, const vn_token *t)
{
    (void)t;
    ((tok_call *)ctx)->nprefix++;
    return 0;
}

static int on_token(void *ctx, const vn_token *t)
{
    tok_call *tc = ctx;
    char low[64];
    tc->prefix = tc->nprefix > 0 && ++tc->nseen == tc->nprefix;
    const char *w = t->canon;
    size_t nw = t->ncanon;
    /* words with a letter (not numbers and codes) are the vocabulary */
    if (tc->tok->collect && vn_token_has_letter(t) && spell_add(&tc->tok->spell, t) != VN_OK)
        return tc->rc = SQLITE_NOMEM;
    if (ascii_prefix(tc, t, low, sizeof low)) {
        w = low;
        nw = strlen(low);
    }
    int rc = SQLITE_OK;
    if (tc->nwords > 0 && t->start > tc->last_end
        && is_break(tc->text + tc->last_end, t->start - tc->last_end))
        rc = tc->xToken(tc->ctx, 0, VN_TOK_BREAK, 1, (int)tc->last_end, (int)t->start);
    tc->nwords++;
    tc->last_end = t->end;
    if (rc == SQLITE_OK)
        rc = tc->xToken(tc->ctx, 0, w, (int)nw, (int)t->start, (int)t->end);
    if (rc == SQLITE_OK && tc->query && !t->has_marks)
        rc = expand(tc, w, nw, t);
    if (rc != SQLITE_OK)
        tc->rc = rc;
    return rc;
}

static int x_create(void *user, const char **argv, int argc, Fts5Tokenizer **out)
{
    (void)argv;
    *out = argc == 0 ? (Fts5Tokenizer *)user : NULL;
    return argc == 0 ? SQLITE_OK : SQLITE_ERROR;
}

static void x_delete(Fts5Tokenizer *t)
{
    (void)t; /* the vn_tok belongs to the connection, freed in x_destroy */
}

/* The tape's recording of text, or NULL. */
static const vn_buf *tape_for(const vn_tape *tape, const char *text, int ntext)
{
    for (int i = 0; tape != NULL && i < tape->ntext; i++)
        if (tape->n[i] == (size_t)ntext && tape->rec[i] != NULL
            && (ntext == 0 || memcmp(tape->text[i], text, (size_t)ntext) == 0))
            return tape->rec[i];
    return NULL;
}

/* A recorded call: start, end (uint32), length (uint16), the token. */
static int replay(const vn_buf *rec, void *ctx,
                  int (*xToken)(void *, int, const char *, int, int, int))
{
    int rc = SQLITE_OK;
    for (size_t at = 0; rc == SQLITE_OK && at + 10 <= rec->len;) {
        uint32_t start, end;
        uint16_t len;
        memcpy(&start, rec->data + at, 4);
        memcpy(&end, rec->data + at + 4, 4);
        memcpy(&len, rec->data + at + 8, 2);
        rc = xToken(ctx, 0, rec->data + at + 10, len, (int)start, (int)end);
        at += 10 + (size_t)len;
    }
    return rc;
}

static int x_tokenize(Fts5Tokenizer *t, void *ctx, int flags, const char *text, int ntext,
                      int (*xToken)(void *, int, const char *, int, int, int))
{
    const vn_buf *rec;
    if (flags == FTS5_TOKENIZE_DOCUMENT
        && (rec = tape_for(((vn_tok *)t)->tape, text, ntext)) != NULL)
        return replay(rec, ctx, xToken);
    tok_call tc = {
        .tok = (vn_tok *)t, .ctx = ctx, .xToken = xToken, .text = text,
        .query = (flags & FTS5_TOKENIZE_QUERY) != 0 && !(ntext > 0 && text[0] == VN_TOK_EXACT[0]),
    };
    vn_err err;
    if (ntext <= 0)
        return SQLITE_OK;
    int rc = VN_OK;
    if (flags & FTS5_TOKENIZE_PREFIX) /* a query string: short */
        rc = vn_norm_tokens(tc.tok->nm, text, (size_t)ntext, count_token, &tc, NULL, &err);
    if (rc == VN_OK)
        rc = vn_norm_tokens(tc.tok->nm, text, (size_t)ntext, on_token, &tc, NULL, &err);
    if (rc == VN_OK)
        return SQLITE_OK;
    return tc.rc != SQLITE_OK ? tc.rc : rc == VN_ENOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
}

struct vn_norm *vn_tok_norm(vn_tok *tok)
{
    return tok->nm;
}

void vn_tok_finish(vn_tok *tok)
{
    if (tok == NULL)
        return;
    sqlite3_finalize(tok->lookup);
    sqlite3_finalize(tok->range);
    tok->lookup = tok->range = NULL;
}

static void x_destroy(void *user)
{
    vn_tok *tok = user;
    vn_tok_finish(tok);
    vn_norm_close(tok->nm);
    spell_free(&tok->spell);
    free(tok);
}

/* ---- tapes ------------------------------------------------------------------ */

int vn_tok_open_maker(vn_tok **out, vn_err *err)
{
    vn_tok *tok = calloc(1, sizeof *tok);
    *out = NULL;
    if (tok == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    int rc = vn_norm_open(&tok->nm, err);
    if (rc != VN_OK) {
        free(tok);
        return rc;
    }
    tok->collect = 1;
    *out = tok;
    return VN_OK;
}

void vn_tok_close(vn_tok *maker)
{
    if (maker != NULL)
        x_destroy(maker);
}

static int record(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    vn_buf *rec = ctx;
    uint32_t s = (uint32_t)start, e = (uint32_t)end;
    uint16_t len = (uint16_t)ntoken;
    int rc = VN_OK;
    if (tflags != 0 || ntoken < 0 || ntoken > UINT16_MAX || start < 0 || end < 0)
        return SQLITE_ERROR; /* documents have no synonyms */
    vn_buf_add_rc(rec, &s, 4, &rc);
    vn_buf_add_rc(rec, &e, 4, &rc);
    vn_buf_add_rc(rec, &len, 2, &rc);
    vn_buf_add_rc(rec, token, (size_t)ntoken, &rc);
    return rc == VN_OK ? SQLITE_OK : SQLITE_NOMEM;
}

void vn_tape_free(vn_tape *tape)
{
    for (int i = 0; i < 2; i++) {
        if (tape->rec[i] != NULL)
            vn_buf_free(tape->rec[i]);
        free(tape->rec[i]);
    }
    if (tape->spell != NULL)
        vn_buf_free(tape->spell);
    free(tape->spell);
    memset(tape, 0, sizeof *tape);
}

int vn_tok_tape(vn_tok *maker, const char *const *text, const size_t *n, int ntext,
                vn_tape *tape, vn_err *err)
{
    int rc = VN_OK;
    if (ntext < 0 || ntext > 2)
        return vn_err_set(err, VN_EINVAL, "a tape holds at most 2 texts");
    for (int i = 0; i < 2; i++)
        if (tape->rec[i] == NULL && (tape->rec[i] = calloc(1, sizeof *tape->rec[i])) == NULL)
            rc = VN_ENOMEM;
    if (tape->spell == NULL && (tape->spell = calloc(1, sizeof *tape->spell)) == NULL)
        rc = VN_ENOMEM;
    if (rc != VN_OK)
        return vn_err_set(err, rc, "out of memory");
    tape->ntext = 0;
    vn_buf_reset(tape->spell);
    for (int i = 0; i < ntext && rc == VN_OK; i++) {
        vn_buf_reset(tape->rec[i]);
        tape->text[i] = text[i];
        tape->n[i] = n[i];
        if (n[i] > INT32_MAX) {
            rc = vn_err_set(err, VN_EINVAL, "text too long for FTS5");
            break;
        }
        int src = x_tokenize((Fts5Tokenizer *)maker, tape->rec[i], FTS5_TOKENIZE_DOCUMENT,
                             text[i] != NULL ? text[i] : "", (int)n[i], record);
        if (src != SQLITE_OK)
            rc = vn_err_set(err, src == SQLITE_NOMEM ? VN_ENOMEM : VN_EINVAL,
                            "cannot tokenize a text ahead of time");
        tape->ntext = i + 1;
    }
    /* the spellings this maker had not seen: they go to the writer */
    spell_set *ss = &maker->spell;
    size_t from = maker->mark ? maker->mark : 1;
    if (rc == VN_OK && ss->arena.len > from)
        rc = vn_buf_add(tape->spell, ss->arena.data + from, ss->arena.len - from) == VN_OK
                 ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory");
    maker->mark = ss->arena.len;
    if (ss->nused >= SPELL_SLOTS_MAX) { /* bound memory: forget, send again later */
        spell_free(ss);
        maker->mark = 0;
    }
    if (rc != VN_OK)
        tape->ntext = 0;
    return rc;
}

int vn_tok_play(vn_tok *tok, const vn_tape *tape, vn_err *err)
{
    tok->tape = tape;
    if (tape == NULL || !tok->collect || tape->spell == NULL)
        return VN_OK;
    const vn_buf *sp = tape->spell;
    for (size_t at = 0; at < sp->len;) {
        vn_token t = {0};
        t.canon = sp->data + at;
        t.ncanon = strlen(t.canon);
        t.fold = t.canon + t.ncanon + 1;
        t.nfold = strlen(t.fold);
        if (spell_add(&tok->spell, &t) != VN_OK)
            return vn_err_set(err, VN_ENOMEM, "out of memory");
        at = (size_t)(t.fold - sp->data) + t.nfold + 1;
    }
    return VN_OK;
}

/* ---- registration ------------------------------------------------------------ */

fts5_api *vn_tok_api(sqlite3 *db)
{
    fts5_api *api = NULL;
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_pointer(st, 1, (void *)&api, "fts5_api_ptr", NULL);
        sqlite3_step(st);
    }
    sqlite3_finalize(st);
    return api;
}

int vn_tok_register(sqlite3 *db, vn_tok **out, vn_err *err)
{
    static fts5_tokenizer methods = {x_create, x_delete, x_tokenize};
    fts5_api *api = vn_tok_api(db);
    vn_tok *tok = NULL;
    if (out != NULL)
        *out = NULL;
    if (api == NULL)
        return vn_err_set(err, VN_EDB, "this SQLite has no FTS5");
    tok = calloc(1, sizeof *tok);
    if (tok == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    tok->db = db;
    int rc = vn_norm_open(&tok->nm, err);
    if (rc != VN_OK) {
        free(tok);
        return rc;
    }
    if (api->xCreateTokenizer(api, VN_TOK_NAME, tok, &methods, x_destroy) != SQLITE_OK) {
        x_destroy(tok);
        return vn_err_set(err, VN_EDB, "cannot register tokenizer: %s", sqlite3_errmsg(db));
    }
    if (out != NULL)
        *out = tok;
    return VN_OK;
}

void vn_tok_collect(vn_tok *tok, int on)
{
    tok->collect = on;
}

int vn_tok_flush(vn_tok *tok, vn_err *err)
{
    spell_set *ss = &tok->spell;
    sqlite3_stmt *st = NULL;
    if (ss->arena.len <= ss->flushed)
        return VN_OK;
    int rc = sqlite3_prepare_v2(tok->db,
        "INSERT OR IGNORE INTO vn_spelling(fold, canon) VALUES (?1, ?2)", -1, &st, NULL);
    size_t at = ss->flushed ? ss->flushed : 1;
    while (rc == SQLITE_OK && at < ss->arena.len) {
        const char *canon = ss->arena.data + at;
        const char *fold = canon + strlen(canon) + 1;
        sqlite3_bind_text(st, 1, fold, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, canon, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(tok->db);
        sqlite3_reset(st);
        at = (size_t)(fold - ss->arena.data) + strlen(fold) + 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return vn_err_set(err, VN_EDB, "cannot save spellings: %s", sqlite3_errmsg(tok->db));
    ss->flushed = ss->arena.len;
    if (ss->nused >= SPELL_SLOTS_MAX) /* bound memory: forget, re-insert later */
        spell_free(ss);
    return VN_OK;
}
