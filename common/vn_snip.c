/* vn_snip.c: see vn_snip.h.
 *
 * Snippets, proximity and ranking start from the row's phrase instances
 * (FTS5's xInst, or given by vn_mem through vn_snip_text and the
 * ranker), sorted by column, token offset and phrase number.
 *   vn_snippet picks its window from the instance offsets alone, then
 *   tokenizes the chosen column once to map token positions to byte
 *   ranges, and copies those bytes: whitespace collapsed, 0x02/0x03
 *   dropped, each run of matched words wrapped in VN_SNIP_OPEN/CLOSE.
 *   vn_proximity runs a minimum-window scan over each column.
 * Everything is O(n log n) in the instances plus O(n) in the column text.
 * Errors are reported through sqlite3_result_error*(). */
#include "vn_snip.h"

#include "vn_buf.h"
#include "vn_tok.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define INST_MAX VN_SNIP_INST_MAX /* vn_snip.h */
#define SNIP_DEFAULT 32   /* tokens in a snippet when the caller names none */
#define SNIP_MIN 4
#define SNIP_MAX 200
#define SENTENCE_REACH 5  /* tokens the window may move to reach a sentence start */
#define GAP_MAX 48        /* bytes kept of one run of punctuation between words */
#define TOKEN_MAX 96      /* bytes kept of one (absurdly long) word */

#define ELLIPSIS "\xE2\x80\xA6" /* U+2026 */

/* One phrase instance: phrase number `phrase` at token offset `off` of
 * column `col`, covering `size` token positions. */
typedef struct inst {
    int phrase, col, off;
    int size; /* tokens in the phrase, >= 1 */
} inst;

/* The instances of the current row and the query's phrase sizes. */
typedef struct hits {
    inst *v;    /* sorted by col, off, phrase; owned */
    int n;
    int nphrase;
    int *psize; /* nphrase entries, each >= 1; owned */
    int *held;  /* NULL, or nphrase entries: > 0 for each phrase the row
                   holds, among all its instances (v may keep only the
                   first INST_MAX); owned */
} hits;

/* Byte ranges of a column's token positions (colocated tokens skipped). */
typedef struct toks {
    int *start, *end; /* owned; ranges ascending, disjoint, inside the text */
    int n, cap;
    int ntext;        /* bytes in the text being tokenized */
    int limit;        /* > 0: stop after this many positions */
    int cut;          /* stopped before the end of the text */
} toks;

/* ---- the row's instances ----------------------------------------------- */

static int cmp_inst(const void *a, const void *b)
{
    const inst *x = a, *y = b;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    if (x->off != y->off)
        return x->off < y->off ? -1 : 1;
    return (x->phrase > y->phrase) - (x->phrase < y->phrase);
}

/* ---- phrase groups -------------------------------------------------------- */

int vn_rank_groups(const char *groups, int nphrase, int *map)
{
    int n = 0, ngroup = 0;
    for (const char *p = groups; p != NULL && *p != '\0' && ngroup >= 0;) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        long v = 0;
        if (*p < '0' || *p > '9' || n == nphrase)
            ngroup = -1;
        for (; ngroup >= 0 && *p >= '0' && *p <= '9'; p++)
            if ((v = v * 10 + (*p - '0')) >= nphrase)
                ngroup = -1;
        if (ngroup >= 0 && *p != ' ' && *p != '\0')
            ngroup = -1;
        if (ngroup >= 0) {
            map[n++] = (int)v;
            ngroup = (int)v + 1 > ngroup ? (int)v + 1 : ngroup;
        }
    }
    if (ngroup <= 0 || n != nphrase) {
        for (int i = 0; i < nphrase; i++)
            map[i] = i;
        return 0;
    }
    return ngroup;
}

/* The query's phrases as groups: *map (owned, one entry per phrase),
 * *ngroup, and each group's size in tokens (*psize, owned: the largest
 * of its phrases'). Returns an SQLite code. */
static int phrase_groups(const Fts5ExtensionApi *api, Fts5Context *fts, const char *groups,
                         int **map, int *ngroup, int **psize)
{
    int nphrase = api->xPhraseCount(fts);
    nphrase = nphrase > 0 ? nphrase : 0;
    *map = malloc(((size_t)nphrase + 1) * sizeof **map);
    if (*map == NULL)
        return SQLITE_NOMEM;
    *ngroup = vn_rank_groups(groups, nphrase, *map);
    if (*ngroup == 0)
        *ngroup = nphrase;
    *psize = calloc((size_t)*ngroup + 1, sizeof **psize);
    if (*psize == NULL)
        return SQLITE_NOMEM;
    for (int p = 0; p < nphrase; p++) {
        int size = api->xPhraseSize(fts, p), g = (*map)[p];
        size = size > 0 ? size : 1;
        (*psize)[g] = size > (*psize)[g] ? size : (*psize)[g];
    }
    for (int g = 0; g < *ngroup; g++)
        (*psize)[g] = (*psize)[g] > 0 ? (*psize)[g] : 1;
    return SQLITE_OK;
}

/* The groups the row holds (h->held), for a row whose instances h->v
 * keeps only the first of: each phrase's first instance. */
static int held_phrases(const Fts5ExtensionApi *api, Fts5Context *fts, const int *map, hits *h)
{
    h->held = calloc((size_t)h->nphrase + 1, sizeof *h->held);
    if (h->held == NULL)
        return SQLITE_NOMEM;
    int nphrase = api->xPhraseCount(fts);
    for (int p = 0; p < nphrase; p++) {
        Fts5PhraseIter it;
        int col = -1, off = -1;
        int rc = api->xPhraseFirst(fts, p, &it, &col, &off);
        if (rc != SQLITE_OK)
            return rc;
        if (col >= 0)
            h->held[map[p]]++;
    }
    return SQLITE_OK;
}

/* Fill *h (always initialised; free with hits_free), each instance under
 * its phrase's group (groups may be NULL); with held set, h->held too
 * for a row past INST_MAX instances (proximity needs it). Returns an
 * SQLite code. */
