/* match_check.h: what a vn_query expression may look like, shared by
 * tests/test_query.c and tests/fuzz/fuzz_query.c. Header-only. */
#ifndef VN_TEST_MATCH_CHECK_H
#define VN_TEST_MATCH_CHECK_H

#include <string.h>

/* Outside its FTS5 strings, an expression may hold only AND OR NOT ( )
 * * and "title :". Returns the number of strings, or -1 when something
 * else shows up (user syntax leaking through) or a string is unclosed. */
static inline int count_strings(const char *m)
{
    int nstr = 0;
    const char *prev_word = "";
    while (*m != '\0') {
        if (*m == ' ') {
            m++;
        } else if (*m == '"') {
            for (m++;; m++) {
                if (*m == '\0')
                    return -1;
                if (*m == '"' && m[1] == '"')
                    m++;
                else if (*m == '"')
                    break;
            }
            m++;
            nstr++;
            prev_word = "";
        } else if (strchr("()*", *m) != NULL) {
            m++;
            prev_word = "";
        } else if (*m == ':') {
            if (strcmp(prev_word, "title") != 0)
                return -1;
            m++;
            prev_word = "";
        } else {
            static const char *const words[] = { "AND", "OR", "NOT", "title" };
            size_t k, len = strspn(m, "ADNORTeilt");
            for (k = 0; k < 4; k++)
                if (len == strlen(words[k]) && strncmp(m, words[k], len) == 0)
                    break;
            if (k == 4)
                return -1;
            prev_word = words[k];
            m += len;
        }
    }
    return nstr;
}

#endif
