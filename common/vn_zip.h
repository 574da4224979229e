/* vn_zip.h: zlib compression of stored article text.
 * Stored form: one format byte (1 = zlib stream), the uncompressed length
 * as a LEB128 varint, then a zlib stream (with its adler32, so damage is
 * detected). A stream may be compressed against a preset dictionary
 * trained on the archive itself (vn_zip_train), which saves about a fifth
 * on short articles; zlib's header then names the dictionary by its
 * adler32, and unpacking asks the caller for it by that id.
 * No state. Calls return VN_OK or an error code and fill *err. */
#ifndef VN_ZIP_H
#define VN_ZIP_H

#include "vn_buf.h"
#include "vn_err.h"

#include <stddef.h>
#include <stdint.h>

#define VN_ZIP_LEVEL 5 /* zlib level: see BENCHMARKS.md */

#define VN_ZIP_DICT_MAX 32768 /* zlib's window: a longer dictionary is wasted */

/* A preset dictionary: n bytes at data (borrowed), known by id, zlib's
 * adler32 of the bytes (vn_zip_dict_id). */
typedef struct vn_zip_dict {
    const void *data;
    size_t n;
    uint32_t id;
} vn_zip_dict;

/* The id zlib gives n bytes of dictionary. */
uint32_t vn_zip_dict_id(const void *data, size_t n);

/* Compress n bytes at src at zlib level (0-9) and append the stored form
 * to dst. */
int vn_zip_pack(const void *src, size_t n, int level, vn_buf *dst,
                vn_err *err);

/* The same against dict (NULL or empty: none). */
int vn_zip_pack_dict(const void *src, size_t n, int level, const vn_zip_dict *dict,
                     vn_buf *dst, vn_err *err);

/* The same for many texts against one dictionary: a deflate state with
 * the dictionary loaded once, copied for each text (zlib's deflateCopy).
 * Loading a 32 KB dictionary hashes all of it, a tenth of the indexer's
 * CPU when done for every article. The output is byte for byte that of
 * vn_zip_pack_dict. The packer copies dict (the caller's may go). */
typedef struct vn_zip_packer vn_zip_packer;
int vn_zip_packer_open(const vn_zip_dict *dict, int level, vn_zip_packer **out, vn_err *err);
int vn_zip_packer_pack(vn_zip_packer *p, const void *src, size_t n, vn_buf *dst,
                       vn_err *err);
/* The id of the packer's dictionary (0: none). Accepts NULL. */
uint32_t vn_zip_packer_dict_id(const vn_zip_packer *p);
/* Accepts NULL. */
void vn_zip_packer_close(vn_zip_packer *p);

/* Finds the dictionary with the given id: fills *dict and returns VN_OK,
 * or returns VN_ENOTFOUND (or another error, with *err filled). */
typedef int (*vn_zip_dict_fn)(void *ctx, uint32_t id, vn_zip_dict *dict, vn_err *err);

/* Decompress a stored form of n bytes and append the text to dst.
 * Damaged or truncated input gives VN_EZIP, never a crash. A stream that
 * needs a dictionary gives VN_EZIP here: use vn_zip_unpack_dict. */
int vn_zip_unpack(const void *src, size_t n, vn_buf *dst, vn_err *err);

/* The same, asking find(ctx, id, ...) for a dictionary when the stream
 * names one (find may be NULL). */
int vn_zip_unpack_dict(const void *src, size_t n, vn_zip_dict_fn find, void *ctx,
                       vn_buf *dst, vn_err *err);

/* For one connection that reads many articles (snippets): a raw inflate
 * state kept from body to body, so that each costs neither a new state
 * nor zlib's Adler-32 of the 32 KB dictionary. Not thread-safe. */
typedef struct vn_zip_inflater vn_zip_inflater;
vn_zip_inflater *vn_zip_inflater_new(void);  /* NULL: out of memory */
void vn_zip_inflater_free(vn_zip_inflater *z);

/* vn_zip_unpack_dict through z (NULL: without): the same text, the same
 * errors (a stream the fast way cannot take goes the usual way). */
int vn_zip_unpack_with(vn_zip_inflater *z, const void *src, size_t n, vn_zip_dict_fn find,
                       void *ctx, vn_buf *dst, vn_err *err);

/* How many bodies z inflated the fast way (for tests). */
size_t vn_zip_inflater_fast(const vn_zip_inflater *z);

/* Train a dictionary from sample texts: pieces from the middle of evenly
 * spaced texts among ntexts (texts[i] of lens[i] bytes), at most
 * VN_ZIP_DICT_MAX bytes, appended to out. Deterministic: the same texts
 * give the same dictionary. */
int vn_zip_train(const char *const *texts, const size_t *lens, size_t ntexts,
                 vn_buf *out, vn_err *err);

#endif
