/* charset.h: the raw bytes of a file as valid UTF-8.
 *
 * What decides the charset, first match wins:
 *  1. a byte-order mark: UTF-8, UTF-16 LE/BE, UTF-32 LE/BE;
 *  2. for an HTML page, the charset its first 4096 bytes declare
 *     (<meta charset>, <meta http-equiv="Content-Type" content="...;
 *     charset=...">, <?xml encoding=...?>), unless the bytes are valid
 *     UTF-8 with non-ASCII text in them (a page saved as UTF-8 keeps the
 *     declaration it was served with);
 *  3. valid UTF-8, copied as it is;
 *  4. bytes that are not UTF-8: a detector decodes a sample as each
 *     Vietnamese legacy charset (windows-1258, TCVN3, VISCII) and counts
 *     the words that spell Vietnamese syllables; it names one only when
 *     nearly every word reads and no other charset reads as well;
 *  5. otherwise each invalid sequence becomes U+FFFD and is counted,
 *     unless the file is mostly not text (see VN_CHARSET_BINARY_PERCENT):
 *     then it is refused as binary, as a file with NUL bytes always is.
 * Legacy charsets go through glibc iconv and then ICU's NFC (windows-1258
 * writes tones as combining marks); Unicode input is not renormalised.
 * No state; safe to call from several threads. Never prints. */
#ifndef VN_CHARSET_H
#define VN_CHARSET_H

#include "vn_buf.h"
#include "vn_err.h"

#include <stddef.h>

enum {
    VN_CHARSET_UTF8,     /* valid UTF-8 (or ASCII), no BOM */
    VN_CHARSET_BOM,      /* named by a byte-order mark */
    VN_CHARSET_DECLARED, /* named by the page's declaration */
    VN_CHARSET_DETECTED, /* chosen by the Vietnamese detector */
    VN_CHARSET_REPLACED  /* unknown: invalid UTF-8 replaced by U+FFFD */
};

typedef struct vn_charset_info {
    int how;             /* VN_CHARSET_* */
    char name[40];       /* what the text was read as: "UTF-8", "UTF-16LE",
                            "windows-1258", "TCVN3", "VISCII", or the
                            declared label such as "koi8-r" */
    char ignored[40];    /* a declared charset that was not used, or "" */
    int ignored_unknown; /* ignored because iconv does not know it (else
                            because the bytes are UTF-8) */
    size_t ninvalid;     /* byte sequences replaced by U+FFFD */
    size_t ninvalid_bytes; /* the bytes those sequences held */
} vn_charset_info;

/* A file in no charset we know (step 5) whose bytes are more than this
 * percent invalid UTF-8 or control characters (C0 but tab, line ends,
 * form feed and escape; DEL) is binary: random or compressed data, not
 * text with some bad bytes. Text in a legacy charset keeps its ASCII
 * letters, blanks and punctuation, so it stays below. */
#define VN_CHARSET_BINARY_PERCENT 50

/* Decode n bytes at src into dst (reset first) as valid UTF-8 without a
 * BOM, NUL-terminated. is_html: honour a declared charset. OUT: *info,
 * always filled.
 * Returns VN_OK; VN_EDECODE for NUL bytes outside UTF-16/32 (or a NUL
 * character after decoding): "not a text file (binary: NUL bytes)", or
 * for bytes mostly not text: "not a text file (binary: 77% of the bytes
 * are invalid UTF-8 or control characters)"; VN_ENOMEM; VN_EICU when
 * ICU's normaliser fails. */
int vn_charset_decode(const char *src, size_t n, int is_html, vn_buf *dst,
                      vn_charset_info *info, vn_err *err);

/* The charset label an HTML page declares in its first 4096 bytes, lower
 * case, into out[cap] (cap >= 2). Returns 1 when one was found, else 0
 * (out is then ""). */
int vn_charset_declared(const char *src, size_t n, char *out, size_t cap);

/* The Vietnamese legacy charset that n bytes at src (not valid UTF-8) are
 * written in, when the detector is confident: "windows-1258", "TCVN3" or
 * "VISCII" (static strings); else NULL. Looks at the first 64 KB. */
const char *vn_charset_detect(const char *src, size_t n);

#endif
