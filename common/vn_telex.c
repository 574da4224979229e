/* vn_telex.c: see vn_telex.h.
 *
 * A word is replayed key by key into a list of letters (base + quality
 * mark) and one tone, as an input method would; then the result is checked
 * against the syllable inventory and written out canonically. */
#include "vn_telex.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <string.h>

/* ---- the letter table --------------------------------------------------- */

#define QN VN_Q_NONE
#define QC VN_Q_CIRC
#define QB VN_Q_BREVE
#define QH VN_Q_HORN
#define QD VN_Q_BAR

/* Every precomposed Vietnamese letter, both cases, sorted by code point. */
static const struct split_entry {
    uint16_t cp;
    char base;
    uint8_t qual, tone;
} split_table[] = {
    {0x00C0,'a',QN,2}, {0x00C1,'a',QN,1}, {0x00C2,'a',QC,0}, {0x00C3,'a',QN,4}, {0x00C8,'e',QN,2},
    {0x00C9,'e',QN,1}, {0x00CA,'e',QC,0}, {0x00CC,'i',QN,2}, {0x00CD,'i',QN,1}, {0x00D2,'o',QN,2},
    {0x00D3,'o',QN,1}, {0x00D4,'o',QC,0}, {0x00D5,'o',QN,4}, {0x00D9,'u',QN,2}, {0x00DA,'u',QN,1},
    {0x00DD,'y',QN,1}, {0x00E0,'a',QN,2}, {0x00E1,'a',QN,1}, {0x00E2,'a',QC,0}, {0x00E3,'a',QN,4},
    {0x00E8,'e',QN,2}, {0x00E9,'e',QN,1}, {0x00EA,'e',QC,0}, {0x00EC,'i',QN,2}, {0x00ED,'i',QN,1},
    {0x00F2,'o',QN,2}, {0x00F3,'o',QN,1}, {0x00F4,'o',QC,0}, {0x00F5,'o',QN,4}, {0x00F9,'u',QN,2},
    {0x00FA,'u',QN,1}, {0x00FD,'y',QN,1}, {0x0102,'a',QB,0}, {0x0103,'a',QB,0}, {0x0110,'d',QD,0},
    {0x0111,'d',QD,0}, {0x0128,'i',QN,4}, {0x0129,'i',QN,4}, {0x0168,'u',QN,4}, {0x0169,'u',QN,4},
    {0x01A0,'o',QH,0}, {0x01A1,'o',QH,0}, {0x01AF,'u',QH,0}, {0x01B0,'u',QH,0}, {0x1EA0,'a',QN,5},
    {0x1EA1,'a',QN,5}, {0x1EA2,'a',QN,3}, {0x1EA3,'a',QN,3}, {0x1EA4,'a',QC,1}, {0x1EA5,'a',QC,1},
    {0x1EA6,'a',QC,2}, {0x1EA7,'a',QC,2}, {0x1EA8,'a',QC,3}, {0x1EA9,'a',QC,3}, {0x1EAA,'a',QC,4},
    {0x1EAB,'a',QC,4}, {0x1EAC,'a',QC,5}, {0x1EAD,'a',QC,5}, {0x1EAE,'a',QB,1}, {0x1EAF,'a',QB,1},
    {0x1EB0,'a',QB,2}, {0x1EB1,'a',QB,2}, {0x1EB2,'a',QB,3}, {0x1EB3,'a',QB,3}, {0x1EB4,'a',QB,4},
    {0x1EB5,'a',QB,4}, {0x1EB6,'a',QB,5}, {0x1EB7,'a',QB,5}, {0x1EB8,'e',QN,5}, {0x1EB9,'e',QN,5},
    {0x1EBA,'e',QN,3}, {0x1EBB,'e',QN,3}, {0x1EBC,'e',QN,4}, {0x1EBD,'e',QN,4}, {0x1EBE,'e',QC,1},
    {0x1EBF,'e',QC,1}, {0x1EC0,'e',QC,2}, {0x1EC1,'e',QC,2}, {0x1EC2,'e',QC,3}, {0x1EC3,'e',QC,3},
    {0x1EC4,'e',QC,4}, {0x1EC5,'e',QC,4}, {0x1EC6,'e',QC,5}, {0x1EC7,'e',QC,5}, {0x1EC8,'i',QN,3},
    {0x1EC9,'i',QN,3}, {0x1ECA,'i',QN,5}, {0x1ECB,'i',QN,5}, {0x1ECC,'o',QN,5}, {0x1ECD,'o',QN,5},
    {0x1ECE,'o',QN,3}, {0x1ECF,'o',QN,3}, {0x1ED0,'o',QC,1}, {0x1ED1,'o',QC,1}, {0x1ED2,'o',QC,2},
    {0x1ED3,'o',QC,2}, {0x1ED4,'o',QC,3}, {0x1ED5,'o',QC,3}, {0x1ED6,'o',QC,4}, {0x1ED7,'o',QC,4},
    {0x1ED8,'o',QC,5}, {0x1ED9,'o',QC,5}, {0x1EDA,'o',QH,1}, {0x1EDB,'o',QH,1}, {0x1EDC,'o',QH,2},
    {0x1EDD,'o',QH,2}, {0x1EDE,'o',QH,3}, {0x1EDF,'o',QH,3}, {0x1EE0,'o',QH,4}, {0x1EE1,'o',QH,4},
    {0x1EE2,'o',QH,5}, {0x1EE3,'o',QH,5}, {0x1EE4,'u',QN,5}, {0x1EE5,'u',QN,5}, {0x1EE6,'u',QN,3},
    {0x1EE7,'u',QN,3}, {0x1EE8,'u',QH,1}, {0x1EE9,'u',QH,1}, {0x1EEA,'u',QH,2}, {0x1EEB,'u',QH,2},
    {0x1EEC,'u',QH,3}, {0x1EED,'u',QH,3}, {0x1EEE,'u',QH,4}, {0x1EEF,'u',QH,4}, {0x1EF0,'u',QH,5},
    {0x1EF1,'u',QH,5}, {0x1EF2,'y',QN,2}, {0x1EF3,'y',QN,2}, {0x1EF4,'y',QN,5}, {0x1EF5,'y',QN,5},
    {0x1EF6,'y',QN,3}, {0x1EF7,'y',QN,3}, {0x1EF8,'y',QN,4}, {0x1EF9,'y',QN,4},
};