static int load_hits(const Fts5ExtensionApi *api, Fts5Context *fts, const char *groups,
                     int held, hits *h)
{
    int ninst = 0, *map = NULL;
    memset(h, 0, sizeof *h);
    int rc = phrase_groups(api, fts, groups, &map, &h->nphrase, &h->psize);
    int nphrase = api->xPhraseCount(fts);
    if (rc == SQLITE_OK)
        rc = api->xInstCount(fts, &ninst);
    if (rc != SQLITE_OK) {
        free(map);
        return rc;
    }
    if (ninst > INST_MAX) { /* FTS5 lists them by position: keep the first */
        ninst = INST_MAX;
        rc = held ? held_phrases(api, fts, map, h) : SQLITE_OK;
    }
    if (rc != SQLITE_OK) {
        free(map);
        return rc;
    }
    h->v = malloc(((size_t)(ninst > 0 ? ninst : 0) + 1) * sizeof *h->v);
    if (h->v == NULL) {
        free(map);
        return SQLITE_NOMEM;
    }
    for (int i = 0; i < ninst && rc == SQLITE_OK; i++) {
        inst t;
        rc = api->xInst(fts, i, &t.phrase, &t.col, &t.off);
        if (rc != SQLITE_OK || t.phrase < 0 || t.phrase >= nphrase || t.col < 0 || t.off < 0)
            continue;
        t.phrase = map[t.phrase];
        t.size = h->psize[t.phrase];
        h->v[h->n++] = t;
    }
    free(map);
    if (rc == SQLITE_OK && h->n > 1)
        qsort(h->v, (size_t)h->n, sizeof *h->v, cmp_inst);
    return rc;
}

static void hits_free(hits *h)
{
    free(h->v);
    free(h->psize);
    free(h->held);
}

/* The index range [*lo, *hi) of column col's instances in h. */
static void column_range(const hits *h, int col, int *lo, int *hi)
{
    int i = 0;
    while (i < h->n && h->v[i].col < col)
        i++;
    *lo = i;
    while (i < h->n && h->v[i].col == col)
        i++;
    *hi = i;
}

/* ---- token positions -> byte offsets ----------------------------------- */

static int on_token(void *ctx, int tflags, const char *token, int ntoken, int start, int end)
{
    toks *t = ctx;
    if (t->limit > 0 && t->n >= t->limit) {
        t->cut = 1;
        return SQLITE_DONE; /* the rest is never shown: stop tokenizing */
    }
    if (VN_TOK_IS_BREAK(token, ntoken))
        start = end; /* the tokenizer's clause break: an empty position
                        where the next word starts, the gap before it */
    if ((tflags & FTS5_TOKEN_COLOCATED) && t->n > 0)
        return SQLITE_OK; /* a synonym at the position already recorded */
    if (t->n == t->cap) {
        int cap = t->cap ? t->cap * 2 : 256;
        int *p = realloc(t->start, (size_t)cap * sizeof *p);
        if (p == NULL)
            return SQLITE_NOMEM;
        t->start = p;
        p = realloc(t->end, (size_t)cap * sizeof *p);
        if (p == NULL)
            return SQLITE_NOMEM;
        t->end = p;
        t->cap = cap;
    }
    /* Keep ranges in bounds and in order whatever the tokenizer says. */
    int lo = t->n > 0 ? t->end[t->n - 1] : 0;
    start = start < lo ? lo : start > t->ntext ? t->ntext : start;
    end = end < start ? start : end > t->ntext ? t->ntext : end;
    t->start[t->n] = start;
    t->end[t->n] = end;
    t->n++;
    return SQLITE_OK;
}

/* Tokenize text into *t (zeroed by the caller; free with toks_free)
 * with fn: through FTS5 (xTokenize), or for vn_snip_text the caller's. */
static int tokenize(vn_snip_tokenize_fn fn, void *ctx, const char *text, int ntext, toks *t)
{
    t->ntext = ntext;
    if (text == NULL || ntext <= 0)
        return SQLITE_OK;
    int rc = fn(ctx, text, ntext, t, on_token);
    return rc == SQLITE_DONE && t->cut ? SQLITE_OK : rc;
}

static void toks_free(toks *t)
{
    free(t->start);
    free(t->end);
}

/* ---- choosing the window ------------------------------------------------ */

/* Index of the instance of phrase at offset off in c[0..m), or -1. */
static int find_inst(const inst *c, int m, int off, int phrase)
{
    int lo = 0, hi = m;
    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;
        if (c[mid].off < off || (c[mid].off == off && c[mid].phrase < phrase))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < m && c[lo].off == off && c[lo].phrase == phrase ? lo : -1;
}

/* Link each instance of phrase p+1 to the instance of phrase p that ends
 * right before it: prev[q] = j and next[j] = q, else -1. */
static void link_pairs(const inst *c, int m, const int *psize, int *prev, int *next)
{
    for (int i = 0; i < m; i++)
        next[i] = -1;
    for (int q = 0; q < m; q++) {
        int p = c[q].phrase;
        prev[q] = p > 0 ? find_inst(c, m, c[q].off - psize[p - 1], p - 1) : -1;
        if (prev[q] >= 0)
            next[prev[q]] = q;
    }
}

/* Slide a window of n positions over one column's instances c[0..m),
 * starting at each instance. Score: 100 per distinct phrase, 10 per
 * adjacent in-order pair, 1 per instance; the earliest best wins.
 * OUT: [*first, *last) are the instances starting in that window. */
