/* fuzz_http.c: libFuzzer target for what the search server does with a
 * request's query string (query/http.c reads it through libmicrohttpd;
 * this decodes it the same way: '&' between pairs, '+' as a space, %XX).
 * The values go through the server's own checks and parsers, then into
 * the page and the links it renders.
 *
 * Invariants, for any query string:
 *  - search_parse_date accepts only real dates in 1900..2100 written
 *    YYYY, YYYY-MM or YYYY-MM-DD, giving YYYY-MM-DD; the first day of a
 *    period is never after its last; search_parse_sort accepts exactly
 *    relevance, date and date-asc;
 *  - out_html_query encodes q so that decoding the link gives q back,
 *    byte for byte, with only unreserved characters, %XX, '+', '=' and
 *    '&' in it, and carries since, until and sort over unchanged;
 *  - out_html_text leaves no '<', '>', '"' or '\'' and no control
 *    character, and every '&' starts an entity;
 *  - out_html_page with q and an error message made of the input is
 *    valid UTF-8 and holds exactly as many '<' and '"' as the same page
 *    for a plain word: nothing typed becomes markup. */
#include "fuzz.h"

#include "out_html.h"
#include "search.h"
#include "vn_norm.h"

#include <ctype.h>
#include <string.h>

#define Q_MAX 2048 /* the server refuses longer q values (Q_MAX_BYTES) */

/* Percent-decode s[0..n) as a form value into out (reset first). */
static void form_decode(const char *s, size_t n, vn_buf *out)
{
    vn_buf_reset(out);
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '+') {
            c = ' ';
        } else if (c == '%' && i + 2 < n && isxdigit((unsigned char)s[i + 1])
                   && isxdigit((unsigned char)s[i + 2])) {
            char hex[3] = {s[i + 1], s[i + 2], 0};
            c = (char)strtol(hex, NULL, 16);
            i += 2;
        }
        vn_buf_add(out, &c, 1);
    }
}

/* The decoded value of key in the query string qs[0..n), or 0. */
static int form_get(const char *qs, size_t n, const char *key, vn_buf *out)
{
    size_t klen = strlen(key);
    for (size_t a = 0; a <= n;) {
        const char *amp = memchr(qs + a, '&', n - a);
        size_t b = amp ? (size_t)(amp - qs) : n;
        if (b - a > klen && memcmp(qs + a, key, klen) == 0 && qs[a + klen] == '=') {
            form_decode(qs + a + klen + 1, b - a - klen - 1, out);
            return 1;
        }
        a = b + 1;
    }
    return 0;
}

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static void check_date(const char *v, size_t n, search_req *rq, int is_until)
{
    char out[11], other[11];
    if (n > 10 || memchr(v, '\0', n) != NULL)
        return; /* the server refuses these before parsing */
    char s[11];
    memcpy(s, v, n);
    s[n] = '\0';
    if (search_parse_date(s, is_until, out) != 0)
        return;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y = atoi(out), m = atoi(out + 5), d = atoi(out + 8);
    FUZZ_CHECK(strlen(out) == 10 && out[4] == '-' && out[7] == '-' && y >= 1900 && y <= 2100
                   && m >= 1 && m <= 12 && d >= 1 && d <= mdays[m - 1] + (m == 2 && leap(y)),
               "<%s> read as <%s>", s, out);
    FUZZ_CHECK(strncmp(s, out, n) == 0 && (n == 4 || n == 7 || n == 10),
               "<%s> read as <%s>", s, out);
    FUZZ_CHECK(search_parse_date(s, !is_until, other) == 0, "<%s> accepted one way only", s);
    FUZZ_CHECK(strcmp(is_until ? other : out, is_until ? out : other) <= 0,
               "<%s>: first day after last", s);
    memcpy(is_until ? rq->until : rq->since, out, 11);
}

