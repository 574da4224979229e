/* extract.c: see extract.h.
 *
 * The text is cut into trimmed, non-empty lines: spans into the caller's
 * bytes, so nothing is copied until the fields are built. When one of the
 * first or last EDGE_LINES lines is portal chrome, the text is a
 * department saved page: every chrome line goes, and a short capitalised
 * last line is the author. Otherwise it is one article a file. Either
 * way the first line left is the title and the others, one paragraph a
 * line, are the body.
 *
 * Case-blind comparisons use ICU's simple case folding. */
#include "extract.h"

#include "vn_buf.h"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define EDGE_LINES 3        /* lines looked at, at each end, for chrome */
#define AUTHOR_MAX_BYTES 50 /* a byline longer than this is a sentence */
#define AUTHOR_MAX_WORDS 6
#define REPEAT_MAX_BYTES 60 /* longest phrase a breadcrumb line repeats */

typedef struct span {
    const char *p; /* borrowed from the caller's text */
    size_t n;
} span;

/* Where the fields lie among the lines. */
typedef struct layout {
    span title;
    span author;        /* p == NULL: none */
    size_t first, end;  /* body: lines [first, end) */
} layout;

/* ---- UTF-8 and case ---------------------------------------------- */

/* The code point at s (n > 0 bytes left); *len gets its byte length.
 * Input is valid UTF-8 (the caller cleaned it); a stray byte would read
 * as U+FFFD of length 1, so scans always move on. */
static unsigned decode(const char *s, size_t n, size_t *len)
{
    size_t i = 0;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    *len = i;
    return c < 0 ? 0xFFFD : (unsigned)c;
}

static unsigned fold(unsigned cp)
{
    return (unsigned)u_foldCase((UChar32)cp, U_FOLD_CASE_DEFAULT);
}

static int is_upper(unsigned cp)
{
    return u_isupper((UChar32)cp);
}

/* The code points of a text in NFD, case-folded, one at a time: so that
 * a page saved in NFD ("tha\u0301ng") matches our NFC words ("tháng"). */
typedef struct nfd_iter {
    const char *s;
    size_t n, i;         /* bytes, and how many are consumed */
    UChar32 pend[8];     /* the rest of the current code point's NFD */
    int npend, k;
} nfd_iter;

static int nfd_next(nfd_iter *it, const UNormalizer2 *nfd, UChar32 *c)
{
    UChar d[8];
    UErrorCode st = U_ZERO_ERROR;
    size_t len;
    if (it->k < it->npend) {
        *c = it->pend[it->k++];
        return 1;
    }
    if (it->i >= it->n)
        return 0;
    unsigned cp = decode(it->s + it->i, it->n - it->i, &len);
    int32_t nd = cp < 0xC0 || nfd == NULL ? -1 : unorm2_getDecomposition(nfd, (UChar32)cp, d, 8, &st);
    it->i += len;
    it->npend = it->k = 0;
    for (int32_t j = 0; j < nd && U_SUCCESS(st) && it->npend < 8;) {
        UChar32 u;
        U16_NEXT(d, j, nd, u);
        it->pend[it->npend++] = (UChar32)fold((unsigned)u);
    }
    if (it->npend == 0) {
        *c = (UChar32)fold(cp);
        return 1;
    }
    *c = it->pend[it->k++];
    return 1;
}

/* Bytes of s[0..n) that spell word (lower case, NFC) ignoring case and
 * normalisation form, or 0 when s does not start with it. The match
 * ends on a whole character of s: "tha" does not match in "thá". */
static size_t ci_prefix(const char *s, size_t n, const char *word)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    nfd_iter a = {s, n, 0, {0}, 0, 0}, b = {word, strlen(word), 0, {0}, 0, 0};
    UChar32 ca, cb;
    if (U_FAILURE(st))
        nfd = NULL; /* code point by code point, then */
    while (nfd_next(&b, nfd, &cb))
        if (!nfd_next(&a, nfd, &ca) || ca != cb)
            return 0;
    return a.k < a.npend ? 0 : a.i;
}