static int pick_window(const inst *c, int m, const hits *h, int n, int *first, int *last)
{
    int *cnt = calloc((size_t)h->nphrase + 1, sizeof *cnt);
    int *prev = malloc(((size_t)m + 1) * sizeof *prev);
    int *next = malloc(((size_t)m + 1) * sizeof *next);
    int rc = cnt && prev && next ? SQLITE_OK : SQLITE_NOMEM;
    long long best = -1;
    int distinct = 0, pairs = 0, r = 0;
    *first = 0;
    *last = m > 0 ? 1 : 0;
    if (rc == SQLITE_OK)
        link_pairs(c, m, h->psize, prev, next);
    for (int i = 0; rc == SQLITE_OK && i < m; i++) {
        if (i > 0) { /* instance i-1 leaves */
            distinct -= --cnt[c[i - 1].phrase] == 0;
            pairs -= next[i - 1] >= 0 && next[i - 1] < r;
        }
        for (; r < m && c[r].off - c[i].off < n; r++) { /* instance r enters */
            distinct += cnt[c[r].phrase]++ == 0;
            pairs += prev[r] >= i;
        }
        if (i > 0 && c[i].off == c[i - 1].off)
            continue; /* same window as before, minus one */
        long long score = 100LL * distinct + 10LL * pairs + (r - i);
        if (score > best) {
            best = score;
            *first = i;
            *last = r;
        }
    }
    free(cnt);
    free(prev);
    free(next);
    return rc;
}

/* Length of the whitespace character at s[0..n) (ASCII or U+00A0), or 0. */
static size_t space_len(const unsigned char *s, size_t n)
{
    if (n >= 1 && (s[0] == ' ' || (s[0] >= '\t' && s[0] <= '\r')))
        return 1;
    if (n >= 2 && s[0] == 0xC2 && s[1] == 0xA0)
        return 2;
    return 0;
}

/* Does token position p begin a sentence? (The column's first token, or
 * the gap before it holds a line break, or . ! ? … followed by space.) */
static int sentence_start(const toks *t, const char *text, int p)
{
    if (p == 0)
        return 1;
    const unsigned char *s = (const unsigned char *)text + t->end[p - 1];
    size_t n = (size_t)(t->start[p] - t->end[p - 1]);
    int stop = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' || s[i] == '\r' || (stop && space_len(s + i, n - i) > 0))
            return 1;
        if (s[i] == '.' || s[i] == '!' || s[i] == '?' ||
            (s[i] == 0xE2 && i + 2 < n && s[i + 1] == 0x80 && s[i + 2] == 0xA6))
            stop = 1;
    }
    return 0;
}

/* A sentence start within SENTENCE_REACH tokens of s: at or before s
 * first, else after s but not past the first hit. s when none. */
static int near_sentence_start(const toks *t, const char *text, int s, int first_hit)
{
    for (int p = s; p >= 0 && p >= s - SENTENCE_REACH; p--)
        if (sentence_start(t, text, p))
            return p;
    for (int p = s + 1; p <= first_hit && p <= s + SENTENCE_REACH; p++)
        if (sentence_start(t, text, p))
            return p;
    return s;
}

/* Place a window of about n positions around the hits [first_hit,
 * last_hit] (both < t->n): centre them, stay inside the column, and
 * start at a sentence start when one is near. OUT: [*ps, *pe]. */
static void place_window(const toks *t, const char *text, int first_hit, int last_hit, int n,
                         int *ps, int *pe)
{
    int last = t->n - 1;
    int s = first_hit, e = first_hit + n - 1;
    if (e < last_hit)
        e = last_hit; /* a phrase longer than the window */
    int d = (e - last_hit) / 2;
    d = d < s ? d : s;
    s -= d;
    e -= d;
    if (e > last) { /* use the room before the hits instead */
        d = e - last < s ? e - last : s;
        s -= d;
        e = last;
    }
    int p = near_sentence_start(t, text, s, first_hit);
    e += p - s;
    e = e < last_hit ? last_hit : e > last ? last : e;
    *ps = p;
    *pe = e;
}

/* Extend [s, e] until it holds n words or the column ends: the empty
 * positions (clause breaks) it holds do not count. Returns the new e. */
static int widen(const toks *t, int s, int e, int n)
{
    int words = 0;
    for (int p = s; p <= e; p++)
        words += t->start[p] != t->end[p];
    while (words < n && e < t->n - 1) {
        e++;
        words += t->start[e] != t->end[e];
    }
    return e;
}

/* ---- writing the snippet ------------------------------------------------ */

/* Append n bytes at src to b: 0x02/0x03 dropped, each run of whitespace
 * as one space, at most limit bytes of other text (cut before a whole
 * character, combining marks included, then "…"). */
static void put_clean(vn_buf *b, const char *src, size_t n, size_t limit, int *rc)
{
    const unsigned char *s = (const unsigned char *)src;
    size_t i = 0, kept = 0;
    int in_space = 0;
    while (i < n && *rc == VN_OK) {
        size_t sp = space_len(s + i, n - i);
        if (s[i] == VN_SNIP_OPEN || s[i] == VN_SNIP_CLOSE) {
            i++;
        } else if (sp > 0) {
            if (!in_space)
                vn_buf_add_rc(b, " ", 1, rc);
            in_space = 1;
            i += sp;
        } else {
            size_t j = i;
            while (j < n && s[j] != VN_SNIP_OPEN && s[j] != VN_SNIP_CLOSE && space_len(s + j, n - j) == 0)
                j++;
            if (kept + (j - i) > limit) {
                size_t k = i + (limit - kept);
                while (k > i && ((s[k] & 0xC0) == 0x80 || s[k] == 0xCC || s[k] == 0xCD))
                    k--; /* not inside a character nor before its marks */
                vn_buf_add_rc(b, s + i, k - i, rc);
                vn_buf_add_rc(b, ELLIPSIS, sizeof ELLIPSIS - 1, rc);
                if (space_len(s + n - 1, 1) > 0)
                    vn_buf_add_rc(b, " ", 1, rc);
                return;
            }
            vn_buf_add_rc(b, s + i, j - i, rc);
            kept += j - i;
            in_space = 0;
            i = j;
        }
    }
}

/* Nothing but whitespace (and 0x02/0x03) in s[0..n)? */
static int is_blank(const char *src, size_t n)
{
    const unsigned char *s = (const unsigned char *)src;
    for (size_t i = 0; i < n;) {
        size_t sp = space_len(s + i, n - i);
        if (sp == 0 && s[i] != VN_SNIP_OPEN && s[i] != VN_SNIP_CLOSE)
            return 0;
        i += sp > 0 ? sp : 1;
    }
    return 1;
}

