/* vn_query.c: see vn_query.h.
 *
 * Grammar, as implemented (whitespace = NUL or any Unicode White_Space):
 *   query   := chunk*
 *   chunk   := "OR" | "AND" | "NOT"           (upper case, the whole chunk)
 *            | '-'* ["title:"] (phrase | word)
 *   phrase  := '"' text-without-quote ['"'] '*'*   (unclosed: to the end)
 *   word    := run of non-space, non-'"' code points, trailing '*'s
 *   A '"' inside a word ends the word and opens a phrase. A "title:" (or
 *   "-title:") standing alone applies to the next chunk. An item with no
 *   letter or digit (u_isalnum) is dropped, so is a lone '-' or '*'.
 *   A trailing '*' marks a prefix when the word (for a phrase: its last
 *   word) has at least 2 code points; otherwise it is dropped.
 *
 * Keywords act on their neighbours: NOT excludes the item right after it
 * (else it is dropped); OR joins the positive items right before and after
 * it (else it is dropped); AND is dropped. An exclusion between two items
 * breaks an OR chain.
 *
 * Output: "G1 AND G2 ...", each Gi one item or "(I OR I ...)", wrapped in
 * parentheses when exclusions follow as "NOT N" or "NOT (N1 OR N2 ...)".
 * FTS5 ranks NOT above AND above OR, so every compound operand gets its
 * parentheses. Each item is an FTS5 string, optionally preceded by
 * "title : " and followed by " *"; nothing the user typed appears outside
 * the quotes. Invalid UTF-8 becomes U+FFFD and NUL a space, so the result
 * is valid, NUL-terminated UTF-8. With synonyms, an item (positive, OR-ed
 * or excluded) or a run of AND-ed items that spells a form becomes one
 * unit "(I OR "form" ...)" or "((I AND I ...) OR "form" ...)", in place.
 *
 * When only exclusions were typed, match is NULL and npositive is 0, but
 * nnegative still counts the exclusions, so a caller can say why nothing
 * was searched.
 *
 * Cost: one pass over the text, one over the items; linear in n. */
#include "vn_query.h"

#include "vn_buf.h"
#include "vn_norm.h"
#include "vn_syn.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

enum { TK_END, TK_ITEM, TK_OR, TK_AND, TK_NOT };

/* One word or phrase the user typed. */
typedef struct item {
    int32_t off, len; /* its text as typed: bytes of the input */
    int is_neg;       /* excluded */
    int in_title;     /* title: column filter */
    int is_prefix;    /* ends with a prefix star */
    int is_quoted;    /* typed in quotes: exactly that, no synonyms */
    int or_prev;      /* positive: OR joins it to the previous positive */
    int syn_len;      /* > 0: this item and the syn_len - 1 after it spell a
                         form of syn_group, whose other forms are ORed in */
    const vn_syn_group *syn_group;
    const vn_syn_form *syn_form;
} item;

typedef struct item_vec {
    item *v;
    size_t n, cap;
} item_vec;

typedef struct lexer {
    const uint8_t *s;
    int32_t n, i;
    int carry_neg, carry_title; /* a "title:" standing alone: for the next */
} lexer;

typedef struct parser {
    item_vec pos, neg;
    int not_pending; /* the last token was NOT */
    int or_pending;  /* the last token was OR, after a positive item */
    int last_pos;    /* the last item was positive */
    int has_or;
} parser;

static int is_space(UChar32 c)
{
    return c == 0 || (c > 0 && u_isUWhiteSpace(c));
}

/* Decode the code point at *i and advance; invalid bytes give -1. */
static UChar32 next_cp(const uint8_t *s, int32_t *i, int32_t n)
{
    UChar32 c;
    U8_NEXT(s, *i, n, c);
    return c;
}

static int has_alnum(const uint8_t *s, int32_t n)
{
    for (int32_t i = 0; i < n;) {
        UChar32 c = next_cp(s, &i, n);
        if (c >= 0 && u_isalnum(c))
            return 1;
    }
    return 0;
}

/* Code points after the last space: the length of the last word. */
static int32_t last_word_cps(const uint8_t *s, int32_t n)
{
    int32_t count = 0;
    for (int32_t i = 0; i < n;)
        count = is_space(next_cp(s, &i, n)) ? 0 : count + 1;
    return count;
}

