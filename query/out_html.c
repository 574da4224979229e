/* out_html.c: the search page and its embedded files; see out_html.h. */
#include "out_html.h"

#include "out.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ---- the embedded files ---------------------------------------------------
 * Each file of query/web/ becomes a read-only symbol pair NAME, NAME_end
 * (a NUL follows the bytes). Paths are relative to the directory make runs
 * in; the Makefile must list the files of query/web/ as prerequisites of this object,
 * since the compiler does not see them. */
#define EMBED(name, file)                                                      \
    __asm__(".section .rodata\n"                                               \
            ".balign 16\n"                                                     \
            ".global " #name "\n" #name ":\n"                                  \
            ".incbin \"" file "\"\n"                                           \
            ".global " #name "_end\n" #name "_end:\n"                          \
            ".byte 0\n"                                                        \
            ".previous\n");                                                    \
    extern const char name[], name##_end[]

EMBED(vn_web_index_html, "query/web/index.html");
EMBED(vn_web_app_js, "query/web/app.js");
EMBED(vn_web_style_css, "query/web/style.css");
EMBED(vn_web_favicon_svg, "query/web/favicon.svg");

static const struct embedded {
    const char *path, *type, *start, *end;
} embedded[] = {
    {"/static/app.js", "text/javascript; charset=utf-8", vn_web_app_js, vn_web_app_js_end},
    {"/static/style.css", "text/css; charset=utf-8", vn_web_style_css, vn_web_style_css_end},
    {"/static/favicon.svg", "image/svg+xml; charset=utf-8", vn_web_favicon_svg,
     vn_web_favicon_svg_end},
};

int out_html_asset(const char *path, out_asset *out)
{
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sizeof embedded / sizeof embedded[0]; i++) {
        if (strcmp(path, embedded[i].path) != 0)
            continue;
        out->path = embedded[i].path;
        out->type = embedded[i].type;
        out->data = embedded[i].start;
        out->len = (size_t)(embedded[i].end - embedded[i].start);
        return 0;
    }
    return -1;
}

/* ---- escaping and links --------------------------------------------------- */

void out_html_text(vn_buf *b, const char *s, int *rc)
{
    size_t run = 0, i = 0;
    for (; s[i] != '\0'; i++) {
        unsigned char c = (unsigned char)s[i];
        const char *rep;
        switch (c) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default:
            if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7F)
                rep = "";
            else
                continue;
        }
        vn_buf_add_rc(b, s + run, i - run, rc);
        vn_buf_puts_rc(b, rep, rc);
        run = i + 1;
    }
    vn_buf_add_rc(b, s + run, i - run, rc);
}

static void url_encode(vn_buf *b, const char *s, int *rc)
{
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
            || c == '-' || c == '_' || c == '.' || c == '~') {
            vn_buf_add_rc(b, s, 1, rc);
        } else if (c == ' ') {
            vn_buf_puts_rc(b, "+", rc);
        } else {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            vn_buf_add_rc(b, esc, 3, rc);
        }
    }
}

static const char *const sort_names[] = {"relevance", "date", "date-asc"};

void out_html_query(vn_buf *b, const char *q, const search_req *rq, int page, int size,
                    int *rc)
{
    vn_buf_puts_rc(b, "q=", rc);
    url_encode(b, q ? q : "", rc);
    if (rq != NULL && rq->since[0])
        vn_buf_printf_rc(b, rc, "&since=%s", rq->since);
    if (rq != NULL && rq->until[0])
        vn_buf_printf_rc(b, rc, "&until=%s", rq->until);
    if (rq != NULL && rq->sort > 0 && rq->sort <= 2)
        vn_buf_printf_rc(b, rc, "&sort=%s", sort_names[rq->sort]);
    if (size != OUT_HTML_SIZE_DEFAULT)
        vn_buf_printf_rc(b, rc, "&size=%d", size);
    if (page > 1)
        vn_buf_printf_rc(b, rc, "&page=%d", page);
}

/* href="?QUERY" (relative: the site may serve the page under a path
 * prefix) with the query escaped for the attribute. */
