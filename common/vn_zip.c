/* vn_zip.c: see vn_zip.h.
 * Layout: [format byte 1][LEB128 uncompressed length][zlib stream].
 * Both directions write straight into the caller's vn_buf after reserving
 * room, and on failure leave its length and contents as they were. */
#define ZLIB_CONST /* lets next_in point at const input */
#include "vn_zip.h"

#include <assert.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define ZIP_FORMAT 1                     /* the only format byte we write or read */
#define ZIP_MAX_TEXT (UINT64_C(1) << 30) /* 1 GiB: largest text we store */
#define ZIP_MAX_VARINT 10                /* bytes in the longest LEB128 we accept */

/* Write v as LEB128 at out; returns the number of bytes written (<= 10). */
static size_t put_varint(unsigned char *out, uint64_t v)
{
    size_t i = 0;
    while (v >= 0x80) {
        out[i++] = (unsigned char)(v | 0x80);
        v >>= 7;
    }
    out[i++] = (unsigned char)v;
    return i;
}

/* Read the LEB128 length at p[*pos..n); advance *pos past it.
 * Rejects a varint that runs off the end, one longer than 10 bytes, and
 * any value above ZIP_MAX_TEXT (checked before shifting, so no bits are
 * silently lost). */
static int get_varint(const unsigned char *p, size_t n, size_t *pos,
                      size_t *out, vn_err *err)
{
    uint64_t v = 0;
    for (unsigned i = 0, shift = 0;; i++, shift += 7) {
        if (i == ZIP_MAX_VARINT)
            return vn_err_set(err, VN_EZIP,
                              "stored text damaged: length longer than %d bytes",
                              ZIP_MAX_VARINT);
        if (*pos >= n)
            return vn_err_set(err, VN_EZIP,
                              "stored text truncated inside its length");
        unsigned char b = p[(*pos)++];
        uint64_t part = b & 0x7f;
        if (part <= (ZIP_MAX_TEXT >> shift))
            v += part << shift;
        if (part > (ZIP_MAX_TEXT >> shift) || v > ZIP_MAX_TEXT)
            return vn_err_set(err, VN_EZIP,
                              "stored text too large (declared length over 1 GiB)");
        if (!(b & 0x80))
            break;
    }
    *out = (size_t)v;
    return VN_OK;
}

/* Map a zlib failure to our code and a message naming zlib's code/msg. */
static int zlib_fail(vn_err *err, const char *what, int zrc, const z_stream *zs)
{
    const char *msg = zs->msg != NULL ? zs->msg : zError(zrc);
    int code = zrc == Z_MEM_ERROR ? VN_ENOMEM : VN_EZIP;
    return vn_err_set(err, code, "zlib %s failed: %s (code %d)", what,
                      msg != NULL ? msg : "no message", zrc);
}

uint32_t vn_zip_dict_id(const void *data, size_t n)
{
    return (uint32_t)adler32_z(adler32(0, NULL, 0), data, n);
}

static int has_dict(const vn_zip_dict *dict)
{
    return dict != NULL && dict->n > 0;
}

/* A deflate state at level with dict loaded (or none), in *zs. */
static int deflate_start(z_stream *zs, int level, const vn_zip_dict *dict, vn_err *err)
{
    memset(zs, 0, sizeof *zs);
    int zrc = deflateInit(zs, level);
    if (zrc != Z_OK)
        return zlib_fail(err, "deflateInit", zrc, zs);
    if (has_dict(dict)) {
        zrc = deflateSetDictionary(zs, dict->data, (uInt)dict->n);
        if (zrc != Z_OK) {
            deflateEnd(zs);
            return zlib_fail(err, "deflateSetDictionary", zrc, zs);
        }
    }
    return VN_OK;
}

/* Deflate n bytes at src into out (room for cap bytes); *nout gets the
 * stream's size. The state comes from a copy of primed, else is made. */