static int at_chunk_end(const lexer *lx)
{
    int32_t i = lx->i;
    return i >= lx->n || is_space(next_cp(lx->s, &i, lx->n));
}

static void skip_space(lexer *lx)
{
    while (lx->i < lx->n) {
        int32_t i = lx->i;
        if (!is_space(next_cp(lx->s, &i, lx->n)))
            return;
        lx->i = i;
    }
}

/* "title:" in any ASCII case at the lexer's position. */
static int at_title(const lexer *lx)
{
    static const char want[] = "title:";
    if (lx->n - lx->i < (int32_t)(sizeof want - 1))
        return 0;
    for (size_t k = 0; k < sizeof want - 1; k++) {
        uint8_t ch = lx->s[lx->i + (int32_t)k];
        if (ch >= 'A' && ch <= 'Z')
            ch = (uint8_t)(ch - 'A' + 'a');
        if (ch != (uint8_t)want[k])
            return 0;
    }
    return 1;
}

static int keyword(const uint8_t *s, int32_t n)
{
    static const struct { const char *word; int kind; } kw[] = {
        { "OR", TK_OR }, { "AND", TK_AND }, { "NOT", TK_NOT },
    };
    for (size_t k = 0; k < sizeof kw / sizeof kw[0]; k++)
        if ((size_t)n == strlen(kw[k].word) && memcmp(s, kw[k].word, (size_t)n) == 0)
            return kw[k].kind;
    return TK_ITEM;
}

const char *vn_query_string(const char *s, vn_buf *out, int *closed, int *rc)
{
    const char *q = s + 1;
    vn_buf_reset(out);
    for (; *q != '\0'; q++) {
        if (*q == '"' && q[1] != '"')
            break;
        q += *q == '"';
        vn_buf_add_rc(out, q, 1, rc);
    }
    *closed = *q == '"';
    return *closed ? q + 1 : q;
}

int vn_query_is_keyword(const char *s, size_t n)
{
    return n <= 3 && keyword((const uint8_t *)s, (int32_t)n) != TK_ITEM;
}

/* A phrase from the opening quote: to the closing quote or the end. */
static void lex_phrase(lexer *lx, item *it)
{
    int32_t off = ++lx->i;
    const uint8_t *q = memchr(lx->s + off, '"', (size_t)(lx->n - off));
    int32_t end = q != NULL ? (int32_t)(q - lx->s) : lx->n;
    lx->i = q != NULL ? end + 1 : end;
    int starred = 0;
    for (; lx->i < lx->n && lx->s[lx->i] == '*'; lx->i++)
        starred = 1;
    it->off = off;
    it->len = end - off;
    it->is_prefix = starred && last_word_cps(lx->s + off, it->len) >= 2;
    it->is_quoted = 1;
}

/* A word: up to a space, a quote or the end; trailing stars come off. */
static void lex_word(lexer *lx, item *it)
{
    int32_t off = lx->i;
    while (lx->i < lx->n && lx->s[lx->i] != '"') {
        int32_t i = lx->i;
        if (is_space(next_cp(lx->s, &i, lx->n)))
            break;
        lx->i = i;
    }
    int32_t end = lx->i;
    while (end > off && lx->s[end - 1] == '*')
        end--;
    it->off = off;
    it->len = end - off;
    it->is_prefix = end < lx->i && last_word_cps(lx->s + off, it->len) >= 2;
}

