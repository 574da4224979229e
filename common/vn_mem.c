/* vn_mem.c: see vn_mem.h.
 *
 * Layout: the terms in FTS5's order (memcmp, shorter first), each with
 * its run of entries (one per article holding it: the article id and its
 * run of positions, column << COL_SHIFT | token offset). Articles are
 * sets of bits over ids 0..maxid, so AND, OR and NOT are word operations
 * and a word's spellings are joined by setting bits. Per article, sizes
 * in tokens and dates sit in arrays by id.
 *
 * A query: its strings are tokenized by the connection's own tokenizer
 * in query mode (the spellings of a word typed without marks come back
 * as colocated tokens, exactly as FTS5 gets them); each phrase's
 * articles become a bit set; the tree of AND, OR and NOT gives the
 * matches. Each match in turn, in id order (cursors only move forward),
 * gets its phrase instances in FTS5's xInst order and its vn_rank key
 * from vn_ranker; a heap keeps the first offset + limit. Once the heap
 * is full, a match is first given the best key it could have (BM25 from
 * its counts; proximity bounded by how far apart its two rarest words
 * stand) and ranked in full only if that key would enter the heap.
 * With two words or more, the matches whose words may stand adjacent
 * and in order (proximity 1, vn_rank's first tier) go first, and the
 * others only when the page is not full of those (rank_matches). */
#include "vn_mem.h"

#include "vn_buf.h"
#include "vn_query.h"
#include "vn_snip.h"
#include "vn_store.h"
#include "vn_tok.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define COL_SHIFT 28
#define OFF_MAX ((1u << COL_SHIFT) - 1)
#define NCOL_MAX 2            /* body, title */
#define PHRASES_MAX 8192      /* in one expression (vn_expand allows 4000) */
#define NODES_MAX 20000
#define TOKENS_MAX 256        /* positions in one phrase */
#define DEPTH_MAX 64          /* parentheses */
#define QUERY_BITS_MAX ((size_t)32 << 20) /* bytes of phrase bit sets in one query */
#define MERGE_LINEAR 4        /* runs merged without a heap */
#define COUNTS_MAX ((size_t)32 << 20) /* bytes of gathered counts in one query */
#define SPLIT_ROWS 50000      /* candidate rows of a phrase worth a second thread */
#define SPARSE_IDS 8          /* ids may spread to 8x the articles (plus 1M) */

typedef struct term_ix {
    uint32_t off, len; /* bytes in tbytes */
    uint32_t first;    /* entries [first, next term's first) */
} term_ix;

struct vn_mem {
    int64_t gen;
    int64_t nrow;
    double avgdl;
    vn_buf tbytes;
    term_ix *terms;    /* nterm + 1: the last is a sentinel */
    uint32_t nterm;
    int32_t *doc;      /* nentry */
    uint32_t *pfirst;  /* nentry + 1 */
    uint32_t nentry;
    uint32_t *pos;     /* npos */
    uint32_t npos;
    int32_t maxid;
    int32_t *size;     /* by id: tokens, -1 no such row */
    uint32_t *date;    /* by id: offset into dates, UINT32_MAX none */
    vn_buf dates;      /* NUL-terminated strings */
    size_t words;      /* uint64_t per bit set */
    uint32_t *tset;    /* by term: its articles' bit set in sets, or UINT32_MAX */
    uint64_t *sets;    /* bit sets of terms in many articles, words each */
    size_t bytes;
    size_t split;      /* candidate rows from which a phrase is checked on two cores */
};

/* ---- bit sets over article ids ------------------------------------------------- */

static void set_bit(uint64_t *b, int32_t id)
{
    b[(uint32_t)id >> 6] |= (uint64_t)1 << (id & 63);
}

static int get_bit(const uint64_t *b, int32_t id)
{
    return (int)(b[(uint32_t)id >> 6] >> (id & 63) & 1);
}

/* The ids set in b[0..words). */
static size_t bits_count(const uint64_t *b, size_t words)
{
    size_t n = 0;
    for (size_t w = 0; w < words; w++)
        n += (size_t)__builtin_popcountll(b[w]);
    return n;
}

/* ---- loading ------------------------------------------------------------------ */

static int db_fail(sqlite3 *db, const char *what, vn_err *err)
{
    return vn_err_set(err, VN_EDB, "cannot load the index into memory: %s: %s", what,
                      sqlite3_errmsg(db));
}