static int deflate_into(const void *src, size_t n, int level, const vn_zip_dict *dict,
                        z_stream *primed, unsigned char *out, size_t cap, size_t *nout,
                        vn_err *err)
{
    z_stream zs;
    int zrc;
    if (primed != NULL) {
        memset(&zs, 0, sizeof zs);
        if ((zrc = deflateCopy(&zs, primed)) != Z_OK)
            return zlib_fail(err, "deflateCopy", zrc, &zs);
    } else {
        int rc = deflate_start(&zs, level, dict, err);
        if (rc != VN_OK)
            return rc;
    }
    zs.next_in = src;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    zrc = deflate(&zs, Z_FINISH);
    int rc = VN_OK;
    if (zrc != Z_STREAM_END)
        rc = zlib_fail(err, "deflate", zrc == Z_OK ? Z_BUF_ERROR : zrc, &zs);
    *nout = cap - zs.avail_out;
    deflateEnd(&zs);
    return rc;
}

int vn_zip_pack(const void *src, size_t n, int level, vn_buf *dst,
                vn_err *err)
{
    return vn_zip_pack_dict(src, n, level, NULL, dst, err);
}

static int pack(const void *src, size_t n, int level, const vn_zip_dict *dict,
                z_stream *primed, vn_buf *dst, vn_err *err);

int vn_zip_pack_dict(const void *src, size_t n, int level, const vn_zip_dict *dict,
                     vn_buf *dst, vn_err *err)
{
    return pack(src, n, level, dict, NULL, dst, err);
}

/* A level and dictionary deflate accepts. */
static int check_args(int level, const vn_zip_dict *dict, vn_err *err)
{
    if (level < 0 || level > 9)
        return vn_err_set(err, VN_EINVAL, "zlib level %d out of range 0-9", level);
    if (has_dict(dict) && dict->n > VN_ZIP_DICT_MAX)
        return vn_err_set(err, VN_EINVAL, "zlib dictionary of %zu bytes (limit %d)",
                          dict->n, VN_ZIP_DICT_MAX);
    return VN_OK;
}

struct vn_zip_packer {
    z_stream primed;  /* dictionary loaded, no input yet */
    unsigned char *data; /* the dictionary's copy */
    vn_zip_dict dict;
    int level;
};

int vn_zip_packer_open(const vn_zip_dict *dict, int level, vn_zip_packer **out, vn_err *err)
{
    *out = NULL;
    int rc = check_args(level, dict, err);
    if (rc != VN_OK)
        return rc;
    vn_zip_packer *p = calloc(1, sizeof *p);
    if (p == NULL)
        return vn_err_set(err, VN_ENOMEM, "out of memory");
    p->level = level;
    if (has_dict(dict)) {
        p->data = malloc(dict->n);
        if (p->data == NULL) {
            free(p);
            return vn_err_set(err, VN_ENOMEM, "out of memory");
        }
        memcpy(p->data, dict->data, dict->n);
        p->dict = (vn_zip_dict){p->data, dict->n, dict->id};
    }
    rc = deflate_start(&p->primed, level, &p->dict, err);
    if (rc != VN_OK) {
        free(p->data);
        free(p);
        return rc;
    }
    *out = p;
    return VN_OK;
}

int vn_zip_packer_pack(vn_zip_packer *p, const void *src, size_t n, vn_buf *dst,
                       vn_err *err)
{
    return pack(src, n, p->level, &p->dict, &p->primed, dst, err);
}

uint32_t vn_zip_packer_dict_id(const vn_zip_packer *p)
{
    return p != NULL && has_dict(&p->dict) ? p->dict.id : 0;
}

void vn_zip_packer_close(vn_zip_packer *p)
{
    if (p == NULL)
        return;
    deflateEnd(&p->primed);
    free(p->data);
    free(p);
}

static int pack(const void *src, size_t n, int level, const vn_zip_dict *dict,
                z_stream *primed, vn_buf *dst, vn_err *err)
{
    assert(dst != NULL && (src != NULL || n == 0));
    if (n > ZIP_MAX_TEXT)
        return vn_err_set(err, VN_EINVAL,
                          "text too large to store (%zu bytes, limit 1 GiB)", n);
    if (primed == NULL) { /* a packer checked its own once */
        int rc = check_args(level, dict, err);
        if (rc != VN_OK)
            return rc;
    }

    /* Reserve header + worst-case stream, then write in place. */
    size_t bound = deflateBound(NULL, (uLong)n);
    size_t head_max = 1 + ZIP_MAX_VARINT;
    if (vn_buf_reserve(dst, head_max + bound) != VN_OK)
        return vn_err_set(err, VN_ENOMEM,
                          "out of memory packing %zu bytes", n);
    unsigned char *out = (unsigned char *)dst->data + dst->len;
    out[0] = ZIP_FORMAT;
    size_t nhead = 1 + put_varint(out + 1, n);

    size_t nz = 0;
    int rc = deflate_into(src, n, level, dict, primed, out + nhead, bound, &nz, err);
    if (rc == VN_OK)
        dst->len += nhead + nz;
    dst->data[dst->len] = '\0';
    return rc;
}

