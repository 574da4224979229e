/* vn_suggest.h: "did you mean" for Vietnamese words.
 *
 * The distance is an edit distance over letters split into a base letter
 * and a quality mark (â ă ê ô ơ ư đ), with the tone kept once per syllable:
 *   a wrong letter, a missing or an extra one, two letters swapped:  1.0
 *   a missing or wrong quality mark (a/ă/â, o/ô/ơ, u/ư, e/ê, d/đ):   0.3
 *   a missing or wrong tone (per syllable, wherever it was typed):   0.3
 * so `quan ly` is 0.6 from `quản lý` but 1.0 from `quan lo`. Words are
 * compared case-insensitively, NFC or NFD alike; words of more than
 * VN_SUGGEST_MAX_UNITS letters, spaces and tones are not compared.
 *
 * A vn_suggest is one search for the best suggestion for one word: feed it
 * the candidates (from the index vocabulary) and read the winner: the
 * lowest distance within the threshold, then the highest frequency, then
 * the smaller byte string. A word typed with no mark at all stands for
 * every accented spelling (the diacritics policy), so by default its
 * missing marks and tones cost nothing in the search: `nguoii` finds the
 * most frequent of người, nguội..., and `gain` ties gian with giản, which
 * frequency then decides (feed frequencies of the word after the previous
 * query word, and `tinh gain` gives giản). Candidates farther than the
 * best so far are cut off early: 100,000 candidates take milliseconds.
 *
 * Calls return VN_OK or an error code and fill *err. */
#ifndef VN_SUGGEST_H
#define VN_SUGGEST_H

#include "vn_buf.h"
#include "vn_err.h"

#include <stddef.h>

#define VN_SUGGEST_MAX_UNITS 128

/* Asked about a candidate (n bytes at cand, borrowed for the call, not
 * NUL-terminated) about to become the best: set *take to 0 to pass over
 * it (a word that no article holds any more), leave it 1 to keep it.
 * Called only for candidates that beat the best so far, so for a few of
 * them. Returns VN_OK, or an error code (with the hook's own err filled):
 * vn_suggest_add passes it back and keeps the previous best. */
typedef int (*vn_suggest_accept_fn)(void *ctx, const char *cand, size_t n, int *take);

/* Zero-initialised options are the defaults. */
typedef struct vn_suggest_opts {
    double max_dist;    /* > 0: the threshold; 0: by the word's length, see
                         * vn_suggest_threshold */
    long long min_freq; /* ignore candidates rarer than this */
    int plain_strict;   /* non-zero: a word with no marks pays for missing
                         * marks and tones too, as vn_suggest_distance does */
    vn_suggest_accept_fn accept; /* NULL: every candidate may win */
    void *accept_ctx;            /* for accept */
} vn_suggest_opts;

/* The distance between a and b (UTF-8), or -1 when either has more than
 * VN_SUGGEST_MAX_UNITS units. Symmetric. */
double vn_suggest_distance(const char *a, size_t na, const char *b, size_t nb);

/* The default threshold for word: one wrong letter for words of 3 to 7
 * letters, two from 8 on, none below; plus, when the word carries marks
 * (so that marks are charged), 1.2 per syllable for marks and tone. */
double vn_suggest_threshold(const char *word, size_t n);

typedef struct vn_suggest vn_suggest;

/* Start a search for suggestions for the n bytes at word (opts may be
 * NULL). OUT: *out, freed with vn_suggest_close. VN_EINVAL when the word is
 * empty or too long to compare. */
int vn_suggest_open(vn_suggest **out, const char *word, size_t n,
                    const vn_suggest_opts *opts, vn_err *err);
/* Accepts NULL. */
void vn_suggest_close(vn_suggest *sg);

/* Offer one candidate (borrowed for the call) seen freq times. The word
 * itself (in any case or normal form) is skipped, and so is a candidate
 * the options' accept hook passes over. Returns VN_OK, VN_ENOMEM, or the
 * accept hook's error. */
int vn_suggest_add(vn_suggest *sg, const char *cand, size_t n, long long freq);

/* The best candidate so far. OUT: *word (borrowed: valid until the next
 * vn_suggest_add or vn_suggest_close, NUL-terminated), *n, *dist, *freq
 * (each may be NULL). Returns 1 when there is one, else 0 (*word NULL). */
int vn_suggest_result(const vn_suggest *sg, const char **word, size_t *n,
                      double *dist, long long *freq);

/* A vocabulary iterator: returns 1 and sets *word, *n (borrowed until the
 * next call) and *freq for the next candidate, 0 at the end, or -1 after
 * filling err. */
typedef int (*vn_vocab_next_fn)(void *ctx, const char **word, size_t *n,
                                long long *freq, vn_err *err);

/* One whole search: the best suggestion for word among the candidates next
 * gives. out is reset first. OUT: *found = 1 and out holds the suggestion,
 * *dist (may be NULL) its distance; else *found = 0. */
int vn_suggest_best(const char *word, size_t n, vn_vocab_next_fn next,
                    void *ctx, const vn_suggest_opts *opts, vn_buf *out,
                    double *dist, int *found, vn_err *err);

#endif
