/* charset.c: see charset.h.
 *
 * Conversions run through glibc iconv a chunk at a time, so a large file
 * needs no more than its text and the UTF-8 result. The detector decodes
 * a sample as each candidate and reads it word by word: a word written
 * with non-ASCII letters scores when it spells one Vietnamese syllable
 * (initial consonant, vowel nucleus, final consonant, at most one tone,
 * one letter case), and every word that does not, like every stray
 * symbol (¸, ×, ®, U+FFFD), counts against the candidate. */
#include "charset.h"

#include "vn_norm.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define SNIFF_BYTES 4096          /* where a page may declare its charset */
#define DETECT_BYTES (64u << 10)  /* sample the detector reads */
#define CHUNK (64u << 10)         /* bytes converted or normalised at once */
#define MIN_WORDS 3               /* Vietnamese words a detection needs */
#define MIN_PERCENT 90            /* of words (and symbols) that must read */
#define MARGIN_PERCENT 10         /* lead over the runner-up */
#define WORD_MAX 12               /* letters in the longest syllable we read */

static const char fffd[] = "\xEF\xBF\xBD";

/* ---- names -------------------------------------------------------------- */

/* Labels a page may declare, as WHATWG and Vietnamese sites spell them.
 * Labels not listed go to iconv as they are. */
static const struct alias {
    const char *label, *iconv_name, *name;
} aliases[] = {
    {"utf-8", "UTF-8", "UTF-8"}, {"utf8", "UTF-8", "UTF-8"},
    {"unicode-1-1-utf-8", "UTF-8", "UTF-8"},
    /* a page that says UTF-16 but starts with no BOM is read as UTF-8 */
    {"utf-16", "UTF-8", "UTF-8"}, {"utf-16le", "UTF-8", "UTF-8"},
    {"utf-16be", "UTF-8", "UTF-8"}, {"unicode", "UTF-8", "UTF-8"},
    {"windows-1258", "CP1258", "windows-1258"}, {"cp1258", "CP1258", "windows-1258"},
    {"x-cp1258", "CP1258", "windows-1258"},
    {"tcvn", "TCVN5712-1", "TCVN3"}, {"tcvn3", "TCVN5712-1", "TCVN3"},
    {"tcvn-3", "TCVN5712-1", "TCVN3"}, {"tcvn5712", "TCVN5712-1", "TCVN3"},
    {"tcvn-5712", "TCVN5712-1", "TCVN3"}, {"tcvn5712-1", "TCVN5712-1", "TCVN3"},
    {"tcvn5712-1:1993", "TCVN5712-1", "TCVN3"}, {"tcvn5712-3", "TCVN5712-1", "TCVN3"},
    {"x-viet-tcvn", "TCVN5712-1", "TCVN3"}, {"x-viet-tcvn5712", "TCVN5712-1", "TCVN3"},
    {"vn3", "TCVN5712-1", "TCVN3"}, {"abc", "TCVN5712-1", "TCVN3"},
    {"viscii", "VISCII", "VISCII"}, {"x-viet-viscii", "VISCII", "VISCII"},
    {"csviscii", "VISCII", "VISCII"},
    {"iso-8859-1", "CP1252", "windows-1252"}, {"iso8859-1", "CP1252", "windows-1252"},
    {"iso_8859-1", "CP1252", "windows-1252"}, {"latin1", "CP1252", "windows-1252"},
    {"l1", "CP1252", "windows-1252"}, {"us-ascii", "CP1252", "windows-1252"},
    {"ascii", "CP1252", "windows-1252"}, {"windows-1252", "CP1252", "windows-1252"},
    {"cp1252", "CP1252", "windows-1252"}, {"x-cp1252", "CP1252", "windows-1252"},
};

/* The detector's candidates, in order of preference on a tie. */
static const struct alias legacy[] = {
    {"", "CP1258", "windows-1258"},
    {"", "TCVN5712-1", "TCVN3"},
    {"", "VISCII", "VISCII"},
};

