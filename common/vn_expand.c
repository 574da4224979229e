/* vn_expand.c: see vn_expand.h. */
#include "vn_expand.h"

#include "vn_query.h"
#include "vn_tok.h"

#include <string.h>

#define STOP 1000 /* from on_word: a second word, the string is no lone word */

/* The one word of a string, if it holds exactly one. */
typedef struct one_word {
    int ntok;
    int has_marks, has_letter;
    vn_buf canon;
} one_word;

static int on_word(void *ctx, const vn_token *t)
{
    one_word *w = ctx;
    if (++w->ntok > 1)
        return STOP;
    w->has_marks = t->has_marks;
    w->has_letter = vn_token_has_letter(t);
    vn_buf_reset(&w->canon);
    return vn_buf_add(&w->canon, t->canon, t->ncanon);
}

/* Non-zero when text[0..n) is one word with a letter and no marks, which
 * the tokenizer would expand; its canonical form goes to w->canon. */
static int lone_word(vn_norm *nm, const char *text, size_t n, one_word *w, int *rc,
                     vn_err *err)
{
    w->ntok = 0;
    int r = vn_norm_tokens(nm, text, n, on_word, w, NULL, err);
    if (r != VN_OK && r != STOP)
        *rc = r;
    return r == VN_OK && w->ntok == 1 && !w->has_marks && w->has_letter;
}

/* Non-zero when the spelling s[0..n) can stand in an FTS5 string as one
 * word: nothing the tokenizer would split on or FTS5 would read. */
static int clean(const char *s, size_t n)
{
    if (n == 0)
        return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= ' ' || s[i] == '"')
            return 0;
    return 1;
}

/* The spellings in list (count of them, NUL-separated) other than the
 * word itself, or 0 when one of them cannot be written plainly. */
static size_t others(const vn_buf *list, size_t count, const vn_buf *word)
{
    size_t n = 0;
    const char *s = list->data;
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(s);
        if (!clean(s, len))
            return 0;
        n += !(len == word->len && memcmp(s, word->data, len) == 0);
        s += len + 1;
    }
    return n;
}

/* Non-zero when match has a NOT and a string of two words or more. FTS5
 * (3.40) then leaves out of xInst instances of the phrases of an OR that
 * an AND joins to such a string (("tinh" AND "bien che") NOT "x"), so
 * that vn_rank ranked those rows on a part of their words; as colocated
 * spellings, the same words keep their instances. */
static int phrase_and_not(vn_norm *nm, const char *match, vn_buf *content, one_word *w,
                          int *rc, vn_err *err)
{
    int has_not = 0, has_phrase = 0, closed = 0;
    /* the NOT first, outside strings: most queries have none */
    for (const char *p = match; *rc == VN_OK && p != NULL && *p != '\0' && !has_not;) {
        if (*p == '"') {
            p = vn_query_string(p, content, &closed, rc);
            continue;
        }
        has_not = strncmp(p, "NOT", 3) == 0 && (p == match || p[-1] == ' ' || p[-1] == '(')
                  && (p[3] == ' ' || p[3] == '(' || p[3] == '"');
        p++;
    }
    for (const char *p = match; has_not && *rc == VN_OK && *p != '\0' && !has_phrase;) {
        if (*p != '"') {
            p++;
            continue;
        }
        p = vn_query_string(p, content, &closed, rc);
        if (*rc == VN_OK && content->len > 0) {
            lone_word(nm, content->data, content->len, w, rc, err);
            has_phrase = w->ntok > 1;
        }
    }
    return has_not && has_phrase;
}

/* Append ("\x06word" OR "\x06s1" OR ...) to out. */
static void write_or(vn_buf *out, const vn_buf *list, size_t count, const vn_buf *word,
                     int *rc)
{
    const char *s = list->data;
    vn_buf_puts_rc(out, "(\"" VN_TOK_EXACT, rc);
    vn_buf_add_rc(out, word->data, word->len, rc);
    vn_buf_puts_rc(out, "\"", rc);
    for (size_t i = 0; i < count; i++) {
        size_t len = strlen(s);
        if (!(len == word->len && memcmp(s, word->data, len) == 0)) {
            vn_buf_puts_rc(out, " OR \"" VN_TOK_EXACT, rc);
            vn_buf_add_rc(out, s, len, rc);
            vn_buf_puts_rc(out, "\"", rc);
        }
        s += len + 1;
    }
    vn_buf_puts_rc(out, ")", rc);
}

int vn_expand(vn_norm *nm, const char *match, vn_spellings_fn spellings, void *ctx,
              vn_buf *out, vn_buf *groups, vn_err *err)
{
    vn_buf content = VN_BUF_INIT, list = VN_BUF_INIT;
    one_word w = {0};
    size_t nin = 0, nout = 0;
    int rc = VN_OK, expanded = 0;
    const char *p = match;
    vn_buf_reset(out);
    vn_buf_reset(groups);
    if (phrase_and_not(nm, match, &content, &w, &rc, err))
        p = NULL; /* left as it is */
    while (rc == VN_OK && p != NULL && *p != '\0') {
        if (*p != '"') {
            vn_buf_add_rc(out, p++, 1, &rc);
            continue;
        }
        /* a string: "..." with "" for a quote inside */
        int closed = 0;
        const char *end = vn_query_string(p, &content, &closed, &rc), *after = end;
        while (*after == ' ')
            after++;
        size_t count = 0, alt = 0;
        if (rc == VN_OK && *after != '*' && content.len > 0
            && content.data[0] != VN_TOK_EXACT[0]
            && lone_word(nm, content.data, content.len, &w, &rc, err)) {
            vn_buf_reset(&list);
            rc = spellings(ctx, w.canon.data, w.canon.len, &list, &count, err);
            if (rc == VN_OK && count <= VN_EXPAND_MAX)
                alt = others(&list, count, &w.canon);
        }
        if (rc == VN_OK && alt > 0 && nout + alt + 1 <= VN_EXPAND_PHRASES) {
            write_or(out, &list, count, &w.canon, &rc);
            for (size_t i = 0; i <= alt; i++)
                vn_buf_printf_rc(groups, &rc, "%zu ", nin);
            nout += alt + 1;
            expanded = 1;
        } else if (rc == VN_OK) {
            vn_buf_add_rc(out, p, (size_t)(end - p), &rc);
            vn_buf_printf_rc(groups, &rc, "%zu ", nin);
            nout++;
        }
        nin++;
        p = end;
    }
    if (rc == VN_OK && !expanded) {
        vn_buf_reset(groups);
        vn_buf_reset(out);
        rc = vn_buf_puts(out, match != NULL ? match : "");
    }
    vn_buf_free(&content);
    vn_buf_free(&list);
    vn_buf_free(&w.canon);
    if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory expanding the query");
    return rc;
}
