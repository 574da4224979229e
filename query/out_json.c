/* out_json.c: JSON output and HTML escaping; see out.h. */
#include "out.h"

#include "vn_snip.h"

#include <unicode/utf8.h>

#include <stdio.h>
#include <string.h>

void out_html_escape(vn_buf *b, const char *s, size_t n, int *rc)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        case VN_SNIP_OPEN: rep = "<mark>"; break;
        case VN_SNIP_CLOSE: rep = "</mark>"; break;
        default: continue;
        }
        vn_buf_add_rc(b, s + run, i - run, rc);
        vn_buf_puts_rc(b, rep, rc);
        run = i + 1;
    }
    vn_buf_add_rc(b, s + run, n - run, rc);
}

void out_json_string(vn_buf *b, const char *s, int *rc)
{
    if (s == NULL) {
        vn_buf_puts_rc(b, "null", rc);
        return;
    }
    vn_buf_puts_rc(b, "\"", rc);
    size_t run = 0, i = 0, n = strlen(s);
    while (i < n) {
        size_t at = i;
        UChar32 c;
        char esc[12];
        U8_NEXT(s, i, n, c);
        if (c < 0) /* bytes that are not UTF-8, as a file name may hold */
            snprintf(esc, sizeof esc, "\\ufffd");
        else if (c == '"' || c == '\\')
            snprintf(esc, sizeof esc, "\\%c", (char)c);
        else if (c == '\n')
            snprintf(esc, sizeof esc, "\\n");
        else if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x7F)
            snprintf(esc, sizeof esc, "\\u%04x", (unsigned)c);
        else
            continue;
        vn_buf_add_rc(b, s + run, at - run, rc);
        vn_buf_puts_rc(b, esc, rc);
        run = i;
    }
    vn_buf_add_rc(b, s + run, n - run, rc);
    vn_buf_puts_rc(b, "\"", rc);
}

static const char *const sort_names[] = {"relevance", "date", "date-asc"};

void out_json_hit(vn_buf *b, const vn_hit *hit, int *rc)
{
    vn_buf snip = VN_BUF_INIT;
    int src = VN_OK;
    if (hit->snippet != NULL)
        out_html_escape(&snip, hit->snippet, strlen(hit->snippet), &src);
    if (src != VN_OK && *rc == VN_OK)
        *rc = src;
    vn_buf_printf_rc(b, rc, "{\"rank\": %d, \"path\": ", hit->rank);
    out_json_string(b, hit->path, rc);
    vn_buf_puts_rc(b, ", \"url\": ", rc);
    out_json_string(b, hit->url, rc);
    vn_buf_puts_rc(b, ", \"title\": ", rc);
    out_json_string(b, hit->title, rc);
    vn_buf_puts_rc(b, ", \"date\": ", rc);
    out_json_string(b, hit->date, rc);
    vn_buf_puts_rc(b, ", \"author\": ", rc);
    out_json_string(b, hit->author, rc);
    vn_buf_printf_rc(b, rc, ", \"score\": %.6g, \"snippet\": ", -hit->score);
    out_json_string(b, snip.data ? snip.data : "", rc);
    vn_buf_puts_rc(b, "}", rc);
    vn_buf_free(&snip);
}

void out_json_page(vn_buf *b, const search_req *rq, const search_res *res, int *rc)
{
    vn_buf_puts_rc(b, "{\"query\": ", rc);
    out_json_string(b, rq->q, rc);
    vn_buf_printf_rc(b, rc, ", \"total\": %lld, \"took_ms\": %.3f, \"limit\": %d, "
                     "\"offset\": %d, \"sort\": \"%s\", \"since\": ", (long long)res->total,
                     res->took_ms, rq->limit, rq->offset, sort_names[rq->sort]);
    out_json_string(b, rq->since[0] ? rq->since : NULL, rc);
    vn_buf_puts_rc(b, ", \"until\": ", rc);
    out_json_string(b, rq->until[0] ? rq->until : NULL, rc);
    vn_buf_printf_rc(b, rc, ", \"relaxed\": %s, \"searched\": ",
                     res->relaxed ? "true" : "false");
    out_json_string(b, res->searched, rc);
    vn_buf_puts_rc(b, ", \"suggestion\": ", rc);
    out_json_string(b, res->suggestion, rc);
    vn_buf_puts_rc(b, ", \"results\": [", rc);
    for (int i = 0; i < res->nhits; i++) {
        vn_buf_puts_rc(b, i ? ",\n  " : "\n  ", rc);
        out_json_hit(b, &res->hits[i], rc);
    }
    vn_buf_puts_rc(b, "\n]}\n", rc);
}
