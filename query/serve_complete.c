/* serve_complete.c: see serve_complete.h. */
#include "serve_complete.h"

#include "vn_buf.h"

#include <sqlite3.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define PHRASES_MAX 4          /* phrases and terms shown, at most */
#define WORDS_MAX 2            /* of them, the typed words alone, at most */
#define PHRASE_SLOTS 1024      /* distinct phrases counted (a power of two) */
#define SCAN_MATCHES_MAX 20000 /* titles examined for phrases, at most */

/* Newest first, so that a scan meets recent articles first. */
static const char titles_sql[] =
    "SELECT title FROM article WHERE title <> '' ORDER BY date IS NULL, date DESC, id DESC";

static const char terms_sql[] =
    "SELECT canon FROM vn_spelling WHERE fold >= ?1 AND fold < ?1 || x'f48fbfbf'"
    " AND (?2 IS NULL OR (canon >= ?2 AND canon < ?2 || x'f48fbfbf'))"
    " ORDER BY length(canon), canon LIMIT 12";

/* A title: offsets into complete_index.text of three NUL-terminated
 * strings: as written, and folded and canonical as " w1 w2 ... wn ". */
typedef struct title_ref {
    size_t title, fold, canon;
} title_ref;

struct complete_index {
    vn_buf text;
    title_ref *t;
    size_t n, cap;
};

const char *complete_kind_name(int kind)
{
    static const char *const names[] = {"phrase", "term", "title"};
    return kind >= 0 && kind <= COMPLETE_TITLE ? names[kind] : "?";
}

/* ---- words: " w1 w2 ... wn " folded and canonical ----------------------------- */

typedef struct words {
    vn_buf fold, canon;
    int n;                /* words */
    int marks;            /* some word carries diacritics */
    int last_marks;       /* the last one does */
    size_t last_start;    /* byte offset of the last word in the text */
    size_t last_end;
    size_t last_nfold;    /* bytes of the last word, folded */
    int rc;
} words;

static int add_word(void *ctx, const vn_token *tok)
{
    words *w = ctx;
    vn_buf_add_rc(&w->fold, tok->fold, tok->nfold, &w->rc);
    vn_buf_puts_rc(&w->fold, " ", &w->rc);
    vn_buf_add_rc(&w->canon, tok->canon, tok->ncanon, &w->rc);
    vn_buf_puts_rc(&w->canon, " ", &w->rc);
    w->n++;
    w->marks |= tok->has_marks;
    w->last_marks = tok->has_marks;
    w->last_start = tok->start;
    w->last_end = tok->end;
    w->last_nfold = tok->nfold;
    return w->rc;
}

static int split_words(vn_norm *nm, const char *s, size_t n, words *w, vn_err *err)
{
    vn_buf_reset(&w->fold);
    vn_buf_reset(&w->canon);
    w->n = w->marks = w->last_marks = 0;
    w->last_start = w->last_end = w->last_nfold = 0;
    w->rc = VN_OK;
    vn_buf_puts_rc(&w->fold, " ", &w->rc);
    vn_buf_puts_rc(&w->canon, " ", &w->rc);
    int rc = w->rc == VN_OK ? vn_norm_tokens(nm, s, n, add_word, w, NULL, err) : VN_OK;
    if (w->rc != VN_OK)
        rc = vn_err_set(err, VN_ENOMEM, "out of memory");
    return rc;
}

static void words_free(words *w)
{
    vn_buf_free(&w->fold);
    vn_buf_free(&w->canon);
}

/* ---- the index -------------------------------------------------------------------- */

static int add_title(complete_index *ci, const words *w, const char *title, size_t n)
{
    title_ref *t = vn_grow(ci->t, &ci->cap, ci->n + 1, sizeof *t);
    if (t == NULL)
        return VN_ENOMEM;
    ci->t = t;
    title_ref *r = &ci->t[ci->n];
    int rc = VN_OK;
    r->title = ci->text.len;
    vn_buf_add_rc(&ci->text, title, n, &rc);
    vn_buf_add_rc(&ci->text, "", 1, &rc);
    r->fold = ci->text.len;
    vn_buf_add_rc(&ci->text, w->fold.data, w->fold.len + 1, &rc);
    r->canon = ci->text.len;
    vn_buf_add_rc(&ci->text, w->canon.data, w->canon.len + 1, &rc);
    if (rc == VN_OK)
        ci->n++;
    return rc;
}

