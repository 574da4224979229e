/* vn_suggest.c: see vn_suggest.h.
 *
 * Words become arrays of units: a letter is (base << 3 | quality), a
 * space is ' ' << 3, and each syllable ends with a tone unit (TONE_FLAG |
 * tone), so that a tone costs the same wherever it was typed. Distances
 * are kept in hundredths. */
#include "vn_suggest.h"
#include "vn_telex.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define TONE_FLAG 0x80000000u
#define W_LETTER 100   /* a wrong, missing, extra or swapped letter */
#define W_MARK 30      /* a missing or wrong quality mark */
#define W_TONE 30      /* a missing or wrong tone */
#define FAR (INT_MAX / 4)

typedef struct units {
    uint32_t u[VN_SUGGEST_MAX_UNITS];
    int n;
    int nletters;
    int nsyl;
} units;

struct vn_suggest {
    units word;
    int bound;            /* the threshold, in hundredths */
    int free;             /* the word has no marks: marks cost nothing */
    long long min_freq;
    vn_suggest_accept_fn accept; /* may be NULL */
    void *accept_ctx;
    int have;             /* a candidate was kept */
    int best;             /* its distance */
    long long best_freq;
    vn_buf best_word;
};

/* ---- reading words into units ------------------------------------------- */

/* The next code point of s[*i..n), advancing *i; U+FFFD for bad bytes. */
static uint32_t next_cp(const unsigned char *s, size_t n, size_t *i)
{
    uint32_t c = s[*i], min;
    size_t len;
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    len = c >= 0xF0 && c < 0xF5 ? 4 : c >= 0xE0 && c < 0xF0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    min = len == 4 ? 0x10000 : len == 3 ? 0x800 : 0x80;
    c &= 0x7F >> len;
    if (len == 0 || *i + len > n) {
        (*i)++;
        return 0xFFFD;
    }
    for (size_t k = 1; k < len; k++) {
        if ((s[*i + k] & 0xC0) != 0x80) {
            (*i)++;
            return 0xFFFD;
        }
        c = (c << 6) | (s[*i + k] & 0x3F);
    }
    *i += len;
    return c < min || c > 0x10FFFF || (c >= 0xD800 && c < 0xE000) ? 0xFFFD : c;
}

static int is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0;
}

/* Combining marks: tone (1..5) or quality (negated VN_Q_*), else 0. */
static int combining(uint32_t c)
{
    switch (c) {
    case 0x301: return VN_TONE_SAC;
    case 0x300: return VN_TONE_HUYEN;
    case 0x309: return VN_TONE_HOI;
    case 0x303: return VN_TONE_NGA;
    case 0x323: return VN_TONE_NANG;
    case 0x302: return -VN_Q_CIRC;
    case 0x306: return -VN_Q_BREVE;
    case 0x31B: return -VN_Q_HORN;
    default: return 0;
    }
}

static int push(units *w, uint32_t u)
{
    if (w->n == VN_SUGGEST_MAX_UNITS)
        return 0;
    w->u[w->n++] = u;
    return 1;
}

/* Split s into units. Returns 0 when it has too many. */
static int units_read(const char *s, size_t n, units *w)
{
    size_t i = 0;
    int tone = 0, in_syl = 0;
    w->n = w->nletters = w->nsyl = 0;
    while (i < n) {
        uint32_t c = next_cp((const unsigned char *)s, n, &i);
        int mark = combining(c);
        if (mark != 0 && in_syl) { /* NFD: marks follow their letter */
            uint32_t *last = &w->u[w->n - 1];
            if (mark > 0 && tone == 0)
                tone = mark;
            else if (mark < 0 && (*last & 7) == 0)
                *last |= (uint32_t)-mark;
            continue;
        }
        if (is_space(c)) {
            if (in_syl && !push(w, TONE_FLAG | (uint32_t)tone))
                return 0;
            in_syl = tone = 0;
            continue;
        }
        if (!in_syl && w->nsyl > 0 && !push(w, (uint32_t)' ' << 3))
            return 0;
        vn_letter l = vn_letter_split(c);
        if (!push(w, l.base << 3 | l.qual))
            return 0;
        if (tone == 0)
            tone = l.tone;
        w->nsyl += !in_syl;
        w->nletters++;
        in_syl = 1;
    }
    return !in_syl || push(w, TONE_FLAG | (uint32_t)tone);
}

/* ---- the distance ----------------------------------------------------------- */

