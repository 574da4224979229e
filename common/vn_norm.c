/* vn_norm.c: see vn_norm.h.
 *
 * The text is decoded to UTF-16 a chunk at a time (so memory stays bounded
 * on any input), split by ICU's word break iterator, and each word is
 * normalized: NFKC_Casefold, đ for ð, then the Vietnamese syllable rules
 * on its NFD form, then NFC. Words repeat a lot, so the result for each
 * distinct spelling is cached. */
#include "vn_norm.h"

#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CHUNK_BYTES (64 * 1024)   /* text decoded per break-iterator pass */
#define CHUNK_SLACK (16 * 1024)   /* how far past CHUNK_BYTES to seek a space */
#define WORD_MAX 64               /* UTF-16 units of a word that are kept */
#define NORM_CAP (WORD_MAX * 18)  /* NFKC/NFD may expand a word this much */
#define CACHE_SLOTS 65536         /* power of two */
#define CACHE_ARENA (4u << 20)    /* bytes of cached strings before a reset */

/* One cached word: its UTF-16 spelling as written, and its two forms. */
typedef struct cache_slot {
    uint32_t hash;
    uint32_t key;      /* arena offset of the UTF-16 key; 0 = empty slot */
    uint16_t nkey;     /* UTF-16 units */
    uint16_t ncanon;   /* bytes */
    uint16_t nfold;    /* bytes */
    uint8_t has_marks;
    uint32_t canon;    /* arena offsets of the UTF-8 forms */
    uint32_t fold;
} cache_slot;

struct vn_norm {
    UBreakIterator *bi;
    const UNormalizer2 *nfkc_cf, *nfd, *nfc;
    UChar *u;          /* the decoded chunk */
    int32_t *off;      /* byte offset in the chunk of each unit of u, +1 */
    size_t ucap;
    cache_slot *slots;
    size_t nslots_used;
    char *arena;       /* cache strings; offset 0 is never used */
    size_t narena;
};

/* ---- UTF-8 ---------------------------------------------------------- */

int vn_norm_utf8_clean(const char *src, size_t n, vn_buf *dst,
                       size_t *ninvalid)
{
    static const char fffd[] = "\xEF\xBF\xBD";
    size_t bad = 0, i = 0, run = 0;
    int rc = vn_buf_reserve(dst, n);
    while (rc == VN_OK && i < n) {
        size_t at = i;
        UChar32 c;
        if ((unsigned char)src[i] < 0x80) {
            i++;
            continue;
        }
        U8_NEXT(src, i, n, c);
        if (c >= 0)
            continue;
        /* flush the valid run before the bad sequence, then U+FFFD */
        rc = vn_buf_add(dst, src + run, at - run);
        if (rc == VN_OK)
            rc = vn_buf_add(dst, fffd, 3);
        run = i;
        bad++;
    }
    if (rc == VN_OK)
        rc = vn_buf_add(dst, src + run, n - run);
    if (ninvalid != NULL)
        *ninvalid = bad;
    return rc;
}

int vn_norm_utf8_valid(const char *src, size_t n)
{
    size_t i = 0;
    while (i < n) {
        UChar32 c;
        if ((unsigned char)src[i] < 0x80) {
            i++;
            continue;
        }
        U8_NEXT(src, i, n, c);
        if (c < 0)
            return 0;
    }
    return 1;
}

/* ---- open / close ---------------------------------------------------- */

