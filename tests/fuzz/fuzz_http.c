/* fuzz_http.c: libFuzzer target for what the search server does with a
 * request's query string. query/http.c is compiled into this file (the
 * #include below), so that its static readers run exactly as the server
 * runs them: read_params (q, size, page, since, until, sort, with
 * search_parse_int under size= and page=) and the answers of do_page and
 * do_search to a request that needs no index. libmicrohttpd's part,
 * splitting the query string into decoded arguments, is played by a
 * stand-in written from its source (MHD_parse_arguments_ and
 * MHD_http_unescape): '&' between pairs, '+' as a space, %XX, a key
 * without '=' has no value, keys match without regard to ASCII case and
 * the first one wins. The query string ends at a raw NUL, as MHD's does.
 *
 * Invariants, for any query string:
 *  - read_params accepts exactly what a model written here accepts: q
 *    of at most Q_MAX_BYTES (1000, the server's limit) of UTF-8 without
 *    NUL; size and page digits only (at most 18), size from 1 up cut
 *    to OUT_HTML_SIZE_MAX, page from 1 to the page holding result
 *    SEARCH_OFFSET_MAX; since and until dates (below); since not after
 *    until; sort one of three. On refusal it names the first bad
 *    parameter in that order, with both messages; on success limit is
 *    size and offset (page - 1) * size, at most SEARCH_OFFSET_MAX;
 *  - search_parse_int agrees with strtoll on digit strings and refuses
 *    anything else, for several ranges;
 *  - search_parse_date accepts only real dates in 1900..2100 written
 *    YYYY, YYYY-MM or YYYY-MM-DD, giving YYYY-MM-DD; the first day of a
 *    period is never after its last; search_parse_sort accepts exactly
 *    relevance, date and date-asc;
 *  - out_html_query, for the parameters read, writes a link with only
 *    unreserved characters, %XX, '+', '=' and '&', which read_params
 *    reads back to the same q, dates, sort, page and size;
 *  - out_html_text leaves no '<', '>', '"' or '\'' and no control
 *    character, and every '&' starts an entity;
 *  - out_html_page with q and an error message made of the input is
 *    valid UTF-8 and holds exactly as many '<' and '"' as the same page
 *    for a plain word: nothing typed becomes markup;
 *  - a refused request gets 400: from do_page a valid UTF-8 page, from
 *    do_search a JSON object naming the same field. */
#include "fuzz.h"

#include "http.c" /* static functions under test; http.o is then not linked */

#include <ctype.h>
#include <errno.h>
#include <string.h>
#include <strings.h>

/* ---- a stand-in for libmicrohttpd's arguments ----------------------------------- */

typedef struct fake_arg {
    char *key, *val;      /* decoded, NUL-terminated; val NULL: no '=' */
    size_t nkey, nval;    /* decoded lengths (may hold NULs) */
} fake_arg;

typedef struct fake_conn {
    fake_arg args[512];
    size_t n;
} fake_conn;

/* MHD_unescape_plus then MHD_http_unescape, in place. Returns the new
 * length. */
static size_t unescape(char *s, size_t n)
{
    size_t w = 0;
    for (size_t r = 0; r < n; r++) {
        char c = s[r] == '+' ? ' ' : s[r];
        if (c == '%' && r + 2 < n && isxdigit((unsigned char)s[r + 1])
            && isxdigit((unsigned char)s[r + 2])) {
            char hex[3] = {s[r + 1], s[r + 2], 0};
            c = (char)strtol(hex, NULL, 16);
            r += 2;
        }
        s[w++] = c;
    }
    s[w] = '\0';
    return w;
}

/* Split qs[0..n) (up to a NUL) into conn, as MHD_parse_arguments_ does. */
static void fake_parse(fake_conn *conn, const char *qs, size_t n)
{
    conn->n = 0;
    n = strnlen(qs, n);
    for (size_t a = 0; a < n && conn->n < sizeof conn->args / sizeof conn->args[0];) {
        const char *amp = memchr(qs + a, '&', n - a);
        size_t b = amp ? (size_t)(amp - qs) : n;
        const char *eq = memchr(qs + a, '=', b - a);
        size_t klen = eq ? (size_t)(eq - qs) - a : b - a;
        fake_arg *arg = &conn->args[conn->n++];
        arg->key = strndup(qs + a, klen);
        arg->nkey = unescape(arg->key, klen);
        arg->val = eq ? strndup(eq + 1, b - a - klen - 1) : NULL;
        arg->nval = eq ? unescape(arg->val, b - a - klen - 1) : 0;
        a = b + 1;
    }
}