int complete_build(vn_store *st, vn_norm *nm, complete_index **out, vn_err *err)
{
    sqlite3 *db = vn_store_db(st);
    sqlite3_stmt *s = NULL;
    complete_index *ci = calloc(1, sizeof *ci);
    words w = {.fold = VN_BUF_INIT, .canon = VN_BUF_INIT};
    int rc = ci ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory");
    int step = SQLITE_DONE;
    *out = NULL;
    if (rc == VN_OK && sqlite3_prepare_v2(db, titles_sql, -1, &s, NULL) != SQLITE_OK)
        rc = vn_err_set(err, VN_EDB, "cannot read titles: %s", sqlite3_errmsg(db));
    while (rc == VN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *title = (const char *)sqlite3_column_text(s, 0);
        size_t n = (size_t)sqlite3_column_bytes(s, 0);
        if (title == NULL)
            continue;
        rc = split_words(nm, title, n, &w, err);
        if (rc == VN_OK && w.n > 0 && add_title(ci, &w, title, n) != VN_OK)
            rc = vn_err_set(err, VN_ENOMEM, "out of memory");
    }
    if (rc == VN_OK && step != SQLITE_DONE)
        rc = vn_err_set(err, VN_EDB, "cannot read titles: %s", sqlite3_errmsg(db));
    sqlite3_finalize(s);
    words_free(&w);
    if (rc != VN_OK) {
        complete_free(ci);
        return rc;
    }
    *out = ci;
    return VN_OK;
}

void complete_free(complete_index *ci)
{
    if (ci == NULL)
        return;
    vn_buf_free(&ci->text);
    free(ci->t);
    free(ci);
}

size_t complete_size(const complete_index *ci)
{
    return ci ? ci->n : 0;
}

void complete_list_free(complete_list *l)
{
    for (int i = 0; i < l->n; i++)
        free(l->item[i].text);
    memset(l, 0, sizeof *l);
}

/* ---- the list --------------------------------------------------------------------- */

static int list_has(const complete_list *l, const char *text)
{
    for (int i = 0; i < l->n; i++)
        if (strcmp(l->item[i].text, text) == 0)
            return 1;
    return 0;
}

/* Append a copy of n bytes at text, unless already there. */
static int list_add(complete_list *l, const char *text, size_t n, int kind)
{
    if (l->n == COMPLETE_MAX)
        return VN_OK;
    char *s = strndup(text, n);
    if (s == NULL)
        return VN_ENOMEM;
    if (list_has(l, s)) {
        free(s);
        return VN_OK;
    }
    l->item[l->n].text = s;
    l->item[l->n++].kind = kind;
    return VN_OK;
}

/* ---- scanning the titles -------------------------------------------------------------- */

typedef struct phrase {
    char *text;           /* NULL: empty slot */
    int count, first;     /* matches; order of the first one */
    int more;             /* holds the word after the typed ones */
    int agrees;           /* spells the typed words as typed */
} phrase;

typedef struct scan {
    const complete_index *ci;
    const char *needle;   /* folded: " w1 ... wn" (+ " " when finished) */
    size_t nneedle;
    const char *canon;    /* canonical, the same shape */
    size_t ncanon;
    int nwords, finished, marks;
    phrase slot[PHRASE_SLOTS];
    int nphrase;
    /* Titles by preference: starting with the words or not, then (when
     * typed with diacritics) spelling them as typed or not. */
    size_t title[4][COMPLETE_MAX];
    int ntitle[4];
} scan;

/* The start of word k in " w0 w1 ... ". */
static const char *word_at(const char *s, int k)
{
    s++;
    while (k-- > 0 && (s = strchr(s, ' ')) != NULL)
        s++;
    return s;
}

