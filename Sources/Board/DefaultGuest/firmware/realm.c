/* A realm's kernel (Realm EL1). The RMM runs it under stage 2 with
 * VMECID_P_EL2 = the realm's MECID and VMECID_A_EL2 = SHARED_MECID: its
 * accesses use the one or the other by the stage 2 descriptor's AMEC bit
 * (Arm ARM AArch64.S2OutputMECID), its stage 2 walks VMECID_P_EL2
 * (AArch64.TTWalkMECID). No globals: the image is copied into each realm and
 * runs at KERNEL_VA. */
#include "demo.h"

struct result { uint64_t mismatches, first; };

struct result realm_main(uint64_t cmd, uint64_t arg);

struct result realm_main(uint64_t cmd, uint64_t arg)
{
    struct result r = { 0, 0 };
    uint64_t base = DATA_VA, bytes = DATA_BYTES;
    if (cmd == K_CHECK_WINDOW) base = WINDOW(arg);
    if (cmd == K_WRITE_SHARED || cmd == K_CHECK_SHARED) { base = SHARED_VA; bytes = PAGE_SIZE; }
    for (uint64_t off = 0; off < bytes; off += 8) {
        uint64_t expected;
        switch (cmd) {
        case K_WRITE_SECRET: st64(base + off, SECRET(arg, off)); continue;
        case K_WRITE_SHARED: st64(base + off, SHARED_WORD(arg, off)); continue;
        case K_CHECK_SECRET: expected = SECRET(arg, off); break;
        case K_CHECK_SHARED: expected = SHARED_WORD(arg, off); break;
        case K_CHECK_ZERO: expected = 0; break;
        default: expected = CIPHERTEXT; break;
        }
        uint64_t v = ld64(base + off);
        if (off == 0) r.first = v;
        if (v != expected) r.mismatches++;
    }
    return r;
}
