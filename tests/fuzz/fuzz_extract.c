/* fuzz_extract.c: libFuzzer target for the text article extractor,
 * vn_extract_txt, fed as the indexer feeds it (the bytes cleaned to
 * valid UTF-8 first), and for vn_extract_date on the raw bytes.
 *
 * Invariants, for any bytes:
 *  - VN_OK or VN_EINVAL with a message; nothing else;
 *  - on VN_OK: title non-empty, body non-NULL with strlen(body) ==
 *    body_len, every field valid UTF-8 and at most twice the input,
 *    date (when set) YYYY-MM-DD and the one vn_extract_article_date
 *    gives for the title and body (none when it finds none); title at
 *    most VN_TITLE_MAX_BYTES; url NULL (a .txt file has none);
 *  - on failure every field is NULL (the out-parameter rule);
 *  - vn_extract_date fills "" or a well-formed date in 1900..2100. */
#include "article_check.h"
#include "vn_norm.h"

#include <string.h>

static void check_growth(const char *s, size_t nin, const char *what)
{
    if (s == NULL)
        return;
    size_t n = strlen(s);
    /* lines joined by "\n\n" may outgrow single line ends, never more */
    FUZZ_CHECK(n <= 2 * nin, "%s (%zu bytes) from an input of %zu", what, n, nin);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *raw = (const char *)data;
    char date[11];
    if (vn_extract_date(raw, size, date))
        fuzz_check_date(date, "raw");
    else
        FUZZ_CHECK(date[0] == '\0', "no date found but out is <%.10s>", date);

    if (memchr(raw, '\0', size) != NULL)
        return 0; /* the indexer refuses these as binary before extracting */
    vn_buf text = VN_BUF_INIT;
    FUZZ_CHECK(vn_norm_utf8_clean(raw, size, &text, NULL) == VN_OK, "utf8_clean failed");
    vn_article art;
    vn_err err = {0, ""};
    const char *src = text.data ? text.data : "";
    int rc = vn_extract_txt(src, text.len, &art, &err);
    FUZZ_CHECK(rc == VN_OK || rc == VN_EINVAL, "vn_extract_txt returned %d: %s", rc, err.msg);
    fuzz_check_article(rc, &art, &err);
    if (rc == VN_OK) {
        FUZZ_CHECK(art.url == NULL, "a url from a .txt file");
        check_growth(art.title, text.len, "title");
        check_growth(art.body, text.len, "body");
        check_growth(art.author, text.len, "author");
        char again[11];
        int found = vn_extract_article_date(art.title, strlen(art.title), art.body,
                                            art.body_len, again);
        FUZZ_CHECK(art.date == NULL ? !found : found && strcmp(again, art.date) == 0,
                   "article date <%s>, but vn_extract_article_date says <%s>",
                   art.date ? art.date : "(none)", found ? again : "(none)");
    }
    vn_article_free(&art);
    vn_buf_free(&text);
    return 0;
}