static void href_query(vn_buf *b, const char *q, const search_req *rq, int page, int size,
                       int *rc)
{
    vn_buf url = VN_BUF_INIT;
    int urc = VN_OK;
    out_html_query(&url, q, rq, page, size, &urc);
    if (urc != VN_OK && *rc == VN_OK)
        *rc = urc;
    vn_buf_puts_rc(b, "href=\"?", rc);
    out_html_text(b, url.data ? url.data : "", rc);
    vn_buf_puts_rc(b, "\"", rc);
    vn_buf_free(&url);
}

/* Only web addresses become links: never javascript: or data:. */
static int is_web_url(const char *u)
{
    return u != NULL && (strncmp(u, "http://", 7) == 0 || strncmp(u, "https://", 8) == 0);
}

/* 1234567 -> "1.234.567", as Vietnamese writes numbers. */
static void put_count(vn_buf *b, int64_t n, int *rc)
{
    char digits[32];
    int len = snprintf(digits, sizeof digits, "%lld", (long long)(n < 0 ? 0 : n));
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            vn_buf_puts_rc(b, ".", rc);
        vn_buf_add_rc(b, digits + i, 1, rc);
    }
}

/* ---- the slots ----------------------------------------------------------- */

int64_t out_html_pages(int64_t total, int size)
{
    if (total <= 0 || size <= 0)
        return 0;
    int64_t pages = (total + size - 1) / size;
    int64_t most = SEARCH_OFFSET_MAX / size + 1;
    return pages < most ? pages : most;
}

static int64_t page_count(const out_html_view *v)
{
    return v->res ? out_html_pages(v->res->total, v->size) : 0;
}

static void notices(vn_buf *b, const out_html_view *v, int *rc)
{
    const search_res *r = v->res;
    if (r->searched != NULL) {
        vn_buf_puts_rc(b, "<p class=\"notice notice-searched\">Đã tìm: <strong>", rc);
        out_html_text(b, r->searched, rc);
        vn_buf_puts_rc(b, "</strong> (bạn gõ: <em>", rc);
        out_html_text(b, v->q, rc);
        vn_buf_puts_rc(b, "</em>)</p>", rc);
    }
    if (r->relaxed)
        vn_buf_puts_rc(b, "<p class=\"notice notice-relaxed\">Không có kết quả khớp đúng dấu "
                          "như bạn gõ; dưới đây là kết quả tìm không dấu.</p>", rc);
    if (r->suggestion != NULL) {
        vn_buf_puts_rc(b, "<p class=\"notice notice-suggestion\">Có phải bạn muốn tìm: <a ", rc);
        href_query(b, r->suggestion, v->rq, 1, v->size, rc);
        vn_buf_puts_rc(b, "><strong>", rc);
        out_html_text(b, r->suggestion, rc);
        vn_buf_puts_rc(b, "</strong></a>?</p>", rc);
    }
}

static void slot_status(vn_buf *b, const out_html_view *v, int *rc)
{
    if (v->error != NULL) {
        vn_buf_puts_rc(b, "<p class=\"error\" role=\"alert\">", rc);
        out_html_text(b, v->error, rc);
        vn_buf_puts_rc(b, "</p>", rc);
        return;
    }
    const search_res *r = v->res;
    if (r == NULL)
        return;
    notices(b, v, rc);
    if (r->total == 0) {
        vn_buf_puts_rc(b, "<p class=\"count none\">Không tìm thấy kết quả nào cho <strong>", rc);
        out_html_text(b, v->q, rc);
        vn_buf_puts_rc(b, "</strong>.", rc);
        if (v->rq != NULL && (v->rq->since[0] || v->rq->until[0]))
            vn_buf_puts_rc(b, " Hãy thử bỏ bớt bộ lọc ngày.", rc);
        vn_buf_puts_rc(b, "</p>", rc);
        return;
    }
    int cs = (int)(r->took_ms / 10 + 0.5); /* hundredths of a second */
    vn_buf_puts_rc(b, "<p class=\"count\">", rc);
    if (r->nhits == 0)
        vn_buf_printf_rc(b, rc, "Trang %d không có kết quả; tổng cộng <strong>", v->page);
    else if (v->page > 1)
        vn_buf_printf_rc(b, rc, "Trang %d/%lld · <strong>", v->page, (long long)page_count(v));
    else
        vn_buf_puts_rc(b, "Tìm thấy <strong>", rc);
    put_count(b, r->total, rc);
    vn_buf_printf_rc(b, rc, "</strong> kết quả (%d,%02d giây)</p>", cs / 100, cs % 100);
}