/* The twelve vowels, each with its six tones, for writing letters out. */
static const struct vowel_row {
    char base;
    uint8_t qual;
    const char *tone[6];
} vowel_rows[] = {
    {'a', QN, {"a", "á", "à", "ả", "ã", "ạ"}},
    {'a', QB, {"ă", "ắ", "ằ", "ẳ", "ẵ", "ặ"}},
    {'a', QC, {"â", "ấ", "ầ", "ẩ", "ẫ", "ậ"}},
    {'e', QN, {"e", "é", "è", "ẻ", "ẽ", "ẹ"}},
    {'e', QC, {"ê", "ế", "ề", "ể", "ễ", "ệ"}},
    {'i', QN, {"i", "í", "ì", "ỉ", "ĩ", "ị"}},
    {'o', QN, {"o", "ó", "ò", "ỏ", "õ", "ọ"}},
    {'o', QC, {"ô", "ố", "ồ", "ổ", "ỗ", "ộ"}},
    {'o', QH, {"ơ", "ớ", "ờ", "ở", "ỡ", "ợ"}},
    {'u', QN, {"u", "ú", "ù", "ủ", "ũ", "ụ"}},
    {'u', QH, {"ư", "ứ", "ừ", "ử", "ữ", "ự"}},
    {'y', QN, {"y", "ý", "ỳ", "ỷ", "ỹ", "ỵ"}},
};

vn_letter vn_letter_split(uint32_t c)
{
    vn_letter l = {c, VN_Q_NONE, VN_TONE_NONE};
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            l.base = c + ('a' - 'A');
        return l;
    }
    size_t lo = 0, hi = sizeof split_table / sizeof split_table[0];
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (split_table[mid].cp < c) {
            lo = mid + 1;
        } else if (split_table[mid].cp > c) {
            hi = mid;
        } else {
            l.base = (uint32_t)split_table[mid].base;
            l.qual = split_table[mid].qual;
            l.tone = split_table[mid].tone;
            break;
        }
    }
    return l;
}

static int put_code_point(vn_buf *dst, uint32_t c)
{
    char u[4];
    size_t n;
    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return vn_buf_add(dst, u, n);
}

