/* test_telex.c: Telex and VNI decoding, the syllable check that keeps
 * English and acronyms out, whole-query rewriting, and the letter table. */
#include "vn_norm.h"
#include "vn_telex.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

/* word as typed, scheme -> decoding, or NULL when it is not one */
typedef struct telex_case {
    const char *in;
    int scheme;
    const char *want;
} telex_case;

#define T VN_TELEX
#define V VN_VNI
#define A VN_TELEX_AUTO

static const telex_case cases[] = {
    /* Telex: the examples */
    {"tinhf", A, "tình"}, {"giarn", A, "giản"}, {"bieen", A, "biên"},
    {"chees", A, "chế"}, {"dduwowngf", A, "đường"}, {"nguoiwf", A, "người"},
    {"nguwowif", A, "người"}, {"hoas", A, "hóa"}, {"hoaf", T, "hòa"},
    /* canonical tone placement and i/y, as vn_norm writes them */
    {"thuyr", T, "thủy"}, {"khoer", T, "khỏe"}, {"lis", T, "lý"},
    {"kix", T, "kỹ"}, {"quis", T, "quý"}, {"quys", T, "quý"},
    /* w alone, horn and breve choices */
    {"w", T, "ư"}, {"tw", T, "tư"}, {"nhwngx", T, "những"}, {"muwa", T, "mưa"},
    {"muaw", T, "mưa"}, {"quawngj", T, "quặng"}, {"hoawcj", T, "hoặc"},
    {"ruouwj", T, "rượu"}, {"truwowngf", T, "trường"}, {"giuwax", T, "giữa"},
    {"giowf", T, "giờ"}, {"gif", T, "gì"}, {"giwx", T, "giữ"}, {"thuowr", T, "thuở"},
    {"huow", T, "huơ"}, {"thu7o73", V, "thuở"}, {"uowts", T, "ướt"}, {"dduwcs", T, "đức"},
    /* circumflex keys doubled or after the final, tone keys anywhere */
    {"vieetj", T, "việt"}, {"vietej", T, "việt"}, {"tiene", T, "tiên"},
    {"nghieenj", T, "nghiện"}, {"quoocs", T, "quốc"}, {"uyeen", T, "uyên"},
    {"khuyeens", T, "khuyến"}, {"yeeu", T, "yêu"}, {"ddoongf", T, "đồng"},
    {"caaps", T, "cấp"}, {"xax", T, "xã"}, {"hooij", T, "hội"}, {"hoij", T, "họi"},
    {"tifnh", T, "tình"}, {"dadf", T, "đà"}, {"asf", T, "à"},
    {"tinhfz", T, "tinh"}, {"Tinhf", A, "tình"}, {"CHees", A, "chế"},
    /* VNI */
    {"tinh2", A, "tình"}, {"gia3n", A, "giản"}, {"bie6n", A, "biên"},
    {"che61", A, "chế"}, {"che16", V, "chế"}, {"d9uo7ng2", A, "đường"},
    {"d9u7o7ng2", A, "đường"},
    {"nguo7i2", V, "người"}, {"Vie65t", A, "việt"}, {"vie6t5", V, "việt"},
    {"hoa1", V, "hóa"}, {"qua8n", V, "quăn"}, {"d9a6u2", V, "đầu"},
    {"thu7o7ng", V, "thương"}, {"huye6n5", V, "huyện"}, {"u7a", V, "ưa"},
    /* nothing typed as a key */
    {"tinh", A, NULL}, {"bien", A, NULL}, {"nguoi", A, NULL}, {"x", A, NULL},
    {"", A, NULL}, {"chees", V, NULL},
    /* English */
    {"class", A, NULL}, {"news", A, NULL}, {"bass", A, NULL}, {"search", A, NULL},
    {"first", A, NULL}, {"window", A, NULL}, {"hello", A, NULL}, {"free", A, NULL},
    {"online", A, NULL}, {"email", A, NULL},
    /* acronyms and operators: all upper case */
    {"UBND", A, NULL}, {"HDND", A, NULL}, {"OR", A, NULL}, {"CCHC", A, NULL},
    {"BHYT", A, NULL}, {"VAR", A, NULL}, {"TINHF", A, NULL}, {"A1", A, NULL},
    {"E5", A, NULL}, {"a1", A, "á"},
    /* numbers and codes */
    {"2023", A, NULL}, {"qh14", A, NULL}, {"covid19", A, NULL}, {"h5n1", A, NULL},
    {"d9", A, NULL}, {"a6", A, NULL}, {"b6", A, NULL}, {"muon6s", A, NULL},
    /* keys that make no syllable */
    {"tiesn", T, NULL}, {"matf", T, NULL}, {"kaf", T, NULL}, {"ghaf", T, NULL},
    {"ngif", T, NULL}, {"chez", T, NULL}, {"ddd", T, NULL}, {"www", T, NULL},
    {"aw", T, NULL}, {"laas", T, NULL}, {"xaax", T, NULL}, {"quuw", T, NULL}, {"tyeen", T, NULL},
    /* qu with no vowel after its glide (found by fuzzing: the tone had no vowel) */
    {"qun1", V, NULL}, {"quns", T, NULL}, {"qunf", A, NULL}, {"quj", T, NULL},
    /* not a plain ASCII word */
    {"tinhf-", A, NULL}, {"tình", A, NULL}, {"tinh2", T, NULL}, {"che6", T, NULL},
};

