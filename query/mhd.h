/* mhd.h: libmicrohttpd, loaded when `vnquery serve` starts rather than
 * linked into vnquery.
 *
 * The library brings GnuTLS and eight more libraries into every process
 * that links it, and GnuTLS initializes itself as it loads: 1.6 ms on
 * each command-line search, which never serves (a program that only
 * links them against one that does not: 3.7 against 2.1 ms). Loaded with
 * dlopen, they cost only the server, once.
 *
 * The table holds the functions http.c calls, typed from microhttpd.h,
 * so a call through it is checked as a direct call would be. */
#ifndef VN_MHD_H
#define VN_MHD_H

#include "vn_err.h"

#include <microhttpd.h>

typedef struct vn_mhd {
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_add_connection) *add_connection;
    __typeof__(MHD_get_connection_info) *get_connection_info;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_lookup_connection_value_n) *lookup_connection_value_n;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_destroy_response) *destroy_response;
} vn_mhd;

/* Load the library (once; later calls return the same table). Returns
 * the table, or NULL with *err naming what is missing. Not thread-safe:
 * call it before starting threads. */
const vn_mhd *vn_mhd_load(vn_err *err);

#endif