static void fake_free(fake_conn *conn)
{
    for (size_t i = 0; i < conn->n; i++) {
        free(conn->args[i].key);
        free(conn->args[i].val);
    }
    conn->n = 0;
}

/* The first argument named key (ASCII case ignored), or NULL. */
static const fake_arg *fake_get(const fake_conn *conn, const char *key)
{
    size_t klen = strlen(key);
    for (size_t i = 0; i < conn->n; i++)
        if (conn->args[i].nkey == klen && strncasecmp(conn->args[i].key, key, klen) == 0)
            return &conn->args[i];
    return NULL;
}

static enum MHD_Result fake_lookup(struct MHD_Connection *c, enum MHD_ValueKind kind,
                                   const char *key, size_t key_size, const char **value,
                                   size_t *value_size)
{
    const fake_conn *conn = (const fake_conn *)(void *)c;
    FUZZ_CHECK(kind == MHD_GET_ARGUMENT_KIND && strlen(key) == key_size,
               "lookup of <%s> kind %d", key, (int)kind);
    const fake_arg *a = fake_get(conn, key);
    if (a == NULL)
        return MHD_NO;
    *value = a->val;
    if (value_size != NULL)
        *value_size = a->nval;
    return MHD_YES;
}

static const vn_mhd fake_mhd = {.lookup_connection_value_n = fake_lookup};

static struct MHD_Connection *as_connection(fake_conn *conn)
{
    return (struct MHD_Connection *)(void *)conn;
}

/* ---- models of the parsers --------------------------------------------------------- */

static int leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* The bound read from a date value, checked against the calendar.
 * OUT: out[11] ("" for none). Returns 0, or -1 for a refused value. */
static int check_date(const fake_arg *a, int is_until, char out[11])
{
    char other[11], s[11];
    size_t n = a && a->val ? a->nval : 0;
    out[0] = '\0';
    if (n == 0)
        return 0; /* absent or empty: no bound */
    if (n > 10 || memchr(a->val, '\0', n) != NULL)
        return -1;
    memcpy(s, a->val, n + 1);
    if (search_parse_date(s, is_until, out) != 0)
        return -1;
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
    return 0;
}

/* search_parse_int against strtoll: digits only, 1 to 18 of them (more
 * are refused, leading zeros too, so the value always fits a long), in
 * [lo, hi]. Returns the model's answer: 0 and *out, or -1. */
static int check_int(const char *s, size_t n, long lo, long hi, long *out)
{
    char buf[32];
    long got = -7;
    int want = n >= 1 && n <= 18 && strspn(s, "0123456789") >= n ? 0 : -1;
    if (want == 0) {
        memcpy(buf, s, n);
        buf[n] = '\0';
        errno = 0;
        long long v = strtoll(buf, NULL, 10);
        want = errno == 0 && v >= lo && v <= hi ? 0 : -1;
        *out = (long)v;
    }
    int rc = search_parse_int(s, n, lo, hi, &got);
    FUZZ_CHECK(rc == want && (rc != 0 || got == *out), "search_parse_int(<%.*s>, %ld, %ld):"
               " %d (%ld), wanted %d (%ld)", (int)n, s, lo, hi, rc, got, want, *out);
    return want;
}

/* The model of read_int: dflt when absent or empty, the number when
 * check_int takes it, else -1. */
static long model_int(const fake_arg *a, long dflt, long lo, long hi)
{
    long v = 0;
    if (a == NULL || a->val == NULL || a->nval == 0)
        return dflt;
    return check_int(a->val, a->nval, lo, hi, &v) == 0 ? v : -1;
}

/* What read_params must do with conn. OUT: *want (its fields) and
 * *bad_field (NULL when the request is good). */
