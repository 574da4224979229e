/* article_check.h: the vn_article contract (extract.h) both extractors
 * keep, checked once for fuzz_extract and fuzz_html.
 *
 *  - failure: a message, and every field NULL (the out-parameter rule);
 *  - success: a non-empty title of at most VN_TITLE_MAX_BYTES, a body
 *    with strlen(body) == body_len, every field valid UTF-8, a date (when
 *    set) YYYY-MM-DD within 1900..2100. */
#ifndef FUZZ_ARTICLE_CHECK_H
#define FUZZ_ARTICLE_CHECK_H

#include "fuzz.h"

#include "extract.h"

#include <stdlib.h>
#include <string.h>

static inline void fuzz_check_date(const char *d, const char *what)
{
    FUZZ_CHECK(strlen(d) == 10 && d[4] == '-' && d[7] == '-', "%s date <%s>", what, d);
    int y = atoi(d), m = atoi(d + 5), day = atoi(d + 8);
    FUZZ_CHECK(y >= 1900 && y <= 2100 && m >= 1 && m <= 12 && day >= 1 && day <= 31,
               "%s date <%s> out of range", what, d);
}

static inline void fuzz_check_article(int rc, const vn_article *art, const vn_err *err)
{
    if (rc != VN_OK) {
        FUZZ_CHECK(err->msg[0] != '\0', "failure without a message");
        FUZZ_CHECK(art->title == NULL && art->body == NULL && art->date == NULL
                       && art->author == NULL && art->url == NULL,
                   "fields left set on failure");
        return;
    }
    FUZZ_CHECK(art->title != NULL && art->title[0] != '\0', "empty title");
    FUZZ_CHECK(strlen(art->title) <= VN_TITLE_MAX_BYTES, "title of %zu bytes",
               strlen(art->title));
    FUZZ_CHECK(art->body != NULL && strlen(art->body) == art->body_len,
               "body_len %zu but strlen %zu", art->body_len,
               art->body ? strlen(art->body) : 0);
    const char *fields[] = {art->title, art->body, art->author, art->url, art->date};
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        FUZZ_CHECK(fields[i] == NULL || fuzz_utf8_ok(fields[i], strlen(fields[i])),
                   "field %zu not UTF-8", i);
    if (art->date != NULL)
        fuzz_check_date(art->date, "article");
}

#endif
