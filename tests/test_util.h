/* test_util.h: small helpers the cmocka tests share. Header-only; include
 * after <cmocka.h>. */
#ifndef VN_TEST_UTIL_H
#define VN_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Remove the SQLite database at path with its -wal and -shm files. */
static inline void remove_db(const char *path)
{
    static const char *const suffix[] = {"", "-wal", "-shm"};
    char name[4096];
    for (int i = 0; i < 3; i++) {
        snprintf(name, sizeof name, "%s%s", path, suffix[i]);
        unlink(name);
    }
}

#endif