/* Write positions [s, e] of text into b; matched (may be NULL) flags the
 * positions to mark. Returns VN_OK or VN_ENOMEM. */
static int render(vn_buf *b, const char *text, const toks *t, const int *matched, int s, int e)
{
    int rc = VN_OK, open = 0;
    if (s > 0)
        vn_buf_add_rc(b, ELLIPSIS, sizeof ELLIPSIS - 1, &rc);
    for (int p = s; p <= e; p++) {
        if (matched != NULL && matched[p] && !open) {
            vn_buf_add_rc(b, "\x02", 1, &rc);
            open = 1;
        }
        put_clean(b, text + t->start[p], (size_t)(t->end[p] - t->start[p]), TOKEN_MAX, &rc);
        if (p == e)
            break;
        const char *gap = text + t->end[p];
        size_t ngap = (size_t)(t->start[p + 1] - t->end[p]);
        if (open && !(matched[p + 1] && is_blank(gap, ngap))) {
            vn_buf_add_rc(b, "\x03", 1, &rc);
            open = 0;
        }
        put_clean(b, gap, ngap, GAP_MAX, &rc);
    }
    if (open)
        vn_buf_add_rc(b, "\x03", 1, &rc);
    if (e < t->n - 1 || t->cut)
        vn_buf_add_rc(b, ELLIPSIS, sizeof ELLIPSIS - 1, &rc);
    return rc;
}

/* Per position of a column with ntok tokens: non-zero when some instance
 * in c[0..m) covers it. OUT: caller frees; NULL when out of memory. */
static int *match_mask(const inst *c, int m, int ntok)
{
    int *mask = calloc((size_t)ntok + 1, sizeof *mask);
    if (mask == NULL)
        return NULL;
    for (int i = 0; i < m; i++) { /* +1 where a span starts, -1 after it ends */
        if (c[i].off >= ntok)
            continue;
        int end = c[i].size > ntok - c[i].off ? ntok : c[i].off + c[i].size;
        mask[c[i].off]++;
        mask[end]--;
    }
    for (int p = 1; p < ntok; p++)
        mask[p] += mask[p - 1];
    return mask;
}

/* The columns' texts, as FTS5 or vn_snip_text's caller has them. */
typedef int (*col_fn)(void *ctx, int col, const char **text, int *ntext);

/* The snippet of n tokens from the row's instances h, appended to b: the
 * columns through column(ctx, ...), tokenized by tok(tok_ctx, ...).
 * Returns an SQLite code. */
static int snippet_of(const hits *h, int n, col_fn column, void *ctx, vn_snip_tokenize_fn tok,
                      void *tok_ctx, vn_buf *b)
{
    toks t = {0};
    int *mask = NULL, lo = 0, hi = 0, first = 0, last = 0, s = 0, e = -1;
    const char *text = NULL;
    int ntext = 0, rc = SQLITE_OK;

    /* The column: the first (the body) when it holds a hit, else the
     * first that does, else the body without marks. */
    int col = 0;
    column_range(h, col, &lo, &hi);
    if (lo == hi && h->n > 0)
        column_range(h, col = h->v[0].col, &lo, &hi);
    rc = column(ctx, col, &text, &ntext);
    /* The window, from instance offsets alone; then the text is
     * tokenized only as far as the window can reach (a 50 MB article
     * costs what its first pages cost); then which positions to mark. */
    int first_hit = 0, last_hit = 0;
    if (rc == SQLITE_OK && lo < hi) {
        rc = pick_window(h->v + lo, hi - lo, h, n, &first, &last);
        first_hit = last_hit = h->v[lo + first].off;
        for (int i = lo + first; i < lo + last; i++)
            if (h->v[i].off + (h->v[i].size - 1) > last_hit)
                last_hit = h->v[i].off + (h->v[i].size - 1);
    }
    t.limit = last_hit + 2 * n + 2 * SENTENCE_REACH + 2;
    if (rc == SQLITE_OK)
        rc = tokenize(tok, tok_ctx, text, ntext, &t);
    if (rc == SQLITE_OK && t.n > 0 && lo < hi) {
        first_hit = first_hit < t.n ? first_hit : t.n - 1;
        last_hit = last_hit < t.n ? last_hit : t.n - 1;
        place_window(&t, text, first_hit, last_hit, n, &s, &e);
        e = widen(&t, s, e, n);
        mask = match_mask(h->v + lo, hi - lo, t.n);
        if (mask == NULL && rc == SQLITE_OK)
            rc = SQLITE_NOMEM;
    } else if (rc == SQLITE_OK && t.n > 0) {
        e = widen(&t, 0, (n < t.n ? n : t.n) - 1, n);
    }
    if (rc == SQLITE_OK && e >= s && render(b, text, &t, mask, s, e) != VN_OK)
        rc = SQLITE_NOMEM;
    free(mask);
    toks_free(&t);
    return rc;
}

typedef struct fts_ctx {
    const Fts5ExtensionApi *api;
    Fts5Context *fts;
} fts_ctx;

static int fts_column(void *ctx, int col, const char **text, int *ntext)
{
    fts_ctx *c = ctx;
    return c->api->xColumnText(c->fts, col, text, ntext);
}

static int fts_tokenize(void *ctx, const char *text, int ntext, void *tctx,
                        int (*cb)(void *, int, const char *, int, int, int))
{
    fts_ctx *c = ctx;
    return c->api->xTokenize(c->fts, text, ntext, tctx, cb);
}

static int snippet(const Fts5ExtensionApi *api, Fts5Context *fts, int n, const char *groups,
                   vn_buf *b)
{
    hits h;
    fts_ctx c = {api, fts};
    int rc = load_hits(api, fts, groups, 0, &h);
    if (rc == SQLITE_OK)
        rc = snippet_of(&h, n, fts_column, &c, fts_tokenize, &c, b);
    hits_free(&h);
    return rc;
}

typedef struct given_ctx {
    const char *const *text;
    const int *ntext;
    int ncol;
} given_ctx;