static void model_params(const fake_conn *conn, params *want, const char **bad_field)
{
    const fake_arg *q = fake_get(conn, "q"), *sort = fake_get(conn, "sort");
    long v;
    memset(want, 0, sizeof *want);
    *bad_field = NULL;
    if (q != NULL && q->val != NULL) {
        if (q->nval > Q_MAX_BYTES || memchr(q->val, '\0', q->nval) != NULL
            || !fuzz_utf8_ok(q->val, q->nval)) {
            *bad_field = "q";
            return;
        }
        want->q = q->val;
    }
    const fake_arg *size = fake_get(conn, "size");
    if ((v = model_int(size, OUT_HTML_SIZE_DEFAULT, 1, 999999999999999999L)) < 0) {
        *bad_field = "size";
        return;
    }
    want->size = v < OUT_HTML_SIZE_MAX ? (int)v : OUT_HTML_SIZE_MAX;
    if ((v = model_int(fake_get(conn, "page"), 1, 1, SEARCH_OFFSET_MAX / want->size + 1)) < 0) {
        *bad_field = "page";
        return;
    }
    want->page = (int)v;
    if (check_date(fake_get(conn, "since"), 0, want->rq.since) != 0) {
        *bad_field = "since";
        return;
    }
    if (check_date(fake_get(conn, "until"), 1, want->rq.until) != 0) {
        *bad_field = "until";
        return;
    }
    if (want->rq.since[0] && want->rq.until[0] && strcmp(want->rq.since, want->rq.until) > 0) {
        *bad_field = "since";
        return;
    }
    if (sort != NULL && sort->val != NULL && sort->nval > 0) {
        const char *s = sort->val;
        int is = memchr(s, '\0', sort->nval) == NULL;
        want->rq.sort = !is                            ? -1
                        : strcmp(s, "relevance") == 0 ? VN_SORT_RELEVANCE
                        : strcmp(s, "date") == 0      ? VN_SORT_DATE
                        : strcmp(s, "date-asc") == 0  ? VN_SORT_DATE_ASC
                                                      : -1;
        if (want->rq.sort < 0) {
            *bad_field = "sort";
            return;
        }
    }
}

/* read_params on conn against the model. Returns read_params' result;
 * OUT: *p. */
static int check_params(fake_conn *conn, params *p)
{
    params want;
    const char *bad_field;
    model_params(conn, &want, &bad_field);
    int rc = read_params(as_connection(conn), p);
    FUZZ_CHECK((rc == 0) == (bad_field == NULL), "read_params %d, the model refuses <%s>", rc,
               bad_field ? bad_field : "nothing");
    if (rc != 0) {
        FUZZ_CHECK(p->field && strcmp(p->field, bad_field) == 0 && p->en && p->vi
                       && fuzz_utf8_ok(p->vi, strlen(p->vi)),
                   "refused <%s>, the model <%s>", p->field ? p->field : "(null)", bad_field);
        return rc;
    }
    FUZZ_CHECK(p->q == want.q && p->rq.q == p->q, "q <%s> read as <%s>",
               want.q ? want.q : "(null)", p->q ? p->q : "(null)");
    FUZZ_CHECK(p->size == want.size && p->page == want.page && p->rq.limit == p->size
                   && p->rq.offset == (p->page - 1) * p->size
                   && p->rq.offset <= SEARCH_OFFSET_MAX && p->rq.offset >= 0,
               "page %d size %d limit %d offset %d; the model: page %d size %d", p->page,
               p->size, p->rq.limit, p->rq.offset, want.page, want.size);
    FUZZ_CHECK(strcmp(p->rq.since, want.rq.since) == 0 && strcmp(p->rq.until, want.rq.until) == 0
                   && p->rq.sort == want.rq.sort,
               "dates <%s> <%s> sort %d; the model <%s> <%s> %d", p->rq.since, p->rq.until,
               p->rq.sort, want.rq.since, want.rq.until, want.rq.sort);
    return rc;
}

/* ---- what the server writes ---------------------------------------------------------- */