int vn_norm_open(vn_norm **out, vn_err *err)
{
    UErrorCode st = U_ZERO_ERROR;
    vn_norm *nm = calloc(1, sizeof *nm);
    *out = NULL;
    if (nm == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory opening normalizer");
    nm->nfkc_cf = unorm2_getNFKCCasefoldInstance(&st);
    nm->nfd = unorm2_getNFDInstance(&st);
    nm->nfc = unorm2_getNFCInstance(&st);
    nm->bi = ubrk_open(UBRK_WORD, "vi", NULL, 0, &st);
    if (U_FAILURE(st)) {
        vn_norm_close(nm);
        return vn_err_set(err, VN_EICU, "ICU: cannot open normalizer or word "
                          "break iterator: %s", u_errorName(st));
    }
    nm->ucap = CHUNK_BYTES + CHUNK_SLACK + 8;
    nm->u = malloc(nm->ucap * sizeof *nm->u);
    nm->off = malloc((nm->ucap + 1) * sizeof *nm->off);
    nm->slots = calloc(CACHE_SLOTS, sizeof *nm->slots);
    nm->arena = malloc(CACHE_ARENA);
    if (nm->u == NULL || nm->off == NULL || nm->slots == NULL || nm->arena == NULL) {
        vn_norm_close(nm);
        return vn_err_set(err, VN_ENOMEM, "out of memory opening normalizer");
    }
    nm->narena = 8;
    *out = nm;
    return VN_OK;
}

void vn_norm_close(vn_norm *nm)
{
    if (nm == NULL)
        return;
    if (nm->bi != NULL)
        ubrk_close(nm->bi);
    free(nm->u);
    free(nm->off);
    free(nm->slots);
    free(nm->arena);
    free(nm);
}

/* ---- Vietnamese syllable rules ---------------------------------------- */

enum { Q_NONE, Q_CIRC, Q_BREVE, Q_HORN };

typedef struct unit {
    UChar base;   /* a-z or U+0111 đ */
    uint8_t qual; /* Q_* */
} unit;

typedef struct syllable {
    unit u[8];
    int n;
    UChar tone;   /* combining tone mark, or 0 */
    int tpos;     /* unit carrying it */
} syllable;

static int is_vowel(UChar b)
{
    return b == 'a' || b == 'e' || b == 'i' || b == 'o' || b == 'u' || b == 'y';
}

static int tone_mark(UChar32 c)
{
    return c == 0x300 || c == 0x301 || c == 0x303 || c == 0x309 || c == 0x323;
}

/* Read an NFD lower-case word into *s. Returns 0 when it is not made of
 * Latin letters with Vietnamese marks only (then no rule applies). */
static int syllable_read(const UChar *d, int32_t nd, syllable *s)
{
    s->n = 0;
    s->tone = 0;
    s->tpos = -1;
    for (int32_t i = 0; i < nd; i++) {
        UChar c = d[i];
        if ((c >= 'a' && c <= 'z') || c == 0x111) {
            if (s->n == 8)
                return 0;
            s->u[s->n].base = c;
            s->u[s->n++].qual = Q_NONE;
            continue;
        }
        if (s->n == 0)
            return 0;
        unit *last = &s->u[s->n - 1];
        if (tone_mark(c) && s->tone == 0) {
            s->tone = c;
            s->tpos = s->n - 1;
        } else if (c == 0x302 && last->qual == Q_NONE && strchr("aeo", last->base)) {
            last->qual = Q_CIRC;
        } else if (c == 0x306 && last->qual == Q_NONE && last->base == 'a') {
            last->qual = Q_BREVE;
        } else if (c == 0x31B && last->qual == Q_NONE && strchr("ou", last->base)) {
            last->qual = Q_HORN;
        } else {
            return 0;
        }
    }
    return s->n > 0;
}

/* Length in units of the initial consonant at the start of s, or -1. */
static int initial_len(const syllable *s)
{
    static const char *const clusters[] = {
        "ngh", "ng", "gh", "kh", "nh", "ph", "th", "tr", "ch",
        "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
    };
    char lead[4] = {0};
    if (s->u[0].base == 0x111)
        return 1;
    if (s->n >= 2 && s->u[0].base == 'q')
        return s->u[1].base == 'u' && s->u[1].qual == Q_NONE ? 2 : -1;
    /* gi + vowel: the i belongs to the consonant (già, giữa; not gìn) */
    if (s->n >= 3 && s->u[0].base == 'g' && s->u[1].base == 'i'
        && s->u[1].qual == Q_NONE && is_vowel(s->u[2].base))
        return 2;
    if (is_vowel(s->u[0].base))
        return 0;
    for (int i = 0; i < 3 && i < s->n && s->u[i].base < 0x80; i++)
        lead[i] = (char)s->u[i].base;
    for (size_t k = 0; k < sizeof clusters / sizeof clusters[0]; k++) {
        size_t len = strlen(clusters[k]);
        if (strncmp(lead, clusters[k], len) == 0)
            return (int)len;
    }
    return -1;
}

/* Non-zero when units [from, s->n) spell a final consonant (or nothing). */
static int final_ok(const syllable *s, int from)
{
    static const char *const finals[] = {"", "c", "ch", "m", "n", "ng", "nh", "p", "t"};
    char tail[4] = {0};
    if (s->n - from > 2)
        return 0;
    for (int i = from; i < s->n; i++) {
        if (s->u[i].qual != Q_NONE || s->u[i].base >= 0x80)
            return 0;
        tail[i - from] = (char)s->u[i].base;
    }
    for (size_t k = 0; k < sizeof finals / sizeof finals[0]; k++)
        if (strcmp(tail, finals[k]) == 0)
            return 1;
    return 0;
}

/* Where the tone goes in the vowel run [v0, v1), old style: on the last
 * vowel with a quality mark; else on the last vowel before a final
 * consonant; else the middle of three, the first of two (hòa, thủy). */
static int tone_position(const syllable *s, int v0, int v1, int has_final)
{
    int nv = v1 - v0;
    for (int i = v1 - 1; i >= v0; i--)
        if (s->u[i].qual != Q_NONE)
            return i;
    if (nv == 1)
        return v0;
    if (has_final)
        return v1 - 1;
    return nv == 3 ? v0 + 1 : v0;
}

/* Apply tone placement and the i/y rule to *s. Returns 0 when s does not
 * parse as one Vietnamese syllable (then it is left alone). */
static int syllable_canon(syllable *s)
{
    int ini = initial_len(s);
    if (ini < 0 || ini >= s->n)
        return 0;
    int v1 = ini;
    while (v1 < s->n && is_vowel(s->u[v1].base))
        v1++;
    if (v1 == ini || v1 - ini > 3 || !final_ok(s, v1))
        return 0;
    int has_final = v1 < s->n;
    if (s->tone != 0)
        s->tpos = tone_position(s, ini, v1, has_final);
    /* kĩ = kỹ, lí = lý, quí = quý: the whole rhyme i after these initials */
    if (v1 - ini == 1 && !has_final && s->u[ini].qual == Q_NONE
        && (s->u[ini].base == 'i' || s->u[ini].base == 'y')) {
        static const char y_initials[] = "hklmstq";
        if (ini == 2 ? s->u[0].base == 'q' : (ini == 1 && strchr(y_initials, s->u[0].base)))
            s->u[ini].base = 'y';
    }
    return 1;
}

/* Write s back as NFD into d (capacity >= 24). Returns its length. */
static int32_t syllable_write(const syllable *s, UChar *d)
{
    static const UChar qual_mark[] = {0, 0x302, 0x306, 0x31B};
    int32_t n = 0;
    for (int i = 0; i < s->n; i++) {
        d[n++] = s->u[i].base;
        if (s->u[i].qual != Q_NONE)
            d[n++] = qual_mark[s->u[i].qual];
        if (i == s->tpos)
            d[n++] = s->tone;
    }
    return n;
}

/* ---- one word ---------------------------------------------------------- */

/* The forms of one word, produced into caller buffers. */
typedef struct forms {
    char canon[NORM_CAP * 3];
    char fold[NORM_CAP * 3];
    int32_t ncanon, nfold;
    int has_marks;
} forms;

static int to_utf8(const UChar *s, int32_t n, char *dst, int32_t cap, int32_t *out)
{
    UErrorCode st = U_ZERO_ERROR;
    u_strToUTF8WithSub(dst, cap, out, s, n, 0xFFFD, NULL, &st);
    return U_FAILURE(st) ? VN_EICU : VN_OK;
}

/* NFKC_Casefold, ð -> đ, then NFD into d. */
static int word_decompose(vn_norm *nm, const UChar *w, int32_t nw, UChar *d,
                          int32_t *nd)
{
    UChar a[NORM_CAP];
    UErrorCode st = U_ZERO_ERROR;
    int32_t na = unorm2_normalize(nm->nfkc_cf, w, nw, a, NORM_CAP, &st);
    if (U_FAILURE(st))
        return VN_EICU;
    for (int32_t i = 0; i < na; i++)
        if (a[i] == 0xF0)
            a[i] = 0x111;
    *nd = unorm2_normalize(nm->nfd, a, na, d, NORM_CAP, &st);
    return U_FAILURE(st) ? VN_EICU : VN_OK;
}

/* Fold: drop every non-spacing and enclosing mark (by code point, so
 * marks outside the BMP go too), đ -> d. d is NFD; out gets NFC. */
static int word_fold(vn_norm *nm, const UChar *d, int32_t nd, UChar *out,
                     int32_t *nout)
{
    UChar f[NORM_CAP];
    int32_t nf = 0, ascii = 1;
    for (int32_t i = 0; i < nd;) {
        UChar32 c;
        U16_NEXT(d, i, nd, c);
        if (U_GET_GC_MASK(c) & (U_GC_MN_MASK | U_GC_ME_MASK))
            continue;
        if (c == 0x111)
            c = 'd';
        ascii &= c < 0x80;
        U16_APPEND_UNSAFE(f, nf, c);
    }
    if (ascii) {
        memcpy(out, f, (size_t)nf * sizeof *f);
        *nout = nf;
        return VN_OK;
    }
    UErrorCode st = U_ZERO_ERROR;
    *nout = unorm2_normalize(nm->nfc, f, nf, out, NORM_CAP, &st);
    return U_FAILURE(st) ? VN_EICU : VN_OK;
}

/* The canonical and folded forms of the word w[0..nw). */
static int word_forms(vn_norm *nm, const UChar *w, int32_t nw, forms *f)
{
    UChar d[NORM_CAP], c[NORM_CAP], fo[NORM_CAP];
    int32_t nd = 0, nc = 0, nfo = 0;
    syllable s;
    UErrorCode st = U_ZERO_ERROR;
    int rc = word_decompose(nm, w, nw, d, &nd);
    while (rc != VN_OK && nw > 1) { /* pathological expansion: keep less */
        nw /= 2;
        rc = word_decompose(nm, w, nw, d, &nd);
    }
    if (rc == VN_OK && syllable_read(d, nd, &s) && syllable_canon(&s))
        nd = syllable_write(&s, d);
    if (rc == VN_OK) {
        nc = unorm2_normalize(nm->nfc, d, nd, c, NORM_CAP, &st);
        rc = U_FAILURE(st) ? VN_EICU : VN_OK;
    }
    if (rc == VN_OK)
        rc = word_fold(nm, d, nd, fo, &nfo);
    if (rc == VN_OK)
        rc = to_utf8(c, nc, f->canon, sizeof f->canon, &f->ncanon);
    if (rc == VN_OK)
        rc = to_utf8(fo, nfo, f->fold, sizeof f->fold, &f->nfold);
    if (rc == VN_OK)
        f->has_marks = f->ncanon != f->nfold || memcmp(f->canon, f->fold, (size_t)f->nfold) != 0;
    return rc;
}

/* ---- the cache --------------------------------------------------------- */

static uint32_t hash_units(const UChar *w, int32_t n)
{
    uint32_t h = 2166136261u;
    for (int32_t i = 0; i < n; i++)
        h = (h ^ w[i]) * 16777619u;
    return h ? h : 1;
}

static void cache_reset(vn_norm *nm)
{
    memset(nm->slots, 0, CACHE_SLOTS * sizeof *nm->slots);
    nm->nslots_used = 0;
    nm->narena = 8;
}

static uint32_t arena_put(vn_norm *nm, const void *src, size_t n)
{
    uint32_t at = (uint32_t)nm->narena;
    memcpy(nm->arena + at, src, n);
    nm->narena += (n + 1) & ~(size_t)1; /* keep UTF-16 keys aligned */
    return at;
}

/* Look the word up, normalizing and caching it on a miss. OUT: *slot is
 * borrowed until the next call. */
static int cache_get(vn_norm *nm, const UChar *w, int32_t nw, const cache_slot **slot)
{
    uint32_t h = hash_units(w, nw);
    size_t i = h & (CACHE_SLOTS - 1);
    for (;; i = (i + 1) & (CACHE_SLOTS - 1)) {
        cache_slot *cs = &nm->slots[i];
        if (cs->key == 0)
            break;
        if (cs->hash == h && cs->nkey == nw
            && memcmp(nm->arena + cs->key, w, (size_t)nw * sizeof *w) == 0) {
            *slot = cs;
            return VN_OK;
        }
    }
    forms f;
    int rc = word_forms(nm, w, nw, &f);
    if (rc != VN_OK)
        return rc;
    size_t need = (size_t)nw * sizeof *w + (size_t)f.ncanon + (size_t)f.nfold + 8;
    if (nm->nslots_used >= CACHE_SLOTS / 2 || nm->narena + need > CACHE_ARENA) {
        cache_reset(nm);
        i = h & (CACHE_SLOTS - 1);
    }
    cache_slot *cs = &nm->slots[i];
    cs->hash = h;
    cs->nkey = (uint16_t)nw;
    cs->key = arena_put(nm, w, (size_t)nw * sizeof *w);
    cs->ncanon = (uint16_t)f.ncanon;
    cs->canon = arena_put(nm, f.canon, (size_t)f.ncanon);
    cs->nfold = (uint16_t)f.nfold;
    cs->fold = arena_put(nm, f.fold, (size_t)f.nfold);
    cs->has_marks = (uint8_t)f.has_marks;
    nm->nslots_used++;
    *slot = cs;
    return VN_OK;
}

/* ---- splitting --------------------------------------------------------- */

/* A unit that belongs inside a word: letter, mark, digit or format
 * (soft hyphen, joiners). */
static int word_char(UChar32 c)
{
    if (c == 0x200B) /* zero width space separates words, as in UAX #29 */
        return 0;
    return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK | U_GC_CF_MASK)) != 0;
}