static int given_column(void *ctx, int col, const char **text, int *ntext)
{
    given_ctx *c = ctx;
    *text = col >= 0 && col < c->ncol ? c->text[col] : NULL;
    *ntext = col >= 0 && col < c->ncol ? c->ntext[col] : 0;
    return col >= 0 && col < c->ncol ? SQLITE_OK : SQLITE_RANGE;
}

int vn_snip_text(const vn_snip_inst *v, int n, int ngroup, const int *psize,
                 const char *const *text, const int *ntext, int ncol, int ntokens,
                 vn_snip_tokenize_fn tok, void *tok_ctx, vn_buf *out)
{
    hits h = {0};
    given_ctx c = {text, ntext, ncol};
    n = n < 0 ? 0 : n > INST_MAX ? INST_MAX : n;
    ntokens = ntokens < SNIP_MIN ? SNIP_MIN : ntokens > SNIP_MAX ? SNIP_MAX : ntokens;
    h.nphrase = ngroup;
    h.psize = calloc((size_t)ngroup + 1, sizeof *h.psize);
    h.v = malloc(((size_t)n + 1) * sizeof *h.v);
    int rc = h.psize != NULL && h.v != NULL ? SQLITE_OK : SQLITE_NOMEM;
    for (int g = 0; rc == SQLITE_OK && g < ngroup; g++)
        h.psize[g] = psize[g] > 0 ? psize[g] : 1;
    for (int i = 0; rc == SQLITE_OK && i < n; i++) {
        if (v[i].group < 0 || v[i].group >= ngroup || v[i].col < 0 || v[i].off < 0)
            continue;
        h.v[h.n++] = (inst){v[i].group, v[i].col, v[i].off, h.psize[v[i].group]};
    }
    if (rc == SQLITE_OK && h.n > 1)
        qsort(h.v, (size_t)h.n, sizeof *h.v, cmp_inst);
    if (rc == SQLITE_OK)
        rc = snippet_of(&h, ntokens, given_column, &c, tok, tok_ctx, out);
    hits_free(&h);
    return rc == SQLITE_OK ? VN_OK : rc == SQLITE_NOMEM ? VN_ENOMEM : VN_EDB;
}

static void fn_snippet(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                       int nval, sqlite3_value **val)
{
    vn_buf b = VN_BUF_INIT;
    char *out = NULL;
    size_t nout = 0;
    sqlite3_int64 n = SNIP_DEFAULT;
    if (nval > 2) {
        sqlite3_result_error(ctx, "wrong number of arguments to function vn_snippet()", -1);
        return;
    }
    if (nval >= 1 && sqlite3_value_type(val[0]) != SQLITE_NULL)
        n = sqlite3_value_int64(val[0]);
    n = n < SNIP_MIN ? SNIP_MIN : n > SNIP_MAX ? SNIP_MAX : n;
    const char *groups = nval == 2 ? (const char *)sqlite3_value_text(val[1]) : NULL;
    int rc = snippet(api, fts, (int)n, groups, &b);
    if (rc == SQLITE_OK && vn_buf_take(&b, &out, &nout) != VN_OK)
        rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK)
        sqlite3_result_text(ctx, out, (int)nout, free);
    else if (rc == SQLITE_NOMEM)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_error_code(ctx, rc);
    vn_buf_free(&b);
}

/* ---- proximity ----------------------------------------------------------- */

/* Instances c[l..r] in increasing (or equal) phrase order? */
static int in_query_order(const inst *c, int l, int r)
{
    for (int j = l + 1; j <= r; j++)
        if (c[j].phrase < c[j - 1].phrase)
            return 0;
    return 1;
}

/* The best score of one column's instances c[0..m) holding k phrases whose
 * sizes sum to lsum. cnt (zeroed, one per phrase) and dq (m entries) are
 * scratch. For each start l, the smallest window [l..r] holding all k
 * phrases; its width runs to the furthest instance end (a deque keeps
 * the maximum end over [l..r]). */
static double column_proximity(const inst *c, int m, int k, int lsum, int *cnt, int *dq)
{
    double best = 0.0;
    int covered = 0, l = 0, head = 0, tail = 0;
    for (int r = 0; r < m; r++) {
        int end = c[r].off + (c[r].size - 1);
        covered += cnt[c[r].phrase]++ == 0;
        while (tail > head && c[dq[tail - 1]].off + (c[dq[tail - 1]].size - 1) <= end)
            tail--;
        dq[tail++] = r;
        while (covered == k) {
            int far = c[dq[head]].off + (c[dq[head]].size - 1);
            int w = far - c[l].off + 1;
            /* Narrower than the phrases' sizes: one token stands for two
             * query words (dieu ky dieu), which no reading does. */
            double score = w < lsum ? 0.0
                         : w == lsum ? (in_query_order(c, l, r) ? VN_RANK_P_ADJACENT
                                                                : VN_RANK_P_REORDERED)
                                     : VN_RANK_P_APART * (double)lsum / (double)w;
            best = score > best ? score : best;
            covered -= --cnt[c[l].phrase] == 0;
            if (dq[head] == l)
                head++;
            l++;
        }
    }
    return best;
}

/* The proximity of the current row (see vn_snip.h), with scratch arrays
 * cnt (nphrase + 1 entries) and dq (n + 1). A window must hold every
 * phrase the row holds, also when h->v keeps only its first instances. */
static int proximity_into(const hits *h, int *cnt, int *dq, double *out)
{
    int k = 0, lsum = 0;
    *out = 0.0;
    memset(cnt, 0, ((size_t)h->nphrase + 1) * sizeof *cnt);
    for (int i = 0; h->held == NULL && i < h->n; i++)
        if (cnt[h->v[i].phrase]++ == 0) {
            k++;
            lsum += h->v[i].size;
        }
    for (int p = 0; h->held != NULL && p < h->nphrase; p++)
        if (h->held[p] > 0) {
            k++;
            lsum += h->psize[p];
        }
    for (int lo = 0, hi = 0; k >= 2 && lo < h->n && *out < 1.0; lo = hi) {
        column_range(h, h->v[lo].col, &lo, &hi);
        memset(cnt, 0, ((size_t)h->nphrase + 1) * sizeof *cnt);
        double score = column_proximity(h->v + lo, hi - lo, k, lsum, cnt, dq);
        *out = score > *out ? score : *out;
    }
    return SQLITE_OK;
}

