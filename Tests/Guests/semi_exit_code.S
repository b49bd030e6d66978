// SYS_EXIT_EXTENDED (0x20) with ADP_Stopped_ApplicationExit and a non-zero
// code: the emulator must exit with status 3.
// EXPECT-EXIT: 3
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
    mov     w0, #0x20               // SYS_EXIT_EXTENDED
    hlt     #0xf000
    // not reached
    adrp    x0, bad
    add     x0, x0, :lo12:bad
    bl      print_str
    mov     x0, #1
    ret

    .section .rodata
msg:    .asciz "exiting with code 3\nPASS semi_exit_code\n"
bad:    .asciz "FAIL: SYS_EXIT_EXTENDED returned\n"
    .balign 8
blk:    .quad 0x20026, 3
