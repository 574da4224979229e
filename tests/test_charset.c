/* test_charset.c: vn_charset_decode, vn_charset_declared, vn_charset_detect.
 *
 * Every sentence is invented for these tests. The legacy-charset inputs
 * are made here, by encoding the UTF-8 sentences with iconv, and each
 * input is copied into a buffer of exactly its length (no NUL after it)
 * so ASan catches a read past n. */
#include "charset.h"

#include <iconv.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "test_util.h"

/* Two paragraphs with most of the alphabet: every tone, ă â ê ô ơ ư đ,
 * capitals with marks, and the hard rhymes (uyê, ươi, oai). */
static const char sentence[] =
    "Ủy ban nhân dân phường tổ chức hội nghị tổng kết công tác năm 2023, "
    "biểu dương những tập thể và cá nhân có thành tích xuất sắc.\n"
    "Đồng chí Nguyễn Thị Hồng Nhung phát biểu: người dân được hướng dẫn "
    "khai báo trực tuyến, giải quyết thủ tục nhanh, khỏe mạnh và vui vẻ; "
    "Ở ĐÂY CHÚNG TÔI LUÔN SẴN SÀNG HỖ TRỢ, thuở ấy ngoài ruộng lúa.\n";

/* A string literal and its length, NULs and all. */
#define LIT(s) (s), (sizeof(s) - 1)

/* text (UTF-8) in charset to; OUT: *n bytes, caller frees. */
static char *encode(const char *text, const char *to, size_t *n)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    assert_true(cd != (iconv_t)-1);
    size_t inleft = strlen(text), cap = inleft * 4 + 16, outleft = cap;
    char *out = malloc(cap), *in = (char *)text, *o = out;
    assert_non_null(out);
    assert_int_equal(iconv(cd, &in, &inleft, &o, &outleft), 0);
    assert_int_equal(iconv(cd, NULL, NULL, &o, &outleft), 0);
    iconv_close(cd);
    *n = cap - outleft;
    return out;
}

/* Decode n bytes (copied exactly) and check the text, how and name. */
static void expect_decode(const char *src, size_t n, int is_html, const char *want,
                          int how, const char *name, size_t ninvalid)
{
    char *copy = exact_copy(src, n);
    vn_buf out = VN_BUF_INIT;
    vn_charset_info info;
    vn_err err;
    vn_err_clear(&err);
    assert_int_equal(vn_charset_decode(copy, n, is_html, &out, &info, &err), VN_OK);
    assert_string_equal(err.msg, "");
    assert_non_null(out.data);
    assert_int_equal(out.len, strlen(want));
    assert_string_equal(out.data, want);
    assert_int_equal(info.how, how);
    assert_string_equal(info.name, name);
    assert_int_equal(info.ninvalid, ninvalid);
    vn_buf_free(&out);
    free(copy);
}

/* ---- Unicode ------------------------------------------------------------ */

static void utf8_as_is(void **state)
{
    (void)state;
    expect_decode(sentence, strlen(sentence), 0, sentence, VN_CHARSET_UTF8, "UTF-8", 0);
    /* NFD stays NFD: Unicode input is not renormalised */
    expect_decode(LIT("Vie\xcc\xa3\xcc\x82t"), 0, "Vie\xcc\xa3\xcc\x82t", VN_CHARSET_UTF8, "UTF-8", 0);
    expect_decode(LIT(""), 0, "", VN_CHARSET_UTF8, "UTF-8", 0);
}

static void utf8_bom_dropped(void **state)
{
    (void)state;
    expect_decode(LIT("\xef\xbb\xbfHà Nội"), 0, "Hà Nội", VN_CHARSET_BOM, "UTF-8", 0);
    expect_decode(LIT("\xef\xbb\xbfH\xffN"), 0, "H\xef\xbf\xbdN", VN_CHARSET_BOM, "UTF-8", 1);
}

static void utf16_and_32_with_bom(void **state)
{
    static const struct {
        const char *charset, *bom, *name;
        size_t nbom;
    } c[] = {
        {"UTF-16LE", "\xff\xfe", "UTF-16LE", 2}, {"UTF-16BE", "\xfe\xff", "UTF-16BE", 2},
        {"UTF-32LE", "\xff\xfe\x00\x00", "UTF-32LE", 4},
        {"UTF-32BE", "\x00\x00\xfe\xff", "UTF-32BE", 4},
    };
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        size_t n;
        char *body = encode(sentence, c[i].charset, &n);
        char *all = malloc(n + c[i].nbom);
        assert_non_null(all);
        memcpy(all, c[i].bom, c[i].nbom);
        memcpy(all + c[i].nbom, body, n);
        expect_decode(all, n + c[i].nbom, 0, sentence, VN_CHARSET_BOM, c[i].name, 0);
        free(all);
        free(body);
    }
    /* an odd last byte is one invalid sequence */
    expect_decode(LIT("\xff\xfeH\0i\0!"), 0, "Hi\xef\xbf\xbd", VN_CHARSET_BOM, "UTF-16LE", 1);
    /* a lone surrogate too */
    expect_decode(LIT("\xff\xfeH\0\x00\xd8i\0"), 0, "H\xef\xbf\xbdi", VN_CHARSET_BOM, "UTF-16LE", 1);
}

