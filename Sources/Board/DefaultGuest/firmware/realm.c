/* A realm's kernel (Realm EL1). The RMM runs it with VMECID_P_EL2 = the
 * realm's MECID: without stage 2, every Realm EL1&0 access to the Realm PA
 * space, and its stage 1 table walks, use VMECID_P_EL2 (Arm ARM
 * AArch64.S1OutputMECID, AArch64.S1DisabledOutputMECID, AArch64.TTWalkMECID).
 * No globals: the image is copied into each realm and runs at KERNEL_VA. */
#include "demo.h"

struct result { uint64_t mismatches, first; };

struct result realm_main(uint64_t cmd, uint64_t arg);

struct result realm_main(uint64_t cmd, uint64_t arg)
{
    struct result r = { 0, 0 };
    uint64_t base = cmd == K_CHECK_WINDOW ? WINDOW(arg) : DATA_VA;
    for (uint64_t off = 0; off < DATA_BYTES; off += 8) {
        uint64_t expected;
        switch (cmd) {
        case K_WRITE_SECRET: st64(base + off, SECRET(arg, off)); continue;
        case K_CHECK_SECRET: expected = SECRET(arg, off); break;
        case K_CHECK_ZERO: expected = 0; break;
        default: expected = CIPHERTEXT; break;
        }
        uint64_t v = ld64(base + off);
        if (off == 0) r.first = v;
        if (v != expected) r.mismatches++;
    }
    return r;
}
