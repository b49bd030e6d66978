// Undefined instructions raise EC=0 (Unknown reason) with IL=1 and ELR at
// the instruction: UDF (0x00000000, udf #0xffff), unallocated encodings in
// the reserved space, SMC at EL1 when EL3 is not implemented (the virt PSCI
// conduit is HVC, so SMC is not intercepted), MRS/MSR of EL2/EL3 registers
// from EL1. Registers are not modified by the faulting instruction.
// (HVC is NOT undefined on QEMU's virt without EL2: it is the PSCI conduit;
// see exc_hvc_psci.)
#include "asmtest.h"
    .arch armv8-a

    .macro EXPECT_UNDEF label
    EXC_LOAD x2, esr
    CHECKX  x2, 0x02000000, "\label esr"
    EXC_LOAD x2, elr
    ldr     x3, =1b
    sub     x2, x2, x3
    CHECKX  x2, 0, "\label elr"
    .endm

TEST_BEGIN
    EXC_RECORD 4
    ldr     x0, =0x5555
1:  .inst   0x00000000
    EXPECT_UNDEF "udf #0"
1:  udf     #0xffff
    EXPECT_UNDEF "udf #0xffff"
1:  .inst   0x00010000              // reserved group, op1 != 0: unallocated
    EXPECT_UNDEF "reserved 0x00010000"
1:  .inst   0x00ff1234
    EXPECT_UNDEF "reserved 0x00ff1234"
    mov     x0, #0
1:  smc     #0
    EXPECT_UNDEF "smc #0 (no EL3)"
    ldr     x4, =0xabcdabcdabcdabcd
1:  smc     #0xffff
    EXPECT_UNDEF "smc #0xffff (no EL3)"
1:  mrs     x4, sctlr_el2
    EXPECT_UNDEF "mrs sctlr_el2"
    CHECKX  x4, 0xabcdabcdabcdabcd, "mrs destination unchanged"
1:  mrs     x4, hcr_el2
    EXPECT_UNDEF "mrs hcr_el2"
1:  msr     vbar_el2, x4
    EXPECT_UNDEF "msr vbar_el2"
1:  mrs     x4, scr_el3
    EXPECT_UNDEF "mrs scr_el3"
1:  msr     sctlr_el3, x4
    EXPECT_UNDEF "msr sctlr_el3"
    EXC_LOAD x2, count
    CHECKX  x2, 11, "eleven undefined instructions"
    CHECKX  x0, 0, "x0 untouched"
    EXC_FATAL
TEST_END exc_undef
