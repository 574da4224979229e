/* fuzz_norm.c: libFuzzer target for vn_norm's whole-text and one-word
 * entry points and its UTF-8 helpers.
 *
 * Invariants, for any bytes:
 *  - vn_norm_utf8_clean gives valid UTF-8; valid input comes out
 *    unchanged with no invalid count, and vn_norm_utf8_valid agrees;
 *  - vn_norm_text (canonical and folded) succeeds with valid UTF-8, and
 *    the folded text holds no combining mark and no đ (a token may hold
 *    a space: NFKC maps U+037A to " ι"; see RELIABILITY.md);
 *  - vn_norm_word gives valid UTF-8 forms, has_marks exactly when they
 *    differ, and a fold free of marks. */
#include "fuzz.h"

#include "vn_norm.h"

#include <string.h>

static vn_norm *nm; /* one for the process, as a thread would keep it */

static void check_text(const char *src, size_t n, int fold, char **out)
{
    vn_err err;
    int rc = vn_norm_text(nm, src, n, fold, out, &err);
    FUZZ_CHECK(rc == VN_OK, "vn_norm_text(fold=%d) failed: %d %s", fold, rc, err.msg);
    FUZZ_CHECK(*out != NULL, "vn_norm_text gave NULL");
    size_t len = strlen(*out);
    FUZZ_CHECK(fuzz_utf8_ok(*out, len), "vn_norm_text(fold=%d) gave invalid UTF-8", fold);
    if (fold) {
        UChar32 m = fuzz_first_mark(*out, len);
        FUZZ_CHECK(m < 0, "folded text keeps U+%04X in <%s>", (unsigned)m, *out);
    }
}

static void check_clean(const char *src, size_t n)
{
    vn_buf b = VN_BUF_INIT;
    size_t bad = 0;
    FUZZ_CHECK(vn_norm_utf8_clean(src, n, &b, &bad) == VN_OK, "utf8_clean failed");
    FUZZ_CHECK(fuzz_utf8_ok(b.data ? b.data : "", b.len), "utf8_clean gave invalid UTF-8");
    int valid = fuzz_utf8_ok(src, n);
    FUZZ_CHECK(vn_norm_utf8_valid(src, n) == valid, "utf8_valid says %d, ICU says %d",
               vn_norm_utf8_valid(src, n), valid);
    FUZZ_CHECK(valid == (bad == 0), "valid=%d but %zu invalid sequences", valid, bad);
    if (valid)
        FUZZ_CHECK(b.len == n && memcmp(b.data ? b.data : "", src, n) == 0,
                   "valid input changed by utf8_clean");
    else
        FUZZ_CHECK(b.len >= 3 && b.len <= n + 2 * bad, "%zu bytes out of %zu with %zu bad",
                   b.len, n, bad);
    vn_buf_free(&b);
}

static void check_word(const char *src, size_t n)
{
    vn_buf canon = VN_BUF_INIT, fold = VN_BUF_INIT;
    vn_err err;
    int marks = -1;
    int rc = vn_norm_word(nm, src, n, &canon, &fold, &marks, &err);
    FUZZ_CHECK(rc == VN_OK, "vn_norm_word failed: %d %s", rc, err.msg);
    const char *c = canon.data ? canon.data : "", *f = fold.data ? fold.data : "";
    FUZZ_CHECK(fuzz_utf8_ok(c, canon.len) && fuzz_utf8_ok(f, fold.len),
               "vn_norm_word gave invalid UTF-8");
    int differ = canon.len != fold.len || memcmp(c, f, fold.len) != 0;
    FUZZ_CHECK(marks == differ, "has_marks=%d but canon <%s> fold <%s>", marks, c, f);
    UChar32 m = fuzz_first_mark(f, fold.len);
    FUZZ_CHECK(m < 0, "word fold keeps U+%04X in <%s>", (unsigned)m, f);
    vn_buf_free(&canon);
    vn_buf_free(&fold);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    vn_err err;
    if (vn_norm_open(&nm, &err) != VN_OK) {
        fprintf(stderr, "vn_norm_open: %s\n", err.msg);
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    char *canon = NULL, *fold = NULL;
    check_clean(src, size);
    check_text(src, size, 0, &canon);
    check_text(src, size, 1, &fold);
    check_word(src, size);
    free(canon);
    free(fold);
    return 0;
}
