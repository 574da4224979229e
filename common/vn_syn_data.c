/* vn_syn_data.c: the shipped synonym table, common/synonyms.txt, compiled
 * into the binary (the Makefile rebuilds this file when the table
 * changes), so vnquery needs no data file at run time. */
#include "vn_syn_data.h"

__asm__(".section .rodata\n"
        ".global vn_syn_builtin\n"
        ".type vn_syn_builtin, @object\n"
        "vn_syn_builtin:\n"
        ".incbin \"common/synonyms.txt\"\n"
        ".global vn_syn_builtin_end\n"
        "vn_syn_builtin_end:\n"
        ".byte 0\n"
        ".previous\n");

size_t vn_syn_builtin_len(void)
{
    return (size_t)(vn_syn_builtin_end - vn_syn_builtin);
}