static int ci_equal(span s, const char *word)
{
    return s.n > 0 && ci_prefix(s.p, s.n, word) == s.n;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* ---- Whitespace and lines ------------------------------------------ */

/* Blank code points, beyond line ends: ASCII, no-break, typographic and
 * zero-width spaces, BOM. */
static const struct { unsigned lo, hi; } space_ranges[] = {
    {0x09, 0x09}, {0x0B, 0x0C}, {0x20, 0x20}, {0xA0, 0xA0},
    {0x2000, 0x200B}, {0x202F, 0x202F}, {0x205F, 0x205F},
    {0x3000, 0x3000}, {0xFEFF, 0xFEFF},
};

/* Bytes of the blank code point at s, or 0 when it is not one. */
static size_t space_len(const char *s, size_t n)
{
    size_t len;
    unsigned cp = decode(s, n, &len);
    for (size_t i = 0; i < sizeof space_ranges / sizeof space_ranges[0]; i++)
        if (cp >= space_ranges[i].lo && cp <= space_ranges[i].hi)
            return len;
    return 0;
}

int vn_extract_invisible(unsigned cp)
{
    UChar32 c = (UChar32)cp;
    if (cp < 0x80)
        return cp <= 0x20 || cp == 0x7F;
    return u_isUWhiteSpace(c) || u_charType(c) == U_CONTROL_CHAR
           || u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

int vn_extract_visible(const char *src, size_t n)
{
    size_t len;
    for (size_t i = 0; i < n; i += len)
        if (!vn_extract_invisible(decode(src + i, n - i, &len)))
            return 1;
    return 0;
}

static span trim(span s)
{
    size_t k;
    while (s.n > 0 && (k = space_len(s.p, s.n)) > 0) {
        s.p += k;
        s.n -= k;
    }
    while (s.n > 0) {
        size_t last = s.n - 1; /* start of the last code point */
        while (last > 0 && s.n - last < 4 && ((unsigned char)s.p[last] & 0xC0) == 0x80)
            last--;
        if (space_len(s.p + last, s.n - last) != s.n - last)
            break;
        s.n = last;
    }
    return s;
}

/* The trimmed lines of src that show something (not only blanks, soft
 * hyphens, bidi marks, ...); LF, CRLF and CR end a line.
 * OUT: *lines (caller frees; NULL on failure) and *nlines. */
static int split_lines(const char *src, size_t n, span **lines, size_t *nlines)
{
    size_t cap = 1, k = 0, start = 0;
    for (size_t i = 0; i < n; i++)
        cap += src[i] == '\n' || src[i] == '\r';
    span *v = malloc(cap * sizeof *v);
    *lines = v;
    *nlines = 0;
    if (v == NULL)
        return VN_ENOMEM;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && src[i] != '\n' && src[i] != '\r')
            continue;
        span s = trim((span){src + start, i - start});
        if (s.n > 0 && vn_extract_visible(s.p, s.n))
            v[k++] = s;
        if (i + 1 < n && src[i] == '\r' && src[i + 1] == '\n')
            i++;
        start = i + 1;
    }
    *nlines = k;
    return VN_OK;
}

/* ---- Chrome -------------------------------------------------------- */

/* Portal chrome that makes up a whole line, compared ignoring case and
 * a final ':'. */
static const char *const chrome_lines[] = {
    "trang chủ", "quay lại", "quay về", "trở về", "trở lại",
    "về đầu trang", "lên đầu trang", "đầu trang", "in bài viết", "in bài",
    "in trang", "bản in", "chia sẻ", "chia sẻ bài viết", "gửi email",
    "gửi bài viết", "gửi cho bạn bè", "email", "facebook", "zalo",
    "twitter", "tweet", "xem thêm", "tin liên quan", "tin khác",
    "các tin khác", "bài viết liên quan", "tin cùng chuyên mục",
    "danh mục", "đóng", "cỡ chữ",
};