static void expect_binary(const char *src, size_t n)
{
    char *copy = exact_copy(src, n);
    vn_buf out = VN_BUF_INIT;
    vn_charset_info info;
    vn_err err;
    vn_err_clear(&err);
    assert_int_equal(vn_charset_decode(copy, n, 1, &out, &info, &err), VN_EDECODE);
    assert_int_equal(err.code, VN_EDECODE);
    assert_string_equal(err.msg, "not a text file (binary: NUL bytes)");
    vn_buf_free(&out);
    free(copy);
}

static void nul_bytes_are_binary(void **state)
{
    (void)state;
    expect_binary(LIT("ab\0cd"));
    expect_binary(LIT("\x89PNG\r\n\x1a\n\0\0\0\rIHDR"));
    /* UTF-16 that decodes to U+0000 */
    expect_binary(LIT("\xff\xfeH\0\0\0i\0"));
    /* a UTF-8 BOM does not excuse NUL bytes */
    expect_binary(LIT("\xef\xbb\xbf" "ab\0cd"));
}

/* ---- declared charsets ----------------------------------------------------- */

/* head + the sentence in charset + tail, decoded as a page. */
static void expect_declared(const char *head, const char *charset, const char *name)
{
    size_t n, nh = strlen(head);
    char *body = encode(sentence, charset, &n);
    char *page = malloc(nh + n), *want = malloc(nh + strlen(sentence) + 1);
    assert_non_null(page);
    assert_non_null(want);
    memcpy(page, head, nh);
    memcpy(page + nh, body, n);
    strcpy(want, head);
    strcat(want, sentence);
    expect_decode(page, nh + n, 1, want, VN_CHARSET_DECLARED, name, 0);
    free(page);
    free(want);
    free(body);
}

static void declared_charsets(void **state)
{
    (void)state;
    expect_declared("<html><head><meta charset=\"windows-1258\"></head><body>\n", "CP1258",
                    "windows-1258");
    expect_declared("<HTML><HEAD><META HTTP-EQUIV='Content-Type' "
                    "CONTENT='text/html; charset=TCVN3'></HEAD>\n", "TCVN5712-1", "TCVN3");
    expect_declared("<?xml version=\"1.0\" encoding=\"VISCII\"?>\n<html>", "VISCII", "VISCII");
    expect_declared("<meta charset=x-viet-tcvn5712>", "TCVN5712-1", "TCVN3");
    expect_declared("<meta content=\"text/html;charset=cp1258\" http-equiv=content-type>",
                    "CP1258", "windows-1258");
    /* a label we do not list goes to iconv as it is */
    expect_decode(LIT("<meta charset=koi8-r>\xf0\xd2\xc9\xd7\xc5\xd4"), 1,
                  "<meta charset=koi8-r>Привет", VN_CHARSET_DECLARED, "koi8-r", 0);
    /* latin1 means windows-1252, as browsers read it */
    expect_decode(LIT("<meta charset=iso-8859-1>caf\xe9 \x93ok\x94"), 1,
                  "<meta charset=iso-8859-1>café “ok”", VN_CHARSET_DECLARED, "windows-1252", 0);
}

/* Windows-1258 writes tones as combining marks: the result is NFC,
 * including what iconv leaves composed only in part. */
static void windows_1258_comes_out_nfc(void **state)
{
    (void)state;
    /* "Tiếng Việt" with every tone written after its letter */
    expect_decode(LIT("<meta charset=windows-1258>Ti\xea\xecng Vi\xea\xf2t"), 1,
                  "<meta charset=windows-1258>Tiếng Việt", VN_CHARSET_DECLARED,
                  "windows-1258", 0);
    /* tilde then dot below on A: NFC puts the dot first and composes Ạ */
    expect_decode(LIT("<meta charset=windows-1258>A\xde\xf2"), 1,
                  "<meta charset=windows-1258>\xe1\xba\xa0\xcc\x83", VN_CHARSET_DECLARED,
                  "windows-1258", 0);
    /* a byte windows-1258 leaves undefined */
    expect_decode(LIT("<meta charset=windows-1258>a\x8a\xe0"), 1,
                  "<meta charset=windows-1258>a\xef\xbf\xbd\xc3\xa0", VN_CHARSET_DECLARED,
                  "windows-1258", 1);
}