/* Article sizes (the FTS5 docsize records) and dates, by id. */
static int load_rows(sqlite3 *db, vn_mem *m, vn_err *err)
{
    sqlite3_stmt *s = NULL;
    int64_t maxid = 0, n = 0;
    int rc = VN_OK;
    if (sqlite3_prepare_v2(db, "SELECT max(id), count(*) FROM article", -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, "article", err);
    if (sqlite3_step(s) == SQLITE_ROW) {
        maxid = sqlite3_column_int64(s, 0);
        n = sqlite3_column_int64(s, 1);
    }
    sqlite3_finalize(s);
    if (maxid < 0 || maxid >= INT32_MAX || maxid > SPARSE_IDS * n + 1000000)
        return vn_err_set(err, VN_EINVAL, "cannot load the index into memory: article ids"
                                          " too large or too sparse");
    m->maxid = (int32_t)maxid;
    m->words = ((size_t)maxid + 64) / 64;
    m->size = malloc(((size_t)maxid + 1) * sizeof *m->size);
    m->date = malloc(((size_t)maxid + 1) * sizeof *m->date);
    if (m->size == NULL || m->date == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory loading the index");
    for (int64_t i = 0; i <= maxid; i++) {
        m->size[i] = -1;
        m->date[i] = UINT32_MAX;
    }
    if (sqlite3_prepare_v2(db, "SELECT id, sz FROM article_fts_docsize", -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, "docsize", err);
    int step;
    while ((step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0), cols[NCOL_MAX + 1], total = 0;
        int k = vn_fts_docsize(sqlite3_column_blob(s, 1), sqlite3_column_bytes(s, 1), cols,
                               NCOL_MAX + 1);
        for (int i = 0; i < k; i++)
            total += cols[i];
        if (id >= 0 && id <= maxid)
            m->size[id] = total > INT32_MAX ? INT32_MAX : (int32_t)total;
    }
    sqlite3_finalize(s);
    if (step != SQLITE_DONE)
        return db_fail(db, "docsize", err);
    if (sqlite3_prepare_v2(db, "SELECT id, date FROM article WHERE date IS NOT NULL", -1, &s,
                           NULL) != SQLITE_OK)
        return db_fail(db, "article dates", err);
    while (rc == VN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        int64_t id = sqlite3_column_int64(s, 0);
        const char *d = (const char *)sqlite3_column_text(s, 1);
        if (d == NULL || id < 0 || id > maxid)
            continue;
        if (m->dates.len >= UINT32_MAX - 1024)
            rc = vn_err_set(err, VN_EINVAL, "cannot load the index into memory: too many dates");
        else
            m->date[id] = (uint32_t)m->dates.len;
        if (rc == VN_OK && vn_buf_add(&m->dates, d, strlen(d) + 1) != VN_OK)
            rc = vn_err_set(err, VN_ENOMEM, "out of memory loading the index");
    }
    sqlite3_finalize(s);
    if (rc == VN_OK && step != SQLITE_DONE)
        rc = db_fail(db, "article dates", err);
    return rc;
}

/* Rows and tokens, as xRowCount and xColumnTotalSize(-1) read them: the
 * FTS5 averages record (id 1 of the data table). */
static int load_averages(sqlite3 *db, vn_mem *m, vn_err *err)
{
    sqlite3_stmt *s = NULL;
    int64_t v[1 + NCOL_MAX + 1] = {0}, tokens = 0;
    if (sqlite3_prepare_v2(db, "SELECT block FROM article_fts_data WHERE id = 1", -1, &s, NULL)
        != SQLITE_OK)
        return db_fail(db, "averages", err);
    int k = 0, step = sqlite3_step(s);
    if (step == SQLITE_ROW)
        k = vn_fts_docsize(sqlite3_column_blob(s, 0), sqlite3_column_bytes(s, 0), v,
                           1 + NCOL_MAX + 1);
    sqlite3_finalize(s);
    if (step != SQLITE_ROW && step != SQLITE_DONE)
        return db_fail(db, "averages", err);
    for (int i = 1; i < k; i++)
        tokens += v[i];
    m->nrow = k > 0 ? v[0] : 0;
    m->avgdl = m->nrow > 0 ? (double)tokens / (double)m->nrow : 1.0;
    if (m->avgdl <= 0.0)
        m->avgdl = 1.0;
    return VN_OK;
}

typedef struct grow {
    size_t cap_terms, cap_entries, cap_pos;
} grow;

static int add_term(vn_mem *m, grow *g, const void *t, int n)
{
    term_ix *v = vn_grow(m->terms, &g->cap_terms, (size_t)m->nterm + 2, sizeof *v);
    if (v == NULL)
        return VN_ENOMEM;
    m->terms = v;
    v[m->nterm] = (term_ix){(uint32_t)m->tbytes.len, (uint32_t)n, m->nentry};
    m->nterm++;
    return vn_buf_add(&m->tbytes, t, (size_t)n);
}

static int add_entry(vn_mem *m, grow *g, int32_t id)
{
    size_t need = (size_t)m->nentry + 2, cap = g->cap_entries;
    int32_t *d = vn_grow(m->doc, &g->cap_entries, need, sizeof *d);
    if (d == NULL)
        return VN_ENOMEM;
    m->doc = d;
    if (g->cap_entries != cap) { /* pfirst grows with doc */
        uint32_t *p = realloc(m->pfirst, g->cap_entries * sizeof *p);
        if (p == NULL)
            return VN_ENOMEM;
        m->pfirst = p;
    }
    m->doc[m->nentry] = id;
    m->pfirst[m->nentry] = m->npos;
    m->nentry++;
    return VN_OK;
}

static int term_cmp(const void *a, size_t na, const void *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c != 0 ? c : (na > nb) - (na < nb);
}

/* Every instance of every term, from FTS5's fts5vocab table: sorted by
 * term, article, column and offset. */
static int load_postings(sqlite3 *db, vn_mem *m, vn_err *err)
{
    sqlite3_stmt *s = NULL;
    grow g = {0};
    int rc = VN_OK, ncol = 0;
    char cols[NCOL_MAX][16] = {{0}}; /* the FTS5 table's column names, in order */
    if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info('article_fts')", -1, &s, NULL)
        != SQLITE_OK)
        return db_fail(db, "columns", err);
    while (sqlite3_step(s) == SQLITE_ROW && ncol < NCOL_MAX) {
        const char *name = (const char *)sqlite3_column_text(s, 0);
        snprintf(cols[ncol++], sizeof cols[0], "%s", name != NULL ? name : "");
    }
    sqlite3_finalize(s);
    if (sqlite3_exec(db, "CREATE VIRTUAL TABLE IF NOT EXISTS temp.vn_mem_vocab"
                         " USING fts5vocab(main, article_fts, instance)",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "SELECT term, doc, col, offset FROM temp.vn_mem_vocab", -1, &s,
                           NULL) != SQLITE_OK) {
        rc = db_fail(db, "fts5vocab", err);
        s = NULL;
    }
    int64_t last_id = -1;
    int step = SQLITE_DONE;
    while (rc == VN_OK && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const void *t = sqlite3_column_blob(s, 0);
        int nt = sqlite3_column_bytes(s, 0);
        int64_t id = sqlite3_column_int64(s, 1), off = sqlite3_column_int64(s, 3);
        const char *cname = (const char *)sqlite3_column_text(s, 2);
        int col = -1;
        for (int i = 0; i < ncol && cname != NULL; i++)
            if (strcmp(cols[i], cname) == 0)
                col = i;
        if (col < 0 || id < 0 || id > m->maxid || off < 0 || off > OFF_MAX) {
            rc = vn_err_set(err, VN_EINVAL, "cannot load the index into memory: an instance"
                                            " beyond its tables");
            break;
        }
        term_ix *last = m->nterm > 0 ? &m->terms[m->nterm - 1] : NULL;
        int cmp = last == NULL ? 1 : term_cmp(t, (size_t)nt, m->tbytes.data + last->off, last->len);
        if (cmp < 0) {
            rc = vn_err_set(err, VN_EINVAL, "cannot load the index into memory: terms out of order");
            break;
        }
        if (cmp > 0) {
            rc = add_term(m, &g, t, nt);
            last_id = -1;
        }
        if (rc == VN_OK && id != last_id) {
            if (id < last_id)
                rc = vn_err_set(err, VN_EINVAL,
                                "cannot load the index into memory: articles out of order");
            else
                rc = add_entry(m, &g, (int32_t)id);
            last_id = id;
        }
        if (rc == VN_OK && m->npos >= UINT32_MAX - 1)
            rc = vn_err_set(err, VN_EINVAL, "cannot load the index into memory: too large");
        if (rc == VN_OK) {
            uint32_t *p = vn_grow(m->pos, &g.cap_pos, (size_t)m->npos + 1, sizeof *p);
            if (p == NULL)
                rc = VN_ENOMEM;
            else
                (m->pos = p)[m->npos++] = (uint32_t)col << COL_SHIFT | (uint32_t)off;
        }
    }
    if (rc == VN_OK && step != SQLITE_DONE)
        rc = db_fail(db, "fts5vocab", err);
    sqlite3_finalize(s);
    sqlite3_exec(db, "DROP TABLE IF EXISTS temp.vn_mem_vocab", NULL, NULL, NULL);
    if (rc == VN_OK && (add_term(m, &g, "", 0) != VN_OK || add_entry(m, &g, 0) != VN_OK))
        rc = VN_ENOMEM; /* sentinels: terms[nterm].first, pfirst[nentry] */
    if (rc == VN_OK) {
        m->nterm--;
        m->nentry--;
        m->pfirst[m->nentry] = m->npos;
    }
    if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory loading the index");
    return rc;
}

/* Bit sets made ahead for the terms in many articles (the, of, is...):
 * a query copies them instead of setting a bit per article. Those whose
 * articles' ids take more room than their bit set, in term order, at
 * most as many as take a quarter of the postings' size (on the 35k
 * archive the budget is never reached). */
static int make_sets(vn_mem *m)
{
    size_t min_df = m->words * 2, budget = ((size_t)m->nentry * 8 + (size_t)m->npos * 4) / 4;
    size_t nset = 0, max_sets = budget / (m->words * sizeof *m->sets) + 1;
    m->tset = malloc(((size_t)m->nterm + 1) * sizeof *m->tset);
    if (m->tset == NULL)
        return VN_ENOMEM;
    for (uint32_t t = 0; t < m->nterm; t++) {
        size_t df = m->terms[t + 1].first - m->terms[t].first;
        m->tset[t] = df >= min_df && nset < max_sets ? (uint32_t)nset++ : UINT32_MAX;
    }
    m->sets = calloc(nset * m->words + 1, sizeof *m->sets);
    if (m->sets == NULL)
        return VN_ENOMEM;
    for (uint32_t t = 0; t < m->nterm; t++) {
        if (m->tset[t] == UINT32_MAX)
            continue;
        uint64_t *b = m->sets + (size_t)m->tset[t] * m->words;
        for (uint32_t e = m->terms[t].first; e < m->terms[t + 1].first; e++)
            set_bit(b, m->doc[e]);
    }
    m->bytes += nset * m->words * sizeof *m->sets + ((size_t)m->nterm + 1) * sizeof *m->tset;
    return VN_OK;
}

int vn_mem_load(sqlite3 *db, int64_t gen, vn_mem **out, vn_err *err)
{
    vn_mem *m = calloc(1, sizeof *m);
    if (m != NULL) /* a second core to lend a query, or none */
        m->split = sysconf(_SC_NPROCESSORS_ONLN) >= 2 ? SPLIT_ROWS : SIZE_MAX;
    *out = NULL;
    if (m == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    m->gen = gen;
    int rc = load_rows(db, m, err);
    if (rc == VN_OK)
        rc = load_averages(db, m, err);
    if (rc == VN_OK)
        rc = load_postings(db, m, err);
    if (rc != VN_OK) {
        vn_mem_free(m);
        return rc;
    }
    m->bytes = sizeof *m + m->tbytes.cap + ((size_t)m->nterm + 1) * sizeof *m->terms
             + (size_t)m->nentry * (sizeof *m->doc + sizeof *m->pfirst)
             + (size_t)m->npos * sizeof *m->pos
             + ((size_t)m->maxid + 1) * (sizeof *m->size + sizeof *m->date) + m->dates.cap;
    if (make_sets(m) != VN_OK) {
        vn_mem_free(m);
        return vn_err_set(err, VN_ENOMEM, "out of memory loading the index");
    }
    *out = m;
    return VN_OK;
}

void vn_mem_free(vn_mem *m)
{
    if (m == NULL)
        return;
    vn_buf_free(&m->tbytes);
    free(m->terms);
    free(m->doc);
    free(m->pfirst);
    free(m->pos);
    free(m->size);
    free(m->date);
    vn_buf_free(&m->dates);
    free(m->tset);
    free(m->sets);
    free(m);
}

int64_t vn_mem_generation(const vn_mem *m)
{
    return m->gen;
}

size_t vn_mem_bytes(const vn_mem *m)
{
    return m->bytes;
}

void vn_mem_set_split(vn_mem *m, size_t rows)
{
    m->split = rows;
}

/* ---- the expression ------------------------------------------------------------ */

/* One position of a phrase: the terms that stand there (a word and its
 * colocated spellings), as indexes into m->terms; absent terms dropped. */
typedef struct slot {
    uint32_t *term;
    int n;
    size_t cap;
} slot;

typedef struct phrase {
    slot *slot;
    int nslot;
    size_t capslot;
    int positive;      /* not under a NOT's right side */
    uint64_t *bits;    /* the articles holding it */
    int *order;        /* its slots, the rarest first (by articles) */
    int *kbase;        /* per slot: its first cursor */
} phrase;

enum { N_PHRASE, N_AND, N_OR, N_NOT };

typedef struct node {
    int type;
    int phrase;        /* N_PHRASE */
    int a, b;          /* children (node indexes): AND, OR, NOT */
} node;

typedef struct expr {
    const vn_mem *m;
    phrase *ph;
    int nph;
    size_t capph;
    node *nd;
    int nnd;
    size_t capnd;
    int depth;         /* of parentheses */
    int declined;      /* a construct vn_mem leaves to FTS5 */
    int rc;
    int *map;          /* phrase -> group, as vn_rank reads groups */
    int *psize;        /* per group: tokens of its longest phrase */
    int ngroup;
    /* the tokenizer */
    fts5_tokenizer tk;
    Fts5Tokenizer *tok;
    vn_buf str;        /* a string's content */
    const char *p;     /* parse position */
} expr;

static uint32_t find_term(const vn_mem *m, const char *t, int n)
{
    uint32_t lo = 0, hi = m->nterm;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = term_cmp(m->tbytes.data + m->terms[mid].off, m->terms[mid].len, t, (size_t)n);
        if (c == 0)
            return mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return UINT32_MAX;
}

static int on_token(void *ctx, int tflags, const char *t, int n, int start, int end)
{
    expr *e = ctx;
    phrase *p = &e->ph[e->nph - 1];
    (void)start;
    (void)end;
    if (!(tflags & FTS5_TOKEN_COLOCATED) || p->nslot == 0) {
        if (p->nslot >= TOKENS_MAX) {
            e->declined = 1;
            return SQLITE_DONE;
        }
        slot *v = vn_grow(p->slot, &p->capslot, (size_t)p->nslot + 1, sizeof *v);
        if (v == NULL)
            return SQLITE_NOMEM;
        p->slot = v;
        v[p->nslot++] = (slot){0};
    }
    slot *s = &p->slot[p->nslot - 1];
    uint32_t term = find_term(e->m, t, n);
    if (term == UINT32_MAX)
        return SQLITE_OK;
    for (int i = 0; i < s->n; i++)
        if (s->term[i] == term)
            return SQLITE_OK;
    if (s->n > VN_TOK_SPELLINGS_MAX) { /* more than phrase_starts reads */
        e->declined = 1;
        return SQLITE_DONE;
    }
    uint32_t *v = vn_grow(s->term, &s->cap, (size_t)s->n + 1, sizeof *v);
    if (v == NULL)
        return SQLITE_NOMEM;
    s->term = v;
    s->term[s->n++] = term;
    return SQLITE_OK;
}

static int new_node(expr *e, node n)
{
    if (e->nnd >= NODES_MAX) {
        e->declined = 1;
        return -1;
    }
    node *v = vn_grow(e->nd, &e->capnd, (size_t)e->nnd + 1, sizeof *v);
    if (v == NULL) {
        e->rc = VN_ENOMEM;
        return -1;
    }
    e->nd = v;
    v[e->nnd] = n;
    return e->nnd++;
}

static void skip_space(expr *e)
{
    while (*e->p == ' ' || *e->p == '\t' || *e->p == '\n' || *e->p == '\r')
        e->p++;
}

static int keyword(expr *e, const char *kw)
{
    size_t n = strlen(kw);
    skip_space(e);
    if (strncmp(e->p, kw, n) != 0)
        return 0;
    char c = e->p[n];
    if (c != ' ' && c != '(' && c != '"' && c != '\0')
        return 0;
    e->p += n;
    return 1;
}

/* A string: "..." with "" for a quote, tokenized into a new phrase. */
static int parse_string(expr *e)
{
    int closed = 0, rc = VN_OK;
    e->p = vn_query_string(e->p, &e->str, &closed, &rc);
    if (rc != VN_OK) {
        e->rc = rc;
        return -1;
    }
    if (!closed) {
        e->declined = 1;
        return -1;
    }
    skip_space(e);
    if (*e->p == '*' || *e->p == ':' || e->nph >= PHRASES_MAX) {
        e->declined = 1; /* a prefix, or a column name */
        return -1;
    }
    phrase *v = vn_grow(e->ph, &e->capph, (size_t)e->nph + 1, sizeof *v);
    if (v == NULL) {
        e->rc = VN_ENOMEM;
        return -1;
    }
    e->ph = v;
    v[e->nph++] = (phrase){0};
    rc = e->tk.xTokenize(e->tok, e, FTS5_TOKENIZE_QUERY, e->str.data ? e->str.data : "",
                         (int)e->str.len, on_token);
    if (rc != SQLITE_OK && !e->declined) {
        e->rc = rc == SQLITE_NOMEM ? VN_ENOMEM : VN_EDB;
        return -1;
    }
    if (e->declined || e->ph[e->nph - 1].nslot == 0) {
        e->declined = 1; /* FTS5 decides what an empty phrase means */
        return -1;
    }
    return new_node(e, (node){N_PHRASE, e->nph - 1, -1, -1});
}

static int parse_level(expr *e, int level);

static int parse_primary(expr *e)
{
    skip_space(e);
    if (*e->p == '"')
        return parse_string(e);
    if (*e->p == '(' && e->depth < DEPTH_MAX) {
        e->p++;
        e->depth++;
        int n = parse_level(e, 0);
        e->depth--;
        skip_space(e);
        if (n < 0 || *e->p != ')') {
            e->declined = 1;
            return -1;
        }
        e->p++;
        return n;
    }
    e->declined = 1; /* a bare word, a column filter, NEAR... */
    return -1;
}

/* FTS5's operators, loosest first: NOT binds tightest, then AND, then OR. */
static const struct {
    int type;
    const char *word;
} levels[] = {{N_OR, "OR"}, {N_AND, "AND"}, {N_NOT, "NOT"}};
#define NLEVELS ((int)(sizeof levels / sizeof levels[0]))

static int parse_level(expr *e, int level)
{
    if (level == NLEVELS)
        return parse_primary(e);
    int a = parse_level(e, level + 1);
    while (a >= 0 && keyword(e, levels[level].word)) {
        int b = parse_level(e, level + 1);
        a = b < 0 ? -1 : new_node(e, (node){levels[level].type, -1, a, b});
    }
    return a;
}

/* FTS5 reports a phrase's instances on a row when the phrase's own
 * iterator stands on it. That is "the phrase occurs in the row" for
 * phrases under AND only, or directly under an OR of phrases; below an OR
 * of anything else it depends on how far FTS5 read, so such queries are
 * declined. Phrases on a NOT's right side never report any. Children
 * come before their parents in e->nd and the root is last, so one pass
 * downwards hands each node its parent's context. */
static int check_shape(expr *e, int root)
{
    unsigned char *ctx = calloc((size_t)e->nnd + 1, 1); /* 1 positive, 2 under an OR */
    int has_not = 0, or_phrase = 0, long_phrase = 0;
    if (ctx == NULL)
        return VN_ENOMEM;
    ctx[root] = 1;
    for (int n = root; n >= 0 && !e->declined; n--) {
        const node *d = &e->nd[n];
        int positive = ctx[n] & 1, under_or = ctx[n] & 2;
        has_not |= d->type == N_NOT;
        if (d->type == N_PHRASE) {
            e->ph[d->phrase].positive = positive;
            or_phrase |= positive && under_or;
            long_phrase |= positive && e->ph[d->phrase].nslot > 1;
            continue;
        }
        if (positive && under_or && d->type != N_OR) {
            e->declined = 1; /* an AND or a NOT under an OR: an OR of ORs is one OR */
            break;
        }
        if (d->type == N_NOT) {
            ctx[d->a] = ctx[n];
            ctx[d->b] = 0;
        } else {
            ctx[d->a] = ctx[d->b] = (unsigned char)(ctx[n] | (d->type == N_OR ? 2 : 0));
        }
    }
    /* FTS5 (3.40) leaves out of xInst most instances of an OR's phrases
     * in ((a OR b) AND "c d") NOT x, so vn_rank ranks such rows on a part
     * of their words; vn_mem would count them all. vn_expand writes no
     * such OR of spellings (vn_expand.h); one the user typed, or a
     * synonym's, goes to FTS5, so that both give the same answer. */
    e->declined |= has_not && or_phrase && long_phrase;
    free(ctx);
    return VN_OK;
}

static void expr_free(expr *e)
{
    for (int i = 0; i < e->nph; i++) {
        for (int j = 0; j < e->ph[i].nslot; j++)
            free(e->ph[i].slot[j].term);
        free(e->ph[i].slot);
        free(e->ph[i].bits);
        free(e->ph[i].order);
        free(e->ph[i].kbase);
    }
    free(e->ph);
    free(e->nd);
    free(e->map);
    free(e->psize);
    vn_buf_free(&e->str);
    if (e->tok != NULL)
        e->tk.xDelete(e->tok);
}

/* ---- matching -------------------------------------------------------------------- */

/* 0 when term t is not in row id, by its bit set (make_sets); 1 when
 * it may be. */
static int may_hold(const vn_mem *m, uint32_t t, int32_t id)
{
    return m->tset[t] == UINT32_MAX || get_bit(m->sets + (size_t)m->tset[t] * m->words, id);
}

/* A forward-only cursor over one term's entries. */
typedef struct cursor {
    uint32_t at, end;
} cursor;

/* Move c to the entry of id, or past it. 1 when the term holds id. */
static int seek(const vn_mem *m, cursor *c, int32_t id)
{
    uint32_t step = 1;
    while (c->at < c->end && m->doc[c->at] < id) { /* gallop, then bisect */
        uint32_t next = c->at + step;
        if (next >= c->end || m->doc[next] >= id) {
            uint32_t lo = c->at + 1, hi = next < c->end ? next : c->end;
            while (lo < hi) {
                uint32_t mid = lo + (hi - lo) / 2;
                if (m->doc[mid] < id)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            c->at = lo;
            break;
        }
        c->at = next;
        step *= 2;
    }
    return c->at < c->end && m->doc[c->at] == id;
}

static cursor term_cursor(const vn_mem *m, uint32_t t)
{
    return (cursor){m->terms[t].first, m->terms[t + 1].first};
}

/* The first of v[0..n) not below want. */
static uint32_t lower_bound(const uint32_t *v, uint32_t n, uint32_t want)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (v[mid] < want)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int has_pos(const uint32_t *v, uint32_t n, uint32_t want)
{
    uint32_t lo = lower_bound(v, n, want);
    return lo < n && v[lo] == want;
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Append to *out (grown) the start positions of phrase p in row id
 * (sorted, unique; with any set, in no order: enough to tell whether
 * there are some), moving p's cursors forward. */
static int phrase_starts(const vn_mem *m, const phrase *p, cursor *c, int32_t id, int any,
                         uint32_t **out, size_t *cap, size_t *n)
{
    size_t first = *n;
    /* the rarest slot: every term's positions there */
    int r = p->order[0];
    const slot *s0 = &p->slot[r];
    for (int i = 0, k = p->kbase[r]; i < s0->n; i++, k++) {
        if (!may_hold(m, s0->term[i], id) || !seek(m, &c[k], id))
            continue;
        uint32_t e = c[k].at, a = m->pfirst[e], b = m->pfirst[e + 1];
        uint32_t *v = vn_grow(*out, cap, *n + (b - a) + 1, sizeof *v);
        if (v == NULL)
            return VN_ENOMEM;
        *out = v;
        memcpy(v + *n, m->pos + a, (size_t)(b - a) * sizeof *v);
        *n += b - a;
    }
    if (!any && s0->n > 1 && *n - first > 1) { /* spellings: merge, one each */
        uint32_t *v = *out + first;
        size_t len = *n - first;
        qsort(v, len, sizeof *v, cmp_u32);
        size_t w = 1;
        for (size_t i = 1; i < len; i++)
            if (v[i] != v[w - 1])
                v[w++] = v[i];
        *n = first + w;
    }
    /* the other slots, rarest first: keep the positions whose slot j
     * stands j - r positions away (a row that fails early reads no more) */
    for (int t = 1; t < p->nslot && *n > first; t++) {
        int j = p->order[t];
        const slot *sj = &p->slot[j];
        const uint32_t *pv[VN_TOK_SPELLINGS_MAX + 1];
        uint32_t pn[VN_TOK_SPELLINGS_MAX + 1];
        int np = 0;
        for (int i = 0, k = p->kbase[j]; i < sj->n; i++, k++)
            if (may_hold(m, sj->term[i], id) && seek(m, &c[k], id) && np <= VN_TOK_SPELLINGS_MAX) {
                uint32_t e = c[k].at;
                pv[np] = m->pos + m->pfirst[e];
                pn[np++] = m->pfirst[e + 1] - m->pfirst[e];
            }
        size_t w = first;
        for (size_t i = first; i < *n; i++) {
            uint32_t at = (*out)[i], off = at & OFF_MAX;
            if ((j < r && off < (uint32_t)(r - j)) || (j > r && off + (uint32_t)(j - r) > OFF_MAX))
                continue; /* would leave the column */
            uint32_t want = j < r ? at - (uint32_t)(r - j) : at + (uint32_t)(j - r);
            int hit = 0;
            for (int q = 0; q < np && !hit; q++)
                hit = has_pos(pv[q], pn[q], want);
            if (hit)
                (*out)[w++] = at;
        }
        *n = w;
    }
    for (size_t i = first; i < *n; i++) /* where the phrase starts */
        (*out)[i] -= (uint32_t)r;
    return VN_OK;
}

/* The slots' order for phrase_starts (rarest first) and their cursors. */
static int order_slots(const vn_mem *m, phrase *p)
{
    p->order = malloc((size_t)p->nslot * sizeof *p->order);
    p->kbase = malloc((size_t)p->nslot * sizeof *p->kbase);
    uint64_t *df = calloc((size_t)p->nslot, sizeof *df);
    if (p->order == NULL || p->kbase == NULL || df == NULL) {
        free(df);
        return VN_ENOMEM;
    }
    for (int j = 0, k = 0; j < p->nslot; j++) {
        p->kbase[j] = k;
        k += p->slot[j].n;
        for (int i = 0; i < p->slot[j].n; i++) {
            uint32_t t = p->slot[j].term[i];
            df[j] += m->terms[t + 1].first - m->terms[t].first;
        }
        int at = j; /* insertion by df, ties in slot order */
        while (at > 0 && df[p->order[at - 1]] > df[j]) {
            p->order[at] = p->order[at - 1];
            at--;
        }
        p->order[at] = j;
    }
    free(df);
    return VN_OK;
}

static int count_cursors(const phrase *p)
{
    int k = 0;
    for (int j = 0; j < p->nslot; j++)
        k += p->slot[j].n;
    return k;
}

static cursor *phrase_cursors(const vn_mem *m, const phrase *p)
{
    int k = count_cursors(p), at = 0;
    cursor *c = calloc((size_t)k + 1, sizeof *c);
    if (c == NULL)
        return NULL;
    for (int j = 0; j < p->nslot; j++)
        for (int i = 0; i < p->slot[j].n; i++)
            c[at++] = term_cursor(m, p->slot[j].term[i]);
    return c;
}

/* Clear from p->bits, over its words [from, to), the rows where p's
 * terms do not follow one another. */
static int check_follow(const vn_mem *m, phrase *p, size_t from, size_t to)
{
    cursor *c = phrase_cursors(m, p);
    uint32_t *starts = NULL;
    size_t cap = 0;
    int rc = c != NULL ? VN_OK : VN_ENOMEM;
    for (size_t w = from; rc == VN_OK && w < to; w++)
        for (uint64_t x = p->bits[w]; x != 0; x &= x - 1) {
            int32_t id = (int32_t)(w * 64 + (size_t)__builtin_ctzll(x));
            size_t n = 0;
            rc = phrase_starts(m, p, c, id, 1, &starts, &cap, &n);
            if (rc == VN_OK && n == 0)
                p->bits[w] &= ~((uint64_t)1 << (id & 63));
        }
    free(c);
    free(starts);
    return rc;
}

typedef struct check_job {
    const vn_mem *m;
    phrase *p;
    size_t from, to;
    int rc;
} check_job;

static void *check_thread(void *arg)
{
    check_job *j = arg;
    j->rc = check_follow(j->m, j->p, j->from, j->to);
    return NULL;
}

/* The articles holding phrase p: the first slot's terms' articles (for a
 * phrase of several positions, those where the rest follows). */
static int phrase_bits(const vn_mem *m, phrase *p, size_t words)
{
    p->bits = calloc(words, sizeof *p->bits);
    if (p->bits == NULL || order_slots(m, p) != VN_OK)
        return VN_ENOMEM;
    uint64_t *acc = NULL;
    for (int j = 0; j < p->nslot; j++) {
        uint64_t *b = j == 0 ? p->bits : acc;
        if (j == 1 && (acc = calloc(words, sizeof *acc)) == NULL)
            return VN_ENOMEM;
        if (j > 0) {
            b = acc;
            memset(b, 0, words * sizeof *b);
        }
        for (int i = 0; i < p->slot[j].n; i++) {
            uint32_t t = p->slot[j].term[i];
            if (m->tset[t] != UINT32_MAX) {
                const uint64_t *set = m->sets + (size_t)m->tset[t] * words;
                for (size_t w = 0; w < words; w++)
                    b[w] |= set[w];
                continue;
            }
            cursor c = term_cursor(m, t);
            for (uint32_t e = c.at; e < c.end; e++)
                set_bit(b, m->doc[e]);
        }
        if (j > 0)
            for (size_t w = 0; w < words; w++)
                p->bits[w] &= acc[w];
    }
    free(acc);
    if (p->nslot < 2)
        return VN_OK;
    /* candidates holding every position's terms: check they follow, in
     * two halves on two cores when there are many */
    size_t half = words, ncand = bits_count(p->bits, words), seen = 0;
    if (ncand >= m->split)
        for (half = 0; half < words && seen < ncand / 2; half++)
            seen += (size_t)__builtin_popcountll(p->bits[half]);
    check_job late = {m, p, half, words, VN_OK};
    pthread_t th;
    int threaded = half < words && pthread_create(&th, NULL, check_thread, &late) == 0;
    int rc = check_follow(m, p, 0, threaded ? half : words);
    if (threaded && pthread_join(th, NULL) != 0)
        abort(); /* a joinable thread of ours: cannot fail */
    if (threaded && rc == VN_OK)
        rc = late.rc;
    return rc;
}

/* The articles matching the root (the last node), into a new bit set:
 * each node from its children's, which come before it. */
static uint64_t *eval(const expr *e, size_t words)
{
    uint64_t **bits = calloc((size_t)e->nnd + 1, sizeof *bits), *out = NULL;
    int ok = bits != NULL;
    for (int n = 0; ok && n < e->nnd; n++) {
        const node *d = &e->nd[n];
        uint64_t *r = bits[n] = malloc(words * sizeof *r);
        if (r == NULL) {
            ok = 0;
            break;
        }
        if (d->type == N_PHRASE) {
            memcpy(r, e->ph[d->phrase].bits, words * sizeof *r);
            continue;
        }
        const uint64_t *a = bits[d->a], *b = bits[d->b];
        for (size_t w = 0; w < words; w++)
            r[w] = d->type == N_AND ? a[w] & b[w] : d->type == N_OR ? a[w] | b[w] : a[w] & ~b[w];
        free(bits[d->a]);
        free(bits[d->b]);
        bits[d->a] = bits[d->b] = NULL;
    }
    if (ok && e->nnd > 0) {
        out = bits[e->nnd - 1];
        bits[e->nnd - 1] = NULL;
    }
    for (int n = 0; bits != NULL && n < e->nnd; n++)
        free(bits[n]);
    free(bits);
    return out;
}

/* ---- ranking and ordering ---------------------------------------------------------- */

typedef struct hit {
    int32_t id;
    double key;
} hit;

typedef struct order {
    const vn_mem *m;
    int sort;
} order;

static const char *date_of(const vn_mem *m, int32_t id)
{
    return m->date[id] == UINT32_MAX ? NULL : m->dates.data + m->date[id];
}

/* Q_SEARCH's and Q_SEARCH_F's ORDER BY: dates first when sorting by
 * them (undated last), then the key, then the id. */
static int before(const order *o, const hit *x, const hit *y)
{
    if (o->sort != VN_SORT_RELEVANCE) {
        const char *dx = date_of(o->m, x->id), *dy = date_of(o->m, y->id);
        if ((dx == NULL) != (dy == NULL))
            return dy == NULL;
        if (dx != NULL) {
            int c = strcmp(dx, dy);
            if (c != 0)
                return o->sort == VN_SORT_DATE ? c > 0 : c < 0;
        }
    }
    if (x->key != y->key)
        return x->key < y->key;
    return x->id < y->id;
}

/* A heap of the best k so far, the worst on top. */
/* Push x; OUT: *out, the hit left out (x, or the worst it replaced),
 * and 1 returned, when the heap was full. */
static int heap_push(const order *o, hit *h, int *n, int k, hit x, hit *out)
{
    int i;
    if (*n < k) {
        i = (*n)++;
        for (; i > 0 && before(o, &h[(i - 1) / 2], &x); i = (i - 1) / 2)
            h[i] = h[(i - 1) / 2];
        h[i] = x;
        return 0;
    }
    if (!before(o, &x, &h[0])) {
        *out = x;
        return 1;
    }
    *out = h[0];
    i = 0;
    for (;;) {
        int c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && before(o, &h[c], &h[c + 1]))
            c++;
        if (!before(o, &x, &h[c]))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = x;
    return 1;
}

/* Sort a heap of n (the worst on top) into order, best first. */
static void heap_sort(const order *o, hit *h, int n)
{
    for (int end = n - 1; end > 0; end--) {
        hit x = h[end];
        h[end] = h[0];
        int i = 0;
        for (;;) {
            int c = 2 * i + 1;
            if (c >= end)
                break;
            if (c + 1 < end && before(o, &h[c], &h[c + 1]))
                c++;
            if (!before(o, &x, &h[c]))
                break;
            h[i] = h[c];
            i = c;
        }
        h[i] = x;
    }
}

static int in_dates(const vn_mem *m, const vn_mem_query *q, int32_t id)
{
    if (q->since == NULL && q->until == NULL)
        return 1;
    const char *d = date_of(m, id);
    return d != NULL && (q->since == NULL || strcmp(d, q->since) >= 0)
        && (q->until == NULL || strcmp(d, q->until) <= 0);
}

/* One phrase's instances in a row: sorted start positions. */
typedef struct run {
    const uint32_t *v;
    uint32_t n, at;
    int phrase;
} run;

static int run_before(const run *x, const run *y)
{
    uint32_t a = x->v[x->at], b = y->v[y->at];
    return a != b ? a < b : x->phrase < y->phrase;
}

static void run_sift(run **h, int n, int i)
{
    for (;;) {
        int c = 2 * i + 1;
        if (c >= n)
            break;
        if (c + 1 < n && run_before(h[c + 1], h[c]))
            c++;
        if (!run_before(h[c], h[i]))
            break;
        run *t = h[i];
        h[i] = h[c];
        h[c] = t;
        i = c;
    }
}

/* How many of n sorted positions are the body's (column 0): the few
 * title positions come last. */
static uint32_t body_count(const uint32_t *v, uint32_t n)
{
    while (n > 0 && v[n - 1] >= 1u << COL_SHIFT)
        n--;
    return n;
}

/* n sorted positions of one group counted by column into r. */
static void count_positions(vn_ranker *r, int group, const uint32_t *v, uint32_t n)
{
    uint32_t split = body_count(v, n);
    vn_ranker_count(r, group, 0, split);
    vn_ranker_count(r, group, 1, n - split); /* NCOL_MAX: the title is column 1 */
}

/* The runs' instances counted by column. */
static void row_counts(vn_ranker *r, const int *map, const run *runs, int nrun)
{
    for (int i = 0; i < nrun; i++)
        count_positions(r, map[runs[i].phrase], runs[i].v, runs[i].n);
}

/* At least as many instances of phrase p in row id, by column, as it
 * has, counted into r as group's: the positions of its rarest slot's
 * terms (an instance starting at s has one of them at s + slot, in the
 * same column), without checking the other slots. Moves p's cursors
 * forward. */
static void count_bound(const vn_mem *m, const phrase *p, cursor *c, int32_t id, vn_ranker *r,
                        int group)
{
    int j = p->order[0];
    for (int i = 0, k = p->kbase[j]; i < p->slot[j].n; i++, k++)
        if (seek(m, &c[k], id)) {
            uint32_t e = c[k].at, len = m->pfirst[e + 1] - m->pfirst[e];
            count_positions(r, group, m->pos + m->pfirst[e], len);
        }
}

/* The runs' instances in FTS5's xInst order (position, then phrase): a
 * merge, looking at each run when there are few, else through a heap. */
typedef struct merger {
    run **h;           /* the runs not yet done; caller's, nrun entries */
    int n, small;
} merger;

static void merge_start(merger *mg, run *runs, int nrun, run **h)
{
    mg->h = h;
    mg->n = 0;
    for (int i = 0; i < nrun; i++)
        if (runs[i].n > 0)
            h[mg->n++] = &runs[i];
    mg->small = mg->n <= MERGE_LINEAR;
    for (int i = mg->n / 2 - 1; !mg->small && i >= 0; i--)
        run_sift(h, mg->n, i);
}

/* The next instance: its phrase and position. Returns 0 when done. */
static inline int merge_next(merger *mg, int *ph, uint32_t *pos)
{
    if (mg->n == 0)
        return 0;
    int b = 0;
    for (int i = 1; mg->small && i < mg->n; i++)
        b = run_before(mg->h[i], mg->h[b]) ? i : b;
    run *t = mg->h[b];
    *ph = t->phrase;
    *pos = t->v[t->at];
    if (++t->at == t->n)
        mg->h[b] = mg->h[--mg->n];
    if (!mg->small)
        run_sift(mg->h, mg->n, 0);
    return 1;
}

static int feed_runs(vn_ranker *r, int ngroup, const int *map, run *runs, int nrun, run **h)
{
    int rc = VN_OK, ph;
    uint32_t pos;
    if (ngroup < 2) {
        row_counts(r, map, runs, nrun);
        return VN_OK;
    }
    merger mg;
    merge_start(&mg, runs, nrun, h);
    while (rc == VN_OK && merge_next(&mg, &ph, &pos))
        rc = vn_ranker_add(r, map[ph], (int)(pos >> COL_SHIFT), (int)(pos & OFF_MAX));
    return rc;
}

/* Phrase p's instances in row id as a run: straight from the term's
 * positions for a phrase of one word without spellings, else through
 * phrase_starts into buf. */
static int phrase_run(const vn_mem *m, const phrase *p, cursor *c, int32_t id, uint32_t **buf,
                      size_t *cap, run *out)
{
    out->at = 0;
    if (p->nslot == 1 && p->slot[0].n == 1) {
        if (!seek(m, &c[0], id)) {
            out->n = 0;
            return VN_OK;
        }
        uint32_t e = c[0].at;
        out->v = m->pos + m->pfirst[e];
        out->n = m->pfirst[e + 1] - m->pfirst[e];
        return VN_OK;
    }
    size_t n = 0;
    int rc = phrase_starts(m, p, c, id, 0, buf, cap, &n);
    out->v = *buf;
    out->n = (uint32_t)n;
    return rc;
}

/* The least distance between a position of run x and one of run y
 * (positions of different columns are 2^28 apart at least). */
static uint32_t run_gap(const run *x, const run *y)
{
    uint32_t best = UINT32_MAX, i = 0, j = 0;
    while (i < x->n && j < y->n && best > 0) {
        uint32_t a = x->v[i], b = y->v[j];
        uint32_t d = a < b ? b - a : a - b;
        best = d < best ? d : best;
        if (a < b)
            i++;
        else
            j++;
    }
    return best;
}

/* The query's positive phrases by group, and the groups in the order
 * rows load them: the fewest articles first. */
typedef struct groups {
    int *first;        /* ngroup + 1: group g's phrases are ph[first[g]..first[g + 1]) */
    int *ph;
    int *order;        /* ngroup */
    int *from;         /* ngroup + 1: scratch for row_runs */
    int lsum;          /* the groups' sizes summed: a window of proximity 1 */
} group_ix;

/* The least distance between an instance of runs a[0..na) and one of
 * b[0..nb) (UINT32_MAX: none). */
static uint32_t runs_gap(const run *a, int na, const run *b, int nb)
{
    uint32_t d = UINT32_MAX;
    for (int i = 0; i < na; i++)
        for (int j = 0; j < nb; j++) {
            uint32_t gap = run_gap(&a[i], &b[j]);
            d = gap < d ? gap : d;
        }
    return d;
}

/* Row id's runs, one per positive phrase it holds, through the
 * phrases' cursors cur (moved forward), a group's runs together and
 * the rarest group first. With near set, stops as soon as the row
 * cannot have proximity 1 (vn_snip.c column_proximity, every instance
 * looked at): fewer than two groups, or two whose nearest instances
 * stand lsum or more apart, where a window of lsum tokens holds them
 * all; *near is then 0. */
static int row_runs(const vn_mem *m, const expr *e, const group_ix *gs, int32_t id, cursor **cur,
                    uint32_t **buf, size_t *cap, run *runs, int *nrun, int *near)
{
    int rc = VN_OK, present = 0, *from = gs->from;
    *nrun = 0;
    for (int o = 0; rc == VN_OK && o < e->ngroup; o++) {
        int g = gs->order[o], start = *nrun;
        for (int i = gs->first[g]; rc == VN_OK && i < gs->first[g + 1]; i++) {
            int p = gs->ph[i];
            if (!get_bit(e->ph[p].bits, id))
                continue;
            runs[*nrun].phrase = p;
            rc = phrase_run(m, &e->ph[p], cur[p], id, &buf[p], &cap[p], &runs[*nrun]);
            *nrun += runs[*nrun].n > 0;
        }
        if (*nrun == start || near == NULL)
            continue;
        from[present++] = start;
        from[present] = *nrun;
        for (int q = 0; q + 1 < present && *near; q++) { /* each group loaded before */
            uint32_t d = runs_gap(&runs[from[q]], from[q + 1] - from[q], &runs[start],
                                  *nrun - start);
            *near = d < (uint32_t)gs->lsum;
        }
        if (!*near)
            return rc;
    }
    if (near != NULL)
        *near = *near && present >= 2;
    return rc;
}

static int rank_row(vn_ranker *r, int ngroup, const int *map, run *runs, int nrun, run **h,
                    int size, double *key)
{
    vn_ranker_row(r);
    int rc = feed_runs(r, ngroup, map, runs, nrun, h);
    return rc == VN_OK ? vn_ranker_key(r, size, key) : rc;
}

/* The largest proximity a row with these runs can have (vn_snip.c
 * column_proximity): none with fewer than two groups. Any window holding
 * all the row's groups (vn_rank asks that of a window also when it
 * looks at the first VN_SNIP_INST_MAX instances only) holds the two with
 * the fewest instances, so it is wider than their least distance d:
 * when d + 1 exceeds the groups' total size, proximity is at most
 * VN_RANK_P_APART * size / (d + 1), as column_proximity computes it. */
static double best_proximity(const expr *e, const run *runs, int nrun, int *gcount)
{
    int k = 0, lsum = 0;
    for (int i = 0; i < nrun; i++) {
        int g = e->map[runs[i].phrase];
        if (gcount[g] == 0) {
            k++;
            lsum += e->psize[g];
        }
        gcount[g] += (int)runs[i].n;
    }
    int a = -1, b = -1;
    for (int i = 0; i < nrun; i++) { /* the two groups with the fewest */
        int g = e->map[runs[i].phrase];
        if (g == a || g == b)
            continue;
        if (a < 0 || gcount[g] < gcount[a]) {
            b = a;
            a = g;
        } else if (b < 0 || gcount[g] < gcount[b]) {
            b = g;
        }
    }
    uint32_t d = UINT32_MAX;
    for (int i = 0; b >= 0 && i < nrun; i++)
        for (int j = 0; e->map[runs[i].phrase] == a && j < nrun; j++)
            if (e->map[runs[j].phrase] == b) {
                uint32_t gap = run_gap(&runs[i], &runs[j]);
                d = gap < d ? gap : d;
            }
    for (int i = 0; i < nrun; i++)
        gcount[e->map[runs[i].phrase]] = 0;
    if (k < 2 || d == UINT32_MAX)
        return VN_RANK_P_NONE; /* no column holds them all */
    if ((uint64_t)d + 1 <= (uint64_t)lsum)
        return VN_RANK_P_ADJACENT;
    return VN_RANK_P_APART * (double)lsum / (double)((uint64_t)d + 1);
}

static int cmp_hit_id(const void *a, const void *b)
{
    const hit *x = a, *y = b;
    return (x->id > y->id) - (x->id < y->id);
}

/* The rows left out of the page that may yet tie with its last row. */
typedef struct ties {
    hit *v;
    size_t n, cap;
    size_t sweep_at;   /* drop those that no longer can when n reaches it */
    int want;          /* at most this many kept (0: none wanted) */
} ties;

/* Push x; a row left out is kept in t while it could still tie with the
 * page's last row (the same key, vn_store's keep_ties): the last row's
 * key only gets smaller. */
static int push(const order *o, hit *heap, int *nheap, int k, hit x, ties *t)
{
    hit out;
    if (!heap_push(o, heap, nheap, k, x, &out) || t->want == 0)
        return VN_OK;
    double lim = heap[0].key;
    if (out.key > lim)
        return VN_OK;
    if (t->n >= t->sweep_at) {
        size_t w = 0;
        for (size_t i = 0; i < t->n; i++)
            if (t->v[i].key <= lim)
                t->v[w++] = t->v[i];
        t->n = w;
        t->sweep_at = 2 * w + 64;
    }
    hit *v = vn_grow(t->v, &t->cap, t->n + 1, sizeof *v);
    if (v == NULL)
        return VN_ENOMEM;
    (t->v = v)[t->n++] = out;
    return VN_OK;
}

/* gs for e: its positive phrases by group; the groups by nhit, their
 * articles, the fewest first (ties in group order). */
static int groups_make(const expr *e, const int64_t *nhit, group_ix *gs)
{
    int ng = e->ngroup;
    gs->first = calloc((size_t)ng + 2, sizeof *gs->first);
    gs->ph = malloc(((size_t)e->nph + 1) * sizeof *gs->ph);
    gs->order = malloc(((size_t)ng + 1) * sizeof *gs->order);
    gs->from = malloc(((size_t)ng + 1) * sizeof *gs->from);
    if (gs->first == NULL || gs->ph == NULL || gs->order == NULL || gs->from == NULL)
        return VN_ENOMEM;
    for (int p = 0; p < e->nph; p++)
        gs->first[e->map[p] + 1] += e->ph[p].positive;
    for (int g = 0; g < ng; g++)
        gs->first[g + 1] += gs->first[g];
    int *at = gs->from; /* each group's next place, then scratch */
    memcpy(at, gs->first, (size_t)ng * sizeof *at);
    for (int p = 0; p < e->nph; p++)
        if (e->ph[p].positive)
            gs->ph[at[e->map[p]]++] = p;
    gs->lsum = 0;
    for (int g = 0; g < ng; g++) {
        int o = g;
        while (o > 0 && nhit[gs->order[o - 1]] > nhit[g]) {
            gs->order[o] = gs->order[o - 1];
            o--;
        }
        gs->order[o] = g;
        if (gs->first[g + 1] > gs->first[g]) /* a group only under a NOT has no instances */
            gs->lsum += e->psize[g];
    }
    return VN_OK;
}

static void groups_free(group_ix *gs)
{
    free(gs->first);
    free(gs->ph);
    free(gs->order);
    free(gs->from);
}

/* 1 when a row of key x can neither enter the page nor tie with its last. */
static int left_out(const order *o, const hit *heap, const ties *t, const hit *x)
{
    return t->want > 0 ? x->key > heap[0].key : !before(o, x, &heap[0]);
}

/* One query's ranking: the page so far and the scratch of its rows. */
typedef struct ranking {
    const vn_mem *m;
    const expr *e;
    order o;
    hit *heap;         /* the best k so far, the worst on top */
    int k, nheap;
    ties *t;
    vn_ranker *r;
    group_ix gs;
    cursor **cur;      /* per positive phrase */
    uint32_t **buf;    /* per phrase: its run when built */
    size_t *cap;
    run *runs;
    run **h;           /* merge scratch */
    int *gcount;       /* best_proximity scratch, zero between rows */
    /* gather_counts: per match, per group, instances in the body and in
     * the title (at least as many; exactly, for phrases of one term) */
    uint32_t *counts;  /* NULL, or 2 * ngroup per match, in id order */
    uint32_t *before;  /* per word of match: the matches in the words before */
    const uint64_t *match;
    int exact;         /* one group of one-term phrases: keys from counts alone */
    int gathered;      /* gather_counts was called */
    int32_t counted_from; /* the first row it counted */
    int by_rank;
    int monotone;      /* more instances never lower BM25 (no column weighs below 0) */
} ranking;

/* Where row id (a match) stands among the matches. */
static size_t match_index(const ranking *g, int32_t id)
{
    size_t w = (uint32_t)id >> 6;
    uint64_t below = (g->match[w] << 1 << (63 - (id & 63))); /* bits under id's */
    return g->before[w] + (size_t)__builtin_popcountll(below);
}

/* Row id's gathered counts into g->r, for vn_ranker_best. */
static void row_counted(ranking *g, int32_t id)
{
    int ng = g->e->ngroup;
    const uint32_t *c = g->counts + match_index(g, id) * 2 * (size_t)ng;
    vn_ranker_row(g->r);
    for (int grp = 0; grp < ng; grp++) {
        vn_ranker_count(g->r, grp, 0, c[2 * grp]);
        vn_ranker_count(g->r, grp, 1, c[2 * grp + 1]);
    }
}

/* Counts of the matches from id `from` on, per group, into g->counts,
 * term by term, each term's entries read in order: a few nanoseconds an
 * entry, where a row read through cursors costs a few hundred, so they
 * are gathered once rows start being left on counts (consider). Each
 * phrase counts the positions of its rarest slot's terms (count_bound's
 * bound; exact for a phrase of one term). Left NULL when they would take
 * more than COUNTS_MAX bytes. With one group of one-term phrases (a word
 * and its spellings) and from 0, g->exact: the keys come from the
 * counts alone. */
static int gather_counts(ranking *g, int32_t from)
{
    const vn_mem *m = g->m;
    const expr *e = g->e;
    const uint64_t *match = g->match;
    size_t nmatch = 0, per = 2 * (size_t)e->ngroup;
    g->gathered = 1;
    if (!g->by_rank || e->ngroup < 1)
        return VN_OK;
    g->before = malloc((m->words + 1) * sizeof *g->before);
    if (g->before == NULL)
        return VN_ENOMEM;
    for (size_t w = 0; w < m->words; w++) {
        g->before[w] = (uint32_t)nmatch;
        nmatch += (size_t)__builtin_popcountll(match[w]);
    }
    if (nmatch * per * sizeof *g->counts > COUNTS_MAX)
        return VN_OK;
    g->counts = calloc(nmatch * per + 1, sizeof *g->counts);
    if (g->counts == NULL)
        return VN_ENOMEM;
    g->counted_from = from;
    g->exact = e->ngroup == 1 && from == 0;
    for (int p = 0; p < e->nph; p++) {
        const phrase *ph = &e->ph[p];
        if (!ph->positive)
            continue;
        g->exact = g->exact && ph->nslot == 1 && ph->slot[0].n == 1;
        const slot *sl = &ph->slot[ph->order[0]];
        for (int i = 0; i < sl->n; i++) {
            cursor c = term_cursor(m, sl->term[i]);
            seek(m, &c, from);
            for (uint32_t at = c.at; at < c.end; at++) {
                int32_t id = m->doc[at];
                if (!get_bit(match, id))
                    continue;
                uint32_t n = m->pfirst[at + 1] - m->pfirst[at];
                uint32_t split = body_count(m->pos + m->pfirst[at], n);
                uint32_t *c2 = g->counts + match_index(g, id) * per + 2 * (size_t)e->map[p];
                c2[0] += split;
                c2[1] += n - split;
            }
        }
    }
    return VN_OK;
}

/* Rank row id and push it, unless the best key it could have shows that
 * it cannot enter the page (nor tie with its last): by date, its date
 * decides; by rank with g->exact, its gathered counts are its key; else
 * three steps, each only when the one before lets the row in:
 * - when proximity cannot decide (one group, or a page of rows with
 *   proximity 1): BM25 from counts at least the row's, gathered
 *   (gather_counts) or from its phrases' rarest slots (count_bound);
 * - with near set: the groups' runs, the rarest first, until two stand
 *   too far apart for proximity 1: the row is left, *near 0 (row_runs);
 * - BM25 from the row's counts with the largest proximity its two
 *   rarest groups allow (best_proximity). */
static int consider(ranking *g, int32_t id, int *near)
{
    const vn_mem *m = g->m;
    const expr *e = g->e;
    hit hi = {id, g->by_rank ? 0.0 : -HUGE_VAL};
    int full = g->nheap == g->k, nrun = 0;
    if (full && !g->by_rank && left_out(&g->o, g->heap, g->t, &hi))
        return VN_OK;
    if (g->exact) { /* its key from its counts, as rank_row has it */
        row_counted(g, id);
        hi.key = vn_ranker_best(g->r, m->size[id], VN_RANK_P_NONE);
        return full && left_out(&g->o, g->heap, g->t, &hi)
            ? VN_OK : push(&g->o, g->heap, &g->nheap, g->k, hi, g->t);
    }
    int tier = full && g->by_rank && vn_rank_first_tier(g->heap[0].key);
    if (full && g->by_rank && g->monotone && (e->ngroup < 2 || tier)) {
        int rc = g->gathered ? VN_OK : gather_counts(g, id);
        if (rc != VN_OK)
            return rc;
        if (g->counts != NULL && id >= g->counted_from) {
            row_counted(g, id);
        } else {
            vn_ranker_row(g->r);
            for (int p = 0; p < e->nph; p++)
                if (e->ph[p].positive && get_bit(e->ph[p].bits, id))
                    count_bound(m, &e->ph[p], g->cur[p], id, g->r, e->map[p]);
        }
        hi.key = vn_ranker_best(g->r, m->size[id], VN_RANK_P_ADJACENT);
        if (left_out(&g->o, g->heap, g->t, &hi))
            return VN_OK;
    }
    int rc = row_runs(m, e, &g->gs, id, g->cur, g->buf, g->cap, g->runs, &nrun, near);
    if (rc != VN_OK || (near != NULL && !*near))
        return rc;
    if (full && g->by_rank) {
        vn_ranker_row(g->r);
        row_counts(g->r, e->map, g->runs, nrun);
        hi.key = vn_ranker_best(g->r, m->size[id], best_proximity(e, g->runs, nrun, g->gcount));
        if (left_out(&g->o, g->heap, g->t, &hi))
            return VN_OK;
    }
    rc = rank_row(g->r, e->ngroup, e->map, g->runs, nrun, g->h, m->size[id], &hi.key);
    return rc == VN_OK ? push(&g->o, g->heap, &g->nheap, g->k, hi, g->t) : rc;
}

static void free_cursors(ranking *g)
{
    for (int p = 0; g->cur != NULL && p < g->e->nph; p++) {
        free(g->cur[p]);
        g->cur[p] = NULL;
    }
}

/* Fresh cursors for the positive phrases (any already there freed). */
static int new_cursors(ranking *g)
{
    free_cursors(g);
    for (int p = 0; p < g->e->nph; p++)
        if (g->e->ph[p].positive && (g->cur[p] = phrase_cursors(g->m, &g->e->ph[p])) == NULL)
            return VN_ENOMEM;
    return VN_OK;
}

/* The matches' page in heap (*nheap rows of k) and ties t; *total, the
 * matches within the dates. Rows go in id order, since the cursors only
 * move forward. By rank with two groups or more, in two passes: the
 * rows that may have proximity 1 first, the rows that cannot after, and
 * only when the page is not then full of rows of proximity 1. */
static int rank_matches(const vn_mem *m, expr *e, const uint64_t *match, const vn_mem_query *q,
                        hit *heap, int k, int *nheap, ties *t, int64_t *total)
{
    int rc = VN_OK, nph = e->nph, ngroup = e->ngroup, *map = e->map;
    ranking g = {
        .m = m, .e = e, .o = {m, q->sort}, .heap = heap, .k = k, .t = t,
        .cur = calloc((size_t)nph + 1, sizeof *g.cur),
        .buf = calloc((size_t)nph + 1, sizeof *g.buf),
        .cap = calloc((size_t)nph + 1, sizeof *g.cap),
        .runs = calloc((size_t)nph + 1, sizeof *g.runs),
        .h = calloc((size_t)nph + 1, sizeof *g.h),
        .gcount = calloc((size_t)ngroup + 1, sizeof *g.gcount),
        .by_rank = q->sort == VN_SORT_RELEVANCE,
        .monotone = q->weights[0] >= 0.0 && q->weights[1] >= 0.0,
    };
    double *idf = calloc((size_t)nph + 1, sizeof *idf);
    int64_t *nhit = calloc((size_t)nph + 1, sizeof *nhit);
    uint64_t *gbits = calloc(m->words, sizeof *gbits);
    int two = g.by_rank && ngroup >= 2;
    uint64_t *later = two ? calloc(m->words, sizeof *later) : NULL; /* without proximity 1 */
    if (idf == NULL || nhit == NULL || gbits == NULL || g.cur == NULL || g.buf == NULL
        || g.cap == NULL || g.runs == NULL || g.h == NULL || g.gcount == NULL
        || (two && later == NULL))
        rc = VN_ENOMEM;
    /* a group's IDF: the rows holding any of its phrases */
    for (int grp = 0; rc == VN_OK && grp < ngroup; grp++) {
        memset(gbits, 0, m->words * sizeof *gbits);
        for (int p = 0; p < nph; p++)
            if (map[p] == grp)
                for (size_t w = 0; w < m->words; w++)
                    gbits[w] |= e->ph[p].bits[w];
        nhit[grp] = (int64_t)bits_count(gbits, m->words);
        idf[grp] = vn_rank_idf(m->nrow, nhit[grp]);
    }
    if (rc == VN_OK)
        rc = groups_make(e, nhit, &g.gs);
    if (rc == VN_OK
        && (g.r = vn_ranker_new(ngroup, e->psize, idf, m->avgdl, q->weights, 2)) == NULL)
        rc = VN_ENOMEM;
    g.match = match;
    if (rc == VN_OK && ngroup == 1) /* for every key */
        rc = gather_counts(&g, 0);
    if (rc == VN_OK && !g.exact)
        rc = new_cursors(&g);
    *total = 0;
    int64_t nlater = 0;
    for (size_t w = 0; rc == VN_OK && w < m->words; w++)
        for (uint64_t x = match[w]; rc == VN_OK && x != 0; x &= x - 1) {
            int32_t id = (int32_t)(w * 64 + (size_t)__builtin_ctzll(x));
            if (!in_dates(m, q, id))
                continue;
            if (m->size[id] < 0) {
                rc = VN_EINVAL; /* no docsize row: FTS5 would ask xColumnSize */
                break;
            }
            (*total)++;
            int near = 1;
            rc = consider(&g, id, two ? &near : NULL);
            if (!near) {
                set_bit(later, id);
                nlater++;
            }
        }
    /* then the rows left for proximity below 1 (two groups too far
     * apart for a window of the groups' sizes, or fewer than two) */
    if (rc == VN_OK && nlater > 0 && !(g.nheap == k && vn_rank_first_tier(heap[0].key)))
        rc = new_cursors(&g);
    else
        nlater = 0;
    for (size_t w = 0; rc == VN_OK && nlater > 0 && w < m->words; w++)
        for (uint64_t x = later[w]; rc == VN_OK && x != 0; x &= x - 1)
            rc = consider(&g, (int32_t)(w * 64 + (size_t)__builtin_ctzll(x)), NULL);
    *nheap = g.nheap;
    free_cursors(&g);
    for (int p = 0; g.buf != NULL && p < nph; p++)
        free(g.buf[p]);
    free(g.gcount);
    free(g.counts);
    free(g.before);
    free(g.cur);
    free(g.buf);
    free(g.cap);
    free(g.runs);
    free(g.h);
    free(idf);
    free(nhit);
    free(gbits);
    free(later);
    groups_free(&g.gs);
    vn_ranker_free(g.r);
    return rc;
}

/* Phrase groups (map, psize, ngroup) from groups. */
static int group_phrases(expr *e, const char *groups)
{
    e->map = malloc(((size_t)e->nph + 1) * sizeof *e->map);
    e->psize = calloc((size_t)e->nph + 1, sizeof *e->psize);
    if (e->map == NULL || e->psize == NULL)
        return VN_ENOMEM;
    e->ngroup = vn_rank_groups(groups, e->nph, e->map);
    e->ngroup = e->ngroup > 0 ? e->ngroup : e->nph;
    for (int p = 0; p < e->nph; p++) {
        int g = e->map[p];
        e->psize[g] = e->ph[p].nslot > e->psize[g] ? e->ph[p].nslot : e->psize[g];
    }
    return VN_OK;
}

struct vn_mem_found {
    expr e;
};

/* Parse match with db's tokenizer into f->e and find each phrase's
 * articles. OUT: *ok 0 when vn_mem declines the expression. */
static int prepare(const vn_mem *m, fts5_api *api, const char *match, const char *groups,
                   vn_mem_found *f, int *ok)
{
    void *ud = NULL;
    expr *e = &f->e;
    *e = (expr){.m = m, .p = match};
    *ok = 0;
    if (api == NULL || match == NULL
        || api->xFindTokenizer(api, VN_TOK_NAME, &ud, &e->tk) != SQLITE_OK
        || e->tk.xCreate(ud, NULL, 0, &e->tok) != SQLITE_OK) {
        e->tok = NULL;
        return VN_OK;
    }
    int root = parse_level(e, 0);
    skip_space(e);
    if (root >= 0 && (*e->p != '\0' || root != e->nnd - 1))
        e->declined = 1;
    if (root >= 0 && !e->declined && e->rc == VN_OK)
        e->rc = check_shape(e, root);
    int rc = e->rc;
    /* a bit set per phrase: an expression of thousands of spellings over a
     * large archive goes to FTS5 rather than take that much memory */
    if (root >= 0 && (size_t)e->nph * m->words * sizeof(uint64_t) > QUERY_BITS_MAX)
        e->declined = 1;
    if (rc == VN_OK && !e->declined && root >= 0)
        rc = group_phrases(e, groups);
    for (int p = 0; rc == VN_OK && !e->declined && root >= 0 && p < e->nph; p++)
        rc = phrase_bits(m, &e->ph[p], m->words);
    *ok = rc == VN_OK && !e->declined && root >= 0;
    return rc;
}

static int mem_fail(int rc, vn_err *err)
{
    if (rc == VN_ENOMEM)
        return vn_err_set(err, rc, "out of memory ranking a query");
    if (rc != VN_OK)
        return vn_err_set(err, rc, "cannot tokenize the query");
    return VN_OK;
}

int vn_mem_rank(const vn_mem *m, fts5_api *api, const vn_mem_query *q, int64_t *id, double *key,
                int *n, int64_t *total, vn_mem_found **found, vn_err *err)
{
    vn_mem_found *f = calloc(1, sizeof *f);
    int ok = 0, handled = 0, rc = VN_OK;
    *found = NULL;
    *n = 0;
    *total = 0;
    if (f == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory ranking a query");
    /* BM25 sums the column weights one instance at a time; vn_mem adds
     * them a column at a time, which is the same sum only for whole
     * numbers (1 and 10 are what vn_store uses) */
    int whole = q->weights[0] == floor(q->weights[0]) && q->weights[1] == floor(q->weights[1]);
    if (whole && q->limit > 0 && q->offset >= 0 && q->offset <= INT32_MAX / 2 - q->limit)
        rc = prepare(m, api, q->match, q->groups, f, &ok);
    if (rc == VN_OK && ok) {
        expr *e = &f->e;
        uint64_t *match = eval(e, m->words);
        int k = q->offset + q->limit, nheap = 0;
        ties t = {.want = q->sort == VN_SORT_RELEVANCE && q->ties_after > 0 ? q->ties_after : 0};
        /* the heap never holds more than the matches */
        size_t nmatch = match != NULL ? bits_count(match, m->words) : 0;
        size_t cap = nmatch < (size_t)k ? nmatch : (size_t)k;
        hit *heap = match != NULL ? malloc((cap + 1) * sizeof *heap) : NULL;
        rc = heap != NULL ? rank_matches(m, e, match, q, heap, k, &nheap, &t, total) : VN_ENOMEM;
        if (rc == VN_OK) {
            order o = {m, q->sort};
            double last = nheap == k ? heap[0].key : 0.0;
            heap_sort(&o, heap, nheap);
            for (int i = q->offset; i < nheap; i++) {
                id[*n] = heap[i].id;
                key[*n] = heap[i].key;
                (*n)++;
            }
            /* then the rows tied with the last (its key), in id order */
            size_t w = 0;
            for (size_t i = 0; nheap == k && i < t.n; i++)
                if (t.v[i].key == last)
                    t.v[w++] = t.v[i];
            if (w > 1)
                qsort(t.v, w, sizeof *t.v, cmp_hit_id);
            for (size_t i = 0; i < w && i < (size_t)t.want; i++) {
                id[*n] = t.v[i].id;
                key[*n] = t.v[i].key;
                (*n)++;
            }
            handled = 1;
        } else if (rc == VN_EINVAL) {
            rc = VN_OK; /* declined: a row FTS5 would size another way */
            *total = 0;
        }
        free(heap);
        free(match);
        free(t.v);
    }
    if (rc == VN_OK && handled) {
        *found = f;
        return VN_OK;
    }
    vn_mem_found_free(f);
    return mem_fail(rc, err);
}

int vn_mem_count(const vn_mem *m, fts5_api *api, const char *match, int64_t *count, int *handled,
                 vn_err *err)
{
    vn_mem_found f = {0};
    int ok = 0;
    *count = 0;
    *handled = 0;
    int rc = prepare(m, api, match, NULL, &f, &ok);
    uint64_t *bits = rc == VN_OK && ok ? eval(&f.e, m->words) : NULL;
    if (rc == VN_OK && ok && bits == NULL)
        rc = VN_ENOMEM;
    *count = bits != NULL ? (int64_t)bits_count(bits, m->words) : 0;
    *handled = bits != NULL;
    free(bits);
    expr_free(&f.e);
    return mem_fail(rc, err);
}

void vn_mem_found_free(vn_mem_found *f)
{
    if (f == NULL)
        return;
    expr_free(&f->e);
    free(f);
}

static int aux_tokenize(void *ctx, const char *text, int ntext, void *tctx,
                        int (*cb)(void *, int, const char *, int, int, int))
{
    const expr *e = ctx;
    return e->tk.xTokenize(e->tok, tctx, FTS5_TOKENIZE_AUX, text, ntext, cb);
}

int vn_mem_snippet(const vn_mem_found *f, int64_t id, const char *const *text, const int *ntext,
                   int ncol, int ntokens, vn_buf *out, vn_err *err)
{
    const expr *e = &f->e;
    const vn_mem *m = e->m;
    int rc = VN_OK, nrun = 0;
    run *runs = calloc((size_t)e->nph + 1, sizeof *runs);
    run **h = calloc((size_t)e->nph + 1, sizeof *h);
    uint32_t **buf = calloc((size_t)e->nph + 1, sizeof *buf);
    size_t *cap = calloc((size_t)e->nph + 1, sizeof *cap), nv = 0, vcap = 0;
    vn_snip_inst *v = NULL;
    if (runs == NULL || h == NULL || buf == NULL || cap == NULL)
        rc = VN_ENOMEM;
    for (int p = 0; rc == VN_OK && id >= 0 && id <= m->maxid && p < e->nph; p++) {
        if (!e->ph[p].positive || !get_bit(e->ph[p].bits, (int32_t)id))
            continue;
        cursor *c = phrase_cursors(m, &e->ph[p]);
        if (c == NULL) {
            rc = VN_ENOMEM;
            break;
        }
        runs[nrun].phrase = p;
        rc = phrase_run(m, &e->ph[p], c, (int32_t)id, &buf[p], &cap[p], &runs[nrun]);
        nrun += runs[nrun].n > 0;
        free(c);
    }
    /* FTS5's xInst order, the first VN_SNIP_INST_MAX */
    merger mg;
    int ph;
    uint32_t pos;
    merge_start(&mg, runs, nrun, h);
    while (rc == VN_OK && nv < VN_SNIP_INST_MAX && merge_next(&mg, &ph, &pos)) {
        vn_snip_inst *g = vn_grow(v, &vcap, nv + 1, sizeof *v);
        if (g == NULL) {
            rc = VN_ENOMEM;
            break;
        }
        v = g;
        v[nv++] = (vn_snip_inst){e->map[ph], (int)(pos >> COL_SHIFT), (int)(pos & OFF_MAX)};
    }
    if (rc == VN_OK)
        rc = vn_snip_text(v, (int)nv, e->ngroup, e->psize, text, ntext, ncol, ntokens,
                          aux_tokenize, (void *)e, out);
    for (int p = 0; buf != NULL && p < e->nph; p++)
        free(buf[p]);
    free(buf);
    free(cap);
    free(runs);
    free(h);
    free(v);
    if (rc == VN_ENOMEM)
        return vn_err_set(err, rc, "out of memory making a snippet");
    if (rc != VN_OK)
        return vn_err_set(err, rc, "cannot make a snippet");
    return VN_OK;
}
