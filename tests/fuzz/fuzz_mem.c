/* fuzz_mem.c: libFuzzer target for the index in memory (vn_mem.h).
 *
 * A small archive (syllables in their spellings, twins with equal
 * scores, dated and undated articles, a replaced and a deleted one) is
 * indexed once into a temporary file and loaded into memory. Each input
 * is a query as a user types it (its first byte picks the page, the order
 * and the date bounds); vn_store_search runs it with the copy and
 * without it.
 *
 * Invariants, for any bytes:
 *  - both searches succeed;
 *  - they give the same total and the same results: ids, ranks, exact
 *    scores, titles and snippets;
 *  - vn_store_count_match gives the same count with and without it. */
#include "fuzz.h"
#include "../mem_check.h"
#include "../tmp_db.h"

#include "vn_buf.h"
#include "vn_mem.h"
#include "vn_query.h"
#include "vn_store.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/fuzz_mem.XXXXXX";
static char path[64];
static vn_store *st;
static vn_mem *mem;

static const char *const words[] = {
    "tình", "tính", "tỉnh", "tinh", "giản", "gian", "gián", "biên", "biển", "biến",
    "chế", "chè", "cán", "bộ", "bỏ", "dân", "đàn", "sở", "số", "nội", "vụ", "hòa",
    "hoà", "thủy", "thuỷ", "ủy", "ban", "công", "chức", "năm", "2023", "3815/KH-UBND",
};
#define NWORDS (sizeof words / sizeof words[0])

static void cleanup(void)
{
    vn_mem_free(mem);
    vn_store_close(st);
    remove_db(path);
    rmdir(dir);
}

static void text(vn_buf *b, unsigned *seed, int n)
{
    static const char *const gap[] = {" ", " ", " ", ", ", ". ", "\n"};
    for (int i = 0; i < n; i++) {
        vn_buf_puts(b, words[(unsigned)rand_r(seed) % NWORDS]);
        vn_buf_puts(b, gap[(unsigned)rand_r(seed) % 6]);
    }
    vn_buf_add(b, "", 1);
    b->len--;
}

static void put(vn_store *w, int i, unsigned seed)
{
    char p[32], date[16];
    vn_buf title = VN_BUF_INIT, body = VN_BUF_INIT;
    vn_err err;
    text(&title, &seed, 2 + rand_r(&seed) % 4);
    text(&body, &seed, 5 + rand_r(&seed) % 40);
    snprintf(p, sizeof p, "/a/%d.txt", i);
    snprintf(date, sizeof date, "20%02d-0%d-01", 15 + i % 10, 1 + i % 9);
    vn_stored old;
    int64_t id = vn_store_lookup(w, p, &old, &err) == VN_OK ? old.id : 0;
    vn_doc d = {.path = p, .title = title.data, .date = i % 5 ? date : NULL, .body = body.data,
                .body_len = body.len, .size = 1, .mtime = 1, .hash = i};
    FUZZ_CHECK(vn_store_put(w, &d, &id, &err) == VN_OK, "put: %s", err.msg);
    vn_buf_free(&title);
    vn_buf_free(&body);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    vn_store *w = NULL;
    vn_err err;
    FUZZ_CHECK(mkdtemp(dir) != NULL, "mkdtemp");
    snprintf(path, sizeof path, "%s/f.db", dir);
    atexit(cleanup);
    FUZZ_CHECK(vn_store_open(path, VN_STORE_WRITE, &w, &err) == VN_OK, "open: %s", err.msg);
    FUZZ_CHECK(vn_store_begin(w, &err) == VN_OK, "begin: %s", err.msg);
    for (int i = 0; i < 60; i++)
        put(w, i, 7u * (unsigned)i + 1);
    for (int i = 60; i < 66; i++)
        put(w, i, 12345u); /* twins */
    FUZZ_CHECK(vn_store_commit(w, &err) == VN_OK, "commit: %s", err.msg);
    FUZZ_CHECK(vn_store_begin(w, &err) == VN_OK, "begin: %s", err.msg);
    put(w, 3, 999u); /* replaced */
    FUZZ_CHECK(vn_store_delete(w, 9, &err) == VN_OK, "delete: %s", err.msg);
    FUZZ_CHECK(vn_store_commit(w, &err) == VN_OK, "commit: %s", err.msg);
    vn_store_close(w);
    FUZZ_CHECK(vn_store_open(path, VN_STORE_READ, &st, &err) == VN_OK, "open: %s", err.msg);
    FUZZ_CHECK(vn_store_load_mem(st, &mem, &err) == VN_OK, "load: %s", err.msg);
    return 0;
}

static int64_t search(const vn_search *s, const vn_mem *m, vn_buf *out)
{
    vn_err err;
    int64_t total = -1;
    FUZZ_CHECK(mem_check_search(st, m, s, out, &total, &err) == VN_OK, "search failed: %s",
               err.msg);
    return total;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    unsigned way = data[0];
    vn_query q = {0};
    vn_err err;
    FUZZ_CHECK(vn_query_parse((const char *)data + 1, size - 1, &q, &err) == VN_OK, "parse: %s",
               err.msg);
    if (q.match != NULL) {
        vn_search s = {.match = q.match, .limit = 1 + (int)(way & 3) * 3,
                       .offset = (int)(way >> 2 & 3) * 2, .sort = (int)(way >> 4 & 3) % 3,
                       .ties = way >> 6 & 1, /* by date too: the store ignores them */
                       .since = (way & 0x80) ? "2018-01-01" : NULL,
                       .until = (way & 0x80) ? "2022-12-31" : NULL};
        vn_buf a = VN_BUF_INIT, b = VN_BUF_INIT;
        vn_mem_set_split(mem, size % 2 ? 1 : SIZE_MAX); /* phrases on two threads, or one */
        int64_t ta = search(&s, mem, &a), tb = search(&s, NULL, &b);
        FUZZ_CHECK(mem_check_same(&a, ta, &b, tb),
                   "<%s> way %u: %lld against %lld\n--- in memory\n%.*s--- FTS5\n%.*s", q.match,
                   way, (long long)ta, (long long)tb, (int)a.len, a.data ? a.data : "",
                   (int)b.len, b.data ? b.data : "");
        int64_t ca = -1, cb = -2;
        vn_store_use_mem(st, mem);
        FUZZ_CHECK(vn_store_count_match(st, q.match, &ca, &err) == VN_OK, "count: %s", err.msg);
        vn_store_use_mem(st, NULL);
        FUZZ_CHECK(vn_store_count_match(st, q.match, &cb, &err) == VN_OK, "count: %s", err.msg);
        FUZZ_CHECK(ca == cb, "<%s>: count %lld against %lld", q.match, (long long)ca,
                   (long long)cb);
        vn_buf_free(&a);
        vn_buf_free(&b);
    }
    vn_query_free(&q);
    return 0;
}
