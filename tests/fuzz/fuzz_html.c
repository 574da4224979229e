/* fuzz_html.c: libFuzzer target for the HTML article extractor, fed as
 * the indexer feeds it: the bytes decoded by vn_charset_decode (as an
 * HTML page), then vn_extract_html with the text-density heuristic or,
 * chosen by the first byte, one of a few content selectors.
 *
 * Invariants, for any bytes:
 *  - decoding succeeds or refuses with VN_EDECODE (NUL bytes);
 *  - extraction returns VN_OK, or VN_EINVAL / VN_ENOMEM with a message
 *    and every field NULL;
 *  - on VN_OK (the checks of article_check.h): title non-empty, at most
 *    VN_TITLE_MAX_BYTES; body non-NULL with strlen(body) ==
 *    body_len; title, body, author and url valid UTF-8 without NUL;
 *    url NULL or an absolute http(s) URL (scheme in any case); date
 *    NULL or YYYY-MM-DD in 1900..2100; missed is 0 or 1, and 0 without
 *    a selector.
 * The extractor parses with XML_PARSE_HUGE (no depth limit: its walks
 * are iterative and look up at most 32 ancestors), so deep nesting and
 * entity bombs are in scope. */
#include "article_check.h"

#include "charset.h"
#include "html.h"

#include <string.h>
#include <strings.h>

static const char *const selectors[] = {NULL, "#main", ".noi-dung", "article",
                                        "//div[@class='content']"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *selector = NULL;
    if (size > 0) {
        selector = selectors[data[0] % (sizeof selectors / sizeof selectors[0])];
        data++;
        size--;
    }
    vn_buf text = VN_BUF_INIT;
    vn_charset_info info;
    vn_err err = {0, ""};
    int rc = vn_charset_decode((const char *)data, size, 1, &text, &info, &err);
    FUZZ_CHECK(rc == VN_OK || rc == VN_EDECODE, "vn_charset_decode returned %d: %s", rc,
               err.msg);
    if (rc != VN_OK) {
        vn_buf_free(&text);
        return 0;
    }
    vn_article art;
    int missed = -1;
    const char *src = text.data ? text.data : "";
    rc = vn_extract_html(src, text.len, selector, &art, &missed, &err);
    FUZZ_CHECK(rc == VN_OK || rc == VN_EINVAL || rc == VN_ENOMEM,
               "vn_extract_html returned %d: %s", rc, err.msg);
    fuzz_check_article(rc, &art, &err);
    if (rc == VN_OK) {
        FUZZ_CHECK(art.url == NULL || strncasecmp(art.url, "http://", 7) == 0
                       || strncasecmp(art.url, "https://", 8) == 0,
                   "url <%s> not absolute http(s)", art.url);
        FUZZ_CHECK(missed == 0 || missed == 1, "missed = %d", missed);
        FUZZ_CHECK(selector != NULL || missed == 0, "missed without a selector");
    }
    vn_article_free(&art);
    vn_buf_free(&text);
    return 0;
}
