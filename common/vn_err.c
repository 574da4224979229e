/* vn_err.c: see vn_err.h. */
#include "vn_err.h"

#include <stdarg.h>
#include <stdio.h>

int vn_err_set(vn_err *err, int code, const char *fmt, ...)
{
    if (err == NULL)
        return code;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof err->msg, fmt, ap);
    va_end(ap);
    err->code = code;
    return code;
}

void vn_err_clear(vn_err *err)
{
    if (err == NULL)
        return;
    err->code = VN_OK;
    err->msg[0] = '\0';
}

const char *vn_err_name(int code)
{
    static const char *const names[] = {
        [VN_OK] = "ok",
        [VN_ENOMEM] = "out of memory",
        [VN_EIO] = "input/output error",
        [VN_EINVAL] = "invalid input",
        [VN_EDB] = "database error",
        [VN_EICU] = "ICU error",
        [VN_EZIP] = "compression error",
        [VN_EVERSION] = "version mismatch",
        [VN_ENOTFOUND] = "not found",
        [VN_EBUSY] = "busy",
        [VN_EDECODE] = "undecodable text",
    };
    if (code < 0 || (size_t)code >= sizeof names / sizeof names[0] || names[code] == NULL)
        return "unknown error";
    return names[code];
}
