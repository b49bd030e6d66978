// Barriers and hints have no architectural effect on registers or flags:
// DMB/DSB (all domains/types), ISB, SB, NOP, YIELD, SEV, SEVL, WFE (after
// SEVL/SEV so the event register is set and it does not wait), CSDB,
// ESB, unallocated HINT space (executes as NOP). WFI is not used.
#include "asmtest.h"
    .arch armv8.5-a

TEST_BEGIN
    ldr     x0, =0x0123456789abcdef
    mov     x1, #0x90000000
    msr     nzcv, x1
    dmb     sy
    dmb     ish
    dmb     ishld
    dmb     ishst
    dmb     osh
    dmb     oshld
    dmb     nsh
    dmb     ld
    dmb     st
    dsb     sy
    dsb     ish
    dsb     ishst
    dsb     nsh
    dsb     osh
    isb
    isb     sy
    sb
    nop
    yield
    sevl
    wfe                     // event register set by SEVL: returns at once
    sev
    wfe                     // SEV also sets the local event register
    csdb
    esb
    hint    #0x7f           // unallocated hints are NOPs
    hint    #0x30
    hint    #0x6
    CHECK_NZCV 0x9, "flags unchanged by barriers and hints"
    CHECKX  x0, 0x0123456789abcdef, "x0 unchanged"
    // a store, a barrier and a load see program order
    adrp    x2, hbuf
    add     x2, x2, :lo12:hbuf
    mov     x3, #42
    str     x3, [x2]
    dmb     ish
    ldr     x4, [x2]
    dsb     sy
    isb
    CHECKX  x4, 42, "load after dmb"
    // a WFE loop with SEVL: the classic spin-wait shape, one iteration
    sevl
    mov     x5, #0
1:  wfe
    add     x5, x5, #1
    ldr     x4, [x2]
    cmp     x4, #42
    b.ne    1b
    CHECKX  x5, 1, "sevl/wfe spin loop ran once"
TEST_END sys_barriers_hints

    .bss
    .balign 8
hbuf:
    .skip   8