static const struct alias *find_alias(const char *label)
{
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcmp(aliases[i].label, label) == 0)
            return &aliases[i];
    return NULL;
}

static void set_name(char dst[40], const char *src)
{
    size_t k = strlen(src);
    if (k > 39)
        k = 39;
    memcpy(dst, src, k);
    dst[k] = '\0';
}

/* ---- the declared charset ------------------------------------------------ */

static int lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Offset of word (lower case) in s[from..to), ignoring ASCII case, or to. */
static size_t ci_find(const char *s, size_t from, size_t to, const char *word)
{
    size_t k = strlen(word);
    for (size_t i = from; i + k <= to; i++) {
        size_t j = 0;
        while (j < k && lower((unsigned char)s[i + j]) == word[j])
            j++;
        if (j == k)
            return i;
    }
    return to;
}

static int is_label_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c && strchr("._:-", c));
}

/* After key in s[at..to): blanks, '=', blanks, an optional quote, then
 * the label, lower case, into out[cap]. Returns 1 when one was read. */
static int read_label(const char *s, size_t at, size_t to, char *out, size_t cap)
{
    size_t i = at, k = 0;
    while (i < to && s[i] != '\0' && strchr(" \t\r\n", s[i]))
        i++;
    if (i >= to || s[i] != '=')
        return 0;
    i++;
    while (i < to && s[i] != '\0' && strchr(" \t\r\n'\"", s[i]))
        i++;
    while (i < to && k + 1 < cap && is_label_char(lower((unsigned char)s[i])))
        out[k++] = (char)lower((unsigned char)s[i++]);
    out[k] = '\0';
    return k > 0;
}

/* The value after key inside the tags that start with open and end with
 * close, within s[0..n). */
static int tag_label(const char *s, size_t n, const char *open, char close,
                     const char *key, char *out, size_t cap)
{
    for (size_t i = ci_find(s, 0, n, open); i < n; i = ci_find(s, i + 1, n, open)) {
        const char *end = memchr(s + i, close, n - i);
        size_t to = end != NULL ? (size_t)(end - s) : n;
        for (size_t k = ci_find(s, i, to, key); k < to; k = ci_find(s, k + 1, to, key))
            if (read_label(s, k + strlen(key), to, out, cap))
                return 1;
    }
    return 0;
}

int vn_charset_declared(const char *src, size_t n, char *out, size_t cap)
{
    out[0] = '\0';
    if (src == NULL)
        return 0;
    if (n > SNIFF_BYTES)
        n = SNIFF_BYTES;
    return tag_label(src, n, "<meta", '>', "charset", out, cap)
           || tag_label(src, n, "<?xml", '>', "encoding", out, cap);
}

/* ---- conversion ---------------------------------------------------------- */

/* Append to dst n bytes at src read as the iconv charset from; a sequence
 * iconv cannot read becomes U+FFFD (unit bytes skipped) and is counted in
 * info->ninvalid, its bytes in info->ninvalid_bytes. Returns VN_OK,
 * VN_ENOMEM, or VN_EINVAL when iconv does not know the charset. */