static void expect_ignored(const char *src, size_t n, const char *want, int how,
                           const char *name, const char *ignored, int unknown, size_t ninvalid)
{
    char *copy = exact_copy(src, n);
    vn_buf out = VN_BUF_INIT;
    vn_charset_info info;
    vn_err err;
    assert_int_equal(vn_charset_decode(copy, n, 1, &out, &info, &err), VN_OK);
    assert_string_equal(out.data, want);
    assert_int_equal(info.how, how);
    assert_string_equal(info.name, name);
    assert_string_equal(info.ignored, ignored);
    assert_int_equal(info.ignored_unknown, unknown);
    assert_int_equal(info.ninvalid, ninvalid);
    vn_buf_free(&out);
    free(copy);
}

static void declarations_not_used(void **state)
{
    (void)state;
    /* saved as UTF-8, still declaring what it was served as */
    expect_ignored(LIT("<meta charset=windows-1258>Hà Nội"), "<meta charset=windows-1258>Hà Nội",
                   VN_CHARSET_UTF8, "UTF-8", "windows-1258", 0, 0);
    /* a charset iconv does not know: the bytes are not guessed from it */
    expect_ignored(LIT("<meta charset=x-unheard-of>a\xff"), "<meta charset=x-unheard-of>a\xef\xbf\xbd",
                   VN_CHARSET_REPLACED, "UTF-8", "x-unheard-of", 1, 1);
    /* pure ASCII reads the same either way: nothing to say */
    expect_ignored(LIT("<meta charset=viscii>Ha Noi"), "<meta charset=viscii>Ha Noi",
                   VN_CHARSET_UTF8, "UTF-8", "", 0, 0);
    /* a .txt file's text is not searched for a declaration */
    static const char koi[] = "<meta charset=koi8-r>\xf0";
    char *copy = exact_copy(koi, sizeof koi - 1);
    vn_buf out = VN_BUF_INIT;
    vn_charset_info info;
    vn_err err;
    assert_int_equal(vn_charset_decode(copy, sizeof koi - 1, 0, &out, &info, &err), VN_OK);
    assert_int_equal(info.how, VN_CHARSET_REPLACED);
    assert_int_equal(info.ninvalid, 1);
    vn_buf_free(&out);
    free(copy);
}

static void expect_label(const char *src, const char *want)
{
    size_t n = strlen(src);
    char *copy = exact_copy(src, n), out[40];
    memset(out, 'x', sizeof out);
    assert_int_equal(vn_charset_declared(copy, n, out, sizeof out), want != NULL);
    assert_string_equal(out, want != NULL ? want : "");
    free(copy);
}

static void declared_labels(void **state)
{
    (void)state;
    expect_label("<meta charset=\"UTF-8\">", "utf-8");
    expect_label("<META CHARSET = 'Windows-1258' />", "windows-1258");
    expect_label("<meta http-equiv=\"Content-Type\" content=\"text/html; charset=TCVN3\">", "tcvn3");
    expect_label("<?xml version='1.0' encoding='viscii'?>", "viscii");
    expect_label("<p>charset=koi8-r</p>", NULL);      /* outside a meta tag */
    expect_label("<meta name=description content=x>", NULL);
    expect_label("<meta charset=>", NULL);
    expect_label("<meta charset=\"", NULL);            /* cut short */
    expect_label("<meta charset", NULL);
    expect_label("", NULL);
    /* only the first 4096 bytes count */
    char *far = malloc(4200);
    assert_non_null(far);
    memset(far, ' ', 4200);
    memcpy(far + 4100, "<meta charset=viscii>", 21);
    char out[40];
    assert_int_equal(vn_charset_declared(far, 4200, out, sizeof out), 0);
    free(far);
    /* a label longer than the room is cut */
    char small[5];
    assert_int_equal(vn_charset_declared(LIT("<meta charset=windows-1258>"), small, sizeof small), 1);
    assert_string_equal(small, "wind");
}

/* ---- detection ------------------------------------------------------------- */

static void detects_vietnamese_legacy(void **state)
{
    static const struct {
        const char *charset, *name;
    } c[] = {{"CP1258", "windows-1258"}, {"TCVN5712-1", "TCVN3"}, {"VISCII", "VISCII"}};
    (void)state;
    for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
        size_t n;
        char *bytes = encode(sentence, c[i].charset, &n);
        char *copy = exact_copy(bytes, n);
        assert_string_equal(vn_charset_detect(copy, n), c[i].name);
        free(copy);
        /* a .txt file and an undeclared page alike */
        expect_decode(bytes, n, 0, sentence, VN_CHARSET_DETECTED, c[i].name, 0);
        expect_decode(bytes, n, 1, sentence, VN_CHARSET_DETECTED, c[i].name, 0);
        free(bytes);
    }
}

