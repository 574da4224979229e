/* serve_complete.h: completions for the search box as the reader types
 * (GET /api/suggest). Accent-insensitive, the last word taken as a prefix:
 * "tinh gian bi" offers "tinh giản biên chế" and the titles holding it.
 *
 * Three kinds, in this order:
 *   phrases  the typed words as the archive's titles spell them, the last
 *            one whole (at most two), then the same with the word after
 *            them; most frequent first; when typed with diacritics, only
 *            those spelling them so;
 *   terms    when titles offer few phrases: index terms (vn_spelling)
 *            completing the last word;
 *   titles   article titles holding the typed words: those starting with
 *            them first, then (when typed with diacritics) those spelling
 *            them as typed, then the newest.
 * FTS5 prefix queries are too slow for every keystroke on a large archive
 * (hundreds of ms for a two-letter prefix), so titles are matched in
 * memory: a complete_index holds every title folded (lower case, no marks,
 * words joined by single spaces), built once and rebuilt by the server when
 * the index changes. About 250 bytes per article.
 *
 * A complete_index is read-only once built: share it between threads.
 * Calls return VN_OK or an error code and fill *err. */
#ifndef VN_SERVE_COMPLETE_H
#define VN_SERVE_COMPLETE_H

#include "vn_err.h"
#include "vn_norm.h"
#include "vn_store.h"

#include <stddef.h>

#define COMPLETE_MAX 10

enum { COMPLETE_PHRASE, COMPLETE_TERM, COMPLETE_TITLE };

typedef struct complete_index complete_index;

typedef struct complete_item {
    char *text;             /* owned, valid UTF-8 */
    int kind;               /* COMPLETE_* */
} complete_item;

typedef struct complete_list {
    complete_item item[COMPLETE_MAX];
    int n;
} complete_list;

/* Read every article title in st. OUT: *out, freed with complete_free. */
int complete_build(vn_store *st, vn_norm *nm, complete_index **out, vn_err *err);
/* Accepts NULL. */
void complete_free(complete_index *ci);
/* How many titles ci holds. */
size_t complete_size(const complete_index *ci);

/* Up to COMPLETE_MAX completions of q (NUL-terminated UTF-8) from ci and
 * from st's spellings; nm tokenizes q as the index did. OUT: *out,
 * released with complete_list_free (also after an error). */
int complete_run(const complete_index *ci, vn_store *st, vn_norm *nm, const char *q,
                 complete_list *out, vn_err *err);
/* Accepts a zeroed list. */
void complete_list_free(complete_list *l);

/* The kind's name in the JSON: "phrase", "term" or "title". */
const char *complete_kind_name(int kind);

#endif