/* Labels of a view counter line: "Lượt xem: 1.024". */
static const char *const counter_labels[] = {
    "lượt xem", "số lượt xem", "lượt truy cập", "lượt đọc", "đã xem",
};

/* Whether s equals, ignoring case, one of the ntab words of tab. */
static int in_table(span s, const char *const *tab, size_t ntab)
{
    for (size_t i = 0; i < ntab; i++)
        if (ci_equal(s, tab[i]))
            return 1;
    return 0;
}

static int in_chrome_table(span s)
{
    if (s.n > 1 && s.p[s.n - 1] == ':')
        s = trim((span){s.p, s.n - 1});
    return in_table(s, chrome_lines, sizeof chrome_lines / sizeof chrome_lines[0]);
}

/* Whether s is a label, an optional ':', and a number such as 1.024. */
static int is_counter(span s)
{
    for (size_t i = 0; i < sizeof counter_labels / sizeof counter_labels[0]; i++) {
        size_t k = ci_prefix(s.p, s.n, counter_labels[i]);
        if (k == 0)
            continue;
        span rest = trim((span){s.p + k, s.n - k});
        if (rest.n > 0 && rest.p[0] == ':')
            rest = trim((span){rest.p + 1, rest.n - 1});
        size_t j = 0;
        while (j < rest.n && (is_digit(rest.p[j]) || (j > 0 && strchr(".,", rest.p[j]))))
            j++;
        if (rest.n > 0 && j == rest.n && is_digit(rest.p[j - 1]))
            return 1;
    }
    return 0;
}

/* Whether s is a phrase a menu or breadcrumb would show: at most
 * REPEAT_MAX_BYTES, two words or more, a letter among them. One word
 * said twice is ordinary Vietnamese ("xanh xanh", a name "Linh Linh"). */
static int is_phrase(span s)
{
    int letter = 0, blank = 0;
    if (s.n > REPEAT_MAX_BYTES)
        return 0;
    for (size_t i = 0; i < s.n; i++) {
        unsigned char c = (unsigned char)s.p[i];
        letter |= c >= 0x80 || (unsigned)((c | 0x20) - 'a') < 26u;
        blank |= space_len(s.p + i, s.n - i) > 0;
    }
    return letter && blank;
}

/* Whether s is one phrase written twice, with or without blanks between
 * ("Danh mục Danh mục", "Tin tứcTin tức"), as breadcrumbs are saved. */
static int is_repeat(span s)
{
    for (size_t gap = 0; gap <= 4 && gap < s.n; gap++) {
        size_t half = (s.n - gap) / 2;
        span first = {s.p, half}, mid = {s.p + half, gap};
        if ((s.n - gap) % 2 == 0 && trim(mid).n == 0
            && memcmp(s.p, s.p + half + gap, half) == 0 && is_phrase(first))
            return 1;
    }
    return 0;
}

static int is_chrome(span s)
{
    return in_chrome_table(s) || is_counter(s) || is_repeat(s);
}

/* Whether chrome shows among the first or last EDGE_LINES lines. */
static int is_dept_page(const span *v, size_t n)
{
    for (size_t i = 0; i < n && i < EDGE_LINES; i++)
        if (is_chrome(v[i]) || is_chrome(v[n - 1 - i]))
            return 1;
    return 0;
}

/* Keep the lines that are not chrome, in order. Returns how many. */
static size_t drop_chrome(span *v, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_chrome(v[i]))
            v[k++] = v[i];
    return k;
}

/* ---- Author -------------------------------------------------------- */

