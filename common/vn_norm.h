/* vn_norm.h: turns raw UTF-8 into the tokens we index and search.
 *
 * One module, used by the indexer and by the query side alike, so the two
 * can never disagree. For each word (split at Unicode word boundaries by
 * ICU's break iterator) it produces:
 *   canon: NFKC_Casefold (ICU: NFC + full case folding + compatibility
 *          forms, default-ignorables such as soft hyphens dropped), Ð/ð read
 *          as đ, the tone mark placed canonically (hòa, thủy, khỏe: the mark
 *          on the first vowel of oa/oe/uy with no final consonant), and the
 *          i/y rhyme after h k l m s t qu written y (kĩ -> kỹ, quí -> quý);
 *   fold:  canon with every mark removed and đ -> d (biển -> bien);
 * plus the exact byte offsets of the word in the original text.
 * Letters joined by '.', ':' or an apostrophe are separate tokens
 * (TP.HCM -> tp hcm); digits joined by '.' or ',' stay one (4.401, 1,5).
 * Invalid UTF-8 becomes U+FFFD and is counted, never a crash.
 *
 * A vn_norm holds ICU state and a cache; use one per thread.
 * Calls return VN_OK or an error code and fill *err. */
#ifndef VN_NORM_H
#define VN_NORM_H

#include "vn_buf.h"
#include "vn_err.h"

#include <stddef.h>

typedef struct vn_norm vn_norm;

/* One token. Strings are borrowed: valid until the callback returns. */
typedef struct vn_token {
    const char *canon;  /* canonical form, UTF-8, not NUL-terminated */
    size_t ncanon;
    const char *fold;   /* accent-free form, UTF-8, not NUL-terminated */
    size_t nfold;
    size_t start, end;  /* byte offsets of the word in the original text */
    int has_marks;      /* canon differs from fold (carries diacritics or đ) */
} vn_token;

/* Non-zero when the token holds a letter: a word, not a number or a code
 * of digits. */
int vn_token_has_letter(const vn_token *t);

/* Called once per token, in text order. A non-zero return stops the walk
 * and is passed back by vn_norm_tokens. */
typedef int (*vn_token_fn)(void *ctx, const vn_token *tok);

/* OUT: *out, freed with vn_norm_close. */
int vn_norm_open(vn_norm **out, vn_err *err);
/* Accepts NULL. */
void vn_norm_close(vn_norm *nm);

/* Split n bytes at src into tokens and call fn(ctx, tok) for each.
 * OUT: *ninvalid (may be NULL) counts invalid UTF-8 sequences seen.
 * Returns VN_OK, an error code, or the first non-zero value fn returned. */
int vn_norm_tokens(vn_norm *nm, const char *src, size_t n, vn_token_fn fn,
                   void *ctx, size_t *ninvalid, vn_err *err);

/* The same, always through ICU's break iterator: the reference that the
 * fast path for Latin-script text is tested against. */
int vn_norm_tokens_icu(vn_norm *nm, const char *src, size_t n, vn_token_fn fn,
                       void *ctx, size_t *ninvalid, vn_err *err);

/* Canonical and folded forms of one word, with no splitting: src is taken
 * as a single token. canon and fold (either may be NULL) are reset first.
 * OUT: *has_marks (may be NULL). */
int vn_norm_word(vn_norm *nm, const char *src, size_t n, vn_buf *canon,
                 vn_buf *fold, int *has_marks, vn_err *err);

/* The tokens of a whole text, canonical (or folded when fold != 0), joined
 * by single spaces. OUT: *dst NUL-terminated, the caller frees it. */
int vn_norm_text(vn_norm *nm, const char *src, size_t n, int fold,
                 char **dst, vn_err *err);

/* Copy n bytes at src into dst as valid UTF-8: each invalid sequence
 * becomes U+FFFD. dst is appended to. OUT: *ninvalid (may be NULL). */
int vn_norm_utf8_clean(const char *src, size_t n, vn_buf *dst,
                       size_t *ninvalid);

/* Non-zero when the n bytes at src are valid UTF-8. */
int vn_norm_utf8_valid(const char *src, size_t n);

#endif