static vn_norm *nm;
static vn_err derr; /* for vn_telex_decode */

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
    vn_buf out = VN_BUF_INIT, canon = VN_BUF_INIT;
    vn_err err;
    int bad = 0, positives = 0, negatives = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const telex_case *c = &cases[i];
        int decoded = -1;
        assert_int_equal(vn_telex_decode(nm, c->in, strlen(c->in), c->scheme, &out, &decoded, &derr), VN_OK);
        const char *got = decoded ? out.data : NULL;
        if ((got == NULL) != (c->want == NULL) || (got != NULL && strcmp(got, c->want) != 0)) {
            printf("case %zu '%s' (scheme %d): got %s, wanted %s\n", i, c->in,
                   c->scheme, got ? got : "(none)", c->want ? c->want : "(none)");
            bad++;
        }
        if (!decoded)
            assert_int_equal(out.len, 0);
        if (c->want == NULL) {
            negatives++;
            continue;
        }
        positives++;
        /* what we write is already vn_norm's canonical form */
        assert_int_equal(vn_norm_word(nm, c->want, strlen(c->want), &canon, NULL, NULL, &err), VN_OK);
        assert_string_equal(canon.data, c->want);
    }
    assert_true(positives >= 40);
    assert_true(negatives >= 40);
    assert_int_equal(bad, 0);
    vn_buf_free(&out);
    vn_buf_free(&canon);
}

/* Every decoding the table accepts, through every tone key, stays a
 * syllable vn_norm agrees with: decoding is idempotent under vn_norm. */
static void test_all_tones_canonical(void **state)
{
    (void)state;
    static const char *const stems[] = {"hoa", "thuy", "khoe", "nguoiw", "dduowng", "quy",
                                        "ki", "gia", "uyeen", "ruouw", "tieen", "oan"};
    static const char keys[] = "sfrxj";
    vn_buf out = VN_BUF_INIT, canon = VN_BUF_INIT;
    vn_err err;
    int ndecoded = 0;
    for (size_t i = 0; i < sizeof stems / sizeof stems[0]; i++)
        for (int k = 0; k < 5; k++) {
            char w[32];
            int decoded;
            snprintf(w, sizeof w, "%s%c", stems[i], keys[k]);
            assert_int_equal(vn_telex_decode(nm, w, strlen(w), VN_TELEX, &out, &decoded, &derr), VN_OK);
            assert_true(decoded);
            ndecoded++;
            assert_int_equal(vn_norm_word(nm, out.data, out.len, &canon, NULL, NULL, &err), VN_OK);
            assert_string_equal(canon.data, out.data);
        }
    assert_int_equal(ndecoded, 60);
    vn_buf_free(&out);
    vn_buf_free(&canon);
}

typedef struct accept_log {
    int calls;
    const char *refuse;  /* decoding to keep as typed */
    int fail;            /* error code to return, or 0 */
} accept_log;

static int accept_some(void *ctx, const char *word, size_t nword, const char *dec,
                       size_t ndec, int *use, vn_err *err)
{
    accept_log *log = ctx;
    (void)word;
    (void)nword;
    assert_int_equal(*use, 1);
    log->calls++;
    *use = log->refuse == NULL || strlen(log->refuse) != ndec
        || memcmp(log->refuse, dec, ndec) != 0;
    return log->fail ? vn_err_set(err, log->fail, "vocabulary lookup failed") : VN_OK;
}

static void rewrite(const char *in, vn_telex_accept_fn fn, void *ctx, const char *want,
                    size_t want_changed)
{
    vn_buf out = VN_BUF_INIT;
    vn_err err;
    size_t changed = 99;
    assert_int_equal(vn_telex_rewrite(nm, in, strlen(in), VN_TELEX_AUTO, fn, ctx, &out, &changed, &err), VN_OK);
    assert_string_equal(out.data ? out.data : "", want);
    assert_int_equal(changed, want_changed);
    vn_buf_free(&out);
}

static void test_rewrite(void **state)
{
    (void)state;
    rewrite("tinhf giarn bieen chees", NULL, NULL, "tình giản biên chế", 4);
    rewrite("tinh2 gia3n bie6n che61", NULL, NULL, "tình giản biên chế", 4);
    rewrite("tinh gian bien che", NULL, NULL, "tinh gian bien che", 0);
    rewrite("\"dduwowngf\" -UBND title:chees bieen* quản lý 2023 OR NĐ-CP", NULL, NULL,
            "\"đường\" -UBND title:chế biên* quản lý 2023 OR NĐ-CP", 3);
    /* letters around an ASCII run make it part of a bigger word */
    rewrite("bieenđ xaaxã \xE2\x80\x9C" "chees\xE2\x80\x9D", NULL, NULL,
            "bieenđ xaaxã \xE2\x80\x9C" "chế\xE2\x80\x9D", 1);
    rewrite("bieen\xCC\x81 x", NULL, NULL, "bieen\xCC\x81 x", 0);
    rewrite("", NULL, NULL, "", 0);
    rewrite("  \t", NULL, NULL, "  \t", 0);
    /* the caller decides word by word */
    accept_log log = {0, "chế", 0};
    rewrite("tinhf chees", accept_some, &log, "tình chees", 1);
    assert_int_equal(log.calls, 2);
}

