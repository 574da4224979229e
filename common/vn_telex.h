/* vn_telex.h: words typed with the Vietnamese input method switched off.
 *
 * Telex (tinhf giarn bieen chees, dduwowngf) and VNI (tinh2 gia3n bie6n
 * che61) spell marks with ordinary keys. vn_telex_decode replays those keys
 * the way an input method would and keeps the result only when it is one
 * well-formed Vietnamese syllable: an onset and a rhyme from the real
 * inventory, spelling rules (k/gh/ngh before i e ê, qu, gi), and stop
 * finals (c ch p t) carrying only sắc or nặng. A word needs at least one
 * key that was used as a mark, so plain words (tinh), English (class,
 * news), acronyms and codes (UBND, OR, A1: words whose letters are all
 * upper case are never decoded) and numbers are left alone. Some English words still decode (too -> tô,
 * max -> mã): callers should prefer the word as typed when the index knows
 * it, and the decoding only when the index knows that instead.
 *
 * Output is vn_norm's canonical form (vn_norm_word makes it): NFC, lower case, the tone placed old
 * style (hóa, thủy) and i written y after h k l m s t qu (lis -> lý).
 *
 * The module also owns the table of Vietnamese letters (base, quality mark,
 * tone) that vn_suggest uses. It keeps no state. Calls return VN_OK or an
 * error code. */
#ifndef VN_TELEX_H
#define VN_TELEX_H

#include "vn_buf.h"
#include "vn_err.h"
#include "vn_norm.h"

#include <stddef.h>
#include <stdint.h>

/* Input schemes. VN_TELEX_AUTO reads a word holding a digit as VNI, any
 * other word as Telex. */
enum { VN_TELEX_AUTO = 0, VN_TELEX = 1, VN_VNI = 2 };

/* Quality marks: â ê ô, ă, ơ ư, đ. */
enum { VN_Q_NONE = 0, VN_Q_CIRC, VN_Q_BREVE, VN_Q_HORN, VN_Q_BAR };

/* Tones, in VNI's key order (1 sắc ... 5 nặng); 0 is ngang (no mark). */
enum { VN_TONE_NONE = 0, VN_TONE_SAC, VN_TONE_HUYEN, VN_TONE_HOI,
       VN_TONE_NGA, VN_TONE_NANG };

/* One letter split into parts. */
typedef struct vn_letter {
    uint32_t base;  /* lower-case code point: 'a'..'z' for Vietnamese letters */
    uint8_t qual;   /* VN_Q_* */
    uint8_t tone;   /* VN_TONE_* */
} vn_letter;

/* Split the code point c: a precomposed Vietnamese letter in either case
 * (ề, Ử, Đ) gives its ASCII base with its marks; ASCII upper case is
 * lowered; any other code point comes back as itself, with no marks. */
vn_letter vn_letter_split(uint32_t c);

/* Append the precomposed (NFC) UTF-8 of l to dst. Returns VN_OK, VN_ENOMEM,
 * or VN_EINVAL when no such letter exists (b with a tone, ơ on e, ...);
 * marks on a base outside a-z are an error, a bare code point is written
 * as is. */
int vn_letter_put(vn_buf *dst, vn_letter l);

/* Decode one word (n bytes at word, no spaces) typed in scheme.
 * out is reset first. OUT: *decoded = 1 and out holds the canonical
 * syllable when the keys made a valid Vietnamese syllable, else
 * *decoded = 0 and out is empty. nm (borrowed) places the tone and
 * spells the rhyme, as for indexed words. Returns VN_OK, or an error
 * code with *err filled. */
int vn_telex_decode(vn_norm *nm, const char *word, size_t n, int scheme, vn_buf *out,
                    int *decoded, vn_err *err);

/* Asked about each decodable word of a text: word as typed, dec its
 * decoding (neither NUL-terminated; borrowed for the call). Set *use to 1
 * (its value on entry) to substitute it, 0 to keep the word as typed.
 * Returns VN_OK, or an error code after filling err: that stops the walk
 * and is passed back by vn_telex_rewrite. */
typedef int (*vn_telex_accept_fn)(void *ctx, const char *word, size_t nword,
                                  const char *dec, size_t ndec, int *use,
                                  vn_err *err);

/* Copy the n bytes of text to out (appended to), replacing each word that
 * decodes (a run of ASCII letters and digits not touching other letters,
 * so title:tinhf, -chees and bieen* work) with its decoding when accept
 * says so; accept may be NULL to take every decoding. Everything else is
 * copied byte for byte. scheme applies to each word. OUT: *nchanged (may
 * be NULL) counts the words replaced. */
int vn_telex_rewrite(vn_norm *nm, const char *text, size_t n, int scheme,
                     vn_telex_accept_fn accept, void *ctx, vn_buf *out,
                     size_t *nchanged, vn_err *err);

#endif
