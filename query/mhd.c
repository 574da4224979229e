/* mhd.c: see mhd.h. */
#include "mhd.h"

#include <dlfcn.h>
#include <stddef.h>

/* The library's run-time names: its soname (Debian's libmicrohttpd12),
 * then the development link. */
static const char *const names[] = {"libmicrohttpd.so.12", "libmicrohttpd.so"};

static const struct {
    const char *name;
    size_t at; /* offset of its pointer in vn_mhd */
} fns[] = {
#define FN(f) {"MHD_" #f, offsetof(vn_mhd, f)}
    FN(start_daemon), FN(stop_daemon), FN(add_connection),
    FN(get_connection_info), FN(lookup_connection_value), FN(lookup_connection_value_n),
    FN(create_response_from_buffer), FN(add_response_header), FN(queue_response),
    FN(destroy_response),
#undef FN
};

const vn_mhd *vn_mhd_load(vn_err *err)
{
    static vn_mhd api;
    static int loaded;
    void *lib = NULL;
    if (loaded)
        return &api;
    for (size_t i = 0; lib == NULL && i < sizeof names / sizeof names[0]; i++)
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        vn_err_set(err, VN_ENOTFOUND, "cannot load libmicrohttpd (apt-get install "
                   "libmicrohttpd12): %s", dlerror());
        return NULL;
    }
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        void *f = dlsym(lib, fns[i].name);
        if (f == NULL) {
            vn_err_set(err, VN_ENOTFOUND, "libmicrohttpd has no %s: %s", fns[i].name,
                       dlerror());
            dlclose(lib);
            return NULL;
        }
        /* POSIX: a data pointer from dlsym converts to a function pointer */
        *(void **)((char *)&api + fns[i].at) = f;
    }
    loaded = 1; /* kept open for the life of the process */
    return &api;
}
