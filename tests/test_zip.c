/* test_zip.c: unit tests for vn_zip (pack/unpack of stored text). */
#include "vn_buf.h"
#include "vn_err.h"
#include "vn_zip.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* A short Vietnamese sentence (NFC UTF-8), packed to well under 128 bytes
 * so its length varint is one byte. */
static const char short_vi[] = "Hà Nội mùa thu, phố cũ lặng gió.";

/* About 3 KB of Vietnamese prose, written for these tests. */
static const char para_vi[] =
    "Mỗi sáng, khi sương còn đọng trên những mái ngói rêu phong của khu phố "
    "cổ, bà Tư lại gánh hàng xôi từ ngõ nhỏ ra đầu chợ. Tiếng rao của bà "
    "vang lên giữa những hàng cây sấu đã bắt đầu thay lá, hòa với tiếng "
    "chuông xe đạp và tiếng còi xe máy lác đác. Người qua đường dừng lại, "
    "mua một gói xôi gấc nóng hổi gói trong lá chuối, rồi vội vã đi tiếp "
    "về phía những văn phòng, trường học và bệnh viện trong thành phố. "
    "Bà Tư đã bán xôi ở góc phố này hơn ba mươi năm. Bà nhớ từng gương mặt "
    "quen: anh thợ sửa đồng hồ luôn mua hai gói, cô giáo trẻ chỉ ăn xôi "
    "đậu xanh, và ông cụ hưu trí ngày nào cũng hỏi chuyện thời tiết trước "
    "khi trả tiền. Với bà, gánh hàng không chỉ là kế sinh nhai mà còn là "
    "một cách để giữ lại nhịp sống của khu phố, nơi mà mọi thứ dường như "
    "đang thay đổi quá nhanh. Những ngôi nhà ống cũ lần lượt bị phá đi để "
    "xây khách sạn, quán cà phê mới mọc lên san sát, và khách du lịch từ "
    "khắp nơi đổ về chụp ảnh những bức tường vàng loang lổ. "
    "Buổi trưa, khi nắng đã lên cao, bà ngồi nghỉ dưới mái hiên của một "
    "hiệu thuốc bắc. Ông chủ hiệu, một người đàn ông gầy gò với cặp kính "
    "tròn, thường mời bà chén trà sen và kể chuyện ngày xưa, khi phố còn "
    "vắng và người ta còn đi bộ nhiều hơn đi xe. Họ nói về mùa lũ năm nào "
    "nước ngập đến đầu gối, về cái Tết đói kém khi cả nhà chỉ có nồi bánh "
    "chưng nhỏ, về những đứa con đã lớn khôn và đi làm ăn xa. Câu chuyện "
    "của hai người già cứ thế trôi đi, chậm rãi như dòng sông Hồng ngoài "
    "kia, lúc đục lúc trong nhưng chưa bao giờ ngừng chảy. "
    "Chiều xuống, gió heo may thổi qua những con ngõ hẹp, mang theo mùi hoa "
    "sữa nồng nàn. Bà Tư dọn hàng, đếm lại số tiền lẻ trong chiếc túi vải "
    "đã sờn, rồi chậm rãi gánh đôi quang về nhà. Trên đường, bà ghé mua "
    "mớ rau muống, vài quả cà pháo và một miếng đậu phụ cho bữa tối. Đứa "
    "cháu nội chạy ra đón bà ở đầu ngõ, tay cầm cuốn vở tập viết, khoe rằng "
    "hôm nay cô giáo khen chữ của nó đẹp. Bà cười, những nếp nhăn trên "
    "khuôn mặt giãn ra, và trong khoảnh khắc ấy bà thấy mọi vất vả của một "
    "ngày dài như tan biến. "
    "Tối đến, cả nhà quây quần bên mâm cơm đạm bạc. Ti vi đang phát bản tin "
    "thời sự về giá xăng, về dự án đường sắt đô thị và về một cơn bão sắp "
    "đổ bộ vào miền Trung. Bà Tư lặng lẽ nghe, thầm nghĩ đến người em gái "
    "đang sống ở Quảng Bình, nơi năm nào cũng phải chống chọi với nước lũ. "
    "Bà tự nhủ sáng mai sẽ gọi điện hỏi thăm, dặn em chằng chống nhà cửa "
    "cho cẩn thận và tích trữ đủ gạo, nước mắm, mì tôm. Rồi bà đi ngủ sớm, "
    "vì bốn giờ sáng mai lại phải dậy đồ xôi, chuẩn bị cho một ngày mới "
    "giống như bao ngày khác, bình dị mà bền bỉ, như chính cuộc đời của "
    "những người lao động nhỏ bé giữa lòng thủ đô. Người ta vẫn bảo Hà Nội "
    "đẹp nhất vào mùa thu, nhưng với bà Tư, Hà Nội đẹp nhất là những buổi "
    "sáng sớm, khi phố chưa kịp thức giấc và gánh xôi của bà là thứ ấm áp "
    "đầu tiên mà người đi đường bắt gặp trên vỉa hè.";

