/* extract.h: an article's fields from the text of a saved .txt file.
 *
 * Two shapes are recognised:
 *  - the department's saved pages: site chrome lines around the article
 *    (a breadcrumb line that repeats itself such as "Văn phòng Sở Văn
 *    phòng Sở", "Quay lại", a trailing "Danh mục Danh mục"), the title on
 *    its own line, paragraphs, short photo-caption lines, and the author's
 *    name alone on the last line before the trailing chrome;
 *  - one article a file: title on line 1, lead on line 2, then the body.
 * The date is the first Vietnamese date written in the text ("ngày 12
 * tháng 5 năm 2023", "12/5/2023", "12-05-2023"), as YYYY-MM-DD.
 * Input must be valid UTF-8 (the caller cleans it); CRLF and CR line ends
 * and a leading BOM are accepted. No state; never prints. */
#ifndef VN_EXTRACT_H
#define VN_EXTRACT_H

#include "vn_err.h"

#include <stddef.h>

typedef struct vn_article {
    char *title;   /* never NULL and never empty on VN_OK */
    char *date;    /* "YYYY-MM-DD", or NULL when no date was found */
    char *author;  /* or NULL */
    char *url;     /* or NULL (a .txt file carries none) */
    char *body;    /* article text without chrome, paragraphs separated by
                      "\n\n", captions kept as their own paragraphs;
                      never NULL on VN_OK */
    size_t body_len;
} vn_article;

/* Fill *art from n bytes of UTF-8 at src. All strings are NUL-terminated
 * and owned by *art: release them with vn_article_free.
 * Returns VN_EINVAL (with a message) for an empty or whitespace-only text. */
int vn_extract_txt(const char *src, size_t n, vn_article *art, vn_err *err);

/* The first Vietnamese date in n bytes at src, as "YYYY-MM-DD" in out[11].
 * Returns 1 when one was found, else 0 (out is then ""). Rejects
 * impossible dates (month 13, 31/2) and years outside 1900..2100. */
int vn_extract_date(const char *src, size_t n, char out[11]);

/* Release the strings of *art and zero it. Accepts NULL. */
void vn_article_free(vn_article *art);

#endif
