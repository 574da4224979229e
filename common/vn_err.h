/* vn_err.h: error codes and the one-line message that goes with them.
 * A function that can fail returns VN_OK (0) or a VN_E... code and, on
 * failure, writes a readable line naming the file, term or library code
 * into the caller's vn_err. Library code never prints; main() does. */
#ifndef VN_ERR_H
#define VN_ERR_H

#include <stddef.h>

enum {
    VN_OK = 0,
    VN_ENOMEM,    /* out of memory */
    VN_EIO,       /* a file could not be read or written */
    VN_EINVAL,    /* bad argument or bad input */
    VN_EDB,       /* SQLite reported an error */
    VN_EICU,      /* ICU reported an error */
    VN_EZIP,      /* zlib reported an error or stored text is damaged */
    VN_EVERSION,  /* database made by another schema or tokenizer version */
    VN_ENOTFOUND, /* no such file, database or row */
    VN_EBUSY,     /* another process holds the lock */
    VN_EDECODE    /* the bytes are not text we can read */
};

typedef struct vn_err {
    int code;
    char msg[512];
} vn_err;

/* Record code and a printf-style message in err (err may be NULL).
 * Returns code, so callers can write: return vn_err_set(err, VN_EIO, ...); */
int vn_err_set(vn_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Reset err to VN_OK with an empty message. Accepts NULL. */
void vn_err_clear(vn_err *err);

/* A short English name for a code ("out of memory", ...). Never NULL. */
const char *vn_err_name(int code);

#endif
