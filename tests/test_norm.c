/* test_norm.c: the normalization table, offsets and hostile text. */
#include "vn_norm.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* input -> canonical tokens, folded tokens (space-joined) */
typedef struct norm_case {
    const char *in;
    const char *canon;
    const char *fold;
} norm_case;

static const norm_case cases[] = {
    /* oa, oe, uy without a final consonant: both placements, five tones */
    {"hoà", "hòa", "hoa"}, {"hòa", "hòa", "hoa"},
    {"hoá", "hóa", "hoa"}, {"hóa", "hóa", "hoa"},
    {"hoả", "hỏa", "hoa"}, {"hỏa", "hỏa", "hoa"},
    {"hoã", "hõa", "hoa"}, {"hõa", "hõa", "hoa"},
    {"hoạ", "họa", "hoa"}, {"họa", "họa", "hoa"},
    {"khoè", "khòe", "khoe"}, {"khòe", "khòe", "khoe"},
    {"khoé", "khóe", "khoe"}, {"khóe", "khóe", "khoe"},
    {"khoẻ", "khỏe", "khoe"}, {"khỏe", "khỏe", "khoe"},
    {"khoẽ", "khõe", "khoe"}, {"khõe", "khõe", "khoe"},
    {"khoẹ", "khọe", "khoe"}, {"khọe", "khọe", "khoe"},
    {"thuỳ", "thùy", "thuy"}, {"thùy", "thùy", "thuy"},
    {"thuý", "thúy", "thuy"}, {"thúy", "thúy", "thuy"},
    {"thuỷ", "thủy", "thuy"}, {"thủy", "thủy", "thuy"},
    {"thuỹ", "thũy", "thuy"}, {"thũy", "thũy", "thuy"},
    {"thuỵ", "thụy", "thuy"}, {"thụy", "thụy", "thuy"},
    {"Uỷ ban", "ủy ban", "uy ban"}, {"Ủy ban", "ủy ban", "uy ban"},
    {"UỶ BAN", "ủy ban", "uy ban"}, {"oà", "òa", "oa"},
    /* with a final consonant the mark sits on the last vowel */
    {"hoàn", "hoàn", "hoan"}, {"hòan", "hoàn", "hoan"},
    {"toán", "toán", "toan"}, {"huỳnh", "huỳnh", "huynh"},
    {"hoạch", "hoạch", "hoach"}, {"tuýt", "tuýt", "tuyt"},
    /* qu + y is not such a rhyme; gi + vowel */
    {"quý", "quý", "quy"}, {"qúy", "quý", "quy"}, {"quá", "quá", "qua"},
    {"quyết", "quyết", "quyet"}, {"giá", "giá", "gia"}, {"gìn", "gìn", "gin"},
    {"giữa", "giữa", "giua"}, {"giường", "giường", "giuong"},
    /* marked vowels and three-vowel rhymes */
    {"người", "người", "nguoi"}, {"rượu", "rượu", "ruou"},
    {"thuở", "thuở", "thuo"}, {"khuỷu", "khuỷu", "khuyu"},
    {"ngoái", "ngoái", "ngoai"}, {"ngoằn", "ngoằn", "ngoan"},
    {"hữu", "hữu", "huu"}, {"Nguyễn", "nguyễn", "nguyen"},
    /* i/y after h k l m s t qu, as a whole rhyme */
    {"kĩ", "kỹ", "ky"}, {"kỹ", "kỹ", "ky"}, {"lí", "lý", "ly"},
    {"lý", "lý", "ly"}, {"mĩ", "mỹ", "my"}, {"Mỹ", "mỹ", "my"},
    {"sĩ", "sỹ", "sy"}, {"sỹ", "sỹ", "sy"}, {"tỉ", "tỷ", "ty"},
    {"tỷ", "tỷ", "ty"}, {"quí", "quý", "quy"}, {"ki", "ky", "ky"},
    {"kim", "kim", "kim"}, {"lịch", "lịch", "lich"}, {"bí", "bí", "bi"},
    {"ý", "ý", "y"},
    /* đ and its look-alikes */
    {"Đồng", "đồng", "dong"}, {"\xC3\x90\xE1\xBB\x93ng", "đồng", "dong"},
    {"\xC3\xB0\xE1\xBB\x93ng", "đồng", "dong"}, {"ĐẮK LẮK", "đắk lắk", "dak lak"},
    /* NFD input, upper case, mixed */
    {"ti\xCC\x89nh", "tỉnh", "tinh"},
    {"TINH GIA\xCC\x89N BIE\xCC\x82N CHE\xCC\x82\xCC\x81", "tinh giản biên chế",
     "tinh gian bien che"},
    {"ho\xCC\x80" "a", "hòa", "hoa"}, {"hoa\xCC\x80", "hòa", "hoa"},
    {"Tinh Giản Biên Chế", "tinh giản biên chế", "tinh gian bien che"},
    {"ậ ế ồ", "ậ ế ồ", "a e o"},
    /* numbers and codes as people type them */
    {"4.401", "4.401", "4.401"}, {"1,5", "1,5", "1,5"},
    {"3815/KH-UBND", "3815 kh ubnd", "3815 kh ubnd"},
    {"131/2020/QH14", "131 2020 qh14", "131 2020 qh14"},
    {"14-KL/TW", "14 kl tw", "14 kl tw"}, {"TP.HCM", "tp hcm", "tp hcm"},
    {"QĐ-UBND", "qđ ubnd", "qd ubnd"}, {"ngày 12/5/2023.", "ngày 12 5 2023", "ngay 12 5 2023"},
    /* ignorables, punctuation, foreign words */
    {"biê\xC2\xADn", "biên", "bien"}, {"chế\xE2\x80\x8D", "chế", "che"},
    {"“Nâng cao”, (hiệu quả)!", "nâng cao hiệu quả", "nang cao hieu qua"},
    {"café Straße", "café strasse", "cafe strasse"}, {"---", "", ""},
    {"", "", ""},
};