/* Fill p with n reproducible pseudo-random bytes (xorshift64). */
static void fill_random(unsigned char *p, size_t n, uint64_t seed)
{
    uint64_t x = seed ? seed : 1;
    for (size_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        p[i] = (unsigned char)(x >> 24);
    }
}

/* Pack src at level into *packed (reset first); fail the test on error. */
static void pack_ok(const void *src, size_t n, int level, vn_buf *packed)
{
    vn_err err;
    vn_err_clear(&err);
    vn_buf_reset(packed);
    int rc = vn_zip_pack(src, n, level, packed, &err);
    if (rc != VN_OK)
        print_error("pack: %s\n", err.msg);
    assert_int_equal(rc, VN_OK);
    assert_true(packed->len >= 3);
}

/* Pack and unpack n bytes at level; check the text comes back exactly.
 * Returns the packed size. */
static size_t round_trip(const void *src, size_t n, int level)
{
    vn_buf packed = VN_BUF_INIT, out = VN_BUF_INIT;
    vn_err err;
    vn_err_clear(&err);
    pack_ok(src, n, level, &packed);
    int rc = vn_zip_unpack(packed.data, packed.len, &out, &err);
    if (rc != VN_OK)
        print_error("unpack: %s\n", err.msg);
    assert_int_equal(rc, VN_OK);
    assert_int_equal(out.len, n);
    if (n > 0)
        assert_memory_equal(out.data, src, n);
    assert_int_equal(out.data[out.len], '\0');
    size_t npacked = packed.len;
    vn_buf_free(&packed);
    vn_buf_free(&out);
    return npacked;
}

/* Unpack n bytes that must fail with VN_EZIP and a message containing
 * want (if not NULL); check dst keeps its prior contents. */
static void unpack_fails(const void *src, size_t n, const char *want)
{
    vn_buf out = VN_BUF_INIT;
    vn_err err;
    vn_err_clear(&err);
    assert_int_equal(vn_buf_puts(&out, "keep"), VN_OK);
    int rc = vn_zip_unpack(src, n, &out, &err);
    assert_int_equal(rc, VN_EZIP);
    assert_int_equal(err.code, VN_EZIP);
    assert_true(err.msg[0] != '\0');
    if (want != NULL && strstr(err.msg, want) == NULL) {
        print_error("message \"%s\" lacks \"%s\"\n", err.msg, want);
        fail();
    }
    assert_int_equal(out.len, 4);
    assert_string_equal(out.data, "keep");
    vn_buf_free(&out);
}

static void test_empty_round_trip(void **state)
{
    (void)state;
    vn_buf packed = VN_BUF_INIT;
    pack_ok(NULL, 0, VN_ZIP_LEVEL, &packed);
    /* Format byte 1, length 0, then a zlib stream (0x78 header). */
    assert_int_equal((unsigned char)packed.data[0], 1);
    assert_int_equal((unsigned char)packed.data[1], 0);
    assert_int_equal((unsigned char)packed.data[2], 0x78);
    vn_buf_free(&packed);
    round_trip("", 0, VN_ZIP_LEVEL);
    round_trip("", 0, 0);
}

static void test_one_byte_round_trip(void **state)
{
    (void)state;
    round_trip("x", 1, VN_ZIP_LEVEL);
    round_trip("\0", 1, VN_ZIP_LEVEL); /* a NUL byte is just data */
}

static void test_vietnamese_round_trip(void **state)
{
    (void)state;
    round_trip(short_vi, strlen(short_vi), VN_ZIP_LEVEL);
    size_t n = strlen(para_vi);
    size_t npacked = round_trip(para_vi, n, VN_ZIP_LEVEL);
    assert_true(npacked < n); /* prose does compress */
}

