// ADR and ADRP: forward/backward/self offsets, far targets, ADRP at the end
// of a page (the page of the instruction is what counts), ADRP to absolute
// addresses far below/above the image (about -1 GiB and +3 GiB offsets).
#include "asmtest.h"
    .arch armv8-a

    // __armature_abs_zero = 0 is defined by guest.ld

TEST_BEGIN
back_label:
    adr     x0, here
    ldr     x1, =here
    sub     x2, x0, x1
    CHECKX  x2, 0, "adr forward"
here:
    adr     x0, .
    ldr     x1, =here
    sub     x2, x0, x1
    CHECKX  x2, 0, "adr ."
    adr     x0, back_label
    ldr     x1, =back_label
    sub     x2, x0, x1
    CHECKX  x2, 0, "adr backward"
    adr     x0, far_label
    ldr     x1, =far_label
    sub     x2, x0, x1
    CHECKX  x2, 0, "adr +~64 KiB"
    ldr     x1, =here
    sub     x2, x0, x1
    lsr     x2, x2, #16
    CHECKX  x2, 1, "adr far_label is >= 64 KiB ahead"
    adr     x0, after_label
    b       2f
    .skip   64
after_label:
    .skip   4
2:  ldr     x1, =after_label
    sub     x2, x0, x1
    CHECKX  x2, 0, "adr over data"

    adrp    x0, data_word
    ldr     x1, =data_word
    and     x1, x1, #~0xfff
    sub     x2, x0, x1
    CHECKX  x2, 0, "adrp data_word"
    adrp    x0, data_word
    ldr     x0, [x0, :lo12:data_word]
    CHECKX  x0, 0x1122334455667788, "adrp+ldr lo12"
    adrp    x0, __image_start
    CHECKX  x0, 0x40080000, "adrp __image_start"
    adrp    x0, __armature_abs_zero + 0x1234
    CHECKX  x0, 0x1000, "adrp 0x1234 (about -1 GiB)"
    adrp    x0, __armature_abs_zero + 0x100000abc
    CHECKX  x0, 0x100000000, "adrp 0x100000abc (about +3 GiB)"

    b       adrp_edge
    .p2align 12
    .skip   0xff8
adrp_edge:                          // page offset 0xff8
    adrp    x3, .                   // at 0xff8
    adrp    x4, .                   // at 0xffc: still this page
    adrp    x5, .                   // at 0x000 of the next page
    ldr     x1, =adrp_edge
    and     x1, x1, #~0xfff
    sub     x3, x3, x1
    sub     x4, x4, x1
    sub     x5, x5, x1
    CHECKX  x3, 0, "adrp at page offset 0xff8"
    CHECKX  x4, 0, "adrp at page offset 0xffc"
    CHECKX  x5, 0x1000, "adrp at next page offset 0"
    adr     x6, adrp_edge + 4
    ldr     x1, =adrp_edge + 4
    sub     x6, x6, x1
    CHECKX  x6, 0, "adr crossing page"
    b       done
    .ltorg
    .skip   0x10000 - 0x200
far_label:
    nop
done:
TEST_END alu_adr

    .data
    .balign 8
    .skip   0x123 * 8
data_word:
    .quad   0x1122334455667788
