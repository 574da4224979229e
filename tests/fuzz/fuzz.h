/* fuzz.h: what the libFuzzer targets in tests/fuzz/ share: a loud
 * failure for a broken invariant, and UTF-8 and mark checks written
 * independently of the code under test (ICU's macros, not vn_norm's).
 * Header-only; each target includes it once. */
#ifndef VN_FUZZ_H
#define VN_FUZZ_H

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/utf8.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* A broken invariant: say which, show the bytes, and abort so that
 * libFuzzer records the input as a crash. */
#define FUZZ_CHECK(cond, ...)                                               \
    do {                                                                    \
        if (!(cond)) {                                                      \
            fprintf(stderr, "%s:%d: invariant failed: %s: ", __FILE__,      \
                    __LINE__, #cond);                                       \
            fprintf(stderr, __VA_ARGS__);                                   \
            fputc('\n', stderr);                                            \
            abort();                                                        \
        }                                                                   \
    } while (0)

/* Non-zero when the n bytes at s are well-formed UTF-8 (no surrogates,
 * no overlong forms, nothing above U+10FFFF). */
static inline int fuzz_utf8_ok(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, n, c);
        if (c < 0)
            return 0;
    }
    return 1;
}

/* The first code point of s[0..n) that is a combining mark (Mn or Me)
 * once the text is decomposed (NFD), or đ/Đ, or -1 when there is none:
 * a folded form must have none. */
static inline UChar32 fuzz_first_mark(const char *s, size_t n)
{
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *nfd = unorm2_getNFDInstance(&st);
    for (size_t i = 0; i < n && U_SUCCESS(st);) {
        UChar32 c;
        U8_NEXT((const uint8_t *)s, i, n, c);
        if (c < 0)
            return 0xFFFD;
        UChar d[32];
        int32_t nd = unorm2_getDecomposition(nfd, c, d, 32, &st);
        if (nd < 0) { /* no decomposition: the code point itself */
            nd = 0;
            U16_APPEND_UNSAFE(d, nd, c);
            st = U_ZERO_ERROR;
        }
        for (int32_t k = 0; k < nd;) {
            UChar32 m;
            U16_NEXT(d, k, nd, m);
            int8_t t = u_charType(m);
            if (t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || m == 0x111 || m == 0x110)
                return c;
        }
    }
    return -1;
}

#endif