static int proximity(const hits *h, double *out)
{
    int *cnt = calloc((size_t)h->nphrase + 1, sizeof *cnt);
    int *dq = malloc(((size_t)h->n + 1) * sizeof *dq);
    int rc = cnt != NULL && dq != NULL ? proximity_into(h, cnt, dq, out) : SQLITE_NOMEM;
    free(cnt);
    free(dq);
    return rc;
}

static void fn_proximity(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                         int nval, sqlite3_value **val)
{
    hits h;
    double score = 0.0;
    (void)val;
    if (nval != 0) {
        sqlite3_result_error(ctx, "wrong number of arguments to function vn_proximity()", -1);
        return;
    }
    int rc = load_hits(api, fts, NULL, 1, &h);
    if (rc == SQLITE_OK)
        rc = proximity(&h, &score);
    hits_free(&h);
    if (rc == SQLITE_OK)
        sqlite3_result_double(ctx, score);
    else if (rc == SQLITE_NOMEM)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_error_code(ctx, rc);
}

/* ---- ranking -------------------------------------------------------------- */

/* FTS5's own bm25() constants and formula (fts5_aux.c), so that vn_rank
 * orders rows as bm25() * (1 + 2 * vn_proximity()) did. */
#define RANK_K1 1.2
#define RANK_B 0.75
#define RANK_ARGS_MAX 8 /* column weights read */

/* The scoring half of vn_rank, shared with vn_mem (vn_snip.h). */
struct vn_ranker {
    int ngroup;         /* the words that count: BM25 and proximity */
    double *idf;        /* per group */
    double *freq;       /* per group: the row's weighted counts */
    double avgdl;       /* tokens per row */
    double w[RANK_ARGS_MAX]; /* column weights */
    hits h;             /* the row's instances: the first INST_MAX */
    size_t cap;         /* of h.v */
    int sorted;         /* h.v is in (col, off, group) order */
    int *cnt, *dq;      /* proximity scratch */
    size_t dqcap;
};

vn_ranker *vn_ranker_new(int ngroup, const int *psize, const double *idf, double avgdl,
                         const double *w, int nw)
{
    vn_ranker *r = calloc(1, sizeof *r);
    if (r == NULL)
        return NULL;
    r->ngroup = ngroup > 0 ? ngroup : 0;
    r->h.nphrase = r->ngroup;
    r->idf = calloc((size_t)r->ngroup + 1, sizeof *r->idf);
    r->freq = calloc((size_t)r->ngroup + 1, sizeof *r->freq);
    r->cnt = calloc((size_t)r->ngroup + 1, sizeof *r->cnt);
    r->h.psize = calloc((size_t)r->ngroup + 1, sizeof *r->h.psize);
    r->h.held = calloc((size_t)r->ngroup + 1, sizeof *r->h.held);
    if (r->idf == NULL || r->freq == NULL || r->cnt == NULL || r->h.psize == NULL
        || r->h.held == NULL) {
        vn_ranker_free(r);
        return NULL;
    }
    for (int g = 0; g < r->ngroup; g++) {
        r->idf[g] = idf != NULL ? idf[g] : 0.0;
        r->h.psize[g] = psize != NULL && psize[g] > 0 ? psize[g] : 1;
    }
    r->avgdl = avgdl > 0.0 ? avgdl : 1.0;
    for (int c = 0; c < RANK_ARGS_MAX; c++)
        r->w[c] = c < nw ? w[c] : 1.0;
    return r;
}

void vn_ranker_free(vn_ranker *r)
{
    if (r == NULL)
        return;
    free(r->idf);
    free(r->freq);
    hits_free(&r->h);
    free(r->cnt);
    free(r->dq);
    free(r);
}

double vn_rank_idf(int64_t nrow, int64_t nhit)
{
    double idf = log(((double)nrow - (double)nhit + 0.5) / ((double)nhit + 0.5));
    return idf <= 0.0 ? 1e-6 : idf;
}

void vn_ranker_row(vn_ranker *r)
{
    memset(r->freq, 0, ((size_t)r->ngroup + 1) * sizeof *r->freq);
    memset(r->h.held, 0, ((size_t)r->ngroup + 1) * sizeof *r->h.held);
    r->h.n = 0;
    r->sorted = 1;
}

int vn_ranker_add(vn_ranker *r, int group, int col, int off)
{
    if (group < 0 || group >= r->ngroup || col < 0 || off < 0)
        return VN_OK;
    r->freq[group] += col < RANK_ARGS_MAX ? r->w[col] : 1.0;
    r->h.held[group]++;
    if (r->ngroup < 2 || r->h.n >= INST_MAX)
        return VN_OK;
    if ((size_t)r->h.n + 1 >= r->cap) {
        inst *v = vn_grow(r->h.v, &r->cap, (size_t)r->h.n + 2, sizeof *v);
        if (v == NULL)
            return VN_ENOMEM;
        r->h.v = v;
    }
    inst t = {group, col, off, r->h.psize[group]};
    if (r->h.n > 0 && cmp_inst(&r->h.v[r->h.n - 1], &t) > 0)
        r->sorted = 0;
    r->h.v[r->h.n++] = t;
    return VN_OK;
}

void vn_ranker_count(vn_ranker *r, int group, int col, uint32_t n)
{
    if (group >= 0 && group < r->ngroup && col >= 0) {
        r->freq[group] += (double)n * (col < RANK_ARGS_MAX ? r->w[col] : 1.0);
        r->h.held[group] += n > 0;
    }
}

/* BM25 over the groups, as vn_rank sums it. */
static double bm25(const vn_ranker *r, int size)
{
    double score = 0.0;
    double len_norm = RANK_K1 * (1.0 - RANK_B + RANK_B * (double)size / r->avgdl);
    for (int i = 0; i < r->ngroup; i++)
        score += r->idf[i] * (r->freq[i] * (RANK_K1 + 1.0)) / (r->freq[i] + len_norm);
    return score;
}