static void hit_item(vn_buf *b, const vn_hit *h, int *rc)
{
    const char *title = h->title && *h->title ? h->title : "(Không có tiêu đề)";
    vn_buf_puts_rc(b, "<li class=\"hit\"><h2 class=\"hit-title\">", rc);
    if (is_web_url(h->url)) {
        vn_buf_puts_rc(b, "<a href=\"", rc);
        out_html_text(b, h->url, rc);
        vn_buf_puts_rc(b, "\">", rc);
        out_html_text(b, title, rc);
        vn_buf_puts_rc(b, "</a>", rc);
    } else {
        out_html_text(b, title, rc);
    }
    vn_buf_puts_rc(b, "</h2><p class=\"hit-meta\">", rc);
    if (h->date != NULL && strlen(h->date) == 10) {
        vn_buf_puts_rc(b, "<time datetime=\"", rc);
        out_html_text(b, h->date, rc);
        vn_buf_puts_rc(b, "\">", rc);
        vn_buf_add_rc(b, h->date + 8, 2, rc);
        vn_buf_puts_rc(b, "/", rc);
        vn_buf_add_rc(b, h->date + 5, 2, rc);
        vn_buf_puts_rc(b, "/", rc);
        vn_buf_add_rc(b, h->date, 4, rc);
        vn_buf_puts_rc(b, "</time>", rc);
    }
    if (h->author != NULL && *h->author) {
        vn_buf_puts_rc(b, "<span class=\"author\">", rc);
        out_html_text(b, h->author, rc);
        vn_buf_puts_rc(b, "</span>", rc);
    }
    vn_buf_puts_rc(b, "</p><p class=\"hit-snippet\">", rc);
    if (h->snippet != NULL)
        out_html_escape(b, h->snippet, strlen(h->snippet), rc);
    vn_buf_puts_rc(b, "</p></li>", rc);
}

static void slot_results(vn_buf *b, const out_html_view *v, int *rc)
{
    if (v->error != NULL || v->res == NULL)
        return;
    for (int i = 0; i < v->res->nhits; i++)
        hit_item(b, &v->res->hits[i], rc);
}

static void page_link(vn_buf *b, const out_html_view *v, int page, const char *rel,
                      const char *label, int *rc)
{
    vn_buf_puts_rc(b, "<a ", rc);
    href_query(b, v->q, v->rq, page, v->size, rc);
    if (rel != NULL)
        vn_buf_printf_rc(b, rc, " rel=\"%s\"", rel);
    vn_buf_printf_rc(b, rc, " data-page=\"%d\">%s</a>", page, label);
}

/* Previous, the first page, a window around this one, the last, next. */
static void slot_pages(vn_buf *b, const out_html_view *v, int *rc)
{
    int64_t pages = v->error == NULL ? page_count(v) : 0;
    if (pages <= 1)
        return;
    int cur = v->page, last = (int)pages, gap = 0;
    if (cur > 1)
        page_link(b, v, cur - 1, "prev", "‹ Trang trước", rc);
    for (int p = 1; p <= last; p++) {
        if (p != 1 && p != last && (p < cur - 2 || p > cur + 2)) {
            if (!gap)
                vn_buf_puts_rc(b, "<span class=\"gap\" aria-hidden=\"true\">…</span>", rc);
            gap = 1;
            continue;
        }
        gap = 0;
        char label[16];
        snprintf(label, sizeof label, "%d", p);
        if (p == cur)
            vn_buf_printf_rc(b, rc, "<span aria-current=\"page\">%d</span>", p);
        else
            page_link(b, v, p, NULL, label, rc);
    }
    if (cur < last)
        page_link(b, v, cur + 1, "next", "Trang sau ›", rc);
}