/* Credits around a byline, stripped before it is judged. */
static const char *const credit_prefixes[] = {
    "tin, ảnh:", "tin và ảnh:", "tin - ảnh:", "tin-ảnh:", "tin:",
    "bài, ảnh:", "bài và ảnh:", "bài - ảnh:", "bài:", "tác giả:", "(ảnh)",
    "theo ",
};
static const char *const credit_suffixes[] = {
    "(ảnh)", "(tổng hợp)", "(th)", "(t/h)",
};
/* Words that may join two names: "Minh Anh - Quốc Bảo". */
static const char *const name_joins[] = {"-", "–", "&", "và"};
/* A byline never ends like a sentence or a label. */
static const char *const sentence_ends[] = {".", ":", ";", ",", "!", "?", "…"};

/* s without one credit prefix and one credit suffix, trimmed. */
static span strip_credits(span s)
{
    for (size_t i = 0; i < sizeof credit_prefixes / sizeof credit_prefixes[0]; i++) {
        size_t k = ci_prefix(s.p, s.n, credit_prefixes[i]);
        if (k > 0) {
            s = trim((span){s.p + k, s.n - k});
            break;
        }
    }
    for (size_t i = 0; i < sizeof credit_suffixes / sizeof credit_suffixes[0]; i++) {
        size_t k = strlen(credit_suffixes[i]);
        if (k < s.n && ci_prefix(s.p + s.n - k, k, credit_suffixes[i]) == k) {
            s = trim((span){s.p, s.n - k});
            break;
        }
    }
    return s;
}

/* Whether word is a capitalised name part: an upper-case letter first
 * (after an optional '('), no digits and no ':' anywhere. */
static int is_name_word(span w)
{
    size_t i = w.n > 1 && w.p[0] == '(' ? 1 : 0, len;
    if (!is_upper(decode(w.p + i, w.n - i, &len)))
        return 0;
    for (i = 0; i < w.n; i++)
        if (is_digit(w.p[i]) || w.p[i] == ':')
            return 0;
    return 1;
}

/* Whether every word of s is a name part, joins standing only between
 * names, and there are at most AUTHOR_MAX_WORDS of them. */
static int is_name_list(span s)
{
    size_t nwords = 0, i = 0;
    int last_join = 1; /* a join may not come first */
    while (i < s.n) {
        size_t k, start = i;
        while (i < s.n && space_len(s.p + i, s.n - i) == 0) {
            decode(s.p + i, s.n - i, &k);
            i += k;
        }
        span w = {s.p + start, i - start};
        int join = in_table(w, name_joins, sizeof name_joins / sizeof name_joins[0]);
        if ((join && last_join) || (!join && !is_name_word(w)))
            return 0;
        last_join = join;
        nwords++;
        while (i < s.n && (k = space_len(s.p + i, s.n - i)) > 0)
            i += k;
    }
    return nwords > 0 && nwords <= AUTHOR_MAX_WORDS && !last_join;
}

/* Whether line is a byline. OUT: *name, the name without credits (a
 * sub-span of line), or {NULL, 0}. */
static int find_author(span line, span *name)
{
    span s = strip_credits(line);
    *name = (span){NULL, 0};
    if (s.n == 0 || s.n > AUTHOR_MAX_BYTES)
        return 0;
    for (size_t i = 0; i < sizeof sentence_ends / sizeof sentence_ends[0]; i++) {
        size_t k = strlen(sentence_ends[i]);
        if (k <= s.n && memcmp(s.p + s.n - k, sentence_ends[i], k) == 0)
            return 0;
    }
    if (!is_name_list(s))
        return 0;
    *name = s;
    return 1;
}

int vn_extract_chrome_line(const char *src, size_t n)
{
    span s = trim((span){src != NULL ? src : "", src != NULL ? n : 0});
    return s.n > 0 && is_chrome(s);
}

int vn_extract_byline(const char *src, size_t n, size_t *off, size_t *len)
{
    span name = {NULL, 0};
    int found = src != NULL && find_author(trim((span){src, n}), &name);
    *off = found ? (size_t)(name.p - src) : 0;
    *len = found ? name.n : 0;
    return found;
}