/* The link for p, read back: the same request. */
static void check_link(const params *p)
{
    vn_buf link = VN_BUF_INIT;
    int rc = VN_OK;
    const char *q = p->q ? p->q : "";
    out_html_query(&link, q, &p->rq, p->page, p->size, &rc);
    FUZZ_CHECK(rc == VN_OK, "out_html_query failed");
    const char *l = link.data ? link.data : "";
    for (size_t i = 0; i < link.len; i++)
        FUZZ_CHECK(strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~%+=&",
                          l[i]) != NULL && l[i] != '\0',
                   "byte 0x%02x in the link <%s>", (unsigned char)l[i], l);
    fake_conn *back = calloc(1, sizeof *back);
    params p2;
    fake_parse(back, l, link.len);
    FUZZ_CHECK(check_params(back, &p2) == 0, "the link <%s> is refused (%s)", l, p2.field);
    FUZZ_CHECK(p2.q != NULL && strcmp(p2.q, q) == 0, "q <%s> came back as <%s> from <%s>", q,
               p2.q ? p2.q : "(null)", l);
    FUZZ_CHECK(strcmp(p2.rq.since, p->rq.since) == 0 && strcmp(p2.rq.until, p->rq.until) == 0
                   && p2.rq.sort == p->rq.sort && p2.page == p->page && p2.size == p->size,
               "the link <%s> lost a parameter", l);
    fake_free(back);
    free(back);
    vn_buf_free(&link);
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
                        const params *p)
{
    vn_buf b = VN_BUF_INIT;
    int rc = VN_OK;
    out_html_view v = {.q = q, .rq = &p->rq, .res = NULL, .page = p->page, .size = p->size,
                       .error = error};
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

/* The page for a request with no words: the form alone, never a search. */
static void check_blank(fake_conn *conn)
{
    reply r;
    memset(&r, 0, sizeof r);
    do_page(NULL, as_connection(conn), "/", &r);
    FUZZ_CHECK(r.status == 0 && r.body.len > 0 && fuzz_utf8_ok(r.body.data, r.body.len),
               "do_page with no words: status %d", r.status);
    vn_buf_free(&r.body);
}

/* The page and the API on a refused request (neither reaches the index). */
static void check_refused(fake_conn *conn, const params *p)
{
    reply r;
    memset(&r, 0, sizeof r);
    do_page(NULL, as_connection(conn), "/", &r);
    FUZZ_CHECK(r.status == 400 && fuzz_utf8_ok(r.body.data ? r.body.data : "", r.body.len),
               "do_page on a bad <%s>: status %d", p->field, r.status);
    vn_buf_free(&r.body);
    memset(&r, 0, sizeof r);
    do_search(NULL, as_connection(conn), "/api/search", &r);
    vn_buf want = VN_BUF_INIT;
    vn_buf_printf(&want, "{\"error\": \"%s\", \"field\": \"%s\", ", p->en, p->field);
    FUZZ_CHECK(r.status == 400 && r.body.len > want.len
                   && memcmp(r.body.data, want.data, want.len) == 0
                   && fuzz_utf8_ok(r.body.data, r.body.len),
               "do_search on a bad <%s>: %d <%.*s>", p->field, r.status, (int)r.body.len,
               r.body.data ? r.body.data : "");
    vn_buf_free(&want);
    vn_buf_free(&r.body);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fake_conn conn; /* 12 KB: not on the stack */
    params p;
    mhd = &fake_mhd;
    fake_parse(&conn, (const char *)data, size);
    /* search_parse_int on its own, over other ranges than the server's */
    const char *nums[] = {"size", "page"};
    for (size_t i = 0; i < 2; i++) {
        const fake_arg *a = fake_get(&conn, nums[i]);
        long v;
        if (a != NULL && a->val != NULL) {
            check_int(a->val, a->nval, 0, 999999999999999999L, &v);
            check_int(a->val, a->nval, 5, 5, &v);
            check_int(a->val, a->nval, 0, 0, &v);
        }
    }
    const fake_arg *sort = fake_get(&conn, "sort");
    if (sort != NULL && sort->val != NULL && memchr(sort->val, '\0', sort->nval) == NULL) {
        int s = -1, ok = search_parse_sort(sort->val, &s) == 0;
        int want = strcmp(sort->val, "relevance") == 0 || strcmp(sort->val, "date") == 0
                   || strcmp(sort->val, "date-asc") == 0;
        FUZZ_CHECK(ok == want, "sort <%s> ok=%d", sort->val, ok);
    }
    if (check_params(&conn, &p) != 0) {
        check_refused(&conn, &p);
        fake_free(&conn);
        return 0;
    }
    check_link(&p);
    if (blank(p.q))
        check_blank(&conn);
    const char *q = p.q ? p.q : "";
    check_text(q);
    size_t lt0, quot0, lt, quot;
    count_marks("x", "x", &lt0, &quot0, &p);
    count_marks(q, q[0] ? q : NULL, &lt, &quot, &p);
    if (q[0] == '\0') /* no error slot filled: compare with the same shape */
        count_marks("x", NULL, &lt0, &quot0, &p);
    FUZZ_CHECK(lt == lt0 && quot == quot0, "q <%s> changed the markup: %zu '<' and %zu '\"'"
               " instead of %zu and %zu", q, lt, quot, lt0, quot0);
    fake_free(&conn);
    return 0;
}
