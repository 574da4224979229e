/* vn_expand.h: a lone word typed without marks, as an OR of its spellings.
 *
 * The tokenizer turns a word typed without marks into every spelling the
 * index holds, as colocated synonyms (vn_tok.h). FTS5 then merges the
 * position lists of all the spellings on every row it looks at, and
 * counts the word's articles the same way for BM25: most of the time of
 * an accent-free query. Where the word stands alone in its string (not
 * in a quoted phrase, not a prefix), the same rows match when the string
 * is written as an OR of plain terms, which FTS5 walks without merging:
 *
 *   "nam" AND "tai"  ->  ("\x06nam" OR "\x06năm" OR "\x06nằm" ...) AND (...)
 *
 * VN_TOK_EXACT at the head of a string tells the tokenizer to take its
 * word as it stands, without spellings. Each new phrase belongs to a
 * group, the phrase of the original expression it came from, written in
 * *groups as decimal numbers separated by spaces, one per phrase of the
 * new expression in order. vn_rank and vn_snippet (vn_snip.h) take that
 * list and count the spellings of one word as one word, so ranking and
 * snippets are what they were with synonyms.
 *
 * Words with more spellings than the tokenizer would emit (VN_EXPAND_MAX)
 * and expressions that would grow past VN_EXPAND_PHRASES phrases stay as
 * they are; so does an expression holding both a NOT and a string of two
 * words or more, where FTS5 (3.40) would drop from xInst most instances
 * of such an OR joined to that string (the colocated spellings keep
 * theirs). Calls return VN_OK or an error code and fill *err. */
#ifndef VN_EXPAND_H
#define VN_EXPAND_H

#include "vn_buf.h"
#include "vn_err.h"
#include "vn_norm.h"
#include "vn_tok.h"

#include <stddef.h>

#define VN_EXPAND_MAX VN_TOK_SPELLINGS_MAX /* spellings of one word, as vn_tok emits */
#define VN_EXPAND_PHRASES 4000  /* phrases of a whole expression */

/* Append to list each canonical spelling indexed under the accent-free
 * form word[0..n), each followed by a NUL, and count them in *count:
 * vn_tok_spellings, the tokenizer's own lookup. */
typedef int (*vn_spellings_fn)(void *ctx, const char *word, size_t n, vn_buf *list,
                               size_t *count, vn_err *err);

/* Rewrite the FTS5 expression match (as vn_query writes it) into out
 * (reset first), and its phrase groups into groups (reset; left empty
 * when nothing was rewritten: out then equals match). nm splits the
 * strings into words; spellings lists them. */
int vn_expand(vn_norm *nm, const char *match, vn_spellings_fn spellings, void *ctx,
              vn_buf *out, vn_buf *groups, vn_err *err);

#endif
