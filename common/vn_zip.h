/* vn_zip.h: zlib compression of stored article text.
 * Stored form: one format byte (1 = zlib stream), the uncompressed length
 * as a LEB128 varint, then a zlib stream (with its adler32, so damage is
 * detected). No state. Calls return VN_OK or an error code and fill *err. */
#ifndef VN_ZIP_H
#define VN_ZIP_H

#include "vn_buf.h"
#include "vn_err.h"

#include <stddef.h>

#define VN_ZIP_LEVEL 6 /* default zlib level; see BENCHMARKS.md */

/* Compress n bytes at src at zlib level (0-9) and append the stored form
 * to dst. */
int vn_zip_pack(const void *src, size_t n, int level, vn_buf *dst,
                vn_err *err);

/* Decompress a stored form of n bytes and append the text to dst.
 * Damaged or truncated input gives VN_EZIP, never a crash. */
int vn_zip_unpack(const void *src, size_t n, vn_buf *dst, vn_err *err);

#endif
