/* vn_syn.c: see vn_syn.h.
 *
 * Groups live in one growable array; each form is a single allocation
 * holding its strings. A hash table maps each form's folded words (joined
 * by spaces) to the index of its group. A text is parsed into a table of
 * its own first, then moved into the caller's, so a bad line adds nothing. */
#include "vn_syn.h"

#include "vn_buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORM_WORDS_MAX 16    /* words in one form */
#define KEY_MAX 512          /* bytes of a form's folded words */
#define FILE_MAX (16u << 20) /* bytes of a synonyms file */

typedef struct slot {
    const char *key;  /* a form's fold, owned by the form; NULL: empty */
    size_t group;     /* index in groups, or NO_GROUP: a form forgotten */
    size_t form;      /* index in the group's forms */
} slot;

#define NO_GROUP ((size_t)-1)

struct vn_syn {
    vn_syn_group *groups;
    size_t ngroups, capgroups;
    slot *slots;
    size_t nslots, nused;  /* nslots: a power of two, or 0 */
    size_t max_words;      /* the longest form, in words */
    char **sources;        /* names given to vn_syn_parse */
    size_t nsources;
    void **dead;           /* blocks of forms taken out of their group (a
                              forgotten form's slot still keys on them) */
    size_t ndead, capdead;
    vn_syn_group *removals; /* a text's "-FORM" lines, before the merge */
    size_t nremovals, capremovals;
};

/* ---- the hash table -------------------------------------------------------- */

