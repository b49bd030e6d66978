// Register 31 is SP or XZR depending on the instruction and operand
// position, and every W-register write zero-extends into the X register.
#include "asmtest.h"
    .arch armv8.1-a+lse

TEST_BEGIN
    mov     x19, sp
    // ADD (immediate): Rd and Rn are SP; ADDS: Rd is XZR, Rn is SP
    add     x0, sp, #1
    sub     x0, x0, x19
    CHECKX  x0, 1, "add x0, sp, #1 (Rn=SP)"
    adds    xzr, x19, #1            // CMN: result discarded, not SP
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "adds xzr does not write sp"
    // ADD (shifted register): Rd, Rn, Rm are all XZR
    mov     x1, #5
    add     x0, xzr, x1             // encoded as ADD x0, xzr, x1 (shifted form)
    CHECKX  x0, 5, "add shifted: Rn=31 is xzr"
    .inst   0x8b01001f              // add xzr, x0, x1 (shifted): discarded
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "add shifted with Rd=31 does not write sp"
    // ADD (extended): Rd and Rn are SP, Rm is XZR
    add     x0, sp, xzr, uxtx #2
    sub     x0, x0, x19
    CHECKX  x0, 0, "add extended: Rm=31 is xzr"
    // logical immediate: Rd is SP (ORR), Rn is XZR
    orr     x0, xzr, #0xff
    CHECKX  x0, 0xff, "orr imm: Rn=31 is xzr"
    sub     x2, x19, #0x100
    orr     sp, x2, #0x8            // writes SP
    mov     x0, sp
    sub     x0, x19, x0
    CHECKX  x0, 0xf8, "orr imm: Rd=31 is sp"
    mov     sp, x19
    ands    xzr, x1, #1             // TST: Rd=31 is xzr for ANDS
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "ands imm with Rd=31 does not write sp"
    // logical shifted: Rd=31 is XZR
    .inst   0xaa01003f              // orr xzr, x1, x1
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "orr shifted with Rd=31 does not write sp"
    // MOVZ/MOVN with Rd=31: XZR
    movz    xzr, #0x1234
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "movz xzr does not write sp"
    // MADD with Ra=31 is MUL; with Rm=31 the product is 0
    mov     x2, #6
    madd    x0, x1, x2, xzr
    CHECKX  x0, 30, "madd Ra=xzr"
    madd    x0, x1, xzr, x2
    CHECKX  x0, 6, "madd Rm=xzr"
    // CSEL with xzr operands
    cmp     x1, x1
    csel    x0, xzr, x1, eq
    CHECKX  x0, 0, "csel xzr"
    csinc   x0, x1, xzr, ne
    CHECKX  x0, 1, "csinc xzr (cinc-like)"
    // loads/stores: base 31 is SP, data 31 is XZR
    str     x1, [sp, #-16]!
    ldr     x0, [sp]
    CHECKX  x0, 5, "ldr [sp]"
    str     xzr, [sp]
    ldr     x0, [sp]
    CHECKX  x0, 0, "str xzr, [sp]"
    stp     xzr, x1, [sp]
    ldp     x0, x2, [sp]
    CHECKX  x0, 0, "stp xzr"
    ldr     xzr, [sp, #8]           // discarded
    add     sp, sp, #16
    mov     x0, sp
    sub     x0, x0, x19
    CHECKX  x0, 0, "ldr xzr does not write sp"
    // shifts/bitfield with XZR
    lsl     x0, xzr, #3
    CHECKX  x0, 0, "lsl xzr"
    ubfx    x0, xzr, #4, #8
    CHECKX  x0, 0, "ubfx xzr"

    // W writes zero-extend (destination preloaded with ones)
    mov     x9, #-1
    .macro ZX insn:vararg
    mov     x0, x9
    \insn
    lsr     x0, x0, #32
    CHECKQ  x0, 0, "\insn: upper 32 bits cleared"
    .endm
    mov     x1, #0x12
    mov     x2, #3
    adrp    x3, zbuf
    add     x3, x3, :lo12:zbuf
    str     x9, [x3]
    ZX      add w0, w1, #1
    ZX      add w0, w1, w2
    ZX      adds w0, w1, w2
    ZX      sub w0, w1, w2, lsl #2
    ZX      adc w0, w1, w2
    ZX      and w0, w9, #0xff
    ZX      orr w0, w1, w2
    ZX      eor w0, w9, w2
    ZX      bic w0, w9, w2
    ZX      mov w0, w9
    ZX      mov w0, #-1
    ZX      movk w0, #0x5555, lsl #16
    ZX      movn w0, #0
    ZX      lsl w0, w9, #4
    ZX      asr w0, w9, #4
    ZX      lslv w0, w9, w2
    ZX      asrv w0, w9, w2
    ZX      sbfx w0, w9, #0, #16
    ZX      sxtb w0, w9
    ZX      bfi w0, w1, #0, #8
    ZX      extr w0, w9, w9, #3
    ZX      csel w0, w9, w1, eq
    ZX      csinv w0, w1, w1, ne
    ZX      cneg w0, w1, eq
    ZX      mul w0, w9, w9
    ZX      madd w0, w9, w2, w9
    ZX      udiv w0, w9, w2
    ZX      sdiv w0, w9, w2
    ZX      clz w0, wzr
    ZX      cls w0, w9
    ZX      rbit w0, w9
    ZX      rev w0, w9
    ZX      rev16 w0, w9
    ZX      ldr w0, [x3]
    ZX      ldrsb w0, [x3]
    ZX      ldrsh w0, [x3]
    ZX      ldur w0, [x3, #4]
    ZX      ldxr w0, [x3]
    ZX      ldar w0, [x3]
    ZX      ldadd w2, w0, [x3]
    ZX      swp w9, w0, [x3]
    ZX      mrs x0, nzcv
    ZX      crc32w w0, w9, w9
    CHECKX  x9, 0xffffffffffffffff, "x9 intact"
TEST_END alu_zr_sp

    .bss
    .balign 16
zbuf:
    .skip   16