/* Count one more title spelling the typed words as the n bytes at text. */
static int count_phrase(scan *sc, const char *text, size_t n, int agrees, int more)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)text[i]) * 1099511628211ull;
    for (size_t i = h & (PHRASE_SLOTS - 1);; i = (i + 1) & (PHRASE_SLOTS - 1)) {
        phrase *p = &sc->slot[i];
        if (p->text == NULL) {
            if (sc->nphrase >= PHRASE_SLOTS * 3 / 4)
                return VN_OK; /* full: count only those already seen */
            if ((p->text = strndup(text, n)) == NULL)
                return VN_ENOMEM;
            p->first = sc->nphrase++;
            p->more = more;
            p->agrees = agrees;
        }
        if (strncmp(p->text, text, n) == 0 && p->text[n] == '\0') {
            p->count++;
            return VN_OK;
        }
    }
}

/* The title t matched the needle at byte offset at of its folded form. */
static int on_match(scan *sc, size_t t, const title_ref *r, size_t at)
{
    const char *fold = sc->ci->text.data + r->fold;
    const char *canon = sc->ci->text.data + r->canon;
    int k = 0;
    for (size_t i = 0; i < at; i++)
        k += fold[i] == ' ';
    const char *from = word_at(canon, k), *to = from;
    /* canon holds the typed spelling when the title writes it so */
    int agrees = sc->marks && strncmp(from - 1, sc->canon, sc->ncanon) == 0;
    int pref = (k > 0) + 2 * (sc->marks && !agrees);
    if (sc->ntitle[pref] < COMPLETE_MAX)
        sc->title[pref][sc->ntitle[pref]++] = t;
    /* Two phrases: the typed words as this title spells them, the last
     * one whole; the same and the word after them. */
    int rc = VN_OK;
    for (int i = 0; rc == VN_OK && i < sc->nwords + 1 && *to; i++) {
        to = strchr(to, ' ') + 1;
        if (i >= sc->nwords - 1)
            rc = count_phrase(sc, from, (size_t)(to - from - 1), agrees, i == sc->nwords);
    }
    return rc;
}

static int scan_titles(scan *sc)
{
    const complete_index *ci = sc->ci;
    int matches = 0, rc = VN_OK;
    for (size_t t = 0; rc == VN_OK && t < ci->n; t++) {
        const char *fold = ci->text.data + ci->t[t].fold;
        const char *hit = strstr(fold, sc->needle);
        if (hit == NULL)
            continue;
        rc = on_match(sc, t, &ci->t[t], (size_t)(hit - fold));
        if (++matches >= SCAN_MATCHES_MAX && sc->ntitle[0] == COMPLETE_MAX)
            break;
    }
    return rc;
}

/* The most frequent phrases with (more) or without the next word, best
 * first, until out holds upto, skipping the text as typed and, when it
 * was typed with diacritics, other spellings. */
static int take_phrases(scan *sc, complete_list *out, int more, int upto)
{
    int rc = VN_OK;
    while (rc == VN_OK && out->n < upto) {
        phrase *best = NULL;
        for (size_t i = 0; i < PHRASE_SLOTS; i++) {
            phrase *p = &sc->slot[i];
            /* typed with diacritics: only the spellings typed */
            if (p->text != NULL && p->count > 0 && p->more == more
                && (p->agrees || !sc->marks)
                && (best == NULL || p->count > best->count
                    || (p->count == best->count && p->first < best->first)))
                best = p;
        }
        if (best == NULL)
            break;
        best->count = 0;
        /* the typed words themselves, already whole: nothing to offer */
        size_t typed = sc->ncanon - 1 - (sc->canon[sc->ncanon - 1] == ' ');
        if (strlen(best->text) == typed && memcmp(best->text, sc->canon + 1, typed) == 0)
            continue;
        rc = list_add(out, best->text, strlen(best->text), COMPLETE_PHRASE);
    }
    return rc;
}

static int take_titles(const scan *sc, complete_list *out)
{
    int rc = VN_OK;
    for (int pref = 0; pref < 4; pref++) {
        for (int i = 0; rc == VN_OK && i < sc->ntitle[pref]; i++) {
            const char *title = sc->ci->text.data + sc->ci->t[sc->title[pref][i]].title;
            rc = list_add(out, title, strlen(title), COMPLETE_TITLE);
        }
    }
    return rc;
}