/* Where the last sentence of line ends: after the last '.', '!', '?' or
 * '…' (and any closing quotes or brackets) that a blank follows; 0 when
 * there is none. */
static size_t last_sentence_end(span line)
{
    for (size_t i = line.n; i-- > 0;) {
        size_t k = i + 1;
        if (!strchr(".!?", line.p[i]) && !(i >= 2 && memcmp(line.p + i - 2, "…", 3) == 0))
            continue;
        while (k < line.n && (strchr("\")]'", line.p[k]) != NULL
                              || (k + 3 <= line.n && (memcmp(line.p + k, "”", 3) == 0
                                                      || memcmp(line.p + k, "’", 3) == 0))))
            k += line.p[k] & 0x80 ? 3 : 1;
        if (k < line.n && space_len(line.p + k, line.n - k) > 0)
            return k;
    }
    return 0;
}

/* The byline at the end of a one-article file: the words after the last
 * sentence of the last line ("... sau dịp Tết. Lê Anh"), or the whole
 * line, without a trailing source in brackets ("Đăng Đức (Tổng hợp từ
 * Marca)"). OUT: *name; *line loses the byline (it may become empty). */
static int find_last_words_author(span *line, span *name)
{
    size_t cut = last_sentence_end(*line);
    span tail = trim((span){line->p + cut, line->n - cut}), who = tail;
    const char *open = tail.n > 0 && tail.p[tail.n - 1] == ')' ? memchr(tail.p, '(', tail.n) : NULL;
    if (open != NULL && open > tail.p)
        who = trim((span){tail.p, (size_t)(open - tail.p)});
    if (!find_author(who, name) && !(who.n != tail.n && find_author(tail, name)))
        return 0;
    *line = trim((span){line->p, cut});
    return 1;
}

/* ---- Fields -------------------------------------------------------- */

static int span_eq(span a, span b)
{
    return a.n == b.n && memcmp(a.p, b.p, a.n) == 0;
}

size_t vn_extract_title_len(const char *src, size_t n)
{
    size_t cut = VN_TITLE_MAX_BYTES, k;
    if (src == NULL || n <= cut)
        return src != NULL ? n : 0;
    while (cut > 0 && ((unsigned char)src[cut] & 0xC0) == 0x80)
        cut--; /* a character's first byte */
    for (k = cut; k > 0 && src[k - 1] != ' ' && src[k - 1] != '\t'; k--)
        ;
    if (k > VN_TITLE_MAX_BYTES / 2)
        cut = k; /* after the last word that fits */
    return trim((span){src, cut}).n;
}

/* Title, author and body lines of the n lines at v (which may be
 * compacted). Fails with VN_EINVAL when no article text is left. */
static int find_layout(span *v, size_t n, layout *out, vn_err *err)
{
    int dept = is_dept_page(v, n);
    memset(out, 0, sizeof *out);
    if (n == 0)
        return vn_err_set(err, VN_EINVAL, "empty article");
    if (dept)
        n = drop_chrome(v, n);
    if (n == 0)
        return vn_err_set(err, VN_EINVAL, "empty article: only site chrome");
    out->title = v[0];
    out->title.n = vn_extract_title_len(v[0].p, v[0].n);
    out->first = out->title.n < v[0].n ? 0 : 1; /* a long line stays whole */
    out->end = n;
    if (!dept) {
        if (n > out->first && find_last_words_author(&v[n - 1], &out->author)
            && v[n - 1].n == 0)
            out->end = n - 1;
        return VN_OK;
    }
    /* A saved page may repeat its heading; the body does not. */
    while (out->first < n && span_eq(v[out->first], out->title))
        out->first++;
    if (out->first < n && find_author(v[n - 1], &out->author))
        out->end = n - 1;
    return VN_OK;
}

/* A NUL-terminated copy of s (OUT: caller frees), or NULL. The text holds
 * no NUL (the indexer refuses such files), so strndup copies all of it. */