/* Units of the word w[0..n) that are normalized: at most WORD_MAX, never
 * ending inside a surrogate pair. Longer words keep their offsets. */
static int32_t clip_word(const UChar *w, int32_t n)
{
    if (n <= WORD_MAX)
        return n;
    return U16_IS_LEAD(w[WORD_MAX - 1]) ? WORD_MAX - 1 : WORD_MAX;
}

typedef struct walk {
    vn_norm *nm;
    vn_token_fn fn;
    void *ctx;
    size_t base;  /* byte offset of the chunk in the whole text */
} walk;

/* Normalize and hand over the word u[a..b). */
static int emit(walk *wk, int32_t a, int32_t b)
{
    vn_norm *nm = wk->nm;
    for (int32_t i = a; i < b; a = i) { /* a word starts at a letter or digit */
        UChar32 c;
        U16_NEXT(nm->u, i, b, c);
        if (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK))
            break;
    }
    if (b <= a)
        return VN_OK;
    int32_t nw = clip_word(nm->u + a, b - a);
    const cache_slot *cs;
    int rc = cache_get(nm, nm->u + a, nw, &cs);
    if (rc != VN_OK)
        return rc;
    if (cs->ncanon == 0) /* only ignorables */
        return VN_OK;
    vn_token tok = {
        .canon = nm->arena + cs->canon, .ncanon = cs->ncanon,
        .fold = nm->arena + cs->fold, .nfold = cs->nfold,
        .start = wk->base + (size_t)nm->off[a], .end = wk->base + (size_t)nm->off[b],
        .has_marks = cs->has_marks,
    };
    return wk->fn(wk->ctx, &tok);
}

