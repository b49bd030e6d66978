/* realm_mec: a realm workload that switches MECID often (FEAT_MEC).
 *
 * BENCH-ARGS: -M virt,secure=on,virtualization=on -cpu max,x-rme=on
 * BENCH-QEMU: no (QEMU 7.2 has no FEAT_RME/FEAT_MEC)
 *
 * EL3 sets up Realm EL2 with its MMU on (rme.h: code, stack and tables with
 * AMEC = 0, MECID_P0_EL2 = 0; the realms' memory in AMEC = 1 blocks, so it is
 * accessed with MECID_A0_EL2). Realm EL2 plays an RMM serving REALMS realms
 * in turn: for each realm it switches MECID_A0_EL2 to the realm's MECID and
 * updates 4 KiB of the realm's memory (read, mix, write back: the realm reads
 * its own data), and reads one word of another realm's memory (ciphertext
 * with mec=on; kept out of the checksum, so mec=on and mec=off compute the
 * same result). Every 64 rounds one realm is destroyed and re-created with
 * the next MECID: its 64 KiB are scrubbed with DC ZVA and re-initialised.
 * So the MECID changes every ~600 instructions and pages are re-tagged
 * constantly. The harness runs it with and without mec=on (--mec). */
#include "bench.h"
#include "rme.h"

#define REALMS       4
#define REGION_SIZE  0x10000ull                        /* 64 KiB per realm */
#define SLICE        0x1000ull                         /* updated per visit */
#define REGION(r)    (RAM_BASE + 16 * BLOCK_SIZE + (uint64_t)(r) * REGION_SIZE)   /* AMEC = 1 blocks 16..19 */
#define ROUNDS       (6000 * SCALE)

static uint64_t mecid[REALMS];

static void set_a0(uint64_t m) { MSR(MECID_A0_EL2, m); }

/* Create realm r with MECID m: scrub with the new MECID, then its initial data. */
static void create(unsigned r, uint64_t m)
{
    mecid[r] = m;
    set_a0(m);
    for (uint64_t o = 0; o < REGION_SIZE; o += 64) dc_zva(REGION(r) + o);
    for (uint64_t o = 0; o < REGION_SIZE; o += 8) st64(REGION(r) + o, m << 32 | o);
}

static uint64_t rmm(uint64_t arg)
{
    (void)arg;
    uint64_t h = 0, next = 3;
    for (unsigned r = 0; r < REALMS; r++) create(r, next++);
    for (uint64_t round = 0; round < ROUNDS; round++) {
        uint64_t off = (round * SLICE) % REGION_SIZE;
        for (unsigned r = 0; r < REALMS; r++) {
            set_a0(mecid[r]);
            uint64_t base = REGION(r) + off;
            for (uint64_t o = 0; o < SLICE; o += 8) {
                uint64_t v = ld64(base + o) * 0x9e3779b97f4a7c15ull + r;
                st64(base + o, v);
                h ^= v;
            }
            uint64_t foreign = ld64(REGION((r + 1) % REALMS) + off);   /* another realm's memory */
            BENCH_OPAQUE(foreign);
        }
        h = bench_mix(h, round);
        if (round % 64 == 63) {
            unsigned r = (unsigned)(round / 64) % REALMS;
            next = next == 3 + 2 * REALMS ? 3 : next + 1;
            create(r, next);
        }
    }
    for (unsigned r = 0; r < REALMS; r++) {
        set_a0(mecid[r]);
        for (uint64_t o = 0; o < REGION_SIZE; o += 512) h = bench_mix(h, ld64(REGION(r) + o));
    }
    return h;
}

int main(void)
{
    rme_init();
    rme_el2_tables(16, 20);
    MSR(SCTLR2_EL2, SCTLR2_EMEC);
    MSR(TCR2_EL2, TCR2_AMEC0);
    MSR(MECID_P0_EL2, 0);
    rme_el2_mmu(1);
    rme_enter_realm();
    uint64_t h = run_el2(rmm, 0);
    rme_el2_mmu(0);
    bench_report("realm_mec", h);
    return 0;
}