static uint64_t hash_key(const char *s, size_t n)
{
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211u;
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static slot *slot_find(const vn_syn *syn, const char *key, size_t n)
{
    size_t mask = syn->nslots - 1, i = (size_t)hash_key(key, n) & mask;
    for (;; i = (i + 1) & mask) {
        slot *s = &syn->slots[i];
        if (s->key == NULL || (strlen(s->key) == n && memcmp(s->key, key, n) == 0))
            return s;
    }
}

/* Make room for want keys in all, keeping the load under one half. */
static int slots_reserve(vn_syn *syn, size_t want)
{
    size_t n = syn->nslots ? syn->nslots : 64;
    while (want * 2 > n)
        n *= 2;
    if (n == syn->nslots)
        return VN_OK;
    slot *old = syn->slots;
    size_t nold = syn->nslots;
    syn->slots = calloc(n, sizeof *syn->slots);
    if (syn->slots == NULL) {
        syn->slots = old;
        return VN_ENOMEM;
    }
    syn->nslots = n;
    for (size_t i = 0; i < nold; i++)
        if (old[i].key != NULL)
            *slot_find(syn, old[i].key, strlen(old[i].key)) = old[i];
    free(old);
    return VN_OK;
}

/* ---- building forms ---------------------------------------------------------- */

/* Words of one form as vn_norm reads them. */
typedef struct form_words {
    vn_buf canon, fold;      /* joined by single spaces */
    size_t nwords;
} form_words;

static int collect_word(void *ctx, const vn_token *tok)
{
    form_words *fw = ctx;
    int rc = VN_OK;
    if (fw->nwords > 0) {
        vn_buf_add_rc(&fw->canon, " ", 1, &rc);
        vn_buf_add_rc(&fw->fold, " ", 1, &rc);
    }
    vn_buf_add_rc(&fw->canon, tok->canon, tok->ncanon, &rc);
    vn_buf_add_rc(&fw->fold, tok->fold, tok->nfold, &rc);
    fw->nwords++;
    return rc;
}

/* Fill f from the form as written and its words: one allocation holding
 * the word pointers, then text, canon, fold and the split words. */
static int form_fill(vn_syn_form *f, const char *text, size_t ntext,
                     const form_words *fw)
{
    size_t nptr = fw->nwords * sizeof(char *);
    size_t size = nptr + ntext + 1 + 2 * (fw->canon.len + 1) + fw->fold.len + 1;
    char *block = malloc(size);
    if (block == NULL)
        return VN_ENOMEM;
    const char **words = (const char **)(void *)block;
    char *p = block + nptr;
    memcpy(p, text, ntext);
    p[ntext] = '\0';
    f->text = p;
    p += ntext + 1;
    f->canon = memcpy(p, fw->canon.data, fw->canon.len + 1);
    p += fw->canon.len + 1;
    f->fold = memcpy(p, fw->fold.data, fw->fold.len + 1);
    p += fw->fold.len + 1;
    memcpy(p, fw->canon.data, fw->canon.len + 1);
    for (size_t i = 0; i < fw->nwords; i++) {
        words[i] = p;
        p = strchr(p, ' ');
        if (p != NULL)
            *p++ = '\0';
    }
    f->words = words;
    f->nwords = fw->nwords;
    return VN_OK;
}

static void group_free(vn_syn_group *g)
{
    for (size_t i = 0; i < g->nforms; i++)
        free((void *)g->forms[i].words); /* the start of the form's block */
    free((void *)g->forms);
    g->forms = NULL;
    g->nforms = 0;
}

/* ---- open / free ---------------------------------------------------------------- */

int vn_syn_open(vn_syn **out, vn_err *err)
{
    *out = calloc(1, sizeof **out);
    return *out == NULL ? vn_err_set(err, VN_ENOMEM, "out of memory opening synonyms") : VN_OK;
}

void vn_syn_free(vn_syn *syn)
{
    if (syn == NULL)
        return;
    for (size_t i = 0; i < syn->ngroups; i++)
        group_free(&syn->groups[i]);
    for (size_t i = 0; i < syn->nsources; i++)
        free(syn->sources[i]);
    for (size_t i = 0; i < syn->ndead; i++)
        free(syn->dead[i]);
    for (size_t i = 0; i < syn->nremovals; i++)
        group_free(&syn->removals[i]);
    free(syn->removals);
    free(syn->dead);
    free(syn->sources);
    free(syn->groups);
    free(syn->slots);
    free(syn);
}

size_t vn_syn_count(const vn_syn *syn)
{
    return syn->ngroups;
}

const vn_syn_group *vn_syn_group_at(const vn_syn *syn, size_t i)
{
    return i < syn->ngroups ? &syn->groups[i] : NULL;
}

/* ---- parsing ------------------------------------------------------------------- */

typedef struct parser {
    vn_syn *tab;        /* this text's own table */
    vn_norm *nm;
    const char *name;   /* for messages */
    size_t line;
    vn_err *err;
    form_words fw;
    vn_syn_group g;     /* the group being read */
    size_t capforms;
} parser;

static int is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* Report a bad line: "name:line: what". */
static int bad_line(parser *ps, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int bad_line(parser *ps, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    return vn_err_set(ps->err, VN_EINVAL, "%s:%zu: %s", ps->name, ps->line, what);
}

/* At most 80 bytes of a form, for messages. */
static int clip(size_t n)
{
    return (int)(n > 80 ? 80 : n);
}

/* Read one form (trimmed, n > 0) into ps->g, unless one like it is there. */
static int add_form(parser *ps, const char *s, size_t n)
{
    form_words *fw = &ps->fw;
    vn_buf_reset(&fw->canon);
    vn_buf_reset(&fw->fold);
    fw->nwords = 0;
    int rc = vn_norm_tokens(ps->nm, s, n, collect_word, fw, NULL, ps->err);
    if (rc != VN_OK)
        return rc;
    if (fw->nwords == 0)
        return bad_line(ps, "form '%.*s' has no words", clip(n), s);
    if (fw->nwords > FORM_WORDS_MAX || fw->fold.len > KEY_MAX)
        return bad_line(ps, "form '%.*s' is too long (%d words or %d bytes at most)", clip(n), s,
                        FORM_WORDS_MAX, KEY_MAX);
    for (size_t i = 0; i < ps->g.nforms; i++)
        if (strcmp(ps->g.forms[i].fold, fw->fold.data) == 0)
            return VN_OK; /* TP. HCM after TP.HCM */
    vn_syn_form *f = vn_grow((void *)ps->g.forms, &ps->capforms, ps->g.nforms + 1, sizeof *f);
    if (f == NULL)
        return VN_ENOMEM;
    ps->g.forms = f;
    rc = form_fill((vn_syn_form *)&ps->g.forms[ps->g.nforms], s, n, fw);
    if (rc == VN_OK)
        ps->g.nforms++;
    return rc;
}

/* Split a line (comment cut off, not blank) at '=' and '|' into forms. */
static int read_forms(parser *ps, const char *s, size_t n, size_t *nparts)
{
    size_t i = 0;
    int rc = VN_OK;
    *nparts = 0;
    while (rc == VN_OK && i <= n) {
        size_t a = i, b;
        while (i < n && s[i] != '=' && s[i] != '|')
            i++;
        b = i++;
        while (a < b && is_blank(s[a]))
            a++;
        while (b > a && is_blank(s[b - 1]))
            b--;
        if (a == b)
            return bad_line(ps, "empty form (a separator at an end, or two in a row)");
        rc = add_form(ps, s + a, b - a);
        (*nparts)++;
    }
    return rc;
}

/* Move the finished group into this text's table. */
static int keep_group(parser *ps)
{
    vn_syn *tab = ps->tab;
    vn_syn_group *g = &ps->g;
    for (size_t i = 0; i < g->nforms; i++) {
        slot *s = tab->nslots ? slot_find(tab, g->forms[i].fold, strlen(g->forms[i].fold)) : NULL;
        if (s != NULL && s->key != NULL)
            return bad_line(ps, "'%.*s' is already in the group on line %zu",
                            clip(strlen(g->forms[i].text)), g->forms[i].text,
                            tab->groups[s->group].line);
    }
    vn_syn_group *a = vn_grow(tab->groups, &tab->capgroups, tab->ngroups + 1, sizeof *a);
    if (a == NULL)
        return VN_ENOMEM;
    tab->groups = a;
    if (slots_reserve(tab, tab->nused + g->nforms) != VN_OK)
        return VN_ENOMEM;
    g->source = ps->name;
    g->line = ps->line;
    for (size_t i = 0; i < g->nforms; i++) {
        slot *s = slot_find(tab, g->forms[i].fold, strlen(g->forms[i].fold));
        s->key = g->forms[i].fold;
        s->group = tab->ngroups;
        s->form = i;
        tab->nused++;
        if (g->forms[i].nwords > tab->max_words)
            tab->max_words = g->forms[i].nwords;
    }
    tab->groups[tab->ngroups++] = *g;
    memset(g, 0, sizeof *g);
    ps->capforms = 0;
    return VN_OK;
}

/* "-KH" (or "-KH = QĐ"): the forms leave the groups of earlier texts
 * (the shipped table), which then no longer stand for them. */
static int forget_line(parser *ps, const char *s, size_t n)
{
    size_t nparts = 0;
    vn_syn *tab = ps->tab;
    int rc = read_forms(ps, s, n, &nparts);
    vn_syn_group *a = rc == VN_OK ? vn_grow(tab->removals, &tab->capremovals,
                                            tab->nremovals + 1, sizeof *a) : NULL;
    if (rc == VN_OK && a == NULL)
        rc = VN_ENOMEM;
    if (rc == VN_OK) {
        tab->removals = a;
        ps->g.source = ps->name;
        ps->g.line = ps->line;
        tab->removals[tab->nremovals++] = ps->g;
        memset(&ps->g, 0, sizeof ps->g);
    }
    group_free(&ps->g);
    ps->capforms = 0;
    return rc;
}

static int parse_line(parser *ps, const char *s, size_t n)
{
    const char *hash = memchr(s, '#', n);
    size_t nparts, i = 0;
    if (hash != NULL)
        n = (size_t)(hash - s);
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    while (i < n && is_blank(s[i]))
        i++;
    if (i == n)
        return VN_OK;
    if (!vn_norm_utf8_valid(s, n))
        return bad_line(ps, "invalid UTF-8");
    if (s[i] == '-') /* forms to forget */
        return forget_line(ps, s + i + 1, n - i - 1);
    int rc = read_forms(ps, s, n, &nparts);
    if (rc == VN_OK && nparts < 2)
        rc = bad_line(ps, "'%.*s' alone: a group needs two forms or more, separated by '=' or '|'",
                      clip(n - i), s + i);
    else if (rc == VN_OK && ps->g.nforms < 2)
        rc = bad_line(ps, "the forms of '%.*s' are all the same words", clip(n - i), s + i);
    if (rc == VN_OK)
        rc = keep_group(ps);
    group_free(&ps->g);
    ps->capforms = 0;
    return rc;
}

/* Take form f out of group gi: its block goes to syn->dead (reserved by
 * the caller), since its slot may still key on it; the forms after it
 * move down. A group left with one form stands for nothing: that form
 * is forgotten too. */
static void drop_form(vn_syn *syn, size_t gi, size_t f)
{
    vn_syn_group *g = &syn->groups[gi];
    vn_syn_form *forms = (vn_syn_form *)g->forms;
    syn->dead[syn->ndead++] = (void *)forms[f].words; /* the form's block */
    memmove(forms + f, forms + f + 1, (g->nforms - f - 1) * sizeof *forms);
    g->nforms--;
    for (size_t i = f; i < g->nforms; i++) {
        slot *s = slot_find(syn, forms[i].fold, strlen(forms[i].fold));
        if (s->key != NULL && s->group == gi)
            s->form = i;
    }
    if (g->nforms == 1) {
        slot *s = slot_find(syn, forms[0].fold, strlen(forms[0].fold));
        if (s->key != NULL && s->group == gi)
            s->group = NO_GROUP;
        syn->dead[syn->ndead++] = (void *)forms[0].words;
        g->nforms = 0;
    }
}

/* Forget the form with fold key, if a group of syn has it. */
static void forget(vn_syn *syn, const char *key)
{
    slot *s = syn->nslots ? slot_find(syn, key, strlen(key)) : NULL;
    if (s == NULL || s->key == NULL || s->group == NO_GROUP)
        return;
    size_t gi = s->group;
    drop_form(syn, gi, s->form); /* s->key now lives in syn->dead */
    s->group = NO_GROUP;
}

/* Move every group of tab into syn; later forms take over earlier ones,
 * and tab's "-FORM" lines forget forms first. Reserves first, so that
 * nothing is moved unless everything is. */
static int merge(vn_syn *syn, vn_syn *tab)
{
    size_t forms = 0;
    for (size_t k = 0; k < tab->ngroups; k++)
        forms += tab->groups[k].nforms;
    for (size_t k = 0; k < tab->nremovals; k++)
        forms += tab->removals[k].nforms;
    /* each form taken over or forgotten frees at most two blocks */
    void **dead = vn_grow(syn->dead, &syn->capdead, syn->ndead + 2 * forms + 1, sizeof *dead);
    if (dead == NULL)
        return VN_ENOMEM;
    syn->dead = dead;
    size_t want = syn->ngroups + tab->ngroups;
    vn_syn_group *a = vn_grow(syn->groups, &syn->capgroups, want, sizeof *a);
    if (a == NULL)
        return VN_ENOMEM;
    syn->groups = a;
    char **src = realloc(syn->sources, (syn->nsources + 1) * sizeof *src);
    if (src == NULL)
        return VN_ENOMEM;
    syn->sources = src;
    if (slots_reserve(syn, syn->nused + tab->nused) != VN_OK)
        return VN_ENOMEM;
    for (size_t k = 0; k < tab->nremovals; k++)
        for (size_t i = 0; i < tab->removals[k].nforms; i++)
            forget(syn, tab->removals[k].forms[i].fold);
    for (size_t k = 0; k < tab->ngroups; k++) {
        vn_syn_group *g = &syn->groups[syn->ngroups];
        *g = tab->groups[k];
        for (size_t i = 0; i < g->nforms; i++) {
            slot *s = slot_find(syn, g->forms[i].fold, strlen(g->forms[i].fold));
            if (s->key != NULL && s->group != NO_GROUP) /* taken over: out of its group */
                forget(syn, g->forms[i].fold);
            syn->nused += s->key == NULL;
            s->key = g->forms[i].fold;
            s->group = syn->ngroups;
            s->form = i;
        }
        syn->ngroups++;
    }
    syn->sources[syn->nsources++] = tab->sources[0];
    if (tab->max_words > syn->max_words)
        syn->max_words = tab->max_words;
    tab->ngroups = 0;
    tab->nsources = 0;
    return VN_OK;
}

static int parse_text(parser *ps, const char *text, size_t n)
{
    size_t i = 0;
    int rc = VN_OK;
    if (n >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) /* a byte order mark */
        i = 3;
    while (rc == VN_OK && i < n) {
        const char *eol = memchr(text + i, '\n', n - i);
        size_t end = eol != NULL ? (size_t)(eol - text) : n;
        ps->line++;
        rc = parse_line(ps, text + i, end - i);
        i = end + 1;
    }
    return rc;
}

int vn_syn_parse(vn_syn *syn, vn_norm *nm, const char *text, size_t n,
                 const char *name, vn_err *err)
{
    parser ps;
    vn_norm *own = NULL;
    int rc = vn_syn_open(&ps.tab, err);
    memset(&ps.fw, 0, sizeof ps.fw);
    memset(&ps.g, 0, sizeof ps.g);
    ps.capforms = 0;
    ps.line = 0;
    ps.err = err;
    ps.nm = nm;
    if (rc == VN_OK && nm == NULL)
        rc = vn_norm_open(&own, err);
    ps.nm = nm != NULL ? nm : own;
    /* the table's first source is its name: groups point at it */
    if (rc == VN_OK && (ps.tab->sources = malloc(sizeof(char *))) == NULL)
        rc = VN_ENOMEM;
    if (rc == VN_OK && (ps.tab->sources[0] = strdup(name != NULL ? name : "synonyms")) == NULL)
        rc = VN_ENOMEM;
    if (rc == VN_OK) {
        ps.tab->nsources = 1;
        ps.name = ps.tab->sources[0];
        rc = parse_text(&ps, text, n);
    }
    if (rc == VN_OK)
        rc = merge(syn, ps.tab);
    if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory reading synonyms from %s", name ? name : "synonyms");
    vn_buf_free(&ps.fw.canon);
    vn_buf_free(&ps.fw.fold);
    vn_syn_free(ps.tab);
    vn_norm_close(own);
    return rc;
}

int vn_syn_load(vn_syn *syn, vn_norm *nm, const char *path, vn_err *err)
{
    vn_buf text = VN_BUF_INIT;
    char chunk[65536];
    size_t got;
    int rc = VN_OK;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return vn_err_set(err, errno == ENOENT ? VN_ENOTFOUND : VN_EIO,
                          "cannot open synonyms file %s: %s", path, strerror(errno));
    while (rc == VN_OK && (got = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (text.len + got > FILE_MAX)
            rc = vn_err_set(err, VN_EINVAL, "%s: larger than %u bytes", path, FILE_MAX);
        else if (vn_buf_add(&text, chunk, got) != VN_OK)
            rc = vn_err_set(err, VN_ENOMEM, "out of memory reading %s", path);
    }
    if (rc == VN_OK && ferror(f))
        rc = vn_err_set(err, VN_EIO, "cannot read synonyms file %s: %s", path, strerror(errno));
    fclose(f);
    if (rc == VN_OK)
        rc = vn_syn_parse(syn, nm, text.data != NULL ? text.data : "", text.len, path, err);
    vn_buf_free(&text);
    return rc;
}

/* ---- lookups -------------------------------------------------------------------- */

/* Non-zero when the query words w[0..f->nwords) spell form f: a word typed
 * with marks must be the form's word; one typed without stands for any. */
static int words_fit(const vn_syn_form *f, const vn_token *w)
{
    for (size_t i = 0; i < f->nwords; i++)
        if (w[i].has_marks && (strlen(f->words[i]) != w[i].ncanon
                               || memcmp(f->words[i], w[i].canon, w[i].ncanon) != 0))
            return 0;
    return 1;
}

const vn_syn_group *vn_syn_match(const vn_syn *syn, const vn_token *words,
                                 size_t nwords, size_t *nmatched,
                                 const vn_syn_form **form)
{
    char key[KEY_MAX + 1];
    size_t len[FORM_WORDS_MAX + 1], k, kmax = nwords < syn->max_words ? nwords : syn->max_words;
    *nmatched = 0;
    if (form != NULL)
        *form = NULL;
    if (syn->nused == 0)
        return NULL;
    /* the keys of 1..kmax words share their start */
    len[0] = 0;
    for (k = 1; k <= kmax; k++) {
        size_t at = len[k - 1] + (k > 1);
        if (at + words[k - 1].nfold > KEY_MAX)
            break;
        if (k > 1)
            key[at - 1] = ' ';
        memcpy(key + at, words[k - 1].fold, words[k - 1].nfold);
        len[k] = at + words[k - 1].nfold;
    }
    for (k--; k >= 1; k--) {
        const slot *s = slot_find(syn, key, len[k]);
        if (s->key == NULL || s->group == NO_GROUP)
            continue;
        const vn_syn_group *g = &syn->groups[s->group];
        if (!words_fit(&g->forms[s->form], words))
            continue;
        *nmatched = k;
        if (form != NULL)
            *form = &g->forms[s->form];
        return g;
    }
    return NULL;
}

/* The words of a text, for vn_syn_scan. */
typedef struct scan_words {
    vn_buf text;        /* every canon and fold, back to back */
    vn_token *w;        /* canon and fold hold offsets in text until done */
    size_t n, cap;
} scan_words;

static int scan_collect(void *ctx, const vn_token *tok)
{
    scan_words *sw = ctx;
    int rc = VN_OK;
    vn_token *w = vn_grow(sw->w, &sw->cap, sw->n + 1, sizeof *w);
    if (w == NULL)
        return VN_ENOMEM;
    sw->w = w;
    vn_token *t = &sw->w[sw->n++];
    *t = *tok;
    t->canon = (const char *)(uintptr_t)sw->text.len;
    vn_buf_add_rc(&sw->text, tok->canon, tok->ncanon, &rc);
    t->fold = (const char *)(uintptr_t)sw->text.len;
    vn_buf_add_rc(&sw->text, tok->fold, tok->nfold, &rc);
    return rc;
}

static int scan_report(const vn_syn *syn, scan_words *sw, vn_syn_match_fn fn, void *ctx)
{
    int rc = VN_OK;
    for (size_t i = 0; i < sw->n; i++) { /* offsets become pointers */
        sw->w[i].canon = sw->text.data + (uintptr_t)sw->w[i].canon;
        sw->w[i].fold = sw->text.data + (uintptr_t)sw->w[i].fold;
    }
    for (size_t i = 0; rc == VN_OK && i < sw->n;) {
        size_t k;
        const vn_syn_form *f;
        const vn_syn_group *g = vn_syn_match(syn, sw->w + i, sw->n - i, &k, &f);
        if (g == NULL) {
            i++;
            continue;
        }
        rc = fn(ctx, g, f, i, k, sw->w[i].start, sw->w[i + k - 1].end);
        i += k;
    }
    return rc;
}

int vn_syn_scan(const vn_syn *syn, vn_norm *nm, const char *text, size_t n,
                vn_syn_match_fn fn, void *ctx, vn_err *err)
{
    scan_words sw;
    memset(&sw, 0, sizeof sw);
    int rc = vn_norm_tokens(nm, text, n, scan_collect, &sw, NULL, err);
    if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory looking for synonyms");
    if (rc == VN_OK)
        rc = scan_report(syn, &sw, fn, ctx);
    vn_buf_free(&sw.text);
    free(sw.w);
    return rc;
}