/* ---- index terms -------------------------------------------------------------------- */

/* Spellings completing the last word, after the earlier words as typed. */
static int take_terms(vn_store *st, const char *q, const words *w, complete_list *out,
                      vn_err *err)
{
    sqlite3 *db = vn_store_db(st);
    sqlite3_stmt *s = NULL;
    const char *last_fold = w->fold.data + w->fold.len - 1 - w->last_nfold;
    const char *last_canon = strrchr(w->canon.data, ' ');
    size_t ncanon = 0;
    while (last_canon > w->canon.data && last_canon[-1] != ' ')
        last_canon--, ncanon++;
    if (sqlite3_prepare_v2(db, terms_sql, -1, &s, NULL) != SQLITE_OK)
        return vn_err_set(err, VN_EDB, "cannot read spellings: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(s, 1, last_fold, (int)w->last_nfold, SQLITE_STATIC);
    if (w->last_marks)
        sqlite3_bind_text(s, 2, last_canon, (int)ncanon, SQLITE_STATIC);
    vn_buf text = VN_BUF_INIT;
    int rc = VN_OK, step, wanted = PHRASES_MAX;
    while (rc == VN_OK && out->n < wanted && (step = sqlite3_step(s)) == SQLITE_ROW) {
        vn_buf_reset(&text);
        vn_buf_add_rc(&text, q, w->last_start, &rc);
        vn_buf_puts_rc(&text, (const char *)sqlite3_column_text(s, 0), &rc);
        if (rc == VN_OK && strcmp(text.data, q) != 0)
            rc = list_add(out, text.data, text.len, COMPLETE_TERM);
    }
    if (rc != VN_OK)
        rc = vn_err_set(err, rc, "out of memory");
    sqlite3_finalize(s);
    vn_buf_free(&text);
    return rc;
}

/* ---- one request ------------------------------------------------------------------ */

int complete_run(const complete_index *ci, vn_store *st, vn_norm *nm, const char *q,
                 complete_list *out, vn_err *err)
{
    words w = {.fold = VN_BUF_INIT, .canon = VN_BUF_INIT};
    scan *sc = NULL;
    size_t nq = strlen(q);
    memset(out, 0, sizeof *out);
    int rc = split_words(nm, q, nq, &w, err);
    if (rc != VN_OK || w.n == 0) {
        words_free(&w);
        return rc;
    }
    int finished = w.last_end < nq;
    size_t nneedle = w.fold.len - !finished;
    char *needle = strndup(w.fold.data, nneedle);
    sc = needle ? calloc(1, sizeof *sc) : NULL;
    if (sc == NULL)
        rc = vn_err_set(err, VN_ENOMEM, "out of memory");
    if (sc != NULL) {
        *sc = (scan){.ci = ci, .needle = needle, .nneedle = nneedle,
                     .canon = w.canon.data, .ncanon = w.canon.len - !finished,
                     .nwords = w.n, .finished = finished, .marks = w.marks};
        if (ci != NULL && scan_titles(sc) != VN_OK)
            rc = vn_err_set(err, VN_ENOMEM, "out of memory");
        if (rc == VN_OK && (take_phrases(sc, out, 0, WORDS_MAX) != VN_OK
                            || take_phrases(sc, out, 1, PHRASES_MAX) != VN_OK))
            rc = vn_err_set(err, VN_ENOMEM, "out of memory");
    }
    if (rc == VN_OK && !finished && w.last_nfold >= 2 && out->n == 0)
        rc = take_terms(st, q, &w, out, err);
    if (rc == VN_OK && take_titles(sc, out) != VN_OK)
        rc = vn_err_set(err, VN_ENOMEM, "out of memory");
    for (size_t i = 0; sc != NULL && i < PHRASE_SLOTS; i++)
        free(sc->slot[i].text);
    free(sc);
    free(needle);
    words_free(&w);
    return rc;
}