static void no_blind_guess(void **state)
{
    (void)state;
    /* French in windows-1252: not Vietnamese in any candidate */
    static const char fr[] = "Le caf\xe9 est tr\xe8s bon, les \xe9l\xe8ves \xe9tudient "
                             "\xe0 l'\xe9" "cole o\xf9 l'on mange des cr\xea" "pes.";
    assert_null(vn_charset_detect(fr, strlen(fr)));
    expect_decode(fr, strlen(fr), 0,
                  "Le caf\xef\xbf\xbd est tr\xef\xbf\xbds bon, les \xef\xbf\xbdl\xef\xbf\xbdves "
                  "\xef\xbf\xbdtudient \xef\xbf\xbd l'\xef\xbf\xbd"
                  "cole o\xef\xbf\xbd l'on mange des cr\xef\xbf\xbdpes.",
                  VN_CHARSET_REPLACED, "UTF-8", 9);
    /* UTF-8 with two stray bytes: damaged UTF-8, not a legacy charset */
    static const char dmg[] = "Tiêu đề hỏng \xff\xfe ở giữa câu về hội nghị chuyên đề.";
    assert_null(vn_charset_detect(dmg, strlen(dmg)));
    /* too few words to be sure */
    assert_null(vn_charset_detect("H\xe0 N\xf4", 5));
    /* bytes that read as nothing */
    char noise[512];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (char)(0x80 + (i * 37) % 128);
    assert_null(vn_charset_detect(noise, sizeof noise));
    assert_null(vn_charset_detect(NULL, 0));
}

/* Decode bytes no charset explains: OUT: the text and info; rc returned. */
static int decode_replaced(const char *src, size_t n, vn_buf *out, vn_charset_info *info,
                           vn_err *err)
{
    char *copy = exact_copy(src, n);
    vn_err_clear(err);
    int rc = vn_charset_decode(copy, n, 0, out, info, err);
    free(copy);
    return rc;
}

/* However many bytes are bad, text stays text: each bad sequence becomes
 * U+FFFD, and both sequences and bytes are counted. Bytes that are mostly
 * invalid or control characters are binary. */
static void replaced_or_binary(void **state)
{
    vn_buf out = VN_BUF_INIT;
    vn_charset_info info;
    vn_err err;
    (void)state;
    /* a third of the bytes bad (once the 2% limit that skipped a file) */
    static const char bad[] = "T\xe1\xba u \xff\xfe giua \x80 zz.";
    assert_int_equal(decode_replaced(LIT(bad), &out, &info, &err), VN_OK);
    assert_string_equal(out.data, "T\xef\xbf\xbd u \xef\xbf\xbd\xef\xbf\xbd giua \xef\xbf\xbd zz.");
    assert_int_equal(info.how, VN_CHARSET_REPLACED);
    assert_int_equal(info.ninvalid, 4);
    assert_int_equal(info.ninvalid_bytes, 5);
    /* behind a UTF-8 BOM: counted the same way */
    assert_int_equal(decode_replaced(LIT("\xef\xbb\xbf\xff\xfe\xfd ab"), &out, &info, &err), VN_OK);
    assert_int_equal(info.how, VN_CHARSET_BOM);
    assert_int_equal(info.ninvalid, 3);
    assert_int_equal(info.ninvalid_bytes, 3);
    /* all high bytes, no blank: not text */
    char noise[512];
    for (size_t i = 0; i < sizeof noise; i++)
        noise[i] = (char)(0xF8 + i % 8);
    assert_int_equal(decode_replaced(noise, sizeof noise, &out, &info, &err), VN_EDECODE);
    assert_int_equal(err.code, VN_EDECODE);
    assert_string_equal(err.msg, "not a text file (binary: 100% of the bytes are invalid UTF-8"
                                  " or control characters)");
    /* control characters count against text too; tabs and line ends do not */
    assert_int_equal(decode_replaced(LIT("a\x01\x02\x03\x04\x05\x06\x7f\xff b"), &out, &info,
                                     &err), VN_EDECODE);
    assert_string_equal(err.msg, "not a text file (binary: 72% of the bytes are invalid UTF-8"
                                 " or control characters)");
    assert_int_equal(decode_replaced(LIT("a\t\t\r\n\r\n\f\x1b\xff b"), &out, &info, &err), VN_OK);
    assert_int_equal(info.ninvalid_bytes, 1);
    vn_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_as_is),
        cmocka_unit_test(utf8_bom_dropped),
        cmocka_unit_test(utf16_and_32_with_bom),
        cmocka_unit_test(nul_bytes_are_binary),
        cmocka_unit_test(declared_charsets),
        cmocka_unit_test(windows_1258_comes_out_nfc),
        cmocka_unit_test(declarations_not_used),
        cmocka_unit_test(declared_labels),
        cmocka_unit_test(detects_vietnamese_legacy),
        cmocka_unit_test(no_blind_guess),
        cmocka_unit_test(replaced_or_binary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
