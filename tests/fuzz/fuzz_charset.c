/* fuzz_charset.c: libFuzzer target for vn_charset_decode, which turns a
 * file's raw bytes into UTF-8 (BOMs, declared charsets, the Vietnamese
 * legacy-charset detector, U+FFFD for the rest), and its two helpers.
 * The first byte chooses between a .txt file and an HTML page.
 *
 * Invariants, for any bytes:
 *  - VN_OK, or VN_EDECODE with a message (NUL bytes), never another
 *    code short of running out of memory;
 *  - on VN_OK the text is valid UTF-8, NUL-terminated, without a NUL
 *    inside (a leading U+FEFF may remain when the file doubled its BOM);
 *    info.how is one of VN_CHARSET_*;
 *    info.name is set; ninvalid is 0 unless how is VN_CHARSET_REPLACED
 *    or the text was read in a declared or BOM-named charset;
 *  - valid UTF-8 without BOM or NUL, in a .txt file, comes back as is;
 *  - vn_charset_detect names one of its three charsets or none;
 *  - vn_charset_declared gives a lower-case label that fits. */
#include "fuzz.h"

#include "charset.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    int is_html = 0;
    if (size > 0) {
        is_html = data[0] & 1;
        data++;
        size--;
    }
    const char *src = (const char *)data;
    vn_buf text = VN_BUF_INIT;
    vn_charset_info info;
    vn_err err = {0, ""};
    int rc = vn_charset_decode(src, size, is_html, &text, &info, &err);
    FUZZ_CHECK(rc == VN_OK || rc == VN_EDECODE || rc == VN_ENOMEM,
               "vn_charset_decode returned %d: %s", rc, err.msg);
    if (rc != VN_OK) {
        FUZZ_CHECK(err.msg[0] != '\0', "failure without a message");
    } else {
        const char *t = text.data ? text.data : "";
        FUZZ_CHECK(text.data == NULL || text.data[text.len] == '\0', "not NUL-terminated");
        FUZZ_CHECK(fuzz_utf8_ok(t, text.len), "output not UTF-8 (read as %s)", info.name);
        FUZZ_CHECK(memchr(t, '\0', text.len) == NULL, "NUL in the output (read as %s)",
                   info.name);
        FUZZ_CHECK(info.how >= VN_CHARSET_UTF8 && info.how <= VN_CHARSET_REPLACED, "how = %d",
                   info.how);
        FUZZ_CHECK(info.name[0] != '\0', "no charset name");
        FUZZ_CHECK(info.ninvalid == 0 || info.how != VN_CHARSET_UTF8,
                   "%zu invalid but read as plain UTF-8", info.ninvalid);
        int plain = fuzz_utf8_ok(src, size) && memchr(src, '\0', size) == NULL
                    && (size < 3 || memcmp(src, "\xEF\xBB\xBF", 3) != 0);
        if (plain && !is_html)
            FUZZ_CHECK(text.len == size && memcmp(t, src, size) == 0,
                       "valid UTF-8 changed (read as %s)", info.name);
    }
    const char *cs = vn_charset_detect(src, size);
    FUZZ_CHECK(cs == NULL || strcmp(cs, "windows-1258") == 0 || strcmp(cs, "TCVN3") == 0
                   || strcmp(cs, "VISCII") == 0,
               "detected <%s>", cs);
    char label[40];
    if (vn_charset_declared(src, size, label, sizeof label)) {
        size_t n = strlen(label);
        FUZZ_CHECK(n > 0 && n < sizeof label, "label of %zu bytes", n);
        for (size_t i = 0; i < n; i++)
            FUZZ_CHECK(!(label[i] >= 'A' && label[i] <= 'Z'), "label <%s> not lower case",
                       label);
    } else {
        FUZZ_CHECK(label[0] == '\0', "no label found but out is <%s>", label);
    }
    vn_buf_free(&text);
    return 0;
}