int vn_letter_put(vn_buf *dst, vn_letter l)
{
    if (l.qual == VN_Q_NONE && l.tone == VN_TONE_NONE)
        return put_code_point(dst, l.base);
    if (l.tone > VN_TONE_NANG)
        return VN_EINVAL;
    if (l.base == 'd')
        return l.qual == VN_Q_BAR && l.tone == VN_TONE_NONE ? vn_buf_puts(dst, "đ")
                                                           : VN_EINVAL;
    for (size_t i = 0; i < sizeof vowel_rows / sizeof vowel_rows[0]; i++)
        if ((uint32_t)vowel_rows[i].base == l.base && vowel_rows[i].qual == l.qual)
            return vn_buf_puts(dst, vowel_rows[i].tone[l.tone]);
    return VN_EINVAL;
}

/* ---- replaying keys ------------------------------------------------------ */

#define MAX_UNITS 12 /* letters in a word being decoded */

typedef struct unit {
    char base;      /* a-z; đ is 'd' with VN_Q_BAR */
    uint8_t qual;   /* VN_Q_* */
} unit;

typedef struct keyed {
    unit u[MAX_UNITS];
    int n;
    int tone;       /* VN_TONE_* */
    int nkeys;      /* keys used as marks */
    int bad;        /* a key or letter that no syllable can hold */
    char prev;      /* the key typed before the current one */
} keyed;

static int is_vowel(char b)
{
    return b == 'a' || b == 'e' || b == 'i' || b == 'o' || b == 'u' || b == 'y';
}

static int has_vowel(const keyed *w)
{
    for (int i = 0; i < w->n; i++)
        if (is_vowel(w->u[i].base))
            return 1;
    return 0;
}

/* Length of the onset as vn_norm reads it: qu and gi + vowel are onsets. */
static int onset_units(const unit *u, int n)
{
    int i = 0;
    if (n >= 2 && u[0].base == 'q' && u[1].base == 'u')
        return 2;
    if (n >= 3 && u[0].base == 'g' && u[1].base == 'i' && u[1].qual == QN
        && is_vowel(u[2].base))
        return 2;
    while (i < n && !is_vowel(u[i].base))
        i++;
    return i;
}

/* The vowel run after the onset: [*v0, *v1). */
static void nucleus(const unit *u, int n, int *v0, int *v1)
{
    int i = onset_units(u, n);
    *v0 = i;
    while (i < n && is_vowel(u[i].base))
        i++;
    *v1 = i;
}

static void append(keyed *w, char base, uint8_t qual)
{
    if (w->n == MAX_UNITS) {
        w->bad = 1;
        return;
    }
    w->u[w->n].base = base;
    w->u[w->n++].qual = qual;
}

/* A tone key: a second press of the same key undoes the tone and types the
 * letter itself (Unikey's behaviour), which no syllable can hold. */
static void key_tone(keyed *w, int tone)
{
    if (w->tone == tone) {
        w->tone = VN_TONE_NONE;
        w->bad = 1;
        return;
    }
    w->tone = tone;
    w->nkeys++;
}

/* Horn on uo (ươ), else breve on oa (oă) when breve_ok, else horn or breve
 * on the first plain o, u (or a) of the nucleus. Returns 0 when nothing
 * takes it. */
static int key_horn(keyed *w, int breve_ok)
{
    int v0, v1;
    nucleus(w->u, w->n, &v0, &v1);
    for (int i = v0; i + 1 < v1; i++) {
        unit *a = &w->u[i], *b = &w->u[i + 1];
        if (a->base == 'u' && (a->qual == QN || a->qual == QH) && b->base == 'o'
            && b->qual == QN) {
            a->qual = QH;
            b->qual = QH;
            return 1;
        }
    }
    for (int i = v0; breve_ok && i + 1 < v1; i++)
        if (w->u[i].base == 'o' && w->u[i].qual == QN && w->u[i + 1].base == 'a'
            && w->u[i + 1].qual == QN) {
            w->u[i + 1].qual = QB;
            return 1;
        }
    for (int i = v0; i < v1; i++) {
        unit *x = &w->u[i];
        if (x->qual != QN)
            continue;
        if (x->base == 'o' || x->base == 'u') {
            x->qual = QH;
            return 1;
        }
        if (x->base == 'a' && breve_ok) {
            x->qual = QB;
            return 1;
        }
    }
    return 0;
}

