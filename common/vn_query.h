/* vn_query.h: what a user types -> an FTS5 MATCH expression.
 *
 * Whatever the user types is safe: FTS5 syntax never reaches FTS5
 * unparsed. Every term in the output is an FTS5 string ("..." with inner
 * quotes doubled), so the `vietnamese` tokenizer splits and normalizes it
 * exactly as it did the indexed text.
 *
 * Syntax (anything else is literal text):
 *   word word      every word must match (AND); each chunk between spaces
 *                  is one FTS5 phrase, so 3815/KH-UBND stays together
 *   "a phrase"     the words adjacent and in order; a missing closing
 *                  quote closes at the end of the text
 *   -word -"p q"   exclude; a query of exclusions only finds nothing
 *   a OR b         either (OR binds tighter than the implicit AND)
 *   title:word title:"p q"   only in the title
 *   word*          prefix, when the word has at least 2 characters
 * Chunks without a letter or digit are dropped; stray operators are read
 * as the person meant them (a leading OR, a lone '-', a lone '*').
 * No state. Calls return VN_OK or an error code and fill *err. */
#ifndef VN_QUERY_H
#define VN_QUERY_H

#include "vn_err.h"

#include <stddef.h>

typedef struct vn_query {
    char *match;      /* FTS5 expression, NUL-terminated; NULL when nothing
                         searchable was typed (then: no results, no error) */
    int npositive;    /* positive phrases (words or quoted) in match */
    int nnegative;    /* excluded phrases */
    int has_or;       /* the expression contains OR */
} vn_query;

/* Parse n bytes of UTF-8 at text (invalid bytes are read as U+FFFD).
 * OUT: *q filled; release with vn_query_free. */
int vn_query_parse(const char *text, size_t n, vn_query *q, vn_err *err);

/* The same, with abbreviations and other spellings (vn_syn.h): a run of
 * plain words (not quoted: a quoted phrase means exactly that; not a
 * prefix) that spells a form of a group in syn (UBND, uy ban nhan dan)
 * also matches the group's other forms:
 * ((uy AND ban AND nhan AND dan) OR "ubnd"). A form in one chunk (UBND,
 * TP.HCM) does so also as an OR operand (UBND OR HĐND) and excluded
 * (-UBND excludes "Ủy ban nhân dân" too); a form of several words must
 * stand among AND-ed words. nm (borrowed) splits the words; syn or nm
 * NULL: no synonyms. The counts in *q are the items typed, not the forms
 * added. */
struct vn_syn;
struct vn_norm;
int vn_query_parse_syn(const char *text, size_t n, const struct vn_syn *syn,
                       struct vn_norm *nm, vn_query *q, vn_err *err);

/* Non-zero when the n bytes at s are one of the operators OR, AND, NOT
 * (upper case, the whole word), for callers that rewrite a query's words
 * and must leave those alone. */
int vn_query_is_keyword(const char *s, size_t n);

/* Read back one FTS5 string of an expression: s at its opening quote,
 * inner quotes doubled (as vn_query writes them). Its content goes into
 * out (reset first); *closed is 0 when the text ended before a closing
 * quote; *rc becomes VN_ENOMEM when out cannot grow. Returns where it
 * ends: past the closing quote, or at the terminating NUL. */
struct vn_buf;
const char *vn_query_string(const char *s, struct vn_buf *out, int *closed, int *rc);

/* Release what vn_query_parse allocated. Accepts NULL. */
void vn_query_free(vn_query *q);

#endif