double vn_ranker_best(const vn_ranker *r, int size, double p)
{
    double score = bm25(r, size);
    p = r->ngroup < 2 ? 0.0 : p;
    score = -score * (1.0 + 2.0 * p);
    return p >= 1.0 ? score - VN_RANK_TIER : score;
}

int vn_ranker_key(vn_ranker *r, int size, double *key)
{
    double p = 0.0;
    if (r->ngroup >= 2) {
        if (!r->sorted) /* FTS5 gives them in order; in case not */
            qsort(r->h.v, (size_t)r->h.n, sizeof *r->h.v, cmp_inst);
        int *dq = vn_grow(r->dq, &r->dqcap, (size_t)r->h.n + 1, sizeof *dq);
        if (dq == NULL)
            return VN_ENOMEM;
        proximity_into(&r->h, r->cnt, r->dq = dq, &p);
    }
    *key = vn_ranker_best(r, size, p); /* the best key for the proximity it has */
    return VN_OK;
}

/* Per-query state of vn_rank, kept with xSetAuxdata. */
typedef struct rank_data {
    int nphrase;        /* of the query */
    int *map;           /* phrase -> group (vn_expand.h) */
    vn_ranker *r;       /* built on the first row, with the IDFs */
    sqlite3_blob *blob; /* on the docsize table, or NULL */
    int no_blob;        /* reading it failed: xColumnSize instead */
    int counted;        /* some row was counted; the last one: */
    sqlite3_int64 last;
} rank_data;

static void rank_data_free(void *p)
{
    rank_data *d = p;
    if (d == NULL)
        return;
    if (d->blob != NULL)
        sqlite3_blob_close(d->blob);
    free(d->map);
    vn_ranker_free(d->r);
    free(d);
}

static int count_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
    (void)api;
    (void)fts;
    (*(sqlite3_int64 *)ctx)++;
    return SQLITE_OK;
}

/* Rows of a group of phrases, each counted once: a bitmap by rowid
 * (rowids outside it are counted as they come). */
typedef struct row_set {
    unsigned char *bits;
    size_t cap;           /* bytes */
    sqlite3_int64 n;
    int rc;
} row_set;

#define ROW_SET_MAX ((sqlite3_int64)1 << 31)

static int add_row(const Fts5ExtensionApi *api, Fts5Context *fts, void *ctx)
{
    row_set *rs = ctx;
    sqlite3_int64 id = api->xRowid(fts);
    if (id < 0 || id >= ROW_SET_MAX) {
        rs->n++;
        return SQLITE_OK;
    }
    size_t byte = (size_t)(id >> 3);
    if (byte >= rs->cap) {
        size_t cap = rs->cap;
        unsigned char *bits = vn_grow(rs->bits, &cap, byte + 1, 1);
        if (bits == NULL)
            return rs->rc = SQLITE_NOMEM;
        memset(bits + rs->cap, 0, cap - rs->cap);
        rs->bits = bits;
        rs->cap = cap;
    }
    unsigned char bit = (unsigned char)(1u << (id & 7));
    rs->n += !(rs->bits[byte] & bit);
    rs->bits[byte] |= bit;
    return SQLITE_OK;
}

/* Articles holding group g: one phrase's are counted by FTS5, several
 * phrases' (one word's spellings) are joined in a row_set. */
static int group_rows(const Fts5ExtensionApi *api, Fts5Context *fts, const int *map, int nphrase,
                      int g, row_set *rs, sqlite3_int64 *out)
{
    int members = 0, rc = SQLITE_OK;
    for (int i = 0; i < nphrase; i++)
        members += map[i] == g;
    *out = 0;
    if (members <= 1) {
        for (int i = 0; i < nphrase && rc == SQLITE_OK; i++)
            if (map[i] == g)
                rc = api->xQueryPhrase(fts, i, out, count_row);
        return rc;
    }
    if (rs->bits != NULL)
        memset(rs->bits, 0, rs->cap);
    rs->n = 0;
    for (int i = 0; i < nphrase && rc == SQLITE_OK; i++)
        if (map[i] == g)
            rc = api->xQueryPhrase(fts, i, rs, add_row);
    *out = rs->n;
    return rc != SQLITE_OK ? rc : rs->rc;
}

/* The query's state: every group's IDF, as bm25() computes a phrase's. */
static int rank_data_get(const Fts5ExtensionApi *api, Fts5Context *fts, const char *groups,
                         int nval, sqlite3_value **val, rank_data **out)
{
    rank_data *d = api->xGetAuxdata(fts, 0);
    sqlite3_int64 nrow = 0, ntoken = 0;
    row_set rs = {0};
    int ngroup = 0, *psize = NULL;
    double *idf = NULL, w[RANK_ARGS_MAX];
    *out = d;
    if (d != NULL)
        return SQLITE_OK;
    d = calloc(1, sizeof *d);
    if (d == NULL)
        return SQLITE_NOMEM;
    d->nphrase = api->xPhraseCount(fts);
    int rc = phrase_groups(api, fts, groups, &d->map, &ngroup, &psize);
    if (rc == SQLITE_OK) {
        idf = calloc((size_t)ngroup + 1, sizeof *idf);
        rc = idf != NULL ? SQLITE_OK : SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK)
        rc = api->xRowCount(fts, &nrow);
    if (rc == SQLITE_OK)
        rc = api->xColumnTotalSize(fts, -1, &ntoken);
    double avgdl = nrow > 0 ? (double)ntoken / (double)nrow : 1.0;
    for (int g = 0; rc == SQLITE_OK && g < ngroup; g++) {
        sqlite3_int64 nhit = 0;
        rc = group_rows(api, fts, d->map, d->nphrase, g, &rs, &nhit);
        idf[g] = vn_rank_idf(nrow, nhit);
    }
    for (int c = 0; c < RANK_ARGS_MAX; c++)
        w[c] = c < nval ? sqlite3_value_double(val[c]) : 1.0;
    if (rc == SQLITE_OK && (d->r = vn_ranker_new(ngroup, psize, idf, avgdl, w,
                                                 RANK_ARGS_MAX)) == NULL)
        rc = SQLITE_NOMEM;
    free(rs.bits);
    free(idf);
    free(psize);
    if (rc == SQLITE_OK)
        rc = api->xSetAuxdata(fts, d, rank_data_free);
    else
        rank_data_free(d);
    if (rc == SQLITE_OK)
        *out = d;
    return rc;
}

