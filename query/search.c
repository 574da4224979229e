/* search.c: parse, rescue, filter, sort and page one search. */
#include "search.h"

#include "vn_buf.h"
#include "vn_norm.h"
#include "vn_query.h"
#include "vn_snip.h"
#include "vn_suggest.h"
#include "vn_syn.h"
#include "vn_syn_data.h"
#include "vn_telex.h"
#include "vn_tok.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double millis(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int days_in(int y, int m)
{
    static const int days[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

int search_parse_date(const char *s, int is_until, char out[11])
{
    int y = 0, m = 0, d = 0, used = 0;
    size_t n = strlen(s);
    out[0] = '\0';
    if (n == 4 && sscanf(s, "%4d%n", &y, &used) == 1 && used == 4)
        m = 0;
    else if (n == 7 && sscanf(s, "%4d-%2d%n", &y, &m, &used) == 2 && used == 7)
        d = 0;
    else if (n != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &used) != 3 || used != 10)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!(s[i] >= '0' && s[i] <= '9') && !(s[i] == '-' && (i == 4 || i == 7)))
            return -1;
    if (y < 1900 || y > 2100 || (n > 4 && (m < 1 || m > 12)))
        return -1;
    if (n == 10 && (d < 1 || d > days_in(y, m)))
        return -1;
    if (n == 4)
        m = is_until ? 12 : 1;
    if (n <= 7)
        d = is_until ? days_in(y, m) : 1;
    snprintf(out, 11, "%04d-%02d-%02d", y, m, d);
    return 0;
}

