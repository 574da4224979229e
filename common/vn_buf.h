/* vn_buf.h: a growable byte buffer, always NUL-terminated.
 * The buffer owns its bytes; vn_buf_free releases them. Appends that
 * cannot grow the buffer return VN_ENOMEM and leave it unchanged.
 * For long runs of appends, the *_rc variants take an int *rc and do
 * nothing once it is non-zero: check it once at the end. */
#ifndef VN_BUF_H
#define VN_BUF_H

#include <stddef.h>

typedef struct vn_buf {
    char *data;   /* NUL-terminated when cap > 0; NULL when empty and unused */
    size_t len;   /* bytes used, not counting the NUL */
    size_t cap;   /* bytes allocated */
} vn_buf;

#define VN_BUF_INIT {NULL, 0, 0}

/* Make room for at least n more bytes (plus the NUL). */
int vn_buf_reserve(vn_buf *b, size_t n);
/* Append n bytes from src. */
int vn_buf_add(vn_buf *b, const void *src, size_t n);
/* Append a NUL-terminated string. */
int vn_buf_puts(vn_buf *b, const char *s);
/* Append one byte. */
int vn_buf_putc(vn_buf *b, char c);
/* Append printf-style text. */
int vn_buf_printf(vn_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The same, doing nothing when *rc != 0 and setting *rc on failure. */
void vn_buf_add_rc(vn_buf *b, const void *src, size_t n, int *rc);
void vn_buf_puts_rc(vn_buf *b, const char *s, int *rc);
void vn_buf_printf_rc(vn_buf *b, int *rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Forget the contents but keep the memory. */
void vn_buf_reset(vn_buf *b);
/* Hand the bytes to the caller (OUT: caller frees; never NULL on VN_OK)
 * and leave b empty. */
int vn_buf_take(vn_buf *b, char **out, size_t *nout);
/* Arrays of fixed-size elements, grown by doubling (from 16): room in
 * the array v of *cap elements of size bytes for at least need of them
 * (and one at least).
 * Returns the array, moved or not (*cap updated), or NULL when out of
 * memory (v and *cap then unchanged; v stays the caller's). */
void *vn_grow(void *v, size_t *cap, size_t need, size_t size);

/* Release the memory. Accepts NULL. */
void vn_buf_free(vn_buf *b);

#endif
