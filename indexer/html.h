/* html.h: an article's fields from a saved HTML page.
 *
 * The page is parsed with libxml2's HTML parser (recovering from broken
 * markup, no network, no messages, libxml2's default depth limit), then:
 *  - title: og:title, else the article's <h1>, else <title> without a
 *    site-name suffix (" - Sở Nội vụ", " | Cổng thông tin"), else the
 *    first line of text;
 *  - date: article:published_time and like meta tags, <time datetime>,
 *    an element whose class names a date, a dateline in the text
 *    ("Ngày đăng: 12/05/2023 08:30"), else the article's date in the
 *    title or the top of the body (vn_extract_article_date);
 *  - author: <meta name="author">, an element whose class, itemprop or
 *    rel is "author", else a byline as the body's last line when it is
 *    bold or right-aligned or carries a credit ("Tin, ảnh:");
 *  - url: <link rel="canonical"> (resolved against og:url when relative),
 *    else og:url; absolute http(s) URLs only;
 *  - body: the article element chosen by a text-density score (blocks
 *    of text score their ancestors; links, menus, footers, share and
 *    related-link boxes count against them), or the elements a content
 *    selector names; one paragraph per block or <br> line, joined by
 *    "\n\n", without scripts, styles, navigation, portal chrome lines
 *    ("Quay lại", "Danh mục"), datelines, the repeated title and the
 *    byline. Photo captions stay as paragraphs.
 * No state but libxml2's one-time initialisation; never prints. */
#ifndef VN_HTML_H
#define VN_HTML_H

#include "extract.h"
#include "vn_err.h"

#include <stddef.h>

/* Whether path names an HTML page: it ends in .html or .htm, any case. */
int vn_html_path(const char *path);

/* Check a content selector: "#id", ".class", a bare name (an id, else a
 * class), or an XPath that starts with '/' or '(' and selects elements.
 * Returns VN_OK, or VN_EINVAL with a message naming the selector. */
int vn_html_selector_check(const char *selector, vn_err *err);

/* Fill *art from n bytes of UTF-8 HTML at src (see charset.h for the
 * decoding). selector: NULL for the text-density heuristic, else the
 * article element(s), all that match and are not inside another match,
 * in page order; when nothing matches, the heuristic runs and *missed
 * (may be NULL) is set to 1, else 0. Strings are owned by *art: release
 * them with vn_article_free. Returns VN_OK; VN_EINVAL with a message for
 * a page with no text ("empty page: no title and no text") or a bad
 * selector; VN_ENOMEM. */
int vn_extract_html(const char *src, size_t n, const char *selector, vn_article *art,
                    int *missed, vn_err *err);

#endif
