/* extract.h: an article's fields from the text of a saved .txt file.
 *
 * Two shapes are recognised:
 *  - the department's saved pages: site chrome lines around the article
 *    (a breadcrumb line that repeats itself such as "Văn phòng Sở Văn
 *    phòng Sở", "Quay lại", a trailing "Danh mục Danh mục"), the title on
 *    its own line, paragraphs, short photo-caption lines, and the author's
 *    name alone on the last line before the trailing chrome;
 *  - one article a file: title on line 1, lead on line 2, then the body.
 * The date is the article's own (see vn_extract_article_date), written
 * "ngày 12 tháng 5 năm 2023", "12/5/2023" or "12-05-2023", as YYYY-MM-DD.
 * Input must be valid UTF-8 (the caller cleans it); CRLF and CR line ends
 * and a leading BOM are accepted. No state; never prints. */
#ifndef VN_EXTRACT_H
#define VN_EXTRACT_H

#include "vn_err.h"

#include <stddef.h>

typedef struct vn_article {
    char *title;   /* never NULL and never empty on VN_OK; at most
                      VN_TITLE_MAX_BYTES (a longer first line stays whole
                      in the body, and its head is the title) */
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
 * Returns VN_EINVAL (with a message) for an empty text, or one of blanks
 * and invisible characters only. Lines without a visible character are
 * dropped (so such a line is never the title). */
int vn_extract_txt(const char *src, size_t n, vn_article *art, vn_err *err);

/* The first Vietnamese date in n bytes at src, as "YYYY-MM-DD" in out[11].
 * Returns 1 when one was found, else 0 (out is then ""). Rejects
 * impossible dates (month 13, 31/2) and years outside 1900..2100. */
int vn_extract_date(const char *src, size_t n, char out[11]);

/* The article's date, as "YYYY-MM-DD" in out[11]: the first date in the
 * title, else the first in the body's first VN_DATE_WINDOW bytes (the
 * lead and first paragraph, where news gives the day of the event it
 * reports), that is not another thing's date: a document's ("Quyết định
 * số 200/QĐ-UBND ngày 18/01/2023"), a birth ("sinh ngày"), or either
 * end of a span ("28/8/1945 - 28/8/2023", "từ ngày 1/7/2014 đến ngày
 * 30/11/2016").
 * Dates further down are history and deadlines. Returns 1 when found,
 * else 0 (out is then ""). */
#define VN_DATE_WINDOW 1000
int vn_extract_article_date(const char *title, size_t ntitle, const char *body, size_t nbody,
                            char out[11]);

/* "YYYY-MM-DD" at the start of n bytes at src (an ISO 8601 date, such as
 * "2023-05-12T08:30:00+07:00"), checked as vn_extract_date checks, into
 * out[11]. Returns 1 when there is one, else 0 (out is then ""). */
int vn_extract_iso_date(const char *src, size_t n, char out[11]);

/* Whether the n bytes at src, trimmed, are one line of portal chrome:
 * "Quay lại", "Danh mục Danh mục", "Chia sẻ", "Lượt xem: 1.024", ... */
int vn_extract_chrome_line(const char *src, size_t n);

/* Whether the n bytes at src, trimmed, are a byline: a short list of
 * capitalised names, optionally after a credit ("Tin, ảnh:") or before
 * one ("(ảnh)"). OUT: the name without credits is src[*off, *off+*len)
 * (both 0 when it is not a byline). */
int vn_extract_byline(const char *src, size_t n, size_t *off, size_t *len);

/* How many of the n bytes at src (trimmed text) make a title: all of
 * them up to VN_TITLE_MAX_BYTES, else the head of the line cut after a
 * word (or, in a line without blanks, after a character). */
#define VN_TITLE_MAX_BYTES 250
size_t vn_extract_title_len(const char *src, size_t n);

/* Whether code point cp shows nothing: a blank, a control character, or
 * a default-ignorable one (zero-width space and joiners, soft hyphen,
 * bidi marks, BOM). A text made only of these is empty. */
int vn_extract_invisible(unsigned cp);

/* Whether the n bytes of UTF-8 at src hold a code point that shows. */
int vn_extract_visible(const char *src, size_t n);

/* Release the strings of *art and zero it. Accepts NULL. */
void vn_article_free(vn_article *art);

#endif