static int is_digit_at(const UChar *u, int32_t i, int32_t a, int32_t b)
{
    return i >= a && i < b && u_isdigit(u[i]);
}

/* Split an ICU word segment u[a..b) at inner punctuation: 4.401 and 1,5
 * stay whole, TP.HCM and O'Neil do not. */
static int emit_segment(walk *wk, int32_t a, int32_t b)
{
    const UChar *u = wk->nm->u;
    int32_t start = a;
    for (int32_t i = a; i < b;) {
        int32_t at = i;
        UChar32 c;
        U16_NEXT(u, i, b, c);
        if (word_char(c))
            continue;
        if ((c == '.' || c == ',') && is_digit_at(u, at - 1, a, b) && is_digit_at(u, i, a, b))
            continue;
        int rc = at > start ? emit(wk, start, at) : VN_OK;
        if (rc != VN_OK)
            return rc;
        start = i;
    }
    return start < b ? emit(wk, start, b) : VN_OK;
}

/* Scripts whose word boundaries (UAX #29) are plain runs of letters,
 * marks and digits once inner punctuation is split as emit_segment does:
 * Latin with Vietnamese letters, general punctuation. Anything else goes
 * through ICU's break iterator, and so do the six numbers of Latin-1
 * that UAX #29 does not count as word characters (² ³ ¹ ¼ ½ ¾): runs
 * would join 50m² into one word where ICU splits it. */
