/* test_util.h: small helpers the cmocka tests share. Header-only; include
 * after <cmocka.h>. */
#ifndef VN_TEST_UTIL_H
#define VN_TEST_UTIL_H

#include "tmp_db.h"

#include <stdlib.h>
#include <string.h>

/* A malloc'd copy of n bytes, no NUL after them, so that a reader past
 * the end trips AddressSanitizer (OUT: caller frees). */
static inline char *exact_copy(const char *src, size_t n)
{
    char *p = malloc(n > 0 ? n : 1);
    assert_non_null(p);
    if (n > 0)
        memcpy(p, src, n);
    return p;
}

/* got equals want, both possibly NULL. */
static inline void assert_opt_string(const char *got, const char *want)
{
    if (want == NULL) {
        assert_null(got);
    } else {
        assert_non_null(got);
        assert_string_equal(got, want);
    }
}

#endif