/* The next token; for TK_ITEM, *it describes the item. */
static int lex_next(lexer *lx, item *it)
{
    for (;;) {
        skip_space(lx);
        if (lx->i >= lx->n)
            return TK_END;
        memset(it, 0, sizeof *it);
        int carry_neg = lx->carry_neg, carry_title = lx->carry_title;
        lx->carry_neg = lx->carry_title = 0;
        int32_t start = lx->i;
        for (; lx->i < lx->n && lx->s[lx->i] == '-'; lx->i++)
            it->is_neg = 1;
        if (at_title(lx)) {
            lx->i += 6;
            it->in_title = 1;
            if (at_chunk_end(lx)) { /* "title: word" */
                lx->carry_neg = it->is_neg || carry_neg;
                lx->carry_title = 1;
                continue;
            }
        }
        if (at_chunk_end(lx)) /* a lone '-' */
            continue;
        int is_phrase = lx->s[lx->i] == '"';
        if (is_phrase)
            lex_phrase(lx, it);
        else
            lex_word(lx, it);
        if (!is_phrase && lx->i > start && !it->is_neg && !it->in_title) {
            int kind = keyword(lx->s + start, lx->i - start);
            if (kind != TK_ITEM)
                return kind;
        }
        it->is_neg |= carry_neg;
        it->in_title |= carry_title;
        if (has_alnum(lx->s + it->off, it->len))
            return TK_ITEM;
    }
}

static int vec_push(item_vec *vec, const item *it)
{
    item *v = vn_grow(vec->v, &vec->cap, vec->n + 1, sizeof *v);
    if (v == NULL)
        return VN_ENOMEM;
    vec->v = v;
    vec->v[vec->n++] = *it;
    return VN_OK;
}

/* Apply one token: keywords set state, items land in pos or neg. */
static int take_token(parser *p, int kind, const item *it)
{
    if (kind != TK_ITEM) {
        p->not_pending = kind == TK_NOT;
        if (kind == TK_OR)
            p->or_pending = p->last_pos;
        return VN_OK;
    }
    item x = *it;
    x.is_neg |= p->not_pending;
    p->not_pending = 0;
    if (!x.is_neg) {
        x.or_prev = p->or_pending;
        p->has_or |= x.or_prev;
    }
    p->or_pending = 0;
    p->last_pos = !x.is_neg;
    return vec_push(x.is_neg ? &p->neg : &p->pos, &x);
}

/* Write s[0..n) as an FTS5 string: quoted, '"' doubled, invalid UTF-8
 * as U+FFFD, NUL as a space. */
static void put_string(vn_buf *b, const uint8_t *s, int32_t n, int *rc)
{
    vn_buf_add_rc(b, "\"", 1, rc);
    int32_t run = 0;
    for (int32_t i = 0; i < n;) {
        int32_t at = i;
        UChar32 c = next_cp(s, &i, n);
        const char *rep = c < 0 ? "\xEF\xBF\xBD" : c == 0 ? " " : c == '"' ? "\"\"" : NULL;
        if (rep == NULL)
            continue;
        vn_buf_add_rc(b, s + run, (size_t)(at - run), rc);
        vn_buf_puts_rc(b, rep, rc);
        run = i;
    }
    vn_buf_add_rc(b, s + run, (size_t)(n - run), rc);
    vn_buf_add_rc(b, "\"", 1, rc);
}

static void put_item(vn_buf *b, const uint8_t *s, const item *it, int *rc)
{
    if (it->in_title)
        vn_buf_puts_rc(b, "title : ", rc);
    put_string(b, s + it->off, it->len, rc);
    if (it->is_prefix)
        vn_buf_puts_rc(b, " *", rc);
}

/* Items k.. of a synonym span: "((I AND I ...) OR "form" OR ...)". */
static void put_span(vn_buf *b, const uint8_t *s, const item *v, int *rc)
{
    int m = v[0].syn_len;
    vn_buf_puts_rc(b, m > 1 ? "((" : "(", rc);
    for (int k = 0; k < m; k++) {
        vn_buf_puts_rc(b, k > 0 ? " AND " : "", rc);
        put_item(b, s, &v[k], rc);
    }
    vn_buf_puts_rc(b, m > 1 ? ")" : "", rc);
    const vn_syn_group *g = v[0].syn_group;
    for (size_t f = 0; f < g->nforms; f++) {
        const vn_syn_form *form = &g->forms[f];
        if (form == v[0].syn_form)
            continue;
        vn_buf_puts_rc(b, " OR ", rc);
        if (v[0].in_title)
            vn_buf_puts_rc(b, "title : ", rc);
        put_string(b, (const uint8_t *)form->text, (int32_t)strlen(form->text), rc);
    }
    vn_buf_puts_rc(b, ")", rc);
}