static void test_rewrite_stops_on_error(void **state)
{
    (void)state;
    accept_log log = {0, NULL, VN_EDB};
    vn_buf out = VN_BUF_INIT;
    vn_err err;
    size_t changed;
    const char *in = "tinh tinhf chees";
    assert_int_equal(vn_telex_rewrite(nm, in, strlen(in), VN_TELEX_AUTO, accept_some, &log, &out,
                                      &changed, &err), VN_EDB);
    assert_int_equal(log.calls, 1);
    assert_int_equal(changed, 0);
    assert_string_equal(err.msg, "vocabulary lookup failed");
    vn_buf_free(&out);
}

static void test_letters(void **state)
{
    (void)state;
    vn_letter l = vn_letter_split(0x1EEC); /* Ử */
    assert_int_equal(l.base, 'u');
    assert_int_equal(l.qual, VN_Q_HORN);
    assert_int_equal(l.tone, VN_TONE_HOI);
    l = vn_letter_split(0x0110); /* Đ */
    assert_int_equal(l.base, 'd');
    assert_int_equal(l.qual, VN_Q_BAR);
    l = vn_letter_split('Q');
    assert_int_equal(l.base, 'q');
    assert_int_equal(l.qual, VN_Q_NONE);
    l = vn_letter_split(0x20AC); /* € */
    assert_int_equal(l.base, 0x20AC);
    l = vn_letter_split(0x00E7); /* ç is not Vietnamese */
    assert_int_equal(l.base, 0x00E7);
    assert_int_equal(l.qual, VN_Q_NONE);

    /* every lower-case letter round-trips through split and put */
    vn_buf b = VN_BUF_INIT;
    const char *all = "aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵđ";
    size_t i = 0, n = strlen(all);
    while (i < n) {
        uint32_t c = (unsigned char)all[i];
        size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : 3;
        c = len == 1 ? c : len == 2 ? ((c & 0x1F) << 6) | (all[i + 1] & 0x3F)
            : ((c & 0x0F) << 12) | ((all[i + 1] & 0x3F) << 6) | (all[i + 2] & 0x3F);
        assert_int_equal(vn_letter_put(&b, vn_letter_split(c)), VN_OK);
        i += len;
    }
    assert_string_equal(b.data, all);
    vn_buf_reset(&b);
    assert_int_equal(vn_letter_put(&b, (vn_letter){'b', VN_Q_NONE, VN_TONE_SAC}), VN_EINVAL);
    assert_int_equal(vn_letter_put(&b, (vn_letter){'e', VN_Q_HORN, 0}), VN_EINVAL);
    assert_int_equal(vn_letter_put(&b, (vn_letter){'d', VN_Q_BAR, VN_TONE_SAC}), VN_EINVAL);
    assert_int_equal(vn_letter_put(&b, (vn_letter){'a', VN_Q_NONE, 9}), VN_EINVAL);
    assert_int_equal(vn_letter_put(&b, (vn_letter){0x20AC, 0, 0}), VN_OK);
    assert_string_equal(b.data, "€");
    vn_buf_free(&b);
}

/* Long and hostile words are refused, never overrun anything. */
static void test_hostile(void **state)
{
    (void)state;
    char w[300];
    vn_buf out = VN_BUF_INIT;
    int decoded;
    memset(w, 'a', sizeof w);
    assert_int_equal(vn_telex_decode(nm, w, sizeof w, VN_TELEX_AUTO, &out, &decoded, &derr), VN_OK);
    assert_false(decoded);
    for (size_t i = 0; i < sizeof w; i++)
        w[i] = "tinhfws9"[i % 8];
    assert_int_equal(vn_telex_decode(nm, w, sizeof w, VN_TELEX, &out, &decoded, &derr), VN_OK);
    assert_false(decoded);
    assert_int_equal(vn_telex_decode(nm, w, sizeof w, VN_VNI, &out, &decoded, &derr), VN_OK);
    assert_false(decoded);
    w[0] = '\0';
    assert_int_equal(vn_telex_decode(nm, "t\0nhf", 5, VN_TELEX_AUTO, &out, &decoded, &derr), VN_OK);
    assert_false(decoded);
    vn_buf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_table),
        cmocka_unit_test(test_all_tones_canonical),
        cmocka_unit_test(test_rewrite),
        cmocka_unit_test(test_rewrite_stops_on_error),
        cmocka_unit_test(test_letters),
        cmocka_unit_test(test_hostile),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
