/* vn_buf.c: see vn_buf.h. */
#include "vn_buf.h"

#include "vn_err.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int vn_buf_reserve(vn_buf *b, size_t n)
{
    if (n > (size_t)-1 / 2 - b->len)
        return VN_ENOMEM;
    size_t need = b->len + n + 1;
    if (need <= b->cap)
        return VN_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (p == NULL)
        return VN_ENOMEM;
    b->data = p;
    b->cap = cap;
    b->data[b->len] = '\0';
    return VN_OK;
}

void *vn_grow(void *v, size_t *cap, size_t need, size_t size)
{
    if (need == 0)
        need = 1; /* so that NULL always means out of memory */
    if (need <= *cap && v != NULL)
        return v;
    size_t n = *cap ? *cap : 16;
    while (n < need && n <= (size_t)-1 / 2 / size)
        n *= 2;
    if (n < need)
        return NULL;
    void *p = realloc(v, n * size);
    if (p != NULL)
        *cap = n;
    return p;
}

int vn_buf_add(vn_buf *b, const void *src, size_t n)
{
    int rc = vn_buf_reserve(b, n);
    if (rc != VN_OK)
        return rc;
    if (n > 0)
        memcpy(b->data + b->len, src, n);
    b->len += n;
    b->data[b->len] = '\0';
    return VN_OK;
}

int vn_buf_puts(vn_buf *b, const char *s)
{
    return vn_buf_add(b, s, strlen(s));
}

int vn_buf_putc(vn_buf *b, char c)
{
    return vn_buf_add(b, &c, 1);
}

static int buf_vprintf(vn_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return VN_EINVAL;
    int rc = vn_buf_reserve(b, (size_t)n);
    if (rc != VN_OK)
        return rc;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return VN_OK;
}

int vn_buf_printf(vn_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void vn_buf_add_rc(vn_buf *b, const void *src, size_t n, int *rc)
{
    if (*rc == VN_OK)
        *rc = vn_buf_add(b, src, n);
}

void vn_buf_puts_rc(vn_buf *b, const char *s, int *rc)
{
    if (*rc == VN_OK)
        *rc = vn_buf_puts(b, s);
}

void vn_buf_printf_rc(vn_buf *b, int *rc, const char *fmt, ...)
{
    if (*rc != VN_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    *rc = buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void vn_buf_reset(vn_buf *b)
{
    b->len = 0;
    if (b->data != NULL)
        b->data[0] = '\0';
}

int vn_buf_take(vn_buf *b, char **out, size_t *nout)
{
    int rc = vn_buf_reserve(b, 0);
    *out = rc == VN_OK ? b->data : NULL;
    if (nout != NULL)
        *nout = rc == VN_OK ? b->len : 0;
    if (rc == VN_OK) {
        b->data = NULL;
        b->len = b->cap = 0;
    }
    return rc;
}

void vn_buf_free(vn_buf *b)
{
    if (b == NULL)
        return;
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}