/* The last plain letter c in the nucleus, or -1. */
static int nucleus_find(const keyed *w, char c)
{
    int v0, v1;
    nucleus(w->u, w->n, &v0, &v1);
    for (int i = v1 - 1; i >= v0; i--)
        if (w->u[i].base == c && w->u[i].qual == QN)
            return i;
    return -1;
}

/* dd, or a later d, makes an onset d into đ. */
static int key_bar(keyed *w)
{
    if (w->n >= 1 && w->u[0].base == 'd' && w->u[0].qual == QN) {
        w->u[0].qual = QD;
        return 1;
    }
    return 0;
}

static void telex_key(keyed *w, char c)
{
    static const char tones[] = "sfrxj";
    const char *t = strchr(tones, c);
    if (t != NULL && has_vowel(w)) {
        key_tone(w, (int)(t - tones) + 1);
    } else if (c == 'z' && has_vowel(w) && w->tone != VN_TONE_NONE) {
        w->tone = VN_TONE_NONE;
        w->nkeys++;
    } else if (c == 'd' && (w->n == 1 || has_vowel(w)) && key_bar(w)) {
        w->nkeys++;
    } else if (c == 'a' || c == 'e' || c == 'o') {
        /* aa, ee, oo right away, or after the final (tiene, vietej); a
         * vowel after another vowel is just that vowel (khoe, ngoeo) */
        int at = nucleus_find(w, c);
        int doubled = w->prev == c && at == w->n - 1;
        if (at >= 0 && (doubled || (w->prev != '\0' && !is_vowel(w->prev)))) {
            w->u[at].qual = QC;
            w->nkeys++;
        } else {
            append(w, c, QN);
        }
    } else if (c == 'w') {
        int v0, v1;
        nucleus(w->u, w->n, &v0, &v1);
        if (key_horn(w, 1)) {
            w->nkeys++;
        } else if ((v0 == v1 && v0 == w->n) /* w alone is ư */
                   || (w->n == 2 && w->u[0].base == 'g' && w->u[1].base == 'i'
                       && w->u[1].qual == QN)) { /* giw: giư */
            append(w, 'u', QH);
            w->nkeys++;
        } else {
            w->bad = 1;
        }
    } else {
        append(w, c, QN);
    }
}

static void vni_key(keyed *w, char c)
{
    int at;
    if (c >= 'a' && c <= 'z') {
        append(w, c, QN);
    } else if (c >= '1' && c <= '5' && has_vowel(w)) {
        key_tone(w, c - '0');
    } else if (c == '0' && has_vowel(w) && w->tone != VN_TONE_NONE) {
        w->tone = VN_TONE_NONE;
        w->nkeys++;
    } else if (c == '6' && ((at = nucleus_find(w, 'o')) >= 0 || (at = nucleus_find(w, 'e')) >= 0
                            || (at = nucleus_find(w, 'a')) >= 0)) {
        w->u[at].qual = QC;
        w->nkeys++;
    } else if (c == '7' && key_horn(w, 0)) {
        w->nkeys++;
    } else if (c == '8' && (at = nucleus_find(w, 'a')) >= 0) {
        w->u[at].qual = QB;
        w->nkeys++;
    } else if (c == '9' && key_bar(w)) {
        w->nkeys++;
    } else {
        w->bad = 1;
    }
}

/* ---- the syllable inventory --------------------------------------------- */

/* Every rhyme (what follows the onset; after qu, also with its u), without
 * tone. */
static const char *const rhymes[] = {
    "a", "ac", "ach", "ai", "am", "an", "ang", "anh", "ao", "ap", "at", "au", "ay",
    "ăc", "ăm", "ăn", "ăng", "ăp", "ăt",
    "âc", "âm", "ân", "âng", "âp", "ât", "âu", "ây",
    "e", "ec", "em", "en", "eng", "eo", "ep", "et",
    "ê", "êch", "êm", "ên", "ênh", "êp", "êt", "êu",
    "i", "ia", "ich", "im", "in", "inh", "ip", "it", "iu",
    "iêc", "iêm", "iên", "iêng", "iêp", "iêt", "iêu",
    "o", "oc", "oi", "om", "on", "ong", "op", "ot",
    "oa", "oac", "oach", "oai", "oam", "oan", "oang", "oanh", "oao", "oap", "oat", "oay",
    "oăc", "oăm", "oăn", "oăng", "oăt", "oe", "oen", "oeo", "oet", "ooc", "oong",
    "ô", "ôc", "ôi", "ôm", "ôn", "ông", "ôp", "ôt",
    "ơ", "ơi", "ơm", "ơn", "ơp", "ơt",
    "u", "uc", "ui", "um", "un", "ung", "up", "ut", "ua",
    "uân", "uâng", "uât", "uây", "uê", "uêch", "uênh", "uơ",
    "uy", "uya", "uych", "uyn", "uynh", "uyp", "uyt", "uyu", "uyên", "uyêt",
    "uôc", "uôi", "uôm", "uôn", "uông", "uôt",
    "ư", "ưa", "ưc", "ưi", "ưm", "ưn", "ưng", "ưt", "ưu",
    "ươc", "ươi", "ươm", "ươn", "ương", "ươp", "ươt", "ươu",
    "y", "yêm", "yên", "yêng", "yêt", "yêu",
};