/* x typed, y offered. With free, a plain letter or no tone in x stands
 * for any marks on y. */
static int sub_cost(uint32_t x, uint32_t y, int free)
{
    if (x == y)
        return 0;
    if ((x | y) & TONE_FLAG)
        return (x & y & TONE_FLAG) ? (free ? 0 : W_TONE) : FAR;
    if ((x >> 3) != (y >> 3))
        return W_LETTER;
    return free ? 0 : W_MARK;
}

/* A syllable's tone unit costs only when it carries a tone. */
static int indel_cost(uint32_t x)
{
    return x & TONE_FLAG ? ((x & 7) ? W_TONE : 0) : W_LETTER;
}

static int min3(int a, int b, int c)
{
    int m = a < b ? a : b;
    return m < c ? m : c;
}

/* Two neighbouring letters swapped (gain/gian), marks charged apart. */
static int swap_cost(const units *a, int j, const units *b, int i, int free)
{
    uint32_t a1 = a->u[j - 1], a2 = a->u[j - 2], b1 = b->u[i - 1], b2 = b->u[i - 2];
    if ((a1 | a2 | b1 | b2) & TONE_FLAG || a1 >> 3 == a2 >> 3
        || a1 >> 3 != b2 >> 3 || a2 >> 3 != b1 >> 3)
        return FAR;
    return W_LETTER + sub_cost(a1, b2, free) + sub_cost(a2, b1, free);
}

/* Optimal-string-alignment distance from a (typed) to b in hundredths, or
 * some value above bound as soon as every alignment costs more than bound.
 * free: see sub_cost. */