int search_parse_int(const char *s, size_t n, long lo, long hi, long *out)
{
    long v = 0;
    if (n == 0 || n > 18)
        return -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    if (v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

int search_parse_sort(const char *s, int *sort)
{
    if (strcmp(s, "relevance") == 0)
        *sort = VN_SORT_RELEVANCE;
    else if (strcmp(s, "date") == 0)
        *sort = VN_SORT_DATE;
    else if (strcmp(s, "date-asc") == 0)
        *sort = VN_SORT_DATE_ASC;
    else
        return -1;
    return 0;
}

/* ---- copying the page out ------------------------------------------------ */

typedef struct collect {
    search_res *res;
    size_t cap;
    int rc;
} collect;

static char *dup_or_null(const char *s, int *rc)
{
    if (s == NULL)
        return NULL;
    char *d = strdup(s);
    if (d == NULL)
        *rc = VN_ENOMEM;
    return d;
}

static int keep_hit(void *ctx, const vn_hit *hit)
{
    collect *c = ctx;
    search_res *r = c->res;
    vn_hit *grown = vn_grow(r->hits, &c->cap, (size_t)r->nhits + 1, sizeof *grown);
    if (grown == NULL)
        return c->rc = VN_ENOMEM;
    r->hits = grown;
    vn_hit *h = &r->hits[r->nhits++];
    *h = *hit;
    h->path = dup_or_null(hit->path, &c->rc);
    h->url = dup_or_null(hit->url, &c->rc);
    h->title = dup_or_null(hit->title, &c->rc);
    h->date = dup_or_null(hit->date, &c->rc);
    h->author = dup_or_null(hit->author, &c->rc);
    h->snippet = dup_or_null(hit->snippet, &c->rc);
    return c->rc;
}

/* Free one hit's strings. */
static void hit_free(vn_hit *h)
{
    free((char *)h->path);
    free((char *)h->url);
    free((char *)h->title);
    free((char *)h->date);
    free((char *)h->author);
    free((char *)h->snippet);
}

static void drop_hits(search_res *res)
{
    for (int i = 0; i < res->nhits; i++)
        hit_free(&res->hits[i]);
    free(res->hits);
    res->hits = NULL;
    res->nhits = 0;
}

void search_res_free(search_res *res)
{
    if (res == NULL)
        return;
    drop_hits(res);
    free(res->searched);
    free(res->suggestion);
    memset(res, 0, sizeof *res);
}

/* ---- the accent-free retry ---------------------------------------------- */

/* The query text with every word folded (marks dropped, đ -> d) and the
 * rest (quotes, '-', '*', upper-case operators) left as typed. */
typedef struct folder {
    const char *text;
    size_t at;
    vn_buf out;
    int marks, rc;
} folder;

static int fold_word(void *ctx, const vn_token *tok)
{
    folder *f = ctx;
    size_t n = tok->end - tok->start;
    const char *w = f->text + tok->start;
    vn_buf_add_rc(&f->out, f->text + f->at, tok->start - f->at, &f->rc);
    if (vn_query_is_keyword(w, n))
        vn_buf_add_rc(&f->out, w, n, &f->rc);
    else
        vn_buf_add_rc(&f->out, tok->fold, tok->nfold, &f->rc);
    f->marks |= tok->has_marks;
    f->at = tok->end;
    return f->rc;
}

/* OUT: *folded (caller frees), NULL when text holds no accented word. */
static int fold_query(vn_norm *nm, const char *text, char **folded, vn_err *err)
{
    *folded = NULL;
    folder f = {.text = text, .out = VN_BUF_INIT};
    int rc = vn_norm_tokens(nm, text, strlen(text), fold_word, &f, NULL, err);
    vn_buf_puts_rc(&f.out, text + f.at, &f.rc);
    if (rc == VN_OK && f.rc != VN_OK)
        rc = vn_err_set(err, f.rc, "out of memory");
    if (rc == VN_OK && f.marks)
        vn_buf_take(&f.out, folded, NULL);
    vn_buf_free(&f.out);
    return rc;
}

/* ---- the live vocabulary ------------------------------------------------------ */

/* vn_spelling only grows: a word stays in it after the last article holding
 * it is deleted. So rescue and "did you mean" check the few words they are
 * about to offer against FTS5's own counts (vn_store_term_docs). */

#define STOP_WALK (-1) /* a vn_store_vocab callback's "found it" */

/* OUT: *ndocs, the articles that hold the canonical word canon[0..n). */
static int term_docs(vn_store *st, const char *canon, size_t n, int64_t *ndocs, vn_err *err)
{
    char *w = strndup(canon, n);
    *ndocs = 0;
    if (w == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    int rc = vn_store_term_docs(st, w, ndocs, err);
    free(w);
    return rc;
}

/* OUT: *live = 1 when some article holds the canonical word canon[0..n). */
static int is_live(vn_store *st, const char *canon, size_t n, int *live, vn_err *err)
{
    int64_t ndocs = 0;
    int rc = term_docs(st, canon, n, &ndocs, err);
    *live = rc == VN_OK && ndocs > 0;
    return rc;
}

/* Call fn for each indexed spelling that folds to fold: the vocabulary
 * range [fold, fold "\x01") holds exactly those. */
static int each_spelling(vn_store *st, const char *fold,
                         int (*fn)(void *ctx, const char *canon, size_t n), void *ctx,
                         vn_err *err)
{
    vn_buf to = VN_BUF_INIT;
    int rc = VN_OK;
    vn_buf_puts_rc(&to, fold, &rc);
    vn_buf_add_rc(&to, "\x01", 1, &rc);
    rc = rc == VN_OK ? vn_store_vocab(st, fold, to.data, fn, ctx, err)
                     : vn_err_set(err, rc, "out of memory");
    vn_buf_free(&to);
    return rc;
}

typedef struct live_walk {
    vn_store *st;
    int live;
    vn_err *err;
} live_walk;

static int find_live(void *ctx, const char *canon, size_t n)
{
    live_walk *lw = ctx;
    int rc = is_live(lw->st, canon, n, &lw->live, lw->err);
    return rc == VN_OK && lw->live ? STOP_WALK : rc;
}

/* OUT: *live = 1 when some article holds a spelling that folds to fold. */
static int fold_live(vn_store *st, const char *fold, int *live, vn_err *err)
{
    live_walk lw = {st, 0, err};
    int rc = each_spelling(st, fold, find_live, &lw, err);
    *live = lw.live;
    return rc == STOP_WALK ? VN_OK : rc;
}

/* ---- typing rescue: Telex and VNI ------------------------------------------ */

typedef struct rescue {
    vn_store *st;
    vn_norm *nm;
    vn_buf canon, fold;
} rescue;

/* vn_telex_accept_fn: use the decoding when no article holds the word as
 * typed but one holds the decoded spelling. */
static int accept_decoding(void *ctx, const char *word, size_t nword, const char *dec,
                           size_t ndec, int *use, vn_err *err)
{
    rescue *r = ctx;
    int known = 0;
    *use = 0;
    int rc = vn_norm_word(r->nm, word, nword, NULL, &r->fold, NULL, err);
    if (rc == VN_OK)
        rc = fold_live(r->st, r->fold.data ? r->fold.data : "", &known, err);
    if (rc != VN_OK || known)
        return rc;
    rc = vn_norm_word(r->nm, dec, ndec, &r->canon, &r->fold, NULL, err);
    if (rc == VN_OK && r->canon.len > 0)
        rc = vn_store_knows(r->st, r->fold.data, r->canon.data, use, err);
    if (rc == VN_OK && *use)
        rc = is_live(r->st, r->canon.data, r->canon.len, use, err);
    return rc;
}

/* OUT: *decoded (caller frees): text with the words rescued, or NULL
 * when none was. */
static int decode_typing(vn_store *st, vn_norm *nm, const char *text, char **decoded,
                         vn_err *err)
{
    rescue r = {st, nm, VN_BUF_INIT, VN_BUF_INIT};
    vn_buf out = VN_BUF_INIT;
    size_t nchanged = 0;
    *decoded = NULL;
    int rc = vn_telex_rewrite(nm, text, strlen(text), VN_TELEX_AUTO, accept_decoding, &r, &out,
                              &nchanged, err);
    if (rc == VN_OK && nchanged > 0)
        rc = vn_buf_take(&out, decoded, NULL);
    vn_buf_free(&out);
    vn_buf_free(&r.canon);
    vn_buf_free(&r.fold);
    return rc;
}

/* ---- "did you mean" ------------------------------------------------------------ */

typedef struct speller {
    vn_store *st;
    vn_norm *nm;
    const char *text;
    size_t at;
    vn_buf out, word, fold;
    int changed;
    int found;                /* the search found something */
    size_t *syn, nsyn, capsyn;/* [start, end) byte pairs of the text that
                                 spell a synonym form: not typos */
    vn_err *err;
} speller;

static int feed(void *ctx, const char *canon, size_t n)
{
    return vn_suggest_add(ctx, canon, n, 0);
}

/* vn_suggest_accept_fn: only a word some article still holds. */
static int take_live(void *ctx, const char *cand, size_t n, int *take)
{
    speller *sp = ctx;
    return is_live(sp->st, cand, n, take, sp->err);
}

/* Of the spellings that fold like word, the one most articles hold. */
typedef struct commonest {
    vn_store *st;
    vn_buf best;
    int64_t best_docs;
    vn_err *err;
} commonest;

static int weigh(void *ctx, const char *canon, size_t n)
{
    commonest *c = ctx;
    int64_t docs = 0;
    int rc = term_docs(c->st, canon, n, &docs, c->err);
    if (rc == VN_OK && docs > c->best_docs) {
        vn_buf_reset(&c->best);
        rc = vn_buf_add(&c->best, canon, n);
        c->best_docs = docs;
    }
    return rc;
}

/* The best vocabulary word for the unknown word at [start, end) of the
 * text, among those some article still holds, appended to sp->out;
 * OUT: *found. */
static int suggest_word(speller *sp, const vn_token *tok, int *found)
{
    vn_suggest *sg = NULL;
    vn_suggest_opts opts = {.accept = take_live, .accept_ctx = sp};
    const char *w = sp->text + tok->start;
    size_t n = tok->end - tok->start;
    *found = 0;
    int rc = vn_suggest_open(&sg, w, n, &opts, sp->err);
    if (rc == VN_EINVAL)
        return VN_OK; /* empty or too long: no suggestion */
    if (rc == VN_OK)
        rc = vn_store_vocab(sp->st, "", "\xf4\x90", feed, sg, sp->err);
    const char *best = NULL;
    size_t nbest = 0;
    double dist;
    long long freq;
    if (rc == VN_OK && vn_suggest_result(sg, &best, &nbest, &dist, &freq)) {
        commonest c = {sp->st, VN_BUF_INIT, 0, sp->err};
        rc = vn_norm_word(sp->nm, best, nbest, NULL, &sp->fold, NULL, sp->err);
        if (rc == VN_OK && !tok->has_marks) /* typed plain: the spelling most articles hold */
            rc = each_spelling(sp->st, sp->fold.data, weigh, &c, sp->err);
        if (rc == VN_OK && c.best.len == 0)
            rc = vn_buf_add(&c.best, best, nbest);
        if (rc == VN_OK)
            rc = vn_buf_add(&sp->out, c.best.data, c.best.len);
        *found = rc == VN_OK;
        vn_buf_free(&c.best);
    }
    vn_suggest_close(sg);
    return rc;
}

/* Is the word at [start, end) part of a synonym form (UBND)? */
static int in_synonym(const speller *sp, size_t start, size_t end)
{
    for (size_t i = 0; i + 1 < sp->nsyn; i += 2)
        if (start >= sp->syn[i] && end <= sp->syn[i + 1])
            return 1;
    return 0;
}

/* Words that get no suggestion: operators, title:, words without a
 * letter, forms of a synonym group, and, when the search found
 * something, prefixes (bie* is no typo). */
static int not_a_typo(const speller *sp, const vn_token *tok)
{
    const char *w = sp->text + tok->start;
    size_t n = tok->end - tok->start;
    char after = sp->text[tok->end];
    return vn_query_is_keyword(w, n) || after == ':' || !vn_token_has_letter(tok)
        || in_synonym(sp, tok->start, tok->end) || (sp->found && after == '*');
}

static int spell_word(void *ctx, const vn_token *tok)
{
    speller *sp = ctx;
    int known = 1, found = 0, rc = VN_OK;
    const char *w = sp->text + tok->start;
    size_t n = tok->end - tok->start;
    rc = vn_buf_add(&sp->out, sp->text + sp->at, tok->start - sp->at);
    if (rc == VN_OK && !not_a_typo(sp, tok)) {
        vn_buf_reset(&sp->word);
        rc = vn_buf_add(&sp->word, tok->fold, tok->nfold);
        if (rc == VN_OK)
            rc = vn_store_knows(sp->st, sp->word.data, NULL, &known, sp->err);
        /* nothing found: a word only deleted articles held is unknown too */
        if (rc == VN_OK && known && !sp->found)
            rc = fold_live(sp->st, sp->word.data, &known, sp->err);
    }
    if (rc == VN_OK && !known)
        rc = suggest_word(sp, tok, &found);
    if (rc == VN_OK && !found)
        rc = vn_buf_add(&sp->out, w, n);
    sp->changed |= found;
    sp->at = tok->end;
    return rc;
}

/* vn_syn_match_fn: remember the bytes a form covers. */
static int note_synonym(void *ctx, const vn_syn_group *g, const vn_syn_form *form,
                        size_t first, size_t n, size_t start, size_t end)
{
    speller *sp = ctx;
    (void)g, (void)form, (void)first, (void)n;
    size_t *grown = vn_grow(sp->syn, &sp->capsyn, sp->nsyn + 2, sizeof *grown);
    if (grown == NULL)
        return vn_err_set(sp->err, VN_ENOMEM, "out of memory");
    sp->syn = grown;
    sp->syn[sp->nsyn++] = start;
    sp->syn[sp->nsyn++] = end;
    return VN_OK;
}

/* OUT: *suggestion (caller frees): the text with each word the index has
 * never held replaced by the nearest one an article holds, or NULL when
 * none was. found: the search found something (then a prefix is left
 * alone); syn (may be NULL): forms of its groups are left alone. */
static int suggest(vn_store *st, vn_norm *nm, const vn_syn *syn, const char *text, int found,
                   char **suggestion, vn_err *err)
{
    speller sp = {st, nm, text, 0, VN_BUF_INIT, VN_BUF_INIT, VN_BUF_INIT, 0, found,
                  NULL, 0, 0, err};
    *suggestion = NULL;
    int rc = syn ? vn_syn_scan(syn, nm, text, strlen(text), note_synonym, &sp, err) : VN_OK;
    if (rc == VN_OK)
        rc = vn_norm_tokens(nm, text, strlen(text), spell_word, &sp, NULL, err);
    if (rc == VN_OK)
        rc = vn_buf_puts(&sp.out, text + sp.at);
    if (rc == VN_OK && sp.changed)
        rc = vn_buf_take(&sp.out, suggestion, NULL);
    vn_buf_free(&sp.out);
    vn_buf_free(&sp.word);
    vn_buf_free(&sp.fold);
    free(sp.syn);
    return rc;
}

/* ---- the commonest reading, first among equals -------------------------- */

/* The runs of words a hit's snippet marks, each canonical, one a line.
 * OUT: into r (reset first); *maxw, the most words in one run. */
static int marked_runs(vn_norm *nm, const char *snippet, vn_buf *r, int *maxw, vn_err *err)
{
    int rc = VN_OK;
    vn_buf_reset(r);
    for (const char *p = snippet ? strchr(snippet, VN_SNIP_OPEN) : NULL; p && rc == VN_OK;
         p = strchr(p, VN_SNIP_OPEN)) {
        const char *e = strchr(++p, VN_SNIP_CLOSE);
        if (e == NULL)
            break;
        char *canon = NULL;
        rc = vn_norm_text(nm, p, (size_t)(e - p), 0, &canon, err);
        int words = 1;
        for (const char *c = canon; c && *c; c++)
            words += *c == ' ';
        if (rc == VN_OK && canon != NULL && *canon) {
            *maxw = words > *maxw ? words : *maxw;
            vn_buf_printf_rc(r, &rc, "%d %s\n", words, canon);
        }
        free(canon);
        p = e + 1;
    }
    return rc;
}

/* Does the list of runs hold line (with its "\n")? */
static int holds_run(const vn_buf *runs, const char *line, size_t n)
{
    for (const char *p = runs->data; p != NULL && *p; p = strchr(p, '\n') + 1)
        if (strncmp(p, line, n) == 0)
            return 1;
    return 0;
}

/* Articles in the index that hold the run line ("words canon\n") as a
 * phrase, spelt exactly so. */
static int run_count(vn_store *st, const char *line, int64_t *n, vn_err *err)
{
    vn_buf m = VN_BUF_INIT;
    int rc = VN_OK;
    const char *p = strchr(line, ' ');
    p = p ? p + 1 : line;
    /* canonical words (vn_norm): letters, marks and digits, never a quote */
    vn_buf_puts_rc(&m, "\"" VN_TOK_EXACT, &rc);
    vn_buf_add_rc(&m, p, strcspn(p, "\n"), &rc);
    vn_buf_puts_rc(&m, "\"", &rc);
    if (rc != VN_OK)
        rc = vn_err_set(err, rc, "out of memory");
    if (rc == VN_OK)
        rc = vn_store_count_match(st, m.data, n, err);
    vn_buf_free(&m);
    return rc;
}

#define READINGS_MAX 16 /* candidate readings counted in the index, at most */

/* Among results of equal score, put first those that read the query as
 * typed (UBND typed: articles reading UBND before those reading Ủy ban
 * nhân dân, which the synonyms also find); failing that, for a query typed
 * without marks (which stands for every accented form), those holding the
 * reading of the query that most articles in the index hold (tinh gian
 * bien che: tinh giản biên chế), among the longest marked runs of the tied
 * results. res holds the page and the results tied with its ends
 * (vn_search.ties), so that a run of equals the page cuts is ordered as a
 * whole; on return it holds the page [offset, offset + limit) only. */
static int prefer_common_reading(vn_store *st, vn_norm *nm, const char *text, int offset,
                                 int limit, search_res *res, vn_err *err)
{
    int marks = 0, tied = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        marks |= *p >= 0x80;
    int n = res->nhits, rc = VN_OK, maxw = 0;
    for (int i = 0; i + 1 < n; i++)
        tied |= res->hits[i].score == res->hits[i + 1].score;
    char *canon = NULL;
    vn_buf typed = VN_BUF_INIT; /* the query as a run line: "words canon\n" */
    vn_buf *runs = NULL;
    vn_hit *tmp = NULL;
    if (tied)
        rc = vn_norm_text(nm, text, strlen(text), 0, &canon, err);
    if (rc == VN_OK && canon != NULL && *canon) {
        int words = 1;
        for (const char *c = canon; *c; c++)
            words += *c == ' ';
        vn_buf_printf_rc(&typed, &rc, "%d %s\n", words, canon);
    }
    free(canon);
    if (tied) {
        runs = calloc((size_t)n, sizeof *runs);
        tmp = malloc((size_t)n * sizeof *tmp);
        if (runs == NULL || tmp == NULL)
            rc = vn_err_set(err, VN_ENOMEM, "out of memory");
    }
    for (int i = 0; rc == VN_OK && tied && i < n; i++)
        rc = marked_runs(nm, res->hits[i].snippet, &runs[i], &maxw, err);
    /* The form typed, if a hit holds it; else, of the longest runs the
     * tied hits hold, the one most articles hold. */
    const char *best = NULL;
    size_t nbest = 0;
    int64_t best_count = 0;
    vn_buf counted = VN_BUF_INIT; /* the readings counted: each once */
    int ncounted = 0;
    for (int i = 0; rc == VN_OK && tied && typed.len > 0 && best == NULL && i < n; i++)
        if (holds_run(&runs[i], typed.data, typed.len)) {
            best = typed.data;
            nbest = typed.len;
        }
    int by_typed = best != NULL;
    for (int i = 0; rc == VN_OK && tied && !by_typed && !marks && i < n; i++) {
        int in_tie = (i > 0 && res->hits[i - 1].score == res->hits[i].score)
                     || (i + 1 < n && res->hits[i + 1].score == res->hits[i].score);
        for (const char *p = in_tie ? runs[i].data : NULL; rc == VN_OK && p != NULL && *p;
             p = strchr(p, '\n') + 1) {
            size_t len = (size_t)(strchr(p, '\n') - p) + 1;
            int64_t count = 0;
            if (atoi(p) != maxw || ncounted == READINGS_MAX || holds_run(&counted, p, len))
                continue;
            ncounted++;
            vn_buf_add_rc(&counted, p, len, &rc);
            if (rc == VN_OK)
                rc = run_count(st, p, &count, err);
            if (rc == VN_OK && count > best_count) {
                best = p;
                nbest = len;
                best_count = count;
            }
        }
    }
    /* Within each run of equal scores: a stable partition, the hits
     * holding that reading first. */
    for (int i = 0; rc == VN_OK && best != NULL && i < n;) {
        int j = i + 1, m = 0;
        while (j < n && res->hits[j].score == res->hits[i].score)
            j++;
        for (int pass = 0; pass < 2; pass++)
            for (int k = i; k < j; k++)
                if (holds_run(&runs[k], best, nbest) == (pass == 0))
                    tmp[m++] = res->hits[k];
        for (int k = i; k < j; k++) {
            tmp[k - i].rank = res->hits[k].rank;
            res->hits[k] = tmp[k - i];
        }
        i = j;
    }
    /* Only the page stays: ranks ran on from the first hit's. */
    int first = n > 0 ? res->hits[0].rank - 1 : 0, kept = 0;
    for (int k = 0; k < n; k++) {
        int pos = first + k;
        if (pos >= offset && pos < offset + limit)
            res->hits[kept++] = res->hits[k];
        else
            hit_free(&res->hits[k]);
    }
    res->nhits = kept;
    for (int i = 0; runs != NULL && i < n; i++)
        vn_buf_free(&runs[i]);
    vn_buf_free(&typed);
    vn_buf_free(&counted);
    free(runs);
    free(tmp);
    return rc;
}

/* ---- synonyms ------------------------------------------------------------------ */

int search_syn_load(const char *user_path, vn_syn **out, vn_err *err)
{
    vn_syn *syn = NULL;
    vn_norm *nm = NULL;
    *out = NULL;
    int rc = vn_syn_open(&syn, err);
    if (rc == VN_OK)
        rc = vn_norm_open(&nm, err);
    if (rc == VN_OK)
        rc = vn_syn_parse(syn, nm, vn_syn_builtin, vn_syn_builtin_len(), "built-in synonyms",
                          err);
    if (rc == VN_OK && user_path != NULL)
        rc = vn_syn_load(syn, nm, user_path, err);
    vn_norm_close(nm);
    if (rc != VN_OK) {
        vn_syn_free(syn);
        return rc;
    }
    *out = syn;
    return VN_OK;
}

/* ---- one search ------------------------------------------------------------ */

static int run_text(vn_store *st, vn_norm *nm, const search_req *rq, const char *text,
                    search_res *res, vn_err *err)
{
    vn_query q = {0};
    collect c = {.res = res};
    vn_search s = {
        .limit = rq->limit, .offset = rq->offset, .sort = rq->sort,
        .since = rq->since[0] ? rq->since : NULL,
        .until = rq->until[0] ? rq->until : NULL,
        .ties = rq->sort == VN_SORT_RELEVANCE,
    };
    drop_hits(res);
    int own = 0, rc = vn_query_parse_syn(text, strlen(text), rq->syn, nm, &q, err);
    s.match = q.match;
    /* the page and the counts that reorder its ties see one state */
    if (rc == VN_OK)
        rc = vn_store_read_begin(st, &own, err);
    if (rc == VN_OK)
        rc = vn_store_search(st, &s, keep_hit, &c, &res->total, err);
    if (rc == VN_OK && c.rc != VN_OK)
        rc = vn_err_set(err, c.rc, "out of memory");
    if (rc == VN_OK && s.ties)
        rc = prefer_common_reading(st, nm, text, rq->offset, rq->limit, res, err);
    vn_store_read_end(st, own);
    vn_query_free(&q);
    return rc;
}

int search_run(vn_store *st, vn_norm *nm, const search_req *rq, search_res *res,
               vn_err *err)
{
    double t0 = millis();
    char *folded = NULL;
    memset(res, 0, sizeof *res);
    int rc = decode_typing(st, nm, rq->q, &res->searched, err);
    const char *text = res->searched ? res->searched : rq->q;
    if (rc == VN_OK)
        rc = run_text(st, nm, rq, text, res, err);
    if (rc == VN_OK && res->total == 0)
        rc = fold_query(nm, text, &folded, err);
    if (rc == VN_OK && folded != NULL) {
        rc = run_text(st, nm, rq, folded, res, err);
        res->relaxed = res->total > 0;
    }
    if (rc == VN_OK)
        rc = suggest(st, nm, rq->syn, text, res->total > 0, &res->suggestion, err);
    free(folded);
    res->took_ms = millis() - t0;
    return rc;
}