static int iconv_append(const char *from, const char *src, size_t n, size_t unit,
                        vn_buf *dst, vn_charset_info *info)
{
    iconv_t cd = iconv_open("UTF-8", from);
    if (cd == (iconv_t)-1)
        return VN_EINVAL;
    char *in = (char *)src; /* iconv's prototype; it does not write */
    size_t inleft = n;
    int rc = VN_OK, flushing = 0;
    while (rc == VN_OK) {
        rc = vn_buf_reserve(dst, (inleft < CHUNK ? inleft : CHUNK) * 4 + 16);
        if (rc != VN_OK)
            break;
        char *out = dst->data + dst->len;
        size_t outleft = dst->cap - dst->len - 1;
        size_t r = flushing ? iconv(cd, NULL, NULL, &out, &outleft)
                            : iconv(cd, &in, &inleft, &out, &outleft);
        int e = errno;
        dst->len = (size_t)(out - dst->data);
        dst->data[dst->len] = '\0';
        if (r != (size_t)-1) {
            if (flushing)
                break;
            flushing = inleft == 0;
        } else if (e == EILSEQ || e == EINVAL) { /* EINVAL: cut at the end */
            size_t skip = e == EINVAL || unit > inleft ? inleft : unit;
            in += skip;
            inleft -= skip;
            info->ninvalid++;
            info->ninvalid_bytes += skip;
            /* a stateful decoder (windows-1258) may still hold the letter
             * before the bad byte: write it out first */
            rc = vn_buf_reserve(dst, 64);
            out = dst->data + dst->len;
            outleft = dst->cap - dst->len - 1;
            if (rc == VN_OK && iconv(cd, NULL, NULL, &out, &outleft) != (size_t)-1) {
                dst->len = (size_t)(out - dst->data);
                dst->data[dst->len] = '\0';
            }
            if (rc == VN_OK)
                rc = vn_buf_add(dst, fffd, 3);
        } else if (e != E2BIG) {
            rc = VN_EINVAL;
        }
    }
    iconv_close(cd);
    return rc;
}

/* Growable UTF-16 scratch for the normaliser. */
typedef struct ubuf {
    UChar *p;
    int32_t cap;
} ubuf;

static int ubuf_reserve(ubuf *u, size_t n)
{
    if (n > (size_t)INT32_MAX / 2)
        return VN_ENOMEM;
    if ((int32_t)n <= u->cap)
        return VN_OK;
    UChar *p = realloc(u->p, n * sizeof *p);
    if (p == NULL)
        return VN_ENOMEM;
    u->p = p;
    u->cap = (int32_t)n;
    return VN_OK;
}

/* Append src[0..n) (valid UTF-8) to dst in NFC, through the scratch
 * buffers. */
static int nfc_chunk(const UNormalizer2 *nfc, const char *src, size_t n, ubuf *a, ubuf *b,
                     vn_buf *dst, vn_err *err)
{
    UErrorCode st = U_ZERO_ERROR;
    int32_t na = 0, nb = 0, nout = 0;
    int rc = ubuf_reserve(a, n + 1);
    if (rc == VN_OK)
        u_strFromUTF8(a->p, a->cap, &na, src, (int32_t)n, &st);
    if (rc == VN_OK && U_SUCCESS(st) && unorm2_quickCheck(nfc, a->p, na, &st) == UNORM_YES)
        return vn_buf_add(dst, src, n);
    if (rc == VN_OK && U_SUCCESS(st) && (rc = ubuf_reserve(b, (size_t)na * 3 + 16)) == VN_OK)
        nb = unorm2_normalize(nfc, a->p, na, b->p, b->cap, &st);
    if (rc == VN_OK && U_SUCCESS(st)) {
        u_strToUTF8(NULL, 0, &nout, b->p, nb, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR)
            st = U_ZERO_ERROR;
    }
    if (rc == VN_OK && U_SUCCESS(st) && (rc = vn_buf_reserve(dst, (size_t)nout)) == VN_OK) {
        u_strToUTF8(dst->data + dst->len, nout + 1, NULL, b->p, nb, &st);
        if (U_SUCCESS(st)) {
            dst->len += (size_t)nout;
            dst->data[dst->len] = '\0';
        }
    }
    if (rc != VN_OK)
        return vn_err_set(err, rc, "out of memory normalising text");
    if (U_FAILURE(st))
        return vn_err_set(err, VN_EICU, "ICU cannot normalise text: %s", u_errorName(st));
    return VN_OK;
}

/* text (valid UTF-8) in NFC, into dst (appended). Chunks end before an
 * ASCII byte: no character composes with what precedes an ASCII one. */
