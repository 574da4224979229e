/* out_text.c: results for people on a terminal or in a pipe; see out.h. */
#include "out.h"

#include "vn_snip.h"

#include <string.h>

/* The snippet with its marks as bold (ansi) or [ ]. */
static void snippet(vn_buf *b, const char *s, int ansi, int *rc)
{
    const char *open = ansi ? "\033[1m" : "[", *close = ansi ? "\033[0m" : "]";
    size_t run = 0, i = 0;
    for (; s[i] != '\0'; i++) {
        if (s[i] != VN_SNIP_OPEN && s[i] != VN_SNIP_CLOSE)
            continue;
        vn_buf_add_rc(b, s + run, i - run, rc);
        vn_buf_puts_rc(b, s[i] == VN_SNIP_OPEN ? open : close, rc);
        run = i + 1;
    }
    vn_buf_add_rc(b, s + run, i - run, rc);
}

static void text_hit(vn_buf *b, const vn_hit *hit, int ansi, int *rc)
{
    vn_buf_printf_rc(b, rc, "%d. %s%s%s", hit->rank, ansi ? "\033[1m" : "",
                     hit->title && *hit->title ? hit->title : "(no title)",
                     ansi ? "\033[0m" : "");
    if (hit->date != NULL)
        vn_buf_printf_rc(b, rc, " (%s)", hit->date);
    vn_buf_printf_rc(b, rc, "\n   %s\n", hit->url ? hit->url : hit->path);
    if (hit->snippet != NULL && *hit->snippet) {
        vn_buf_puts_rc(b, "   ", rc);
        snippet(b, hit->snippet, ansi, rc);
        vn_buf_puts_rc(b, "\n", rc);
    }
    vn_buf_puts_rc(b, "\n", rc);
}

void out_text_page(vn_buf *b, const search_req *rq, const search_res *res, int ansi,
                   int *rc)
{
    if (res->searched != NULL)
        vn_buf_printf_rc(b, rc, "Đã tìm: %s\n\n", res->searched);
    if (res->relaxed)
        vn_buf_puts_rc(b, "Không có kết quả đúng dấu; đã tìm không dấu.\n\n", rc);
    if (res->suggestion != NULL)
        vn_buf_printf_rc(b, rc, "Có phải bạn muốn tìm: %s\n\n", res->suggestion);
    for (int i = 0; i < res->nhits; i++)
        text_hit(b, &res->hits[i], ansi, rc);
    if (res->total == 0)
        vn_buf_printf_rc(b, rc, "No results for \"%s\" (%.1f ms)\n", rq->q, res->took_ms);
    else if (res->nhits == 0)
        vn_buf_printf_rc(b, rc, "No results past %d of %lld (%.1f ms)\n", rq->offset,
                         (long long)res->total, res->took_ms);
    else
        vn_buf_printf_rc(b, rc, "Results %d-%d of %lld (%.1f ms)\n", rq->offset + 1,
                         rq->offset + res->nhits, (long long)res->total, res->took_ms);
}
