// HVC at EL1 on the virt machine without EL2: QEMU's virt board uses HVC as
// the PSCI conduit (the device tree says method = "hvc"), so every HVC is a
// firmware call, not an exception: an unknown function ID returns
// NOT_SUPPORTED (-1) in x0 and leaves x1..x30 alone; PSCI_VERSION returns
// a version >= 1.0 (checked, not printed); PSCI_FEATURES(PSCI_VERSION) = 0.
#include "asmtest.h"
    .arch armv8-a

TEST_BEGIN
    EXC_RECORD 4                    // any exception would be counted
    mov     x0, #0                  // not a PSCI function ID
    ldr     x1, =0x1111
    ldr     x2, =0x2222
    ldr     x3, =0x3333
    hvc     #0
    CHECKX  x0, 0xffffffffffffffff, "hvc #0, x0=0: NOT_SUPPORTED"
    CHECKX  x1, 0x1111, "x1 preserved"
    CHECKX  x2, 0x2222, "x2 preserved"
    CHECKX  x3, 0x3333, "x3 preserved"
    ldr     x0, =0xc400ffff         // unknown SMC64 fast call
    hvc     #0x1234
    CHECKX  x0, 0xffffffffffffffff, "hvc #0x1234 unknown fn: NOT_SUPPORTED"
    ldr     x0, =0x84000000         // PSCI_VERSION
    hvc     #0
    lsr     x0, x0, #16
    cmp     x0, #1
    cset    x0, hs
    CHECKX  x0, 1, "PSCI_VERSION major >= 1"
    ldr     x0, =0x8400000a         // PSCI_FEATURES
    ldr     x1, =0x84000000         // ... of PSCI_VERSION
    hvc     #0
    CHECKX  x0, 0, "PSCI_FEATURES(PSCI_VERSION) = 0 (supported)"
    EXC_LOAD x2, count
    CHECKX  x2, 0, "no exception taken"
    EXC_FATAL
TEST_END exc_hvc_psci