static int nfc_append(const char *src, size_t n, vn_buf *dst, vn_err *err)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfc = unorm2_getNFCInstance(&st);
    ubuf a = {NULL, 0}, b = {NULL, 0};
    int rc = U_SUCCESS(st) ? VN_OK
                           : vn_err_set(err, VN_EICU, "ICU has no NFC data: %s", u_errorName(st));
    for (size_t at = 0, end; rc == VN_OK && at < n; at = end) {
        end = n - at > CHUNK ? at + CHUNK : n;
        while (end < n && (unsigned char)src[end] >= 0x80)
            end++;
        if (end - at > (size_t)INT32_MAX / 4)
            rc = vn_err_set(err, VN_ENOMEM, "text without line breaks is too long to normalise");
        else
            rc = nfc_chunk(nfc, src + at, end - at, &a, &b, dst, err);
    }
    free(a.p);
    free(b.p);
    return rc;
}

/* dst = the n bytes at src read as the iconv charset from, in NFC when
 * nfc is set. VN_EINVAL (no message) when iconv does not know it. */
static int convert(const char *from, const char *src, size_t n, size_t unit, int nfc,
                   vn_buf *dst, vn_charset_info *info, vn_err *err)
{
    vn_buf raw = VN_BUF_INIT;
    int rc = iconv_append(from, src, n, unit, nfc ? &raw : dst, info);
    if (rc == VN_ENOMEM)
        vn_err_set(err, rc, "out of memory converting from %s", from);
    if (rc == VN_OK && nfc)
        rc = nfc_append(raw.data ? raw.data : "", raw.len, dst, err);
    vn_buf_free(&raw);
    return rc;
}

/* ---- detection ----------------------------------------------------------- */

/* Syllables are spelled one byte a letter: a-z, with A ă, B â, E ê, O ô,
 * P ơ, U ư, D đ, and the tone counted apart. */
static const char *const initials[] = {
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d",
    "D", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
};
static const char *const finals[] = {"ng", "nh", "ch", "c", "k", "m", "n", "p", "t", ""};
static const char *const nuclei[] = {
    "a", "A", "B", "e", "E", "i", "o", "O", "P", "u", "U", "y",
    "ai", "ao", "au", "ay", "Bu", "By", "eo", "Eu", "ia", "iE", "iu", "oa", "oA", "oe",
    "oi", "oo", "Oi", "Pi", "ua", "uB", "uE", "ui", "uO", "uP", "uy", "Ua", "Ui", "UP",
    "Uu", "yE",
    "iEu", "yEu", "oai", "oay", "oao", "oeo", "uBy", "uOi", "UPi", "UPu", "uya", "uyE",
    "uyu",
};

typedef struct word {
    char s[WORD_MAX + 1];
    size_t n;
    int tones, upper, letters, first_upper, bad, non_ascii;
} word;

static int in_list(const char *s, size_t n, const char *const *list, size_t nlist)
{
    for (size_t i = 0; i < nlist; i++)
        if (strlen(list[i]) == n && memcmp(list[i], s, n) == 0)
            return 1;
    return 0;
}

/* Whether w spells initial + nucleus + final with at most one tone. */
static int is_syllable(const word *w)
{
    if (w->bad || w->tones > 1 || w->n == 0)
        return 0;
    if (w->upper > 0 && w->upper != w->letters && !(w->upper == 1 && w->first_upper))
        return 0;
    for (size_t i = 0; i < sizeof initials / sizeof initials[0]; i++) {
        size_t ni = strlen(initials[i]);
        if (ni >= w->n || memcmp(w->s, initials[i], ni) != 0)
            continue;
        for (size_t f = 0; f < sizeof finals / sizeof finals[0]; f++) {
            size_t nf = strlen(finals[f]);
            if (ni + nf >= w->n || memcmp(w->s + w->n - nf, finals[f], nf) != 0)
                continue;
            if (in_list(w->s + ni, w->n - ni - nf, nuclei, sizeof nuclei / sizeof nuclei[0]))
                return 1;
        }
    }
    return 0;
}

