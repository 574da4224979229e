/* test_search.c: the request parsers shared by vnquery and its server
 * (query/search.h): whole numbers, date bounds, sort orders. */
#include "search.h"

#include <setjmp.h> /* cmocka needs these first */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

static void test_int(void **state)
{
    (void)state;
    long v = -1;
    assert_int_equal(search_parse_int("10", 2, 1, 1000, &v), 0);
    assert_int_equal(v, 10);
    assert_int_equal(search_parse_int("0", 1, 0, 5, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(search_parse_int("65535", 5, 0, 65535, &v), 0);
    static const char *const bad[] = {
        "", "-1", "+1", " 1", "1 ", "1x", "0x10", "1e3", "99999999999999999999", "1001",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        v = 7;
        if (search_parse_int(bad[i], strlen(bad[i]), 1, 1000, &v) != -1)
            fail_msg("'%s' read as a number", bad[i]);
        assert_int_equal(v, 7); /* untouched */
    }
    assert_int_equal(search_parse_int("1\0" "2", 3, 0, 100, &v), -1); /* NUL inside */
    assert_int_equal(search_parse_int("12", 1, 0, 100, &v), 0);       /* only n bytes */
    assert_int_equal(v, 1);
}

static void test_date(void **state)
{
    (void)state;
    char d[11];
    static const struct { const char *in; int until; const char *want; } ok[] = {
        {"2023", 0, "2023-01-01"}, {"2023", 1, "2023-12-31"},
        {"2024-02", 0, "2024-02-01"}, {"2024-02", 1, "2024-02-29"},
        {"2023-02", 1, "2023-02-28"}, {"2023-07-20", 0, "2023-07-20"},
        {"2100-12-31", 1, "2100-12-31"}, {"1900-01", 0, "1900-01-01"},
    };
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        assert_int_equal(search_parse_date(ok[i].in, ok[i].until, d), 0);
        assert_string_equal(d, ok[i].want);
    }
    static const char *const bad[] = {
        "", "23", "2023-13", "2023-00", "2023-02-29", "2024-02-30", "2023-7-20",
        "2023/07/20", "1899", "2101-01-01", "2023-07-20x", " 2023", "abcd",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (search_parse_date(bad[i], 0, d) != -1)
            fail_msg("'%s' read as a date", bad[i]);
}

static void test_sort(void **state)
{
    (void)state;
    int s = -1;
    assert_int_equal(search_parse_sort("relevance", &s), 0);
    assert_int_equal(s, VN_SORT_RELEVANCE);
    assert_int_equal(search_parse_sort("date", &s), 0);
    assert_int_equal(s, VN_SORT_DATE);
    assert_int_equal(search_parse_sort("date-asc", &s), 0);
    assert_int_equal(s, VN_SORT_DATE_ASC);
    assert_int_equal(search_parse_sort("Date", &s), -1);
    assert_int_equal(search_parse_sort("", &s), -1);
    assert_int_equal(search_parse_sort("newest", &s), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_int),
        cmocka_unit_test(test_date),
        cmocka_unit_test(test_sort),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