/* Inflate the zlib stream at p (n bytes) into exactly want bytes at out.
 * The stream must end, use all its input, and fill out exactly. */
static int inflate_into(const unsigned char *p, size_t n, vn_zip_dict_fn find, void *ctx,
                        unsigned char *out, size_t want, vn_err *err)
{
    z_stream zs = {0};
    int zrc = inflateInit(&zs);
    if (zrc != Z_OK)
        return zlib_fail(err, "inflateInit", zrc, &zs);
    zs.next_in = p;
    zs.avail_in = (uInt)n;
    zs.next_out = out;
    zs.avail_out = (uInt)want;
    zrc = inflate(&zs, Z_FINISH);
    if (zrc == Z_NEED_DICT) {
        uint32_t id = (uint32_t)zs.adler;
        vn_zip_dict dict = {0};
        int frc = find != NULL ? find(ctx, id, &dict, err) : VN_ENOTFOUND;
        if (frc == VN_ENOTFOUND)
            frc = vn_err_set(err, VN_EZIP,
                             "stored text needs zlib dictionary %08x, which is missing", id);
        if (frc != VN_OK) {
            inflateEnd(&zs);
            return frc;
        }
        zrc = inflateSetDictionary(&zs, dict.data, (uInt)dict.n);
        if (zrc == Z_OK)
            zrc = inflate(&zs, Z_FINISH);
    }

    int rc = VN_OK;
    if (zrc == Z_STREAM_END && zs.avail_in != 0)
        rc = vn_err_set(err, VN_EZIP,
                        "stored text damaged: %u bytes after the zlib stream",
                        zs.avail_in);
    else if (zrc == Z_STREAM_END && zs.avail_out != 0)
        rc = vn_err_set(err, VN_EZIP,
                        "stored text damaged: %zu bytes declared, %zu inflated",
                        want, want - zs.avail_out);
    else if ((zrc == Z_BUF_ERROR || zrc == Z_OK) && zs.avail_in != 0)
        rc = vn_err_set(err, VN_EZIP,
                        "stored text damaged: zlib stream longer than the "
                        "declared %zu bytes (zlib code %d)", want, zrc);
    else if (zrc == Z_BUF_ERROR || zrc == Z_OK)
        rc = vn_err_set(err, VN_EZIP,
                        "stored text truncated: zlib stream ends early "
                        "(zlib code %d)", zrc);
    else if (zrc != Z_STREAM_END)
        rc = zlib_fail(err, "inflate", zrc, &zs);
    inflateEnd(&zs);
    return rc;
}

int vn_zip_unpack(const void *src, size_t n, vn_buf *dst, vn_err *err)
{
    return vn_zip_unpack_dict(src, n, NULL, NULL, dst, err);
}

struct vn_zip_inflater {
    z_stream zs;   /* raw (no zlib header): the dictionary goes in unchecked */
    size_t fast;   /* bodies inflated this way */
};

vn_zip_inflater *vn_zip_inflater_new(void)
{
    vn_zip_inflater *z = calloc(1, sizeof *z);
    if (z != NULL && inflateInit2(&z->zs, -MAX_WBITS) != Z_OK) {
        free(z);
        z = NULL;
    }
    return z;
}

void vn_zip_inflater_free(vn_zip_inflater *z)
{
    if (z == NULL)
        return;
    inflateEnd(&z->zs);
    free(z);
}

/* The zlib stream at p (n bytes) with a dictionary header, inflated raw
 * into exactly want bytes at out, its Adler-32 checked here. Returns 1
 * when done, 0 when the stream must go the usual way (any surprise). */