static void push(word *w, char c)
{
    if (w->n < WORD_MAX)
        w->s[w->n++] = c;
    else
        w->bad = 1;
}

/* A diacritic on the last letter: â ê ô ă ơ ư, or a tone. */
static void add_mark(word *w, UChar m)
{
    static const char *const from = "aeoaou", *const to = "BEOAPU";
    static const UChar mark[] = {0x302, 0x302, 0x302, 0x306, 0x31B, 0x31B};
    if (m == 0x300 || m == 0x301 || m == 0x303 || m == 0x309 || m == 0x323) {
        w->tones++;
        return;
    }
    for (size_t i = 0; i < 6; i++)
        if (m == mark[i] && w->n > 0 && w->s[w->n - 1] == from[i]) {
            w->s[w->n - 1] = to[i];
            return;
        }
    w->bad = 1;
}

/* Add code point c (a letter or a combining mark) to w. */
static void add_char(word *w, UChar32 c, const UNormalizer2 *nfd)
{
    UChar d[8];
    UErrorCode st = U_ZERO_ERROR;
    w->non_ascii |= c >= 0x80;
    if (u_isalpha(c)) {
        w->upper += u_isupper(c) != 0;
        w->first_upper |= w->letters == 0 && u_isupper(c);
        w->letters++;
    }
    c = u_tolower(c);
    if (c == 0x111) {
        push(w, 'D');
        return;
    }
    int32_t nd = unorm2_getDecomposition(nfd, c, d, 8, &st);
    if (nd < 0 || U_FAILURE(st)) {
        if (c > 0xFFFF) {
            w->bad = 1;
            return;
        }
        d[0] = (UChar)c;
        nd = 1;
    }
    for (int32_t i = 0; i < nd; i++) {
        if (d[i] >= 'a' && d[i] <= 'z')
            push(w, (char)d[i]);
        else
            add_mark(w, d[i]);
    }
}

/* Punctuation that is not a sign of a wrong charset. */
static int is_fine_symbol(UChar32 c)
{
    return c < 0x80 || c == 0xA0 || c == 0xAB || c == 0xBB || c == 0xB0
           || (c >= 0x2000 && c <= 0x206F);
}

typedef struct tally {
    size_t good, bad;
} tally;

static void end_word(word *w, tally *t)
{
    if (w->letters > 0 && w->non_ascii) {
        if (is_syllable(w))
            t->good++;
        else
            t->bad++;
    }
    memset(w, 0, sizeof *w);
}

/* Read n bytes of UTF-8 at s word by word. */
static tally read_words(const char *s, size_t n, const UNormalizer2 *nfd)
{
    tally t = {0, 0};
    word w;
    memset(&w, 0, sizeof w);
    for (size_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c >= 0 && (u_isalpha(c) || (w.letters > 0 && u_getCombiningClass(c) > 0))) {
            add_char(&w, c, nfd);
            continue;
        }
        end_word(&w, &t);
        if (c < 0 || !is_fine_symbol(c))
            t.bad++;
    }
    end_word(&w, &t);
    return t;
}

static int confident(tally t)
{
    return t.good >= MIN_WORDS && t.good * 100 >= (t.good + t.bad) * MIN_PERCENT;
}

static unsigned percent(tally t)
{
    return t.good + t.bad == 0 ? 0 : (unsigned)(t.good * 100 / (t.good + t.bad));
}

/* Whether raw UTF-8 sequences are as common as invalid bytes: the text
 * is UTF-8 with some damage, not a legacy charset. */