static int units_distance(const units *a, const units *b, int bound, int free)
{
    int rows[3][VN_SUGGEST_MAX_UNITS + 1];
    int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    prev[0] = 0;
    for (int j = 1; j <= a->n; j++)
        prev[j] = prev[j - 1] + indel_cost(a->u[j - 1]);
    for (int i = 1; i <= b->n; i++) {
        int row_min;
        cur[0] = prev[0] + indel_cost(b->u[i - 1]);
        row_min = cur[0];
        for (int j = 1; j <= a->n; j++) {
            int d = min3(prev[j] + indel_cost(b->u[i - 1]),
                         cur[j - 1] + indel_cost(a->u[j - 1]),
                         prev[j - 1] + sub_cost(a->u[j - 1], b->u[i - 1], free));
            if (i > 1 && j > 1) {
                int s = swap_cost(a, j, b, i, free);
                if (s < FAR && prev2[j - 2] + s < d)
                    d = prev2[j - 2] + s;
            }
            cur[j] = d;
            if (d < row_min)
                row_min = d;
        }
        if (row_min > bound)
            return bound + 1;
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[a->n];
}

double vn_suggest_distance(const char *a, size_t na, const char *b, size_t nb)
{
    units *ua = malloc(sizeof *ua), *ub = malloc(sizeof *ub);
    double d = -1;
    if (ua != NULL && ub != NULL && units_read(a, na, ua) && units_read(b, nb, ub))
        d = units_distance(ua, ub, FAR, 0) / 100.0;
    free(ua);
    free(ub);
    return d;
}

/* ---- the search --------------------------------------------------------------- */

static int has_marks(const units *w)
{
    for (int i = 0; i < w->n; i++)
        if (w->u[i] & 7)
            return 1;
    return 0;
}

/* Letters allowed by length, plus room for marks when they are charged. */
static int threshold(const units *w, int free)
{
    int letters = w->nletters < 3 ? 0 : w->nletters < 8 ? 1 : 2;
    return letters * W_LETTER + (free ? 0 : w->nsyl * (3 * W_MARK + W_TONE));
}

static int same_units(const units *a, const units *b)
{
    return a->n == b->n && memcmp(a->u, b->u, (size_t)a->n * sizeof a->u[0]) == 0;
}

double vn_suggest_threshold(const char *word, size_t n)
{
    units *w = malloc(sizeof *w);
    double t = 0;
    if (w != NULL && units_read(word, n, w))
        t = threshold(w, !has_marks(w)) / 100.0;
    free(w);
    return t;
}

int vn_suggest_open(vn_suggest **out, const char *word, size_t n,
                    const vn_suggest_opts *opts, vn_err *err)
{
    vn_suggest *sg = calloc(1, sizeof *sg);
    *out = NULL;
    if (sg == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory starting a suggestion");
    if (!units_read(word, n, &sg->word) || sg->word.nletters == 0) {
        free(sg);
        return vn_err_set(err, VN_EINVAL, "no suggestion for '%.*s': %s", (int)(n > 64 ? 64 : n),
                          word, n == 0 ? "empty word" : "word too long");
    }
    sg->free = !has_marks(&sg->word) && (opts == NULL || !opts->plain_strict);
    sg->bound = threshold(&sg->word, sg->free);
    if (opts != NULL && opts->max_dist > 0)
        sg->bound = (int)(opts->max_dist * 100 + 0.5);
    sg->min_freq = opts != NULL ? opts->min_freq : 0;
    sg->accept = opts != NULL ? opts->accept : NULL;
    sg->accept_ctx = opts != NULL ? opts->accept_ctx : NULL;
    *out = sg;
    return VN_OK;
}

void vn_suggest_close(vn_suggest *sg)
{
    if (sg == NULL)
        return;
    vn_buf_free(&sg->best_word);
    free(sg);
}

/* Non-zero when (d, freq, cand) beats the kept candidate. */
static int better(const vn_suggest *sg, int d, long long freq, const char *cand, size_t n)
{
    if (!sg->have || d != sg->best)
        return !sg->have || d < sg->best;
    if (freq != sg->best_freq)
        return freq > sg->best_freq;
    int c = memcmp(cand, sg->best_word.data, n < sg->best_word.len ? n : sg->best_word.len);
    return c < 0 || (c == 0 && n < sg->best_word.len);
}

int vn_suggest_add(vn_suggest *sg, const char *cand, size_t n, long long freq)
{
    units c;
    int bound = sg->have ? sg->best : sg->bound;
    if (freq < sg->min_freq || !units_read(cand, n, &c))
        return VN_OK;
    /* every letter or space more or less costs a whole letter */
    if (abs((c.n - c.nsyl) - (sg->word.n - sg->word.nsyl)) * W_LETTER > bound)
        return VN_OK;
    int d = units_distance(&sg->word, &c, bound, sg->free);
    if (d > bound || !better(sg, d, freq, cand, n) || same_units(&sg->word, &c))
        return VN_OK;
    int take = 1;
    int rc = sg->accept != NULL ? sg->accept(sg->accept_ctx, cand, n, &take) : VN_OK;
    if (rc != VN_OK || !take)
        return rc;
    vn_buf_reset(&sg->best_word);
    rc = vn_buf_add(&sg->best_word, cand, n);
    if (rc != VN_OK) {
        sg->have = 0;
        return rc;
    }
    sg->have = 1;
    sg->best = d;
    sg->best_freq = freq;
    return VN_OK;
}

int vn_suggest_result(const vn_suggest *sg, const char **word, size_t *n,
                      double *dist, long long *freq)
{
    if (word != NULL)
        *word = sg->have ? sg->best_word.data : NULL;
    if (n != NULL)
        *n = sg->have ? sg->best_word.len : 0;
    if (dist != NULL)
        *dist = sg->have ? sg->best / 100.0 : -1;
    if (freq != NULL)
        *freq = sg->have ? sg->best_freq : 0;
    return sg->have;
}

int vn_suggest_best(const char *word, size_t n, vn_vocab_next_fn next,
                    void *ctx, const vn_suggest_opts *opts, vn_buf *out,
                    double *dist, int *found, vn_err *err)
{
    vn_suggest *sg = NULL;
    const char *cand, *best;
    size_t ncand, nbest;
    long long freq;
    int more = 0;
    int rc = vn_suggest_open(&sg, word, n, opts, err);
    *found = 0;
    vn_buf_reset(out);
    while (rc == VN_OK && (more = next(ctx, &cand, &ncand, &freq, err)) == 1)
        rc = vn_suggest_add(sg, cand, ncand, freq);
    if (rc == VN_OK && more < 0)
        rc = err != NULL && err->code != VN_OK ? err->code : VN_EINVAL;
    else if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory looking for a suggestion");
    if (rc == VN_OK && vn_suggest_result(sg, &best, &nbest, dist, NULL)) {
        rc = vn_buf_add(out, best, nbest);
        *found = rc == VN_OK;
        if (rc != VN_OK)
            vn_err_set(err, rc, "out of memory looking for a suggestion");
    }
    if (!*found && dist != NULL)
        *dist = -1;
    vn_suggest_close(sg);
    return rc;
}