static int simple_script(UChar32 c)
{
    if (c >= 0xB2 && c <= 0xBE && u_charType(c) == U_OTHER_NUMBER)
        return 0;
    return c < 0x370 || (c >= 0x1E00 && c <= 0x206F) || c == 0xFFFD;
}

/* Decode src[0..n) (a chunk) into nm->u and nm->off. Returns the units.
 * OUT: *simple is 1 when every character is of a simple script. */
static int32_t decode_chunk(vn_norm *nm, const char *src, size_t n, size_t *bad,
                            int *simple)
{
    int32_t nu = 0;
    size_t i = 0;
    *simple = 1;
    while (i < n) {
        size_t at = i;
        UChar32 c;
        if ((unsigned char)src[i] < 0x80) {
            c = (unsigned char)src[i++];
        } else {
            U8_NEXT(src, i, n, c);
            if (c < 0) {
                c = 0xFFFD;
                (*bad)++;
            }
            *simple &= simple_script(c);
        }
        nm->off[nu] = (int32_t)at;
        if (U_IS_BMP(c)) {
            nm->u[nu++] = (UChar)c;
        } else {
            nm->u[nu] = U16_LEAD(c);
            nm->off[nu + 1] = (int32_t)at;
            nm->u[nu + 1] = U16_TRAIL(c);
            nu += 2;
        }
    }
    nm->off[nu] = (int32_t)n;
    return nu;
}