static int mostly_utf8(const char *s, size_t n)
{
    size_t good = 0, bad = 0;
    for (size_t i = 0; i < n;) {
        UChar32 c;
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        U8_NEXT(s, i, n, c);
        if (c < 0)
            bad++;
        else
            good++;
    }
    return good >= bad;
}

const char *vn_charset_detect(const char *src, size_t n)
{
    enum { NCAND = sizeof legacy / sizeof legacy[0] };
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    vn_buf text[NCAND] = {VN_BUF_INIT, VN_BUF_INIT, VN_BUF_INIT};
    tally t[NCAND];
    size_t best = 0;
    vn_charset_info ignored; /* the detector only reads words */
    if (src == NULL || U_FAILURE(st))
        return NULL;
    memset(&ignored, 0, sizeof ignored);
    if (n > DETECT_BYTES)
        n = DETECT_BYTES;
    if (mostly_utf8(src, n))
        return NULL;
    for (size_t i = 0; i < NCAND; i++) {
        t[i] = (tally){0, 0};
        if (iconv_append(legacy[i].iconv_name, src, n, 1, &text[i], &ignored) == VN_OK)
            t[i] = read_words(text[i].data ? text[i].data : "", text[i].len, nfd);
        if (percent(t[i]) > percent(t[best]))
            best = i;
    }
    int ok = confident(t[best]);
    for (size_t i = 0; ok && i < NCAND; i++) {
        int same = text[i].len == text[best].len
                   && memcmp(text[i].data, text[best].data, text[i].len) == 0;
        if (i != best && !same && percent(t[i]) + MARGIN_PERCENT > percent(t[best]))
            ok = 0;
    }
    for (size_t i = 0; i < NCAND; i++)
        vn_buf_free(&text[i]);
    return ok ? legacy[best].name : NULL;
}

/* ---- the decision --------------------------------------------------------- */

/* The byte-order marks, longest first. */
static const struct bom {
    const char *bytes;
    size_t n, unit;
    const char *name;
} boms[] = {
    {"\xFF\xFE\x00\x00", 4, 4, "UTF-32LE"}, {"\x00\x00\xFE\xFF", 4, 4, "UTF-32BE"},
    {"\xEF\xBB\xBF", 3, 1, "UTF-8"},
    {"\xFF\xFE", 2, 2, "UTF-16LE"}, {"\xFE\xFF", 2, 2, "UTF-16BE"},
};

static int binary(vn_err *err)
{
    return vn_err_set(err, VN_EDECODE, "not a text file (binary: NUL bytes)");
}

/* Bytes of s[0..n) in invalid UTF-8 sequences. OUT: *controls, the
 * control bytes that text does not hold (all C0 but tab, line ends, form
 * feed and escape; DEL). */
static size_t invalid_bytes(const char *s, size_t n, size_t *controls)
{
    size_t bad = 0;
    *controls = 0;
    for (size_t i = 0; i < n;) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) {
            *controls += (b < 0x20 && !strchr("\t\n\v\f\r\x1b", b)) || b == 0x7f;
            i++;
            continue;
        }
        size_t at = i;
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0)
            bad += i - at;
    }
    return bad;
}

/* Valid UTF-8 with each invalid sequence replaced by U+FFFD, counted in
 * info; VN_EDECODE when the bytes are mostly not text (check_binary). */
static int replace_invalid(const char *src, size_t n, int check_binary, vn_buf *dst,
                           vn_charset_info *info, vn_err *err)
{
    size_t controls;
    info->ninvalid_bytes = invalid_bytes(src, n, &controls);
    size_t nontext = info->ninvalid_bytes + controls;
    if (check_binary && n > 0 && nontext * 100 > n * VN_CHARSET_BINARY_PERCENT)
        return vn_err_set(err, VN_EDECODE, "not a text file (binary: %zu%% of the bytes are"
                          " invalid UTF-8 or control characters)", nontext * 100 / n);
    return vn_norm_utf8_clean(src, n, dst, &info->ninvalid) == VN_OK
               ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory decoding text");
}