static char *dup_span(span s)
{
    return strndup(s.p, s.n);
}

/* Body lines joined by blank lines, into art->body and art->body_len. */
static int join_body(const span *v, const layout *lay, vn_article *art)
{
    vn_buf b = VN_BUF_INIT;
    int rc = VN_OK;
    for (size_t i = lay->first; i < lay->end; i++) {
        if (i > lay->first)
            vn_buf_add_rc(&b, "\n\n", 2, &rc);
        vn_buf_add_rc(&b, v[i].p, v[i].n, &rc);
    }
    if (rc == VN_OK)
        rc = vn_buf_take(&b, &art->body, &art->body_len);
    vn_buf_free(&b);
    return rc;
}

/* Copy the fields of the layout into art. */
static int fill_article(const span *v, const layout *lay, vn_article *art,
                        vn_err *err)
{
    char date[11];
    int rc = join_body(v, lay, art);
    art->title = dup_span(lay->title);
    if (lay->author.p != NULL)
        art->author = dup_span(lay->author);
    if (vn_extract_article_date(lay->title.p, lay->title.n, art->body, art->body_len, date))
        art->date = dup_span((span){date, 10});
    if (art->title == NULL || (lay->author.p != NULL && art->author == NULL)
        || (date[0] != '\0' && art->date == NULL))
        rc = VN_ENOMEM;
    if (rc != VN_OK)
        vn_err_set(err, rc, "out of memory extracting an article");
    return rc;
}

int vn_extract_txt(const char *src, size_t n, vn_article *art, vn_err *err)
{
    static const char bom[] = "\xEF\xBB\xBF";
    span *lines = NULL;
    size_t nlines = 0;
    layout lay;
    assert(art != NULL);
    memset(art, 0, sizeof *art);
    if (src == NULL) { /* no text: no pointer arithmetic on NULL either */
        src = "";
        n = 0;
    }
    if (n >= 3 && memcmp(src, bom, 3) == 0) {
        src += 3;
        n -= 3;
    }
    int rc = split_lines(src, n, &lines, &nlines);
    if (rc != VN_OK)
        vn_err_set(err, rc, "out of memory splitting an article into lines");
    if (rc == VN_OK)
        rc = find_layout(lines, nlines, &lay, err);
    if (rc == VN_OK)
        rc = fill_article(lines, &lay, art, err);
    free(lines);
    if (rc != VN_OK)
        vn_article_free(art);
    return rc;
}

void vn_article_free(vn_article *art)
{
    if (art == NULL)
        return;
    free(art->title);
    free(art->date);
    free(art->author);
    free(art->url);
    free(art->body);
    memset(art, 0, sizeof *art);
}

/* ---- Dates --------------------------------------------------------- */

typedef struct ymd {
    unsigned y, m, d;
} ymd;

/* A parse position that stops moving once a step fails. */
typedef struct cursor {
    const char *s;
    size_t n, i;
    int ok;
} cursor;

/* A run of lo..hi digits, read into *val. */
static void take_number(cursor *c, size_t lo, size_t hi, unsigned *val)
{
    size_t k = 0;
    *val = 0;
    while (c->ok && c->i + k < c->n && is_digit(c->s[c->i + k])) {
        if (k < 6)
            *val = *val * 10 + (unsigned)(c->s[c->i + k] - '0');
        k++;
    }
    c->ok = c->ok && k >= lo && k <= hi;
    c->i += c->ok ? k : 0;
}

/* One or more blanks on the same line. */
static void take_spaces(cursor *c)
{
    size_t k, start = c->i;
    while (c->ok && c->i < c->n && (k = space_len(c->s + c->i, c->n - c->i)) > 0)
        c->i += k;
    c->ok = c->ok && c->i > start;
}

/* word (lower case) in any case. */
static void take_word(cursor *c, const char *word)
{
    size_t k = c->ok ? ci_prefix(c->s + c->i, c->n - c->i, word) : 0;
    c->ok = k > 0;
    c->i += k;
}