static vn_norm *nm;

static int setup(void **state)
{
    (void)state;
    vn_err err;
    return vn_norm_open(&nm, &err);
}

static int teardown(void **state)
{
    (void)state;
    vn_norm_close(nm);
    return 0;
}

static void test_table(void **state)
{
    (void)state;
    vn_err err;
    int bad = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const norm_case *c = &cases[i];
        char *canon, *fold;
        assert_int_equal(vn_norm_text(nm, c->in, strlen(c->in), 0, &canon, &err), VN_OK);
        assert_int_equal(vn_norm_text(nm, c->in, strlen(c->in), 1, &fold, &err), VN_OK);
        if (strcmp(canon, c->canon) != 0 || strcmp(fold, c->fold) != 0) {
            printf("case %zu '%s': got '%s' / '%s', wanted '%s' / '%s'\n",
                   i, c->in, canon, fold, c->canon, c->fold);
            bad++;
        }
        free(canon);
        free(fold);
    }
    assert_true(sizeof cases / sizeof cases[0] >= 80);
    assert_int_equal(bad, 0);
}

/* Every token's offsets point at its word in the original text. */
typedef struct seen {
    const char *src;
    char got[16][32];
    size_t start[16], end[16];
    int n;
} seen;

static int collect(void *ctx, const vn_token *tok)
{
    seen *s = ctx;
    if (s->n == 16)
        return 99;
    snprintf(s->got[s->n], sizeof s->got[0], "%.*s", (int)tok->ncanon, tok->canon);
    s->start[s->n] = tok->start;
    s->end[s->n] = tok->end;
    s->n++;
    return 0;
}

static void test_offsets(void **state)
{
    (void)state;
    vn_err err;
    const char *src = "  Ủy ban\xCC\x81 x\xFF" "ĐÀ NẴNG, 4.401 TP.HCM";
    seen s = {.src = src};
    size_t bad = 0;
    assert_int_equal(vn_norm_tokens(nm, src, strlen(src), collect, &s, &bad, &err), VN_OK);
    assert_int_equal(bad, 1);
    const char *words[] = {"Ủy", "ban\xCC\x81", "x", "ĐÀ", "NẴNG", "4.401", "TP", "HCM"};
    assert_int_equal(s.n, 8);
    for (int i = 0; i < s.n; i++) {
        assert_int_equal(s.end[i] - s.start[i], strlen(words[i]));
        assert_memory_equal(src + s.start[i], words[i], strlen(words[i]));
    }
    assert_string_equal(s.got[1], "bán");
    assert_string_equal(s.got[4], "nẵng");
}

static void test_callback_stops(void **state)
{
    (void)state;
    vn_err err;
    seen s = {0};
    char text[2000];
    memset(text, 0, sizeof text);
    for (int i = 0; i < 40; i++)
        strcat(text, "một ");
    assert_int_equal(vn_norm_tokens(nm, text, strlen(text), collect, &s, NULL, &err), 99);
    assert_int_equal(s.n, 16);
}

static int count_tok(void *ctx, const vn_token *tok)
{
    size_t *n = ctx;
    assert_true(tok->end > tok->start);
    assert_true(vn_norm_utf8_valid(tok->canon, tok->ncanon));
    assert_true(vn_norm_utf8_valid(tok->fold, tok->nfold));
    (*n)++;
    return 0;
}

