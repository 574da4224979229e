/* fuzz_telex.c: libFuzzer target for the Telex/VNI decoder.
 *
 * Invariants, for any bytes:
 *  - vn_telex_decode, in each scheme, either decodes (out non-empty,
 *    valid UTF-8, one word: no space) or leaves out empty; a decoded
 *    word is already in vn_norm's canonical form (normalizing it again
 *    changes nothing), as the header promises;
 *  - vn_telex_rewrite succeeds; with nothing changed the output is the
 *    input byte for byte; valid UTF-8 in gives valid UTF-8 out;
 *  - every code point split by vn_letter_split and put back by
 *    vn_letter_put gives valid UTF-8. */
#include "fuzz.h"

#include "vn_norm.h"
#include "vn_telex.h"

#include <string.h>

static vn_norm *nm;

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

static void check_decode(const char *w, size_t n, int scheme)
{
    vn_buf out = VN_BUF_INIT, canon = VN_BUF_INIT;
    int decoded = -1;
    vn_err derr;
    FUZZ_CHECK(vn_telex_decode(nm, w, n, scheme, &out, &decoded, &derr) == VN_OK, "decode failed");
    FUZZ_CHECK(decoded == 0 || decoded == 1, "decoded = %d", decoded);
    if (!decoded) {
        FUZZ_CHECK(out.len == 0, "not decoded but out holds %zu bytes", out.len);
    } else {
        FUZZ_CHECK(out.len > 0 && fuzz_utf8_ok(out.data, out.len), "bad decoding");
        FUZZ_CHECK(memchr(out.data, ' ', out.len) == NULL, "a space in <%s>", out.data);
        vn_err err;
        FUZZ_CHECK(vn_norm_word(nm, out.data, out.len, &canon, NULL, NULL, &err) == VN_OK,
                   "vn_norm_word: %s", err.msg);
        FUZZ_CHECK(canon.len == out.len && memcmp(canon.data, out.data, out.len) == 0,
                   "<%.*s> (scheme %d) decodes to <%s>, whose canonical form is <%s>", (int)n,
                   w, scheme, out.data, canon.data ? canon.data : "");
    }
    vn_buf_free(&out);
    vn_buf_free(&canon);
}

static void check_rewrite(const char *src, size_t n, int scheme)
{
    vn_buf out = VN_BUF_INIT;
    size_t nchanged = 0;
    vn_err err;
    int rc = vn_telex_rewrite(nm, src, n, scheme, NULL, NULL, &out, &nchanged, &err);
    FUZZ_CHECK(rc == VN_OK, "rewrite failed: %d %s", rc, err.msg);
    FUZZ_CHECK(nchanged <= n, "%zu changed in %zu bytes", nchanged, n);
    if (nchanged == 0)
        FUZZ_CHECK(out.len == n && (n == 0 || memcmp(out.data, src, n) == 0),
                   "nothing changed but the text did");
    if (fuzz_utf8_ok(src, n))
        FUZZ_CHECK(fuzz_utf8_ok(out.data ? out.data : "", out.len), "rewrite broke UTF-8");
    vn_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *src = (const char *)data;
    /* each space-separated word, decoded alone */
    for (size_t a = 0; a < size;) {
        size_t b = a;
        while (b < size && data[b] != ' ')
            b++;
        if (b > a && b - a <= 64)
            for (int scheme = VN_TELEX_AUTO; scheme <= VN_VNI; scheme++)
                check_decode(src + a, b - a, scheme);
        a = b + 1;
    }
    for (int scheme = VN_TELEX_AUTO; scheme <= VN_VNI; scheme++)
        check_rewrite(src, size, scheme);
    for (size_t i = 0; i < size;) {
        UChar32 c;
        U8_NEXT(data, i, size, c);
        if (c < 0)
            continue;
        vn_buf out = VN_BUF_INIT;
        int rc = vn_letter_put(&out, vn_letter_split((uint32_t)c));
        FUZZ_CHECK(rc == VN_OK, "U+%04X split and put back: %d", (unsigned)c, rc);
        FUZZ_CHECK(fuzz_utf8_ok(out.data ? out.data : "", out.len), "put gave bad UTF-8");
        vn_buf_free(&out);
    }
    return 0;
}