/* src[0..n) begins with a byte-order mark: decode the rest. */
static int decode_bom(const struct bom *b, const char *src, size_t n, vn_buf *dst,
                      vn_charset_info *info, vn_err *err)
{
    int rc;
    info->how = VN_CHARSET_BOM;
    set_name(info->name, b->name);
    if (b->unit == 1 && memchr(src, '\0', n) != NULL)
        return binary(err);
    if (b->unit == 1) /* a UTF-8 BOM says text: bad bytes are only replaced */
        return replace_invalid(src + b->n, n - b->n, 0, dst, info, err);
    rc = convert(b->name, src + b->n, n - b->n, b->unit, 0, dst, info, err);
    if (rc == VN_EINVAL)
        rc = vn_err_set(err, VN_EDECODE, "iconv cannot read %s", b->name);
    if (rc == VN_OK && memchr(dst->data ? dst->data : "", '\0', dst->len) != NULL)
        rc = binary(err);
    return rc;
}

/* The charset the page declares, when we will use it. OUT: the iconv
 * name and the name for messages; info->ignored when it is not used. */
static const char *declared(const char *src, size_t n, vn_charset_info *info)
{
    char label[40];
    if (!vn_charset_declared(src, n, label, sizeof label))
        return NULL;
    const struct alias *a = find_alias(label);
    const char *iconv_name = a != NULL ? a->iconv_name : label;
    if (strcmp(iconv_name, "UTF-8") == 0)
        return NULL;
    int has_8bit = 0;
    for (size_t i = 0; i < n && !has_8bit; i++)
        has_8bit = (unsigned char)src[i] >= 0x80;
    if (!has_8bit)
        return NULL; /* ASCII reads the same either way */
    if (vn_norm_utf8_valid(src, n)) {
        set_name(info->ignored, a != NULL ? a->name : label);
        return NULL;
    }
    iconv_t cd = iconv_open("UTF-8", iconv_name);
    if (cd == (iconv_t)-1) {
        set_name(info->ignored, label);
        info->ignored_unknown = 1;
        return NULL;
    }
    iconv_close(cd);
    set_name(info->name, a != NULL ? a->name : label);
    return iconv_name;
}

int vn_charset_decode(const char *src, size_t n, int is_html, vn_buf *dst,
                      vn_charset_info *info, vn_err *err)
{
    const char *from;
    memset(info, 0, sizeof *info);
    set_name(info->name, "UTF-8");
    vn_buf_reset(dst);
    if (src == NULL) {
        src = "";
        n = 0;
    }
    for (size_t i = 0; i < sizeof boms / sizeof boms[0]; i++)
        if (n >= boms[i].n && memcmp(src, boms[i].bytes, boms[i].n) == 0)
            return decode_bom(&boms[i], src, n, dst, info, err);
    if (memchr(src, '\0', n) != NULL)
        return binary(err);
    if (is_html && (from = declared(src, n, info)) != NULL) {
        info->how = VN_CHARSET_DECLARED;
        return convert(from, src, n, 1, 1, dst, info, err);
    }
    if (vn_norm_utf8_valid(src, n)) {
        info->how = VN_CHARSET_UTF8;
        return vn_buf_add(dst, src, n) == VN_OK
                   ? VN_OK : vn_err_set(err, VN_ENOMEM, "out of memory decoding text");
    }
    const char *name = vn_charset_detect(src, n);
    for (size_t i = 0; name != NULL && i < sizeof legacy / sizeof legacy[0]; i++)
        if (strcmp(legacy[i].name, name) == 0) {
            info->how = VN_CHARSET_DETECTED;
            set_name(info->name, name);
            return convert(legacy[i].iconv_name, src, n, 1, 1, dst, info, err);
        }
    info->how = VN_CHARSET_REPLACED;
    return replace_invalid(src, n, 1, dst, info, err);
}