static int inflate_raw(vn_zip_inflater *z, const unsigned char *p, size_t n, vn_zip_dict_fn find,
                       void *ctx, unsigned char *out, size_t want)
{
    /* CMF, FLG with FDICT, DICTID (big-endian), deflate data, ADLER32 */
    if (n < 2 + 4 + 4 || (p[0] & 0x0F) != Z_DEFLATED || ((p[0] << 8) | p[1]) % 31 != 0
        || !(p[1] & 0x20) || want > UINT_MAX)
        return 0;
    uint32_t id = (uint32_t)p[2] << 24 | (uint32_t)p[3] << 16 | (uint32_t)p[4] << 8 | p[5];
    vn_zip_dict dict = {0};
    vn_err err;
    if (find == NULL || find(ctx, id, &dict, &err) != VN_OK || dict.n > UINT_MAX)
        return 0;
    z_stream *zs = &z->zs;
    if (inflateReset(zs) != Z_OK || inflateSetDictionary(zs, dict.data, (uInt)dict.n) != Z_OK)
        return 0;
    zs->next_in = (unsigned char *)p + 6;
    zs->avail_in = (uInt)(n - 6);
    zs->next_out = out;
    zs->avail_out = (uInt)want;
    if (inflate(zs, Z_FINISH) != Z_STREAM_END || zs->avail_out != 0 || zs->avail_in != 4)
        return 0;
    const unsigned char *t = zs->next_in;
    uint32_t sum = (uint32_t)t[0] << 24 | (uint32_t)t[1] << 16 | (uint32_t)t[2] << 8 | t[3];
    return adler32(1L, out, (uInt)want) == sum;
}

int vn_zip_unpack_with(vn_zip_inflater *z, const void *src, size_t n, vn_zip_dict_fn find,
                       void *ctx, vn_buf *dst, vn_err *err)
{
    assert(dst != NULL && (src != NULL || n == 0));
    const unsigned char *p = src;
    if (n == 0)
        return vn_err_set(err, VN_EZIP, "stored text is empty (no format byte)");
    if (p[0] != ZIP_FORMAT)
        return vn_err_set(err, VN_EZIP,
                          "stored text has unknown format byte %u", p[0]);

    size_t pos = 1, want = 0;
    int rc = get_varint(p, n, &pos, &want, err);
    if (rc != VN_OK)
        return rc;
    if (n - pos > UINT_MAX)
        return vn_err_set(err, VN_EZIP,
                          "stored text too large (%zu compressed bytes)", n - pos);

    if (vn_buf_reserve(dst, want) != VN_OK)
        return vn_err_set(err, VN_ENOMEM,
                          "out of memory unpacking %zu bytes", want);
    unsigned char *out = (unsigned char *)dst->data + dst->len;
    /* the fast way when it can, else (any surprise) the usual one, which
     * says what is wrong */
    if (z != NULL && inflate_raw(z, p + pos, n - pos, find, ctx, out, want))
        z->fast++;
    else
        rc = inflate_into(p + pos, n - pos, find, ctx, out, want, err);
    if (rc == VN_OK)
        dst->len += want;
    dst->data[dst->len] = '\0';
    return rc;
}

size_t vn_zip_inflater_fast(const vn_zip_inflater *z)
{
    return z != NULL ? z->fast : 0;
}

int vn_zip_unpack_dict(const void *src, size_t n, vn_zip_dict_fn find, void *ctx,
                       vn_buf *dst, vn_err *err)
{
    return vn_zip_unpack_with(NULL, src, n, find, ctx, dst, err);
}

/* Pieces of this many bytes: long enough to hold a few words and their
 * spacing, short enough that a 32 KB dictionary samples 256 texts. */
#define TRAIN_PIECE 128

int vn_zip_train(const char *const *texts, const size_t *lens, size_t ntexts,
                 vn_buf *out, vn_err *err)
{
    size_t want = VN_ZIP_DICT_MAX / TRAIN_PIECE;
    size_t step = ntexts > want ? ntexts / want : 1;
    size_t start = out->len;
    for (size_t i = 0; i < ntexts && out->len - start + TRAIN_PIECE <= VN_ZIP_DICT_MAX;
         i += step) {
        size_t n = lens[i], at = 0;
        if (n > TRAIN_PIECE) {
            at = (n - TRAIN_PIECE) / 2;
            n = TRAIN_PIECE;
        }
        if (vn_buf_add(out, texts[i] + at, n) != VN_OK)
            return vn_err_set(err, VN_ENOMEM, "out of memory training a dictionary");
    }
    return VN_OK;
}
