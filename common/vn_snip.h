/* vn_snip.h: excerpts with highlight spans, and the proximity signal
 * used in ranking, as FTS5 auxiliary functions.
 *
 *   vn_snippet(fts, ntokens)  the best passage of about ntokens words of
 *       the first column, the body (of another column when the body
 *       holds no match), as plain
 *       text in which each run of matched words is wrapped in
 *       VN_SNIP_OPEN ... VN_SNIP_CLOSE (bytes that never occur in the
 *       returned text otherwise). Cut only at word boundaries, so never
 *       inside a character; "…" marks a cut; line breaks become spaces.
 *   vn_proximity(fts)  in [0, 1]: 1 when, in some column, the query's
 *       phrases stand adjacent and in query order; smaller as the
 *       tightest window holding all of them grows; 0 when fewer than two
 *       phrases match or no column holds them all.
 *
 * Registered per connection; no state of their own. */
#ifndef VN_SNIP_H
#define VN_SNIP_H

#include "vn_err.h"

#include <sqlite3.h>

#define VN_SNIP_OPEN '\x02'
#define VN_SNIP_CLOSE '\x03'

/* Register vn_snippet() and vn_proximity() on db (FTS5 required). */
int vn_snip_register(sqlite3 *db, vn_err *err);

#endif