/* One item, or the synonym span it starts. */
static void put_unit(vn_buf *b, const uint8_t *s, const item *it, int *rc)
{
    if (it->syn_len > 0)
        put_span(b, s, it, rc);
    else
        put_item(b, s, it, rc);
}

/* The positive items: groups joined by AND, items in a group by OR. A
 * synonym span is one unit: a run of AND-ed words standing as its own
 * group, or one chunk anywhere in an OR group (span_ok). */
static void put_positive(vn_buf *b, const uint8_t *s, const item_vec *pos, int paren_groups,
                         int *rc)
{
    for (size_t k = 0; k < pos->n; k++) {
        const item *it = &pos->v[k];
        size_t last = k + (it->syn_len > 0 ? (size_t)it->syn_len - 1 : 0);
        int next_or = last + 1 < pos->n && pos->v[last + 1].or_prev;
        int opens = paren_groups && !it->or_prev && next_or;
        int closes = paren_groups && it->or_prev && !next_or;
        if (k > 0)
            vn_buf_puts_rc(b, it->or_prev ? " OR " : " AND ", rc);
        if (opens)
            vn_buf_add_rc(b, "(", 1, rc);
        put_unit(b, s, it, rc);
        if (closes)
            vn_buf_add_rc(b, ")", 1, rc);
        k = last;
    }
}

/* ---- synonyms ---------------------------------------------------------------- */

/* Can items k..k+m-1 of v become one synonym span? Each must be a plain
 * word (not quoted, no prefix), all in the same column. One chunk (UBND,
 * TP.HCM) may stand anywhere: in an OR group or excluded. Several words
 * must stand AND-ed in a group of their own (uy ban nhan dan), since OR
 * binds tighter than AND: in "x OR uy ban", OR takes uy alone. */
static int span_ok(const item_vec *v, size_t k, size_t m)
{
    if (k + m > v->n)
        return 0;
    for (size_t j = k; j < k + m; j++) {
        const item *it = &v->v[j];
        if (it->is_prefix || it->is_quoted || it->in_title != v->v[k].in_title
            || (j > k && it->or_prev))
            return 0;
    }
    return m == 1 || (!v->v[k].or_prev && (k + m == v->n || !v->v[k + m].or_prev));
}

/* The item of v holding byte at of the text, or v->n. */
static size_t item_at(const item_vec *v, size_t at)
{
    for (size_t k = 0; k < v->n; k++)
        if (at >= (size_t)v->v[k].off && at < (size_t)(v->v[k].off + v->v[k].len))
            return k;
    return v->n;
}

typedef struct syn_scan {
    item_vec *pos, *neg;
    const uint8_t *s;
} syn_scan;

/* Mark items k..j of v as a span of form when the form's bytes [start,
 * end) cover them whole, with nothing but spaces between them. */
static void mark_span(item_vec *v, size_t k, size_t j, const uint8_t *s, const vn_syn_group *g,
                      const vn_syn_form *form, size_t start, size_t end)
{
    const item *a = &v->v[k], *z = &v->v[j];
    int whole = !has_alnum(s + a->off, (int32_t)(start - (size_t)a->off))
             && !has_alnum(s + end, (int32_t)((size_t)(z->off + z->len) - end));
    for (size_t i = k; whole && i < j; i++) {
        const item *x = &v->v[i], *y = &v->v[i + 1];
        whole = !has_alnum(s + x->off + x->len, y->off - (x->off + x->len));
    }
    if (whole && span_ok(v, k, j - k + 1)) {
        v->v[k].syn_len = (int)(j - k + 1);
        v->v[k].syn_group = g;
        v->v[k].syn_form = form;
    }
}

/* vn_syn_match_fn: a form found at bytes [start, end) of the text becomes
 * a span when it covers whole positive items, or one whole excluded item
 * (-UBND excludes Ủy ban nhân dân too). An exclusion or an operator in
 * between stops it. */