/* Bytes of src[0..n) to take as the next chunk: up to CHUNK_BYTES, then on
 * to a white space byte, or back to a character start. */
static size_t chunk_len(const char *src, size_t n)
{
    if (n <= CHUNK_BYTES)
        return n;
    for (size_t i = CHUNK_BYTES; i < n && i < CHUNK_BYTES + CHUNK_SLACK; i++)
        if (src[i] == ' ' || src[i] == '\n' || src[i] == '\t' || src[i] == '\r')
            return i + 1;
    size_t i = CHUNK_BYTES;
    while (i > 0 && ((unsigned char)src[i] & 0xC0) == 0x80)
        i--;
    return i > 0 ? i : CHUNK_BYTES;
}

static int is_alnum_unit(UChar c)
{
    if (c < 0x80)
        return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
    return (U_GET_GC_MASK(c) & (U_GC_L_MASK | U_GC_N_MASK)) != 0;
}

static int is_word_unit(UChar c)
{
    return c < 0x80 ? is_alnum_unit(c) : word_char(c);
}

/* Word boundaries of simple-script text: a word starts at a letter or
 * digit and runs over letters, marks, digits and format characters, and
 * over '.' or ',' between two digits. Gives what ICU gives, faster. */
static int segment_runs(walk *wk, int32_t nu)
{
    const UChar *u = wk->nm->u;
    int rc = VN_OK;
    for (int32_t i = 0; rc == VN_OK && i < nu;) {
        if (!is_alnum_unit(u[i])) {
            i++;
            continue;
        }
        int32_t a = i++;
        while (i < nu && (is_word_unit(u[i])
                          || ((u[i] == '.' || u[i] == ',') && i + 1 < nu
                              && u_isdigit(u[i - 1]) && u_isdigit(u[i + 1]))))
            i++;
        rc = emit(wk, a, i);
    }
    return rc;
}

/* Word boundaries by ICU's break iterator, for all other scripts. */
static int segment_icu(walk *wk, int32_t nu, vn_err *err)
{
    vn_norm *nm = wk->nm;
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(nm->bi, nm->u, nu, &st);
    if (U_FAILURE(st))
        return vn_err_set(err, VN_EICU, "ICU: word break: %s", u_errorName(st));
    int rc = VN_OK;
    int32_t a = ubrk_first(nm->bi);
    for (int32_t b = ubrk_next(nm->bi); rc == VN_OK && b != UBRK_DONE;
         a = b, b = ubrk_next(nm->bi)) {
        rc = emit_segment(wk, a, b); /* skips segments without a letter or digit */
    }
    ubrk_setText(nm->bi, NULL, 0, &st);
    return rc;
}