static void test_random_1mb_round_trip(void **state)
{
    (void)state;
    size_t n = 1u << 20;
    unsigned char *p = malloc(n);
    assert_non_null(p);
    fill_random(p, n, 0x5eed);
    size_t npacked = round_trip(p, n, VN_ZIP_LEVEL);
    /* Incompressible: a little bigger, never more than deflateBound-ish. */
    assert_true(npacked > n && npacked < n + n / 100);
    round_trip(p, n, 0);
    free(p);
}

static void test_repetitive_5mb_round_trip(void **state)
{
    (void)state;
    size_t n = 5u << 20, step = strlen(short_vi);
    char *p = malloc(n);
    assert_non_null(p);
    for (size_t i = 0; i < n; i += step)
        memcpy(p + i, short_vi, n - i < step ? n - i : step);
    size_t npacked = round_trip(p, n, VN_ZIP_LEVEL);
    assert_true(npacked < n / 100);
    free(p);
}

static void test_all_levels(void **state)
{
    (void)state;
    size_t n = strlen(para_vi);
    for (int level = 0; level <= 9; level++) {
        size_t npacked = round_trip(para_vi, n, level);
        if (level == 0)
            assert_true(npacked > n); /* stored blocks: no compression */
        else
            assert_true(npacked < n);
    }
}

static void test_bad_level(void **state)
{
    (void)state;
    static const int levels[] = {-2, -1, 10, 99};
    vn_buf dst = VN_BUF_INIT;
    vn_err err;
    assert_int_equal(vn_buf_puts(&dst, "keep"), VN_OK);
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        vn_err_clear(&err);
        int rc = vn_zip_pack("abc", 3, levels[i], &dst, &err);
        assert_int_equal(rc, VN_EINVAL);
        assert_int_equal(err.code, VN_EINVAL);
        assert_non_null(strstr(err.msg, "level"));
        assert_string_equal(dst.data, "keep");
        assert_int_equal(dst.len, 4);
    }
    vn_buf_free(&dst);
}

static void test_pack_too_large(void **state)
{
    (void)state;
    /* The length is checked before any byte is read, so a short buffer
     * is enough to see the refusal. */
    char one = 'x';
    vn_buf dst = VN_BUF_INIT;
    vn_err err;
    vn_err_clear(&err);
    int rc = vn_zip_pack(&one, ((size_t)1 << 30) + 1, VN_ZIP_LEVEL, &dst, &err);
    assert_int_equal(rc, VN_EINVAL);
    assert_non_null(strstr(err.msg, "too large"));
    assert_int_equal(dst.len, 0);
    vn_buf_free(&dst);
}

static void test_header_layout(void **state)
{
    (void)state;
    /* 300 = 0b10_0101100 -> LEB128 0xAC 0x02. */
    char text[300];
    memset(text, 'a', sizeof text);
    vn_buf packed = VN_BUF_INIT;
    pack_ok(text, sizeof text, VN_ZIP_LEVEL, &packed);
    assert_int_equal((unsigned char)packed.data[0], 1);
    assert_int_equal((unsigned char)packed.data[1], 0xAC);
    assert_int_equal((unsigned char)packed.data[2], 0x02);
    assert_int_equal((unsigned char)packed.data[3], 0x78);
    vn_buf_free(&packed);
}

static void test_append_semantics(void **state)
{
    (void)state;
    vn_buf one = VN_BUF_INIT, both = VN_BUF_INIT, out = VN_BUF_INIT;
    vn_err err;
    vn_err_clear(&err);
    size_t n = strlen(short_vi);

    /* Packing appends after existing bytes and keeps the trailing NUL. */
    pack_ok(short_vi, n, VN_ZIP_LEVEL, &one);
    assert_int_equal(vn_buf_puts(&both, "PREFIX"), VN_OK);
    assert_int_equal(vn_zip_pack(short_vi, n, VN_ZIP_LEVEL, &both, &err), VN_OK);
    assert_int_equal(both.len, 6 + one.len);
    assert_memory_equal(both.data, "PREFIX", 6);
    assert_memory_equal(both.data + 6, one.data, one.len);
    assert_int_equal(both.data[both.len], '\0');

    /* Unpacking appends too, twice in a row. */
    assert_int_equal(vn_buf_puts(&out, "<<"), VN_OK);
    assert_int_equal(vn_zip_unpack(both.data + 6, one.len, &out, &err), VN_OK);
    assert_int_equal(vn_zip_unpack(one.data, one.len, &out, &err), VN_OK);
    assert_int_equal(out.len, 2 + 2 * n);
    assert_memory_equal(out.data, "<<", 2);
    assert_memory_equal(out.data + 2, short_vi, n);
    assert_memory_equal(out.data + 2 + n, short_vi, n);
    assert_int_equal(out.data[out.len], '\0');

    vn_buf_free(&one);
    vn_buf_free(&both);
    vn_buf_free(&out);
}