/* Large and hostile texts: chunk boundaries, one huge word, marks, NULs. */
static void test_hostile(void **state)
{
    (void)state;
    vn_err err;
    size_t n = 3u << 20, ntok = 0, bad = 0;
    char *big = malloc(n);
    assert_non_null(big);
    static const char unit[] = "biên chế ";
    for (size_t i = 0; i < n; i++)
        big[i] = unit[i % (sizeof unit - 1)];
    assert_int_equal(vn_norm_tokens(nm, big, n, count_tok, &ntok, &bad, &err), VN_OK);
    assert_true(ntok > 500000);
    memset(big, 'a', n); /* one 3 MB word */
    ntok = 0;
    assert_int_equal(vn_norm_tokens(nm, big, n, count_tok, &ntok, &bad, &err), VN_OK);
    assert_true(ntok >= 1);
    big[0] = 'a'; /* 10,000 combining marks on one letter */
    for (size_t i = 1; i + 1 < 20001; i += 2)
        memcpy(big + i, "\xCC\x81", 2);
    ntok = 0;
    assert_int_equal(vn_norm_tokens(nm, big, 20001, count_tok, &ntok, NULL, &err), VN_OK);
    assert_int_equal(ntok, 1);
    for (size_t i = 0; i < 100000; i++) /* random bytes, NULs included */
        big[i] = (char)(rand() & 0xFF);
    ntok = 0;
    assert_int_equal(vn_norm_tokens(nm, big, 100000, count_tok, &ntok, &bad, &err), VN_OK);
    assert_true(bad > 0);
    free(big);
}

/* Tokens as "canon@start-end" lines, for comparing two walks. */
static int describe(void *ctx, const vn_token *tok)
{
    vn_buf *b = ctx;
    return vn_buf_printf(b, "%.*s@%zu-%zu\n", (int)tok->ncanon, tok->canon,
                         tok->start, tok->end);
}

/* The fast path for Latin-script text splits exactly as ICU's break
 * iterator does, on random mixes of Vietnamese, digits and punctuation. */
static void test_fast_path_matches_icu(void **state)
{
    (void)state;
    static const char *const parts[] = {
        "biên", "CHẾ", "hoà", "4.401", "1,5", " ", " ", "  ", ".", ",", "-",
        "/", "'", "’", "\xC2\xAD", "\xE2\x80\x8B", "\xCC\x81", "_", "3", "a", "\n",
        "TP.HCM", "(x)", "“Đ”", "\xC2\xA0", "\xE2\x80\xA6", "q.1", "1.a", "a.1",
        "1..2", "x_y", "O'Neil", "\xF0\x9F\x98\x80", "\t", "v\xE1\xBB", ":",
    };
    vn_err err;
    vn_buf text = VN_BUF_INIT, fast = VN_BUF_INIT, icu = VN_BUF_INIT;
    srand(7);
    for (int round = 0; round < 3000; round++) {
        vn_buf_reset(&text);
        vn_buf_reset(&fast);
        vn_buf_reset(&icu);
        for (int k = rand() % 12; k >= 0; k--)
            vn_buf_puts(&text, parts[rand() % (sizeof parts / sizeof parts[0])]);
        assert_int_equal(vn_norm_tokens(nm, text.data, text.len, describe, &fast, NULL, &err), VN_OK);
        assert_int_equal(vn_norm_tokens_icu(nm, text.data, text.len, describe, &icu, NULL, &err), VN_OK);
        if (strcmp(fast.data ? fast.data : "", icu.data ? icu.data : "") != 0) {
            for (size_t q = 0; q < text.len; q++)
                printf("%02x ", (unsigned char)text.data[q]);
            printf("\nfast:\n%s\nicu:\n%s\n", fast.data, icu.data);
        }
        assert_string_equal(fast.data ? fast.data : "", icu.data ? icu.data : "");
    }
    vn_buf_free(&text);
    vn_buf_free(&fast);
    vn_buf_free(&icu);
}

static void test_utf8_clean(void **state)
{
    (void)state;
    vn_buf b = VN_BUF_INIT;
    size_t bad;
    const char in[] = "a\xC0\xAF" "b\xED\xA0\x80" "c\xF4\x90\x80\x80" "đ";
    assert_int_equal(vn_norm_utf8_clean(in, sizeof in - 1, &b, &bad), VN_OK);
    assert_true(vn_norm_utf8_valid(b.data, b.len));
    assert_true(bad >= 3);
    assert_non_null(strstr(b.data, "đ"));
    assert_int_equal(b.data[0], 'a');
    assert_false(vn_norm_utf8_valid(in, sizeof in - 1));
    vn_buf_free(&b);
}

static void test_word(void **state)
{
    (void)state;
    vn_err err;
    vn_buf c = VN_BUF_INIT, f = VN_BUF_INIT;
    int marks;
    assert_int_equal(vn_norm_word(nm, "THUỶ", strlen("THUỶ"), &c, &f, &marks, &err), VN_OK);
    assert_string_equal(c.data, "thủy");
    assert_string_equal(f.data, "thuy");
    assert_int_equal(marks, 1);
    assert_int_equal(vn_norm_word(nm, "bien", 4, &c, &f, &marks, &err), VN_OK);
    assert_string_equal(c.data, "bien");
    assert_int_equal(marks, 0);
    vn_buf_free(&c);
    vn_buf_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_offsets),
        cmocka_unit_test(test_callback_stops),
        cmocka_unit_test(test_hostile),
        cmocka_unit_test(test_fast_path_matches_icu),
        cmocka_unit_test(test_utf8_clean),
        cmocka_unit_test(test_word),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