static int is_rhyme(const char *r)
{
    for (size_t i = 0; i < sizeof rhymes / sizeof rhymes[0]; i++)
        if (strcmp(rhymes[i], r) == 0)
            return 1;
    return 0;
}

/* Onsets as letters, longest first; đ is handled apart. */
static const char *const onsets[] = {
    "ngh", "ng", "gh", "kh", "nh", "ph", "th", "tr", "ch",
    "b", "c", "d", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x",
};

/* Length of the written onset of u, or -1 when the letters before the
 * first vowel are not one. */
static int onset_written(const unit *u, int n, const char **name)
{
    char lead[4] = {0};
    int nc = 0;
    *name = "";
    while (nc < n && !is_vowel(u[nc].base))
        nc++;
    if (nc == 0)
        return 0;
    if (nc == 1 && u[0].base == 'd' && u[0].qual == QD) {
        *name = "đ";
        return 1;
    }
    if (u[0].base == 'q') {
        if (nc != 1 || n < 2 || u[1].base != 'u' || u[1].qual != QN)
            return -1;
        *name = "qu";
        return 2;
    }
    if (nc > 3)
        return -1;
    for (int i = 0; i < nc; i++) {
        if (u[i].qual != QN)
            return -1;
        lead[i] = u[i].base;
    }
    for (size_t k = 0; k < sizeof onsets / sizeof onsets[0]; k++)
        if (strcmp(lead, onsets[k]) == 0) {
            *name = onsets[k];
            return nc;
        }
    return -1;
}

/* The letters u[from..n) without tone, as UTF-8 into r (capacity >= 64;
 * a unit takes at most 3 bytes). */
static void spell(const unit *u, int from, int n, char *r)
{
    size_t len = 0;
    for (int i = from; i < n; i++) {
        const char *s = NULL;
        char one[2] = {u[i].base, '\0'};
        if (u[i].qual == QN)
            s = one;
        else if (u[i].qual == QD)
            s = "đ";
        for (size_t k = 0; s == NULL && k < sizeof vowel_rows / sizeof vowel_rows[0]; k++)
            if (vowel_rows[k].base == u[i].base && vowel_rows[k].qual == u[i].qual)
                s = vowel_rows[k].tone[0];
        if (s == NULL)
            s = "?"; /* no such letter: no rhyme holds it */
        memcpy(r + len, s, strlen(s));
        len += strlen(s);
    }
    r[len] = '\0';
}

static int starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Spelling rules between an onset and its rhyme r. */
static int onset_fits(const char *on, const char *r)
{
    int front = r[0] == 'i' || r[0] == 'y' || r[0] == 'e' || starts_with(r, "ê");
    if (strcmp(on, "qu") == 0) /* not quu, quo, quư */
        return r[0] != 'u' && r[0] != 'o' && !starts_with(r, "ư");
    if (strcmp(on, "k") == 0)
        return front;
    if (strcmp(on, "c") == 0 || strcmp(on, "ng") == 0)
        return !front;
    if (strcmp(on, "gh") == 0 || strcmp(on, "ngh") == 0)
        return front && r[0] != 'y';
    if (strcmp(on, "g") == 0) /* ge, gê are spelt gh; gi is an onset */
        return r[0] != 'e' && !starts_with(r, "ê") && r[0] != 'y';
    if (on[0] == '\0') /* yên, not iên, with no onset */
        return !starts_with(r, "iê");
    if (starts_with(r, "yê"))
        return 0;
    if (strcmp(r, "y") == 0) /* kỹ, lý, mỹ; not by */
        return strchr("hklmst", on[0]) != NULL && on[1] == '\0';
    return 1;
}