static void test_every_truncation_fails(void **state)
{
    (void)state;
    vn_buf packed = VN_BUF_INIT;
    pack_ok(para_vi, strlen(para_vi), VN_ZIP_LEVEL, &packed);
    for (size_t cut = 0; cut < packed.len; cut++) {
        /* A fresh copy of exactly cut bytes, so ASan sees any overread. */
        unsigned char *p = malloc(cut ? cut : 1);
        assert_non_null(p);
        memcpy(p, packed.data, cut);
        unpack_fails(p, cut, cut == 0 ? "empty" : NULL);
        free(p);
    }
    unpack_fails(packed.data, 2, "truncated"); /* inside the 2-byte varint */
    unpack_fails(packed.data, packed.len - 1, NULL);
    vn_buf_free(&packed);
}

static void test_every_corruption_detected(void **state)
{
    (void)state;
    vn_buf packed = VN_BUF_INIT;
    size_t n = strlen(short_vi), nsame = 0;
    pack_ok(short_vi, n, VN_ZIP_LEVEL, &packed);
    assert_true(packed.len < 128);
    unsigned char *p = malloc(packed.len);
    assert_non_null(p);
    for (size_t pos = 0; pos < packed.len; pos++) {
        for (unsigned flip = 1; flip <= 0xff; flip++) {
            memcpy(p, packed.data, packed.len);
            p[pos] ^= (unsigned char)flip;
            vn_buf out = VN_BUF_INIT;
            vn_err err;
            vn_err_clear(&err);
            int rc = vn_zip_unpack(p, packed.len, &out, &err);
            if (rc == VN_OK) { /* only acceptable if the text survived */
                assert_int_equal(out.len, n);
                assert_memory_equal(out.data, short_vi, n);
                nsame++;
            } else {
                assert_int_equal(rc, VN_EZIP);
                assert_true(err.msg[0] != '\0');
                assert_int_equal(out.len, 0);
            }
            vn_buf_free(&out);
        }
    }
    if (nsame > 0)
        printf("corruption: %zu of %zu damaged copies still gave the text\n",
               nsame, packed.len * 255);
    free(p);
    vn_buf_free(&packed);
}

static void test_damage_messages(void **state)
{
    (void)state;
    vn_buf packed = VN_BUF_INIT;
    pack_ok(short_vi, strlen(short_vi), VN_ZIP_LEVEL, &packed);
    size_t len = packed.len;
    unsigned char *p = malloc(len + 1);
    assert_non_null(p);

    /* Broken adler32 trailer: zlib's own message is passed on. */
    memcpy(p, packed.data, len);
    p[len - 1] ^= 0x01;
    unpack_fails(p, len, "incorrect data check");

    /* Declared length one more, then one less, than the stream holds. */
    memcpy(p, packed.data, len);
    p[1] += 1;
    unpack_fails(p, len, "declared");
    p[1] -= 2;
    unpack_fails(p, len, "longer than the declared");

    /* A byte after the end of the zlib stream. */
    memcpy(p, packed.data, len);
    p[len] = 0;
    unpack_fails(p, len + 1, "after the zlib stream");

    /* Not a zlib header at all. */
    memcpy(p, packed.data, len);
    p[2] = 0x00;
    unpack_fails(p, len, "zlib inflate failed");

    free(p);
    vn_buf_free(&packed);
}

static void test_wrong_format_byte(void **state)
{
    (void)state;
    vn_buf packed = VN_BUF_INIT;
    pack_ok(short_vi, strlen(short_vi), VN_ZIP_LEVEL, &packed);
    static const unsigned char formats[] = {0, 2, 0x78, 0xff};
    for (size_t i = 0; i < sizeof formats; i++) {
        packed.data[0] = (char)formats[i];
        unpack_fails(packed.data, packed.len, "format byte");
    }
    static const unsigned char only_format[] = {7};
    unpack_fails(only_format, 1, "format byte 7");
    unpack_fails(NULL, 0, "empty");
    vn_buf_free(&packed);
}