static int tokens_chunk(walk *wk, const char *src, size_t n, size_t *bad,
                        int force_icu, vn_err *err)
{
    int simple;
    int32_t nu = decode_chunk(wk->nm, src, n, bad, &simple);
    int rc = simple && !force_icu ? segment_runs(wk, nu) : segment_icu(wk, nu, err);
    if (rc == VN_EICU && err != NULL && err->code != VN_EICU)
        vn_err_set(err, rc, "ICU: cannot normalize a word");
    return rc;
}

/* The walk itself; force_icu turns the fast path off (for tests). */
static int tokens(vn_norm *nm, const char *src, size_t n, vn_token_fn fn,
                  void *ctx, size_t *ninvalid, int force_icu, vn_err *err)
{
    walk wk = {nm, fn, ctx, 0};
    size_t bad = 0;
    int rc = VN_OK;
    while (rc == VN_OK && wk.base < n) {
        size_t len = chunk_len(src + wk.base, n - wk.base);
        rc = tokens_chunk(&wk, src + wk.base, len, &bad, force_icu, err);
        wk.base += len;
    }
    if (ninvalid != NULL)
        *ninvalid = bad;
    return rc;
}

int vn_token_has_letter(const vn_token *t)
{
    for (size_t i = 0; i < t->nfold; i++) {
        unsigned char c = (unsigned char)t->fold[i];
        if ((c >= 'a' && c <= 'z') || c >= 0x80) /* folded: lower case */
            return 1;
    }
    return 0;
}

int vn_norm_tokens(vn_norm *nm, const char *src, size_t n, vn_token_fn fn,
                   void *ctx, size_t *ninvalid, vn_err *err)
{
    vn_err_clear(err);
    return tokens(nm, src, n, fn, ctx, ninvalid, 0, err);
}

int vn_norm_tokens_icu(vn_norm *nm, const char *src, size_t n, vn_token_fn fn,
                       void *ctx, size_t *ninvalid, vn_err *err)
{
    vn_err_clear(err);
    return tokens(nm, src, n, fn, ctx, ninvalid, 1, err);
}

/* ---- whole words and texts ---------------------------------------------- */

int vn_norm_word(vn_norm *nm, const char *src, size_t n, vn_buf *canon,
                 vn_buf *fold, int *has_marks, vn_err *err)
{
    size_t bad = 0;
    if (canon != NULL)
        vn_buf_reset(canon);
    if (fold != NULL)
        vn_buf_reset(fold);
    if (has_marks != NULL)
        *has_marks = 0;
    if (n > WORD_MAX * 4)
        n = WORD_MAX * 4;
    int simple;
    int32_t nu = decode_chunk(nm, src, n, &bad, &simple);
    nu = clip_word(nm->u, nu);
    const cache_slot *cs;
    int rc = cache_get(nm, nm->u, nu, &cs);
    if (rc != VN_OK)
        return vn_err_set(err, rc, "ICU: cannot normalize a word");
    if (canon != NULL)
        rc = vn_buf_add(canon, nm->arena + cs->canon, cs->ncanon);
    if (rc == VN_OK && fold != NULL)
        rc = vn_buf_add(fold, nm->arena + cs->fold, cs->nfold);
    if (rc == VN_OK && has_marks != NULL)
        *has_marks = cs->has_marks;
    return rc == VN_OK ? VN_OK : vn_err_set(err, rc, "out of memory");
}

typedef struct joiner {
    vn_buf out;
    int fold;
} joiner;

static int join_token(void *ctx, const vn_token *tok)
{
    joiner *j = ctx;
    int rc = VN_OK;
    if (j->out.len > 0)
        vn_buf_add_rc(&j->out, " ", 1, &rc);
    if (j->fold)
        vn_buf_add_rc(&j->out, tok->fold, tok->nfold, &rc);
    else
        vn_buf_add_rc(&j->out, tok->canon, tok->ncanon, &rc);
    return rc;
}

int vn_norm_text(vn_norm *nm, const char *src, size_t n, int fold,
                 char **dst, vn_err *err)
{
    joiner j = {VN_BUF_INIT, fold};
    *dst = NULL;
    int rc = vn_norm_tokens(nm, src, n, join_token, &j, NULL, err);
    if (rc == VN_OK)
        rc = vn_buf_take(&j.out, dst, NULL);
    if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory");
    vn_buf_free(&j.out);
    return rc;
}