/* Non-zero when r, the rhyme after the onset on, is in the inventory. */
static int rhyme_ok(const char *on, const char *r)
{
    char ur[80];
    if (r[0] == '\0' || !onset_fits(on, r))
        return 0;
    if (strcmp(on, "qu") == 0) { /* qua, quân, quy, quyết: its u is the glide */
        ur[0] = 'u';
        memcpy(ur + 1, r, strlen(r) + 1);
        return is_rhyme(r) || is_rhyme(ur);
    }
    /* gi is an onset too: giữa, giờ, giỏi (but gì, gìn, giếng read g + i...) */
    if (strcmp(on, "g") == 0 && r[0] == 'i' && r[1] != '\0' && r[1] != 'i'
        && is_rhyme(r + 1))
        return 1;
    return is_rhyme(r);
}

/* A stop final (c ch p t) takes only sắc or nặng. */
static int tone_fits(const char *r, int tone)
{
    size_t n = strlen(r);
    char last = r[n - 1];
    int stop = last == 'c' || last == 'p' || last == 't'
        || (n >= 2 && r[n - 2] == 'c' && last == 'h');
    return !stop || tone == VN_TONE_SAC || tone == VN_TONE_NANG;
}

static int syllable_valid(const keyed *w)
{
    char r[64];
    const char *on;
    int v0, v1, ini = onset_written(w->u, w->n, &on);
    if (ini < 0 || ini >= w->n)
        return 0;
    nucleus(w->u, w->n, &v0, &v1);
    if (v0 == v1) /* no vowel after the onset: qun, whose u is the glide */
        return 0;
    for (int i = ini; i < w->n; i++) /* only the onset d takes a bar */
        if (w->u[i].qual == QD)
            return 0;
    spell(w->u, ini, w->n, r);
    return rhyme_ok(on, r) && tone_fits(r, w->tone);
}

/* uow with no final is uơ (thuở, huơ): an input method first writes ươ
 * and mends it when no final follows. Returns 1 when that made w valid. */
static int horn_on_o_only(keyed *w)
{
    int v0, v1;
    nucleus(w->u, w->n, &v0, &v1);
    if (v1 != w->n || v1 - v0 != 2 || w->u[v0].base != 'u' || w->u[v0].qual != QH
        || w->u[v0 + 1].base != 'o' || w->u[v0 + 1].qual != QH)
        return 0;
    w->u[v0].qual = QN;
    if (syllable_valid(w))
        return 1;
    w->u[v0].qual = QH;
    return 0;
}

/* Write a valid syllable with its tone on the first vowel of the nucleus,
 * then let vn_norm place it and spell the rhyme (hòa, thủy, người, lý):
 * one set of rules for typed and indexed words alike. */
static int write_canonical(vn_norm *nm, const keyed *w, vn_buf *raw, vn_buf *out,
                           vn_err *err)
{
    int n = w->n, v0, v1, rc = VN_OK;
    nucleus(w->u, n, &v0, &v1);
    vn_buf_reset(raw);
    for (int i = 0; i < n && rc == VN_OK; i++) {
        vn_letter l = {(uint32_t)(unsigned char)w->u[i].base, w->u[i].qual,
                       (uint8_t)(i == v0 ? w->tone : VN_TONE_NONE)};
        rc = vn_letter_put(raw, l);
    }
    if (rc == VN_OK)
        rc = vn_norm_word(nm, raw->data, raw->len, out, NULL, NULL, err);
    return rc;
}

/* ---- decoding ------------------------------------------------------------ */

/* Pick the scheme for word. Returns 0 when the word cannot be a decoding:
 * not all ASCII letters and digits, no letter, digits in Telex, or all in
 * upper case (an acronym or code: UBND, OR, A1). */
static int scheme_for(const char *word, size_t n, int *scheme)
{
    size_t lower = 0, upper = 0, digits = 0;
    for (size_t i = 0; i < n; i++) {
        char c = word[i];
        if (c >= '0' && c <= '9')
            digits++;
        else if (c >= 'a' && c <= 'z')
            lower++;
        else if (c >= 'A' && c <= 'Z')
            upper++;
        else
            return 0;
    }
    /* acronyms and codes: UBND, OR, A1, QH14 */
    if (lower == 0 && (upper >= 2 || digits > 0 || upper == 0))
        return 0;
    if (*scheme == VN_TELEX_AUTO)
        *scheme = digits > 0 ? VN_VNI : VN_TELEX;
    return *scheme == VN_VNI || digits == 0;
}