static void test_huge_declared_length(void **state)
{
    (void)state;
    /* 1 GiB + 1 = 0x40000001 -> LEB128 81 80 80 80 04. */
    static const unsigned char gib_plus_one[] = {1, 0x81, 0x80, 0x80, 0x80,
                                                 0x04, 0x78, 0x9c, 0x03, 0x00};
    unpack_fails(gib_plus_one, sizeof gib_plus_one, "too large");
    /* 2^63 in ten bytes: large bits must not be shifted away. */
    static const unsigned char two_63[] = {1, 0x80, 0x80, 0x80, 0x80, 0x80,
                                           0x80, 0x80, 0x80, 0x80, 0x01};
    unpack_fails(two_63, sizeof two_63, "too large");
    /* UINT64_MAX-ish, all continuation bits set. */
    unsigned char ones[16];
    memset(ones, 0xff, sizeof ones);
    ones[0] = 1;
    unpack_fails(ones, sizeof ones, "too large");
}

static void test_varint_never_ends(void **state)
{
    (void)state;
    /* Continuation bits forever (zero payload, so never too large). */
    unsigned char p[32];
    memset(p, 0x80, sizeof p);
    p[0] = 1;
    unpack_fails(p, sizeof p, "longer than 10 bytes");
    /* Exactly ten bytes that still say "more": also rejected. */
    unpack_fails(p, 11, "longer than 10 bytes");
    /* Fewer than ten, then the input ends. */
    unpack_fails(p, 6, "truncated");
    /* Ten bytes, the last one ending it, value 0: accepted as a length,
     * then the missing zlib stream is the problem. */
    p[10] = 0x00;
    unpack_fails(p, 11, "truncated");
}

static void test_ratio_report(void **state)
{
    (void)state;
    size_t n = strlen(para_vi);
    static const int levels[] = {1, 6, 9};
    printf("ratio of a %zu-byte Vietnamese paragraph:\n", n);
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        size_t npacked = round_trip(para_vi, n, levels[i]);
        printf("  level %d: %zu bytes, %.1f%% of the original\n", levels[i],
               npacked, 100.0 * (double)npacked / (double)n);
    }
}

/* ---- the packer: one dictionary, many texts ---- */

static int find_one(void *ctx, uint32_t id, vn_zip_dict *dict, vn_err *err)
{
    const vn_zip_dict *d = ctx;
    (void)err;
    if (id != d->id)
        return VN_ENOTFOUND;
    *dict = *d;
    return VN_OK;
}

/* A packer writes exactly what vn_zip_pack_dict writes, text after text,
 * with a dictionary and without, and its output unpacks. */
static void test_packer_same_bytes(void **state)
{
    (void)state;
    char dict_text[4096];
    size_t nd = 0;
    while (nd + sizeof para_vi < sizeof dict_text) { /* a dictionary of our prose */
        memcpy(dict_text + nd, para_vi, sizeof para_vi - 1);
        nd += sizeof para_vi - 1;
    }
    vn_zip_dict dict = {dict_text, nd, vn_zip_dict_id(dict_text, nd)};
    const char *texts[] = {"", "a", short_vi, para_vi, para_vi + 100, short_vi};
    vn_err err;
    for (int with = 0; with < 2; with++) {
        vn_zip_packer *p = NULL;
        assert_int_equal(vn_zip_packer_open(with ? &dict : NULL, 5, &p, &err), VN_OK);
        assert_int_equal(vn_zip_packer_dict_id(p), with ? dict.id : 0);
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            vn_buf a = VN_BUF_INIT, b = VN_BUF_INIT, back = VN_BUF_INIT;
            size_t n = strlen(texts[i]);
            assert_int_equal(vn_zip_pack_dict(texts[i], n, 5, with ? &dict : NULL, &a, &err),
                             VN_OK);
            assert_int_equal(vn_zip_packer_pack(p, texts[i], n, &b, &err), VN_OK);
            assert_int_equal(a.len, b.len);
            assert_memory_equal(a.data, b.data, a.len);
            assert_int_equal(vn_zip_unpack_dict(b.data, b.len, find_one, &dict, &back, &err),
                             VN_OK);
            assert_int_equal(back.len, n);
            assert_memory_equal(back.data ? back.data : "", texts[i], n);
            vn_buf_free(&a);
            vn_buf_free(&b);
            vn_buf_free(&back);
        }
        vn_zip_packer_close(p);
    }
    vn_zip_packer *p = NULL;
    assert_int_equal(vn_zip_packer_open(&dict, 10, &p, &err), VN_EINVAL);
    assert_null(p);
    vn_zip_dict big = {dict_text, (size_t)VN_ZIP_DICT_MAX + 1, 1};
    assert_int_equal(vn_zip_packer_open(&big, 5, &p, &err), VN_EINVAL);
    vn_zip_packer_close(NULL);
    assert_int_equal(vn_zip_packer_dict_id(NULL), 0);
}