/* One byte out of set; *got gets it. */
static void take_byte(cursor *c, const char *set, char *got)
{
    c->ok = c->ok && c->i < c->n && c->s[c->i] != '\0' && strchr(set, c->s[c->i]);
    *got = c->ok ? c->s[c->i++] : '\0';
}

static int date_valid(ymd d)
{
    static const unsigned mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (d.y % 4 == 0 && d.y % 100 != 0) || d.y % 400 == 0;
    if (d.y < 1900 || d.y > 2100 || d.m < 1 || d.m > 12 || d.d < 1)
        return 0;
    return d.d <= mdays[d.m - 1] && !(d.m == 2 && d.d == 29 && !leap);
}

/* "12 tháng 5 năm 2023" at c->i ("ngày" before it is not needed).
 * OUT: *end, where it ends. */
static int worded_date(cursor c, ymd *d, size_t *end)
{
    take_number(&c, 1, 2, &d->d);
    take_spaces(&c);
    take_word(&c, "tháng");
    take_spaces(&c);
    take_number(&c, 1, 2, &d->m);
    take_spaces(&c);
    take_word(&c, "năm");
    take_spaces(&c);
    take_number(&c, 4, 4, &d->y);
    *end = c.i;
    return c.ok && date_valid(*d);
}

/* "12/5/2023", "12-05-2023" or "12.5.2023" at c->i: one separator used
 * twice, and not the head of a code ("12/5/2023/QĐ", "1-5-2023-KH"). A
 * time after it ("08:30") is no concern of ours. OUT: *end. */
static int numeric_date(cursor c, ymd *d, size_t *end)
{
    char sep, sep2;
    take_number(&c, 1, 2, &d->d);
    take_byte(&c, "/-.", &sep);
    take_number(&c, 1, 2, &d->m);
    take_byte(&c, "/-.", &sep2);
    take_number(&c, 4, 4, &d->y);
    *end = c.i;
    if (!c.ok || sep != sep2)
        return 0;
    if (c.i < c.n && c.s[c.i] == '/')
        return 0;
    if (c.i + 1 < c.n && strchr("-.", c.s[c.i]) && !is_digit(c.s[c.i + 1])
        && space_len(c.s + c.i + 1, c.n - c.i - 1) == 0)
        return 0;
    return date_valid(*d);
}

/* Whether a number can start a date at src[i]: the first digit of a run,
 * not a part after "123/" of a longer code. */
static int date_can_start(const char *src, size_t i)
{
    if (!is_digit(src[i]) || (i > 0 && is_digit(src[i - 1])))
        return 0;
    return !(i > 1 && src[i - 1] == '/' && is_digit(src[i - 2]));
}

/* v as w decimal digits, zero-padded, at dst (no NUL). */
static void put_digits(char *dst, unsigned v, size_t w)
{
    for (; w > 0; w--, v /= 10)
        dst[w - 1] = (char)('0' + v % 10);
}

/* d as "YYYY-MM-DD" in out[11]. */
static void put_ymd(char out[11], ymd d)
{
    put_digits(out, d.y, 4);
    out[4] = '-';
    put_digits(out + 5, d.m, 2);
    out[7] = '-';
    put_digits(out + 8, d.d, 2);
    out[10] = '\0';
}

/* A date starting at src[i]. OUT: *d, and *end where it ends. */
static int date_at(const char *src, size_t n, size_t i, ymd *d, size_t *end)
{
    cursor c = {src, n, i, 1};
    return date_can_start(src, i) && (numeric_date(c, d, end) || worded_date(c, d, end));
}

int vn_extract_date(const char *src, size_t n, char out[11])
{
    ymd d;
    size_t end;
    out[0] = '\0';
    for (size_t i = 0; src != NULL && i < n; i++) {
        if (date_at(src, n, i, &d, &end)) {
            put_ymd(out, d);
            return 1;
        }
    }
    return 0;
}

