// SYS_EXIT (0x18) on AArch64 takes a pointer to {reason, subcode}; with
// ADP_Stopped_ApplicationExit the subcode is the exit status (here 5).
// EXPECT-EXIT: 5
#include "asmtest.h"
    .arch armv8-a

    .text
    .global main
main:
    adrp    x0, msg
    add     x0, x0, :lo12:msg
    bl      print_str
    adrp    x1, blk
    add     x1, x1, :lo12:blk
    mov     w0, #0x18               // SYS_EXIT
    hlt     #0xf000
    adrp    x0, bad
    add     x0, x0, :lo12:bad
    bl      print_str
    mov     x0, #1
    ret

    .section .rodata
msg:    .asciz "exiting with code 5\nPASS semi_exit_sys_exit\n"
bad:    .asciz "FAIL: SYS_EXIT returned\n"
    .balign 8
blk:    .quad 0x20026, 5