int vn_telex_decode(vn_norm *nm, const char *word, size_t n, int scheme, vn_buf *out,
                    int *decoded, vn_err *err)
{
    vn_buf raw = VN_BUF_INIT;
    keyed w;
    int rc = VN_OK;
    memset(&w, 0, sizeof w);
    *decoded = 0;
    vn_buf_reset(out);
    if (!scheme_for(word, n, &scheme))
        return VN_OK;
    for (size_t i = 0; i < n && !w.bad; i++) {
        char c = word[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (scheme == VN_VNI)
            vni_key(&w, c);
        else
            telex_key(&w, c);
        w.prev = c;
    }
    if (w.bad || w.nkeys == 0)
        return VN_OK;
    if (!syllable_valid(&w) && !horn_on_o_only(&w))
        return VN_OK;
    rc = write_canonical(nm, &w, &raw, out, err);
    vn_buf_free(&raw);
    if (rc != VN_OK)
        vn_buf_reset(out);
    else
        *decoded = 1;
    return rc;
}

/* ---- whole texts ----------------------------------------------------------- */

static int is_ascii_alnum(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Non-zero when c continues a word: a letter, digit or combining mark. */
static int is_word_char(UChar32 c)
{
    return c >= 0 && (u_isalnum(c) || u_charType(c) == U_NON_SPACING_MARK
                      || u_charType(c) == U_COMBINING_SPACING_MARK);
}

/* Non-zero when the ASCII run text[s..e) touches other letters, so that it
 * is only part of a word (bieen in "bieenđ", x in "xã"). */
static int run_is_partial(const char *text, size_t n, size_t s, size_t e)
{
    UChar32 c;
    if (s > 0) { /* the code point ending at s, within 4 bytes */
        size_t from = s >= 4 ? s - 4 : 0;
        int32_t at = (int32_t)(s - from);
        U8_PREV(text + from, 0, at, c);
        if (is_word_char(c))
            return 1;
    }
    if (e < n) {
        int32_t at = 0, len = (int32_t)(n - e < 4 ? n - e : 4);
        U8_NEXT(text + e, at, len, c);
        if (is_word_char(c))
            return 1;
    }
    return 0;
}

/* Decode one word of a text, ask accept, and append what stays. */
static int rewrite_word(vn_norm *nm, const char *word, size_t n, int scheme,
                        vn_telex_accept_fn accept, void *ctx, vn_buf *dec,
                        vn_buf *out, size_t *nchanged, vn_err *err)
{
    int decoded = 0, use = 1;
    int rc = vn_telex_decode(nm, word, n, scheme, dec, &decoded, err);
    if (rc == VN_OK && decoded && accept != NULL)
        rc = accept(ctx, word, n, dec->data, dec->len, &use, err);
    if (rc != VN_OK)
        return rc;
    if (decoded && use) {
        (*nchanged)++;
        return vn_buf_add(out, dec->data, dec->len);
    }
    return vn_buf_add(out, word, n);
}

int vn_telex_rewrite(vn_norm *nm, const char *text, size_t n, int scheme,
                     vn_telex_accept_fn accept, void *ctx, vn_buf *out,
                     size_t *nchanged, vn_err *err)
{
    vn_buf dec = VN_BUF_INIT;
    size_t changed = 0, i = 0;
    int rc = VN_OK;
    while (rc == VN_OK && i < n) {
        size_t start = i, end;
        while (i < n && !is_ascii_alnum((unsigned char)text[i]))
            i++;
        rc = vn_buf_add(out, text + start, i - start);
        for (end = i; end < n && is_ascii_alnum((unsigned char)text[end]); end++)
            ;
        if (rc == VN_OK && end > i) {
            if (run_is_partial(text, n, i, end))
                rc = vn_buf_add(out, text + i, end - i);
            else
                rc = rewrite_word(nm, text + i, end - i, scheme, accept, ctx, &dec, out,
                                  &changed, err);
        }
        i = end;
    }
    vn_buf_free(&dec);
    if (nchanged != NULL)
        *nchanged = changed;
    if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory decoding Telex/VNI input");
    return rc;
}
