/* test_syn.c: the synonyms table: the shipped file, lookups (longest
 * first, case and accents), scanning a text, overrides, and every error
 * a bad line or a bad file gives. */
#include "vn_syn.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define SHIPPED "common/synonyms.txt" /* tests run from the repository root */

static vn_norm *nm;
static vn_syn *shipped;

static int setup(void **state)
{
    (void)state;
    vn_err err;
    if (vn_norm_open(&nm, &err) != VN_OK || vn_syn_open(&shipped, &err) != VN_OK)
        return -1;
    if (vn_syn_load(shipped, nm, SHIPPED, &err) != VN_OK) {
        printf("%s\n", err.msg);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vn_syn_free(shipped);
    vn_norm_close(nm);
    return 0;
}

/* A query's words as the tokenizer gives them, kept alive. */
typedef struct query_words {
    vn_token tok[32];
    char text[32][2][64];
    size_t n;
} query_words;

static int keep_token(void *ctx, const vn_token *tok)
{
    query_words *q = ctx;
    if (q->n == 32 || tok->ncanon >= 64 || tok->nfold >= 64)
        return VN_EINVAL;
    q->tok[q->n] = *tok;
    memcpy(q->text[q->n][0], tok->canon, tok->ncanon);
    memcpy(q->text[q->n][1], tok->fold, tok->nfold);
    q->tok[q->n].canon = q->text[q->n][0];
    q->tok[q->n].fold = q->text[q->n][1];
    q->n++;
    return 0;
}

static void words_of(const char *text, query_words *q)
{
    vn_err err;
    q->n = 0;
    assert_int_equal(vn_norm_tokens(nm, text, strlen(text), keep_token, q, NULL, &err), VN_OK);
}

/* The group that the whole of text matches, or NULL when the longest
 * match at its first word does not cover it all. */
static const vn_syn_group *match_all(const vn_syn *syn, const char *text)
{
    query_words q;
    size_t k;
    words_of(text, &q);
    const vn_syn_group *g = vn_syn_match(syn, q.tok, q.n, &k, NULL);
    return g != NULL && k == q.n ? g : NULL;
}

static int group_has(const vn_syn_group *g, const char *canon)
{
    for (size_t i = 0; i < g->nforms; i++)
        if (strcmp(g->forms[i].canon, canon) == 0)
            return 1;
    return 0;
}

/* typed -> a form its group must hold (canonical words) */
static const char *const resolves[][2] = {
    {"UBND", "ủy ban nhân dân"}, {"HĐND", "hội đồng nhân dân"},
    {"TP.HCM", "thành phố hồ chí minh"}, {"TPHCM", "tp hcm"}, {"TP HCM", "tphcm"},
    {"TP. Hồ Chí Minh", "tp hcm"}, {"tp.hcm", "thành phố hồ chí minh"},
    {"CCHC", "cải cách hành chính"}, {"CBCCVC", "cán bộ công chức viên chức"},
    {"CBCC", "cán bộ công chức"}, {"QĐ", "quyết định"}, {"KH", "kế hoạch"},
    {"NQ", "nghị quyết"}, {"NĐ-CP", "nghị định của chính phủ"}, {"TT", "thông tư"},
    {"BHXH", "bảo hiểm xã hội"}, {"BHYT", "bảo hiểm y tế"},
    {"THPT", "trung học phổ thông"}, {"ATTP", "an toàn thực phẩm"},
    {"MTTQ", "mặt trận tổ quốc"}, {"ĐTN", "đoàn thanh niên"},
    {"Đoàn TNCS Hồ Chí Minh", "đoàn thanh niên cộng sản hồ chí minh"},
    {"CNTT", "công nghệ thông tin"}, {"KT-XH", "kinh tế xã hội"},
    {"KTXH", "kinh tế xã hội"}, {"Sở NV", "sở nội vụ"},
    {"HĐTĐKT", "hội đồng thi đua khen thưởng"}, {"TĐKT", "thi đua khen thưởng"},
    {"BCĐ", "ban chỉ đạo"}, {"BCH", "ban chấp hành"}, {"TW", "trung ương"},
    {"UBMTTQ", "ủy ban mặt trận tổ quốc"}, {"CQNN", "cơ quan nhà nước"},
    {"ĐVSN", "đơn vị sự nghiệp"}, {"DVC", "dịch vụ công"},
    {"DVCTT", "dịch vụ công trực tuyến"}, {"TTHC", "thủ tục hành chính"},
    {"CSDL", "cơ sở dữ liệu"}, {"HCC", "hành chính công"}, {"BNV", "bộ nội vụ"},
    {"VBQPPL", "văn bản quy phạm pháp luật"}, {"PCTN", "phòng chống tham nhũng"},
    {"QLNN", "quản lý nhà nước"}, {"CĐS", "chuyển đổi số"},
    {"GD&ĐT", "giáo dục và đào tạo"}, {"LĐTB&XH", "lao động thương binh và xã hội"},
    {"NN&PTNT", "nông nghiệp và phát triển nông thôn"}, {"VH-TT-DL", "vhttdl"},
    {"PAR Index", "chỉ số cải cách hành chính"}, {"CMND", "chứng minh nhân dân"},
    {"CCCD", "căn cước công dân"}, {"HTX", "hợp tác xã"}, {"TTg", "thủ tướng"},
    /* the other way round, and without accents */
    {"Ủy ban nhân dân", "ubnd"}, {"uy ban nhan dan", "ubnd"}, {"ỦY BAN NHÂN DÂN", "ubnd"},
    {"Uỷ ban nhân dân", "ubnd"}, {"uy ban nhân dân", "ubnd"}, {"qd", "quyết định"},
    {"Qđ", "quyết định"}, {"quyet dinh", "qđ"}, {"cai cach hanh chinh", "cchc"},
    {"thanh pho ho chi minh", "tp hcm"}, {"Văn hoá, Thể thao và Du lịch", "vhttdl"},
};

static void test_shipped_resolves(void **state)
{
    (void)state;
    int bad = 0;
    for (size_t i = 0; i < sizeof resolves / sizeof resolves[0]; i++) {
        const vn_syn_group *g = match_all(shipped, resolves[i][0]);
        if (g == NULL || !group_has(g, resolves[i][1])) {
            printf("'%s' -> %s, wanted a group with '%s'\n", resolves[i][0],
                   g ? g->forms[0].text : "(none)", resolves[i][1]);
            bad++;
        }
    }
    assert_int_equal(bad, 0);
    assert_true(vn_syn_count(shipped) >= 48); /* the 18 named, and 30 more */
}

/* Every form of every shipped group, as written and folded, finds its
 * group and nothing longer. */
static void test_shipped_every_form(void **state)
{
    (void)state;
    size_t nforms = 0;
    for (size_t i = 0; i < vn_syn_count(shipped); i++) {
        const vn_syn_group *g = vn_syn_group_at(shipped, i);
        assert_true(g->nforms >= 2);
        assert_string_equal(g->source, SHIPPED);
        assert_true(g->line > 0);
        for (size_t f = 0; f < g->nforms; f++) {
            const vn_syn_form *form = &g->forms[f];
            if (match_all(shipped, form->text) != g || match_all(shipped, form->fold) != g)
                fail_msg("line %zu: form '%s' does not find its group", g->line, form->text);
            /* the words are the canonical form, split */
            size_t len = 0;
            for (size_t w = 0; w < form->nwords; w++)
                len += strlen(form->words[w]) + (w > 0);
            assert_int_equal(len, strlen(form->canon));
            assert_int_equal(strncmp(form->words[0], form->canon, strlen(form->words[0])), 0);
            nforms++;
        }
    }
    assert_true(nforms > 2 * vn_syn_count(shipped));
    assert_null(vn_syn_group_at(shipped, vn_syn_count(shipped)));
}

static void test_longest_and_accents(void **state)
{
    (void)state;
    query_words q;
    size_t k;
    const vn_syn_form *form;
    /* Thành phố Hồ Chí Minh is one form: longer than TP or Hồ Chí Minh */
    words_of("Thành phố Hồ Chí Minh tổ chức", &q);
    const vn_syn_group *g = vn_syn_match(shipped, q.tok, q.n, &k, &form);
    assert_non_null(g);
    assert_int_equal(k, 5);
    assert_true(group_has(g, "tp hcm"));
    assert_string_equal(form->text, "Thành phố Hồ Chí Minh");
    g = vn_syn_match(shipped, q.tok + 2, q.n - 2, &k, NULL);
    assert_non_null(g);
    assert_int_equal(k, 3);
    assert_true(group_has(g, "hcm"));
    assert_false(group_has(g, "tp hcm"));
    /* TP alone, TP HCM, NĐ-CP against NĐ */
    assert_true(group_has(match_all(shipped, "TP"), "thành phố"));
    words_of("NĐ-CP ngày", &q);
    g = vn_syn_match(shipped, q.tok, q.n, &k, NULL);
    assert_int_equal(k, 2);
    assert_true(group_has(g, "nghị định của chính phủ"));
    words_of("NĐ 15", &q);
    g = vn_syn_match(shipped, q.tok, q.n, &k, NULL);
    assert_int_equal(k, 1);
    assert_true(group_has(g, "nghị định"));
    /* accents typed must be the form's; none typed stands for any */
    assert_null(match_all(shipped, "văn phóng"));
    assert_non_null(match_all(shipped, "van phong"));
    assert_non_null(match_all(shipped, "văn phong")); /* phong: any accents */
    assert_non_null(match_all(shipped, "văn phòng"));
    assert_null(match_all(shipped, "uỷ bản nhân dân"));
    /* a form cut short is no match; unknown words none either */
    words_of("ủy ban nhân", &q);
    assert_null(vn_syn_match(shipped, q.tok, q.n, &k, &form));
    assert_int_equal(k, 0);
    assert_null(form);
    assert_null(match_all(shipped, "tinh giản biên chế"));
    assert_null(vn_syn_match(shipped, q.tok, 0, &k, NULL));
}

typedef struct scan_log {
    char got[256];
    int stop_after; /* 0: never */
    int calls;
} scan_log;

static int log_match(void *ctx, const vn_syn_group *group, const vn_syn_form *form,
                     size_t first, size_t n, size_t start, size_t end)
{
    scan_log *log = ctx;
    (void)group;
    size_t len = strlen(log->got);
    snprintf(log->got + len, sizeof log->got - len, "%s[%zu+%zu %zu-%zu] ", form->canon,
             first, n, start, end);
    return ++log->calls == log->stop_after ? 42 : 0;
}

static void test_scan(void **state)
{
    (void)state;
    vn_err err;
    scan_log log = {{0}, 0, 0};
    const char *text = "UBND Thành phố Hồ Chí Minh và Sở Nội vụ về CCHC.";
    assert_int_equal(vn_syn_scan(shipped, nm, text, strlen(text), log_match, &log, &err), VN_OK);
    assert_string_equal(log.got, "ubnd[0+1 0-4] thành phố hồ chí minh[1+5 5-32] "
                                 "sở nội vụ[7+3 37-52] cchc[11+1 58-62] ");
    scan_log stop = {{0}, 1, 0};
    assert_int_equal(vn_syn_scan(shipped, nm, text, strlen(text), log_match, &stop, &err), 42);
    assert_int_equal(stop.calls, 1);
    scan_log none = {{0}, 0, 0};
    assert_int_equal(vn_syn_scan(shipped, nm, "", 0, log_match, &none, &err), VN_OK);
    assert_int_equal(none.calls, 0);
}

/* A bad text: the code, the message, and a table left as it was. */
static void parse_fails(const char *text, const char *want_msg)
{
    vn_syn *syn;
    vn_err err;
    assert_int_equal(vn_syn_open(&syn, &err), VN_OK);
    assert_int_equal(vn_syn_parse(syn, nm, "A = B\n", 6, "first", &err), VN_OK);
    vn_err_clear(&err);
    assert_int_equal(vn_syn_parse(syn, nm, text, strlen(text), "t.txt", &err), VN_EINVAL);
    if (strstr(err.msg, want_msg) == NULL)
        fail_msg("'%s': message '%s' lacks '%s'", text, err.msg, want_msg);
    assert_int_equal(err.code, VN_EINVAL);
    assert_int_equal(vn_syn_count(syn), 1);
    assert_null(match_all(syn, "C"));
    vn_syn_free(syn);
}

static void test_parse_errors(void **state)
{
    (void)state;
    parse_fails("UBND\n", "t.txt:1: 'UBND' alone: a group needs two forms");
    parse_fails("C = D\n# comment\n\nUBND # what?\n", "t.txt:4: 'UBND' alone");
    parse_fails("C = D\nX =\n", "t.txt:2: empty form");
    parse_fails("= X\n", "t.txt:1: empty form");
    parse_fails("X == Y\n", "t.txt:1: empty form");
    parse_fails("X | | Y\n", "t.txt:1: empty form");
    parse_fails("C = D\nX = --- \n", "t.txt:2: form '---' has no words");
    parse_fails("C = x\nz = X\n", "t.txt:2: 'X' is already in the group on line 1");
    parse_fails("C = c\n", "t.txt:1: the forms of 'C = c' are all the same words");
    parse_fails("C = D\nX = \xFF\n", "t.txt:2: invalid UTF-8");
    parse_fails("C = a b c d e f g h i j k l m n o p q\n", "t.txt:1: form 'a b c d e f g h");
    parse_fails("C = D\r\nE\r\n", "t.txt:2: 'E' alone");
}

static void test_parse_ok(void **state)
{
    (void)state;
    vn_syn *syn;
    vn_err err;
    const char *text = "\xEF\xBB\xBF# built-in\r\n"
                       "  UBND | Ủy ban nhân dân = Uỷ ban nhân dân  # one form twice\r\n"
                       "\n"
                       "TT = Thông tư\n"
                       "QĐ = QD = Quyết định";
    assert_int_equal(vn_syn_open(&syn, &err), VN_OK);
    assert_null(match_all(syn, "UBND")); /* empty */
    assert_int_equal(vn_syn_parse(syn, NULL, text, strlen(text), "built-in", &err), VN_OK);
    assert_int_equal(vn_syn_count(syn), 3);
    const vn_syn_group *g = vn_syn_group_at(syn, 0);
    assert_int_equal(g->nforms, 2);
    assert_int_equal(g->line, 2);
    assert_string_equal(g->source, "built-in");
    assert_string_equal(g->forms[0].text, "UBND");
    assert_string_equal(g->forms[1].text, "Ủy ban nhân dân");
    assert_string_equal(g->forms[1].fold, "uy ban nhan dan");
    assert_int_equal(g->forms[1].nwords, 4);
    assert_string_equal(g->forms[1].words[3], "dân");
    assert_int_equal(vn_syn_group_at(syn, 2)->nforms, 2); /* QD is QĐ folded */
    assert_int_equal(vn_syn_group_at(syn, 2)->line, 5);
    assert_non_null(match_all(syn, "qd"));

    /* a later text takes a form over: it leaves its old group (here
     * left with one form, which then stands for nothing) */
    const char *user = "TT = Trung tâm\n";
    assert_int_equal(vn_syn_parse(syn, nm, user, strlen(user), "user.txt", &err), VN_OK);
    assert_true(group_has(match_all(syn, "TT"), "trung tâm"));
    assert_string_equal(match_all(syn, "TT")->source, "user.txt");
    assert_null(match_all(syn, "thông tư")); /* left alone: stands for nothing */
    vn_syn_free(syn);

    /* "-FORM" forgets forms of earlier texts; a group left with one form
     * stands for nothing */
    assert_int_equal(vn_syn_open(&syn, &err), VN_OK);
    const char *first = "KH = Kế hoạch = KHoach\nQĐ = Quyết định\nUBND = Ủy ban nhân dân\n";
    assert_int_equal(vn_syn_parse(syn, nm, first, strlen(first), "first", &err), VN_OK);
    const char *mine = "# mine\n-KH\n  - Quyết định   # gone, so QĐ is alone\n-NOPE\n"
                       "UBND = UB\n";
    assert_int_equal(vn_syn_parse(syn, nm, mine, strlen(mine), "mine.txt", &err), VN_OK);
    assert_null(match_all(syn, "KH"));
    assert_true(group_has(match_all(syn, "kế hoạch"), "khoach"));
    assert_false(group_has(match_all(syn, "kế hoạch"), "kh"));
    assert_null(match_all(syn, "QĐ"));
    assert_null(match_all(syn, "quyết định"));
    assert_true(group_has(match_all(syn, "UBND"), "ub"));
    assert_null(match_all(syn, "ủy ban nhân dân")); /* its group lost UBND: alone */
    /* forgotten forms can be given again */
    const char *again = "KH = Khánh Hòa\n";
    assert_int_equal(vn_syn_parse(syn, nm, again, strlen(again), "again.txt", &err), VN_OK);
    assert_true(group_has(match_all(syn, "KH"), "khánh hòa"));
    assert_false(group_has(match_all(syn, "kế hoạch"), "kh"));
    const char *empty = "-\n";
    assert_int_equal(vn_syn_parse(syn, nm, empty, strlen(empty), "bad.txt", &err), VN_EINVAL);
    vn_syn_free(syn);
    vn_syn_free(NULL);
}

static void test_load_errors(void **state)
{
    (void)state;
    vn_syn *syn;
    vn_err err;
    assert_int_equal(vn_syn_open(&syn, &err), VN_OK);
    assert_int_equal(vn_syn_load(syn, nm, "/nonexistent/synonyms.txt", &err), VN_ENOTFOUND);
    assert_non_null(strstr(err.msg, "/nonexistent/synonyms.txt"));
    assert_int_equal(vn_syn_load(syn, nm, "tests", &err), VN_EIO);
    assert_non_null(strstr(err.msg, "tests"));

    char path[] = "/tmp/test_syn_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("UBND = Ủy ban nhân dân\nbad line\n", f);
    fclose(f);
    assert_int_equal(vn_syn_load(syn, nm, path, &err), VN_EINVAL);
    char want[64];
    snprintf(want, sizeof want, "%s:2: 'bad line' alone", path);
    assert_non_null(strstr(err.msg, want));
    assert_int_equal(vn_syn_count(syn), 0);
    f = fopen(path, "w");
    fclose(f);
    assert_int_equal(vn_syn_load(syn, nm, path, &err), VN_OK); /* empty is fine */
    assert_int_equal(vn_syn_count(syn), 0);
    remove(path);
    vn_syn_free(syn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shipped_resolves),
        cmocka_unit_test(test_shipped_every_form),
        cmocka_unit_test(test_longest_and_accents),
        cmocka_unit_test(test_scan),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_parse_ok),
        cmocka_unit_test(test_load_errors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
