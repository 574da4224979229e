/* vn_tok.h: the FTS5 tokenizer `vietnamese`, registered through fts5_api.
 *
 * Documents: each word is indexed once, in vn_norm's canonical form, with
 * its byte offsets in the original text; between two words that
 * punctuation separates (". ", ", ", ": ", a bracket, a dash, a line
 * break) one extra token "\x01" stands, so that phrases and proximity
 * stay within a clause. A query phrase punctuated the same way holds it
 * too.
 * Queries (FTS5_TOKENIZE_QUERY): a word typed with diacritics stands for
 * its canonical spelling only; a word typed without them also stands for
 * every canonical spelling in this index that folds to it (bien -> biên,
 * biến, biển...), emitted as colocated synonyms so that FTS5 matches them
 * in phrases, NEAR and AND alike, and highlights the accented text. The
 * spellings come from the table vn_spelling(fold, canon), read with one
 * indexed lookup per word; the indexer fills it through vn_tok_flush
 * with every word that holds a letter, so the table is also the index's
 * vocabulary (for "did you mean" and typing rescue).
 * In a prefix query (bie*, "tinh gian bi"*) the last word stands for the
 * canonical prefixes of the same length (bie, biê, biế, ...); a prefix
 * typed in ASCII is taken as typed (ki* is not the syllable ki = ky).
 *
 * One vn_tok per connection, owned by SQLite: it lives until the
 * connection closes. Calls return VN_OK or an error code and fill *err. */
#ifndef VN_TOK_H
#define VN_TOK_H

#include "vn_err.h"

#include <sqlite3.h>

#define VN_TOK_NAME "vietnamese"
#define VN_TOK_VERSION "4" /* bump when indexed tokens or spellings change */

/* The clause-break token (one byte) and a test for it, for the FTS5
 * auxiliary functions that walk a column's tokens (vn_snip). */
#define VN_TOK_BREAK "\x01"
#define VN_TOK_IS_BREAK(token, ntoken) ((ntoken) == 1 && (token)[0] == VN_TOK_BREAK[0])

/* At the head of a query string: take its words as they stand, without
 * their spellings (vn_expand.h writes a word's spellings out itself). */
#define VN_TOK_EXACT "\x06"

typedef struct vn_tok vn_tok;

/* The connection's fts5_api, or NULL when SQLite lacks FTS5.
 * Borrowed: valid while db is open. */
fts5_api *vn_tok_api(sqlite3 *db);

/* Register the tokenizer on db. OUT: *out (may be NULL) is borrowed and
 * valid until db is closed. */
int vn_tok_register(sqlite3 *db, vn_tok **out, vn_err *err);

/* Start (on != 0) or stop remembering the spellings of indexed words. */
void vn_tok_collect(vn_tok *tok, int on);

/* Write the spellings remembered since the last flush into vn_spelling,
 * inside the caller's transaction. */
int vn_tok_flush(vn_tok *tok, vn_err *err);

/* Spellings the tokenizer emits for one word typed without marks (or
 * canonical prefixes for a prefix word), at most. */
#define VN_TOK_SPELLINGS_MAX 64

/* The spellings the tokenizer expands the accent-free word word[0..n)
 * into (its canonical form, vn_norm.h), each appended to list with a
 * NUL after it, counted in *count: the same lookup of vn_spelling and the
 * same filter, so vn_expand (vn_expand.h) writes out exactly what the
 * tokenizer would emit. ctx is the vn_tok; no table means none. */
struct vn_buf;
int vn_tok_spellings(void *ctx, const char *word, size_t n, struct vn_buf *list,
                     size_t *count, vn_err *err);

/* The normalizer the tokenizer splits words with. Borrowed. */
struct vn_norm *vn_tok_norm(vn_tok *tok);

/* ---- tokens made ahead of time ------------------------------------------
 * The indexer's writer thread runs FTS5, and FTS5 calls the tokenizer, so
 * normalizing every word was that thread's largest cost. A worker thread
 * can instead record a document's tokens on a tape (with a tokenizer of
 * its own, vn_tok_open_maker) and the writer's tokenizer replays them:
 * the tokens, offsets and vocabulary are exactly those the tokenizer would
 * produce itself, only made elsewhere. */
typedef struct vn_tape {
    const char *text[2];  /* what it was made from: borrowed, must outlive it */
    size_t n[2];
    int ntext;
    struct vn_buf *rec[2]; /* per text: the xToken calls, recorded */
    struct vn_buf *spell;  /* spellings new to the maker: "canon\0fold\0"... */
} vn_tape;

/* A tokenizer for one worker thread, on no connection, that only makes
 * tapes. Close it with vn_tok_close. */
int vn_tok_open_maker(vn_tok **out, vn_err *err);
void vn_tok_close(vn_tok *maker);

/* Record the document tokens of ntext (at most 2) texts onto tape, which
 * is reset first (vn_tape_free releases it). */
int vn_tok_tape(vn_tok *maker, const char *const *text, const size_t *n, int ntext,
                vn_tape *tape, vn_err *err);
void vn_tape_free(vn_tape *tape);

/* Until called again (tape NULL: never), the tokenizer replays tape for a
 * document whose text equals one of the tape's texts, byte for byte, and
 * tokenizes anything else itself. When collecting (vn_tok_collect), the
 * tape's spellings are remembered now. tape is borrowed. */
int vn_tok_play(vn_tok *tok, const vn_tape *tape, vn_err *err);

/* Finalize the statements the tokenizer keeps on its connection; call
 * before sqlite3_close, which refuses to close while they exist. The
 * tokenizer prepares them again if it is used afterwards. Accepts NULL. */
void vn_tok_finish(vn_tok *tok);

#endif