static int on_form(void *ctx, const vn_syn_group *g, const vn_syn_form *form, size_t first,
                   size_t n, size_t start, size_t end)
{
    syn_scan *sc = ctx;
    (void)first;
    (void)n;
    size_t k = item_at(sc->pos, start), j = item_at(sc->pos, end - 1);
    if (k < sc->pos->n && j < sc->pos->n && k <= j)
        mark_span(sc->pos, k, j, sc->s, g, form, start, end);
    k = item_at(sc->neg, start);
    if (k < sc->neg->n && k == item_at(sc->neg, end - 1))
        mark_span(sc->neg, k, k, sc->s, g, form, start, end);
    return 0;
}

/* Mark the runs of items that spell a form of a group in syn. */
static int find_synonyms(parser *p, const uint8_t *s, int32_t n, const vn_syn *syn,
                         vn_norm *nm, vn_err *err)
{
    syn_scan sc = {&p->pos, &p->neg, s};
    return vn_syn_scan(syn, nm, (const char *)s, (size_t)n, on_form, &sc, err);
}

/* The whole expression; needs at least one positive item. */
static int build(const parser *p, const uint8_t *s, char **out)
{
    size_t ngroups = 0;
    for (size_t k = 0; k < p->pos.n; k++)
        ngroups += !p->pos.v[k].or_prev;
    int wrap = p->neg.n > 0 && p->pos.n > 1;
    int rc = VN_OK;
    vn_buf b = VN_BUF_INIT;
    vn_buf_add_rc(&b, "(", (size_t)wrap, &rc);
    put_positive(&b, s, &p->pos, ngroups > 1, &rc);
    vn_buf_add_rc(&b, ")", (size_t)wrap, &rc);
    if (p->neg.n > 0)
        vn_buf_puts_rc(&b, p->neg.n > 1 ? " NOT (" : " NOT ", &rc);
    for (size_t k = 0; k < p->neg.n; k++) {
        vn_buf_puts_rc(&b, k > 0 ? " OR " : "", &rc);
        put_unit(&b, s, &p->neg.v[k], &rc);
    }
    vn_buf_add_rc(&b, ")", (size_t)(p->neg.n > 1), &rc);
    if (rc == VN_OK)
        rc = vn_buf_take(&b, out, NULL);
    vn_buf_free(&b);
    return rc;
}

int vn_query_parse(const char *text, size_t n, vn_query *q, vn_err *err)
{
    return vn_query_parse_syn(text, n, NULL, NULL, q, err);
}

int vn_query_parse_syn(const char *text, size_t n, const vn_syn *syn, vn_norm *nm,
                       vn_query *q, vn_err *err)
{
    if (q == NULL)
        return vn_err_set(err, VN_EINVAL, "query: no vn_query to fill");
    memset(q, 0, sizeof *q);
    if (text == NULL && n > 0)
        return vn_err_set(err, VN_EINVAL, "query: text is NULL but its length is %zu", n);
    if (n > (size_t)INT32_MAX)
        return vn_err_set(err, VN_EINVAL, "query: %zu bytes is too long (limit %d)", n,
                          (int)INT32_MAX);

    /* Tokens straight into the parser: one pass. */
    lexer lx = { (const uint8_t *)text, (int32_t)n, 0, 0, 0 };
    parser p = { { NULL, 0, 0 }, { NULL, 0, 0 }, 0, 0, 0, 0 };
    item it;
    int kind, rc = VN_OK;
    while (rc == VN_OK && (kind = lex_next(&lx, &it)) != TK_END)
        rc = take_token(&p, kind, &it);

    /* Synonyms, then the expression, if anything positive was typed. */
    int serr = VN_OK;
    if (rc == VN_OK && p.pos.n > 0 && syn != NULL && nm != NULL)
        serr = rc = find_synonyms(&p, lx.s, lx.n, syn, nm, err);
    if (rc == VN_OK && p.pos.n > 0)
        rc = build(&p, lx.s, &q->match);
    if (rc == VN_OK) {
        q->npositive = (int)p.pos.n;
        q->nnegative = (int)p.neg.n;
        q->has_or = p.has_or;
    } else if (serr == VN_OK) {
        vn_err_set(err, rc, "query: out of memory turning %zu bytes into an FTS5 expression", n);
    }
    free(p.pos.v);
    free(p.neg.v);
    return rc;
}

void vn_query_free(vn_query *q)
{
    if (q == NULL)
        return;
    free(q->match);
    memset(q, 0, sizeof *q);
}