/* ---- The article's date ---------------------------------------------- */

/* Words that join the two ends of a span of dates. */
static const char *const span_joins[] = {"-", "–", "—", "đến", "tới", "cho đến"};

/* If a span's second date follows the date that ends at src[end]
 * ("28/8/1945 - 28/8/2023", "từ ngày 1/7/2014 đến ngày 30/11/2016"),
 * where it ends; else 0. */
static size_t span_end(const char *src, size_t n, size_t end)
{
    for (size_t k = 0; k < sizeof span_joins / sizeof span_joins[0]; k++) {
        cursor c = {src, n, end, 1};
        size_t at, end2;
        ymd d;
        take_spaces(&c);
        c.ok = 1; /* blanks are optional */
        take_word(&c, span_joins[k]);
        take_spaces(&c);
        if (!c.ok)
            continue;
        at = c.i;
        take_word(&c, "ngày");
        take_spaces(&c);
        if (c.ok)
            at = c.i;
        if (date_at(src, n, at, &d, &end2))
            return end2;
    }
    return 0;
}

/* The word before src[i] on the same line, skipping a "ngày" (or the
 * empty span when there is none). */
static span word_before(const char *src, size_t i)
{
    for (int pass = 0; pass < 2; pass++) {
        size_t e = i, b;
        while (e > 0 && (src[e - 1] == ' ' || src[e - 1] == '\t'))
            e--;
        for (b = e; b > 0 && !strchr(" \t\n\r", src[b - 1]); b--)
            ;
        span w = {src + b, e - b};
        if (pass == 0 && ci_equal(w, "ngày"))
            i = b;
        else
            return w;
    }
    return (span){src + i, 0};
}

/* Whether the date at src[i] names another thing's date: a document's
 * ("Quyết định số 200/QĐ-UBND ngày 18/01/2023", "Nghị định 159 ngày
 * 12/11/2013": a number or code just before it) or a birth ("sinh
 * ngày"). A word ending a clause ("2019," "18/11.") is no code. */
static int is_reference(const char *src, size_t i)
{
    span w = word_before(src, i);
    if (w.n == 0)
        return 0;
    if (ci_equal(w, "sinh"))
        return 1;
    if (strchr(".,;:!?)", w.p[w.n - 1]) != NULL)
        return 0;
    for (size_t k = 0; k < w.n; k++)
        if (is_digit(w.p[k]))
            return 1;
    return 0;
}

/* The first date in src[0..n) that starts before window and is neither
 * a reference nor part of a span. */
static int first_own_date(const char *src, size_t n, size_t window, char out[11])
{
    ymd d;
    size_t end, end2;
    for (size_t i = 0; src != NULL && i < n && i < window; i++) {
        if (!date_at(src, n, i, &d, &end))
            continue;
        if ((end2 = span_end(src, n, end)) > 0)
            i = end2 - 1;
        else if (is_reference(src, i))
            i = end - 1;
        else {
            put_ymd(out, d);
            return 1;
        }
    }
    return 0;
}

int vn_extract_article_date(const char *title, size_t ntitle, const char *body, size_t nbody,
                            char out[11])
{
    out[0] = '\0';
    return first_own_date(title, ntitle, ntitle, out)
           || first_own_date(body, nbody, VN_DATE_WINDOW, out);
}

int vn_extract_iso_date(const char *src, size_t n, char out[11])
{
    cursor c = {src, src != NULL ? n : 0, 0, 1};
    char sep, sep2;
    ymd d;
    out[0] = '\0';
    take_number(&c, 4, 4, &d.y);
    take_byte(&c, "-", &sep);
    take_number(&c, 2, 2, &d.m);
    take_byte(&c, "-", &sep2);
    take_number(&c, 2, 2, &d.d);
    if (!c.ok || !date_valid(d) || (c.i < c.n && is_digit(c.s[c.i])))
        return 0;
    put_ymd(out, d);
    return 1;
}