static void check_text(const char *s)
{
    vn_buf b = VN_BUF_INIT;
    int rc = VN_OK;
    out_html_text(&b, s, &rc);
    FUZZ_CHECK(rc == VN_OK, "out_html_text failed");
    for (size_t i = 0; i < b.len; i++) {
        unsigned char c = (unsigned char)b.data[i];
        FUZZ_CHECK(c != '<' && c != '>' && c != '"' && c != '\'' && (c >= 0x20 || c == '\n'
                                                                     || c == '\t')
                       && c != 0x7F,
                   "byte 0x%02x left in escaped text", c);
        if (c == '&')
            FUZZ_CHECK(strchr(b.data + i, ';') != NULL, "a bare & in escaped text");
    }
    vn_buf_free(&b);
}

static void count_marks(const char *q, const char *error, size_t *lt, size_t *quot,
                        const search_req *rq)
{
    vn_buf b = VN_BUF_INIT;
    int rc = VN_OK;
    out_html_view v = {.q = q, .rq = rq, .res = NULL, .page = 1, .size = 10, .error = error};
    out_html_page(&b, &v, &rc);
    FUZZ_CHECK(rc == VN_OK, "out_html_page failed");
    FUZZ_CHECK(fuzz_utf8_ok(b.data ? b.data : "", b.len), "page not UTF-8");
    *lt = *quot = 0;
    for (size_t i = 0; i < b.len; i++) {
        *lt += b.data[i] == '<';
        *quot += b.data[i] == '"';
    }
    vn_buf_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *qs = (const char *)data;
    vn_buf v = VN_BUF_INIT, link = VN_BUF_INIT, back = VN_BUF_INIT;
    search_req rq;
    memset(&rq, 0, sizeof rq);
    if (form_get(qs, size, "since", &v))
        check_date(v.data ? v.data : "", v.len, &rq, 0);
    if (form_get(qs, size, "until", &v))
        check_date(v.data ? v.data : "", v.len, &rq, 1);
    if (form_get(qs, size, "sort", &v)) {
        int sort = -1;
        const char *s = v.data ? v.data : "";
        int ok = memchr(s, '\0', v.len) == NULL && search_parse_sort(s, &sort) == 0;
        int want = strcmp(s, "relevance") == 0 || strcmp(s, "date") == 0
                   || strcmp(s, "date-asc") == 0;
        FUZZ_CHECK(ok == want || memchr(s, '\0', v.len) != NULL, "sort <%s> ok=%d", s, ok);
        if (ok)
            rq.sort = sort;
    }
    const char *q = "";
    if (form_get(qs, size, "q", &v) && v.len <= Q_MAX && v.data
        && memchr(v.data, '\0', v.len) == NULL && vn_norm_utf8_valid(v.data, v.len))
        q = v.data; /* what read_q lets through */
    int rc = VN_OK;
    out_html_query(&link, q, &rq, 3, 20, &rc);
    FUZZ_CHECK(rc == VN_OK, "out_html_query failed");
    const char *l = link.data ? link.data : "";
    for (size_t i = 0; i < link.len; i++)
        FUZZ_CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%+=&",
                          l[i]) != NULL && l[i] != '\0',
                   "byte 0x%02x in the link <%s>", (unsigned char)l[i], l);
    FUZZ_CHECK(form_get(l, link.len, "q", &back) && back.len == strlen(q)
                   && memcmp(back.data ? back.data : "", q, back.len) == 0,
               "q <%s> came back as <%.*s> from <%s>", q, (int)back.len,
               back.data ? back.data : "", l);
    if (rq.since[0])
        FUZZ_CHECK(form_get(l, link.len, "since", &back) && strcmp(back.data, rq.since) == 0,
                   "since lost in <%s>", l);
    check_text(q);
    size_t lt0, quot0, lt, quot;
    count_marks("x", "x", &lt0, &quot0, &rq);
    count_marks(q, q[0] ? q : NULL, &lt, &quot, &rq);
    if (q[0] == '\0') /* no error slot filled: compare with the same shape */
        count_marks("x", NULL, &lt0, &quot0, &rq);
    FUZZ_CHECK(lt == lt0 && quot == quot0, "q <%s> changed the markup: %zu '<' and %zu '\"'"
               " instead of %zu and %zu", q, lt, quot, lt0, quot0);
    vn_buf_free(&v);
    vn_buf_free(&link);
    vn_buf_free(&back);
    return 0;
}