static void slot_title(vn_buf *b, const out_html_view *v, int *rc)
{
    if (v->q != NULL && *v->q) {
        out_html_text(b, v->q, rc);
        vn_buf_puts_rc(b, " – ", rc);
    }
    vn_buf_puts_rc(b, "Tìm kiếm tin bài – Sở Nội vụ", rc);
}

static void slot_q(vn_buf *b, const out_html_view *v, int *rc)
{
    out_html_text(b, v->q ? v->q : "", rc);
}

static void slot_since(vn_buf *b, const out_html_view *v, int *rc)
{
    out_html_text(b, v->rq ? v->rq->since : "", rc);
}

static void slot_until(vn_buf *b, const out_html_view *v, int *rc)
{
    out_html_text(b, v->rq ? v->rq->until : "", rc);
}

static void selected_if(vn_buf *b, const out_html_view *v, int sort, int *rc)
{
    if ((v->rq ? v->rq->sort : VN_SORT_RELEVANCE) == sort)
        vn_buf_puts_rc(b, " selected", rc);
}

static void slot_sort_relevance(vn_buf *b, const out_html_view *v, int *rc)
{
    selected_if(b, v, VN_SORT_RELEVANCE, rc);
}

static void slot_sort_date(vn_buf *b, const out_html_view *v, int *rc)
{
    selected_if(b, v, VN_SORT_DATE, rc);
}

static void slot_sort_date_asc(vn_buf *b, const out_html_view *v, int *rc)
{
    selected_if(b, v, VN_SORT_DATE_ASC, rc);
}

static void slot_size_field(vn_buf *b, const out_html_view *v, int *rc)
{
    if (v->size != OUT_HTML_SIZE_DEFAULT)
        vn_buf_printf_rc(b, rc, "<input type=\"hidden\" name=\"size\" value=\"%d\">", v->size);
}

static void slot_start(vn_buf *b, const out_html_view *v, int *rc)
{
    int64_t first = (int64_t)(v->page > 0 ? v->page - 1 : 0) * v->size + 1;
    vn_buf_printf_rc(b, rc, "%lld", (long long)first);
}

/* ---- the page ---------------------------------------------------------------- */

typedef void (*slot_fn)(vn_buf *b, const out_html_view *v, int *rc);

static const struct slot {
    const char *name;
    slot_fn fill;
} slots[] = {
    {"title", slot_title},
    {"q", slot_q},
    {"since", slot_since},
    {"until", slot_until},
    {"sort_relevance", slot_sort_relevance},
    {"sort_date", slot_sort_date},
    {"sort_date_asc", slot_sort_date_asc},
    {"size_field", slot_size_field},
    {"status", slot_status},
    {"start", slot_start},
    {"results", slot_results},
    {"pages", slot_pages},
};

static slot_fn find_slot(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof slots / sizeof slots[0]; i++)
        if (strlen(slots[i].name) == n && memcmp(slots[i].name, name, n) == 0)
            return slots[i].fill;
    return NULL;
}

void out_html_page(vn_buf *b, const out_html_view *v, int *rc)
{
    const char *t = vn_web_index_html, *end = vn_web_index_html_end;
    while (t < end) {
        const char *open = memmem(t, (size_t)(end - t), "{{", 2);
        const char *close = open ? memmem(open, (size_t)(end - open), "}}", 2) : NULL;
        if (close == NULL) {
            vn_buf_add_rc(b, t, (size_t)(end - t), rc);
            break;
        }
        vn_buf_add_rc(b, t, (size_t)(open - t), rc);
        slot_fn fill = find_slot(open + 2, (size_t)(close - open - 2));
        assert(fill != NULL); /* our own template names only known slots */
        if (fill != NULL)
            fill(b, v, rc);
        t = close + 2;
    }
}
