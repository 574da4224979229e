/* mem_check.h: one search written out exactly, with the index in memory
 * (vn_mem.h) or without it, so that test_mem, fuzz_mem and qbench --same
 * compare the two the same way: ids, ranks, exact scores (%a), titles
 * and snippets, one line each, plus the total. Header-only. */
#ifndef VN_MEM_CHECK_H
#define VN_MEM_CHECK_H

#include "vn_buf.h"
#include "vn_mem.h"
#include "vn_store.h"

#include <stdint.h>
#include <string.h>

static inline int mem_check_note(void *ctx, const vn_hit *hit)
{
    int rc = VN_OK;
    vn_buf_printf_rc(ctx, &rc, "%lld %d %a %s\n%s\n", (long long)hit->id, hit->rank, hit->score,
                     hit->title ? hit->title : "(null)", hit->snippet ? hit->snippet : "(null)");
    return rc;
}

/* Search s on st through m (NULL: FTS5 only) into out (reset first).
 * OUT: *total. Returns vn_store_search's code. */
static inline int mem_check_search(vn_store *st, const vn_mem *m, const vn_search *s,
                                   vn_buf *out, int64_t *total, vn_err *err)
{
    vn_buf_reset(out);
    *total = -1;
    vn_store_use_mem(st, m);
    int rc = vn_store_search(st, s, mem_check_note, out, total, err);
    vn_store_use_mem(st, NULL);
    return rc;
}

/* Non-zero when two such outputs (and totals) are the same. */
static inline int mem_check_same(const vn_buf *a, int64_t ta, const vn_buf *b, int64_t tb)
{
    return ta == tb && a->len == b->len && (a->len == 0 || memcmp(a->data, b->data, a->len) == 0);
}

#endif