/* vn_zip_unpack_with gives what vn_zip_unpack_dict gives, text and
 * errors alike, for every text, with and without a dictionary, and for
 * every byte of a stored form changed. */
static void test_inflater_same(void **state)
{
    (void)state;
    char dict_text[4096];
    size_t nd = 0;
    while (nd + sizeof para_vi < sizeof dict_text) {
        memcpy(dict_text + nd, para_vi, sizeof para_vi - 1);
        nd += sizeof para_vi - 1;
    }
    vn_zip_dict dict = {dict_text, nd, vn_zip_dict_id(dict_text, nd)};
    const char *texts[] = {"", "a", short_vi, para_vi, para_vi + 100, short_vi};
    vn_zip_inflater *z = vn_zip_inflater_new();
    assert_non_null(z);
    int damaged = 0;
    for (int with = 0; with < 2; with++)
        for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
            vn_buf packed = VN_BUF_INIT;
            vn_err err;
            size_t n = strlen(texts[i]);
            assert_int_equal(vn_zip_pack_dict(texts[i], n, 5, with ? &dict : NULL, &packed, &err),
                             VN_OK);
            for (size_t at = 0; at <= packed.len; at++) {
                vn_buf a = VN_BUF_INIT, b = VN_BUF_INIT;
                vn_err ea = {0}, eb = {0};
                unsigned char *bytes = (unsigned char *)packed.data;
                if (at < packed.len)
                    bytes[at] ^= 0x5A; /* at == len: the form as stored */
                int ra = vn_zip_unpack_with(z, packed.data, packed.len, find_one, &dict, &a, &ea);
                int rb = vn_zip_unpack_dict(packed.data, packed.len, find_one, &dict, &b, &eb);
                assert_int_equal(ra, rb);
                if (ra == VN_OK) {
                    assert_int_equal(a.len, b.len);
                    assert_memory_equal(a.data ? a.data : "", b.data ? b.data : "", a.len);
                } else {
                    assert_string_equal(ea.msg, eb.msg);
                    damaged++;
                }
                if (at < packed.len)
                    bytes[at] ^= 0x5A;
                vn_buf_free(&a);
                vn_buf_free(&b);
            }
            vn_buf back = VN_BUF_INIT;
            vn_err err2;
            assert_int_equal(vn_zip_unpack_with(z, packed.data, packed.len, find_one, &dict,
                                                &back, &err2), VN_OK);
            assert_int_equal(back.len, n);
            vn_buf_free(&back);
            vn_buf_free(&packed);
        }
    assert_true(damaged > 500);
    /* every intact text with the dictionary went the fast way (6 texts,
     * each also read once more at the end) */
    assert_true(vn_zip_inflater_fast(z) >= 12);
    vn_zip_inflater_free(z);
    vn_zip_inflater_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_round_trip),
        cmocka_unit_test(test_one_byte_round_trip),
        cmocka_unit_test(test_vietnamese_round_trip),
        cmocka_unit_test(test_random_1mb_round_trip),
        cmocka_unit_test(test_repetitive_5mb_round_trip),
        cmocka_unit_test(test_all_levels),
        cmocka_unit_test(test_bad_level),
        cmocka_unit_test(test_pack_too_large),
        cmocka_unit_test(test_header_layout),
        cmocka_unit_test(test_append_semantics),
        cmocka_unit_test(test_every_truncation_fails),
        cmocka_unit_test(test_every_corruption_detected),
        cmocka_unit_test(test_inflater_same),
        cmocka_unit_test(test_damage_messages),
        cmocka_unit_test(test_wrong_format_byte),
        cmocka_unit_test(test_huge_declared_length),
        cmocka_unit_test(test_varint_never_ends),
        cmocka_unit_test(test_ratio_report),
        cmocka_unit_test(test_packer_same_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