int vn_fts_docsize(const unsigned char *p, int n, int64_t *out, int max)
{
    int k = 0;
    for (int i = 0; i < n && k < max; k++) {
        uint64_t v = 0;
        int j = 0;
        for (; i < n && j < 8 && (p[i] & 0x80); i++, j++)
            v = v << 7 | (p[i] & 0x7f);
        if (i < n)
            v = j == 8 ? v << 8 | p[i] : v << 7 | p[i];
        i++;
        out[k] = (int64_t)v;
    }
    return k;
}

/* The row's size in tokens, all columns: from the docsize table through
 * a blob handle moved from row to row (xColumnSize runs an SQL statement
 * per row, which was most of bm25()'s cost), else from xColumnSize. */
static int row_size(const Fts5ExtensionApi *api, Fts5Context *fts, rank_data *d,
                    const char *table, int *size)
{
    sqlite3 *db = api->xUserData(fts);
    sqlite3_int64 id = api->xRowid(fts);
    unsigned char rec[64];
    if (table != NULL && db != NULL && !d->no_blob) {
        int rc;
        if (d->blob == NULL) {
            char name[256];
            int n = snprintf(name, sizeof name, "%s_docsize", table);
            rc = n > 0 && (size_t)n < sizeof name
                ? sqlite3_blob_open(db, "main", name, "sz", id, 0, &d->blob) : SQLITE_ERROR;
        } else {
            rc = sqlite3_blob_reopen(d->blob, id);
        }
        int len = rc == SQLITE_OK ? sqlite3_blob_bytes(d->blob) : 0;
        if (len > (int)sizeof rec)
            len = (int)sizeof rec;
        if (rc == SQLITE_OK && sqlite3_blob_read(d->blob, rec, len, 0) == SQLITE_OK) {
            int64_t cols[RANK_ARGS_MAX], total = 0;
            int ncol = vn_fts_docsize(rec, len, cols, RANK_ARGS_MAX);
            for (int i = 0; i < ncol; i++)
                total += cols[i];
            *size = total > INT32_MAX ? INT32_MAX : (int)total;
            return SQLITE_OK;
        }
        /* no such table or row: xColumnSize from now on */
        if (d->blob != NULL)
            sqlite3_blob_close(d->blob);
        d->blob = NULL;
        d->no_blob = 1;
    }
    return api->xColumnSize(fts, -1, size);
}

/* The row's instances, in FTS5's order (column, offset, phrase), into
 * the ranker. */
static int rank_instances(const Fts5ExtensionApi *api, Fts5Context *fts, rank_data *d)
{
    int ninst = 0;
    vn_ranker_row(d->r);
    int rc = api->xInstCount(fts, &ninst);
    for (int i = 0; i < ninst && rc == SQLITE_OK; i++) {
        int phrase, col, off;
        rc = api->xInst(fts, i, &phrase, &col, &off);
        if (rc == SQLITE_OK && phrase >= 0 && phrase < d->nphrase &&
            vn_ranker_add(d->r, d->map[phrase], col, off) != VN_OK)
            rc = SQLITE_NOMEM;
    }
    return rc;
}

static void fn_rank(const Fts5ExtensionApi *api, Fts5Context *fts, sqlite3_context *ctx,
                    int nval, sqlite3_value **val)
{
    rank_data *d = NULL;
    const char *table = NULL, *groups = NULL;
    sqlite3_int64 *rows = NULL;
    int size = 0;
    double key = 0.0;
    if (nval < 3) {
        sqlite3_result_error(ctx, "wrong number of arguments to function vn_rank()", -1);
        return;
    }
    table = (const char *)sqlite3_value_text(val[0]);
    rows = sqlite3_value_pointer(val[1], VN_RANK_ROWS);
    groups = (const char *)sqlite3_value_text(val[2]);
    int rc = rank_data_get(api, fts, groups, nval - 3, val + 3, &d);
    /* each row once, should SQLite evaluate the key twice for a row */
    if (rc == SQLITE_OK && rows != NULL && (!d->counted || d->last != api->xRowid(fts))) {
        d->counted = 1;
        d->last = api->xRowid(fts);
        (*rows)++;
    }
    if (rc == SQLITE_OK)
        rc = rank_instances(api, fts, d);
    if (rc == SQLITE_OK)
        rc = row_size(api, fts, d, table, &size);
    if (rc == SQLITE_OK && vn_ranker_key(d->r, size, &key) != VN_OK)
        rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK)
        sqlite3_result_double(ctx, key);
    else if (rc == SQLITE_NOMEM)
        sqlite3_result_error_nomem(ctx);
    else
        sqlite3_result_error_code(ctx, rc);
}

/* ---- registration --------------------------------------------------------- */

int vn_snip_register(sqlite3 *db, vn_err *err)
{
    static const struct {
        const char *name;
        fts5_extension_function fn;
    } fns[] = {
        { "vn_snippet", fn_snippet },
        { "vn_proximity", fn_proximity },
        { "vn_rank", fn_rank },
    };
    fts5_api *api = vn_tok_api(db);
    if (api == NULL)
        return vn_err_set(err, VN_EDB, "this SQLite has no FTS5");
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        int rc = api->xCreateFunction(api, fns[i].name, db, fns[i].fn, NULL);
        if (rc != SQLITE_OK)
            return vn_err_set(err, VN_EDB, "cannot register %s(): %s", fns[i].name,
                              sqlite3_errstr(rc));
    }
    return VN_OK;
}
