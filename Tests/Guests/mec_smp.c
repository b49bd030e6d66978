/* FEAT_MEC with several CPUs re-tagging and reading the same pages at once.
 *
 * Every CPU runs at EL3 with its MMU on: RAM is Root PAS (MECID 0) but for
 * one 2 MiB block mapped to the Realm PAS (descriptor NSE = NS = 1), whose
 * accesses use the CPU's own MECID_RL_A_EL3 (SCTLR2_EL3.EMEC = 1;
 * AArch64.S1OutputMECID for EL3): CPU c uses MECID 10 + c.
 *   1. Lines: in 8 shared pages, CPU c writes the lines l with l % N == c
 *      and reads every line, over and over while the others do the same:
 *      its own lines hold its last data, every other line reads 0xdeadbeef
 *      (written with another MECID, or never written by it).
 *   2. Ownership: the page passes from CPU to CPU, one round each. The new
 *      owner writes all of it (DC ZVA on odd rounds, then stores) with its
 *      MECID while the previous owner, whose TLB maps the page from the
 *      round it owned it, keeps reading: it sees its own old data or
 *      0xdeadbeef, never the new owner's (the re-tag drops the page from
 *      its TLB before the new data lands); once the round is published
 *      every other CPU reads 0xdeadbeef throughout, the owner its data.
 * Synchronisation is in Root memory (MECID 0, the same for every CPU).
 * Only CPU 0 prints.
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on,mec=on -cpu max,x-rme=on -smp 4 */
#include "semihost.h"

#define NCPUS        4
#define RAM_BASE     0x40000000ull
#define REALM_BLOCK  (RAM_BASE + 0x4000000ull)   /* RAM + 64 MiB: the Realm PAS block */
#define LINE_PAGES   8
#define LINE_ROUNDS  30
#define OWN_PAGE     (REALM_BLOCK + 0x100000ull)
#define OWN_ROUNDS   32
#define DEAD         0xdeadbeefdeadbeefull

#define MSR(reg, v) __asm__ volatile("msr " reg ", %0\n\tisb" :: "r"((uint64_t)(v)) : "memory")
#define MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })
#define MECID_RL_A_EL3 "S3_6_C10_C10_1"
#define SCTLR2_EL3     "S3_6_C1_C0_3"

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));
uint8_t mec_smp_stacks[NCPUS][16384] __attribute__((aligned(16)));

/* Released by CPU 0 (in .data: CPU 0 zeroes .bss while the others look at it). */
volatile uint64_t mec_smp_release __attribute__((section(".data"))) = 0;
static volatile uint64_t barrier_count, published, errors[NCPUS], foreign[NCPUS], reads[NCPUS];

/* The other CPUs wait here (start.S branches to it) until CPU 0 releases
 * them, then run secondary_main(cpu) on their own stacks. */
__asm__(
    ".text\n"
    ".global armature_secondary_pen\n"
    "armature_secondary_pen:\n"
    "    mrs x19, mpidr_el1\n"
    "    and x19, x19, #0xff\n"
    "    adrp x1, mec_smp_release\n"
    "1:  wfe\n"
    "    ldr x2, [x1, :lo12:mec_smp_release]\n"
    "    cbz x2, 1b\n"
    "    msr spsel, #1\n"
    "    adrp x2, mec_smp_stacks\n"
    "    add x2, x2, :lo12:mec_smp_stacks\n"
    "    add x3, x19, #1\n"
    "    add x2, x2, x3, lsl #14\n"
    "    mov sp, x2\n"
    "    mov x0, x19\n"
    "    bl secondary_main\n"
    "2:  wfi\n"
    "    b 2b\n");

static inline uint64_t load_acquire(volatile uint64_t *p) {
    uint64_t v;
    __asm__ volatile("ldar %0, [%1]" : "=r"(v) : "r"(p) : "memory");
    return v;
}

static inline void store_release(volatile uint64_t *p, uint64_t v) {
    __asm__ volatile("stlr %0, [%1]" :: "r"(v), "r"(p) : "memory");
}

/* Every CPU arrives before any leaves (generation k = the k-th barrier). */
static void barrier(uint64_t k) {
    __atomic_fetch_add(&barrier_count, 1, __ATOMIC_ACQ_REL);
    while (load_acquire(&barrier_count) < k * NCPUS) __asm__ volatile("yield");
}

static inline uint64_t ld(uint64_t a) { return *(volatile uint64_t *)a; }
static inline void st(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }

static uint64_t line_pattern(uint64_t cpu, uint64_t round, uint64_t a) {
    return (0xC0ull + cpu) << 56 | round << 32 | (a & 0xffffffff);
}

static uint64_t own_pattern(uint64_t cpu, uint64_t round, uint64_t a) {
    return (0x70ull + cpu) << 56 | round << 32 | (a & 0xffffffff);
}

/* EL3 stage 1: 1 GiB blocks (device below RAM), RAM in 2 MiB blocks, Root
 * PAS (NSE = 1, NS = 0) but for the Realm block (NSE = 1, NS = 1). */
static void build_tables(void) {
    for (uint64_t i = 0; i < 512; i++) {
        uint64_t pa = RAM_BASE + i * 0x200000ull;
        uint64_t pas = pa == REALM_BLOCK ? (1ull << 11 | 1ull << 5) : (1ull << 11);
        l2[i] = pa | pas | 1ull << 10 | 3ull << 8 | 0ull << 2 | 1;   /* AF, inner shareable, Normal WB, block */
    }
    l1[0] = 0x00000000ull | 1ull << 11 | 1ull << 10 | 1ull << 2 | 1;  /* Device, Root */
    l1[1] = (uint64_t)(uintptr_t)l2 | 3;
}

static void mmu_on(uint64_t cpu) {
    MSR("mair_el3", 0x00ffull);                  /* attr 0 Normal WB, attr 1 Device-nGnRnE */
    MSR("tcr_el3", 1ull << 31 | 1ull << 23 | 2ull << 16 | 3ull << 12 | 1ull << 10 | 1ull << 8 | 25);
    MSR("ttbr0_el3", (uint64_t)(uintptr_t)l1);
    __asm__ volatile("tlbi alle3\n dsb sy\n isb" ::: "memory");
    MSR(SCTLR2_EL3, MRS(SCTLR2_EL3) | 2);        /* EMEC */
    MSR(MECID_RL_A_EL3, 10 + cpu);
    MSR("sctlr_el3", MRS("sctlr_el3") | 1 | 1 << 2 | 1 << 12);
}

/* Phase 1: own lines (l % NCPUS == cpu) written and read back, the others' read. */
static void lines(uint64_t cpu) {
    for (uint64_t r = 1; r <= LINE_ROUNDS; r++) {
        for (uint64_t p = 0; p < LINE_PAGES; p++) {
            uint64_t page = REALM_BLOCK + p * 4096;
            for (uint64_t l = cpu; l < 64; l += NCPUS)
                for (uint64_t w = 0; w < 64; w += 8) st(page + l * 64 + w, line_pattern(cpu, r, page + l * 64 + w));
        }
        for (uint64_t p = 0; p < LINE_PAGES; p++) {
            uint64_t page = REALM_BLOCK + p * 4096;
            for (uint64_t l = 0; l < 64; l++) {
                uint64_t a = page + l * 64 + 8 * ((r + l) & 7);
                uint64_t v = ld(a);
                reads[cpu]++;
                if (l % NCPUS == cpu) {
                    if (v != line_pattern(cpu, r, a)) errors[cpu]++;
                } else if (v != DEAD) {
                    errors[cpu]++;
                    if (v >> 56 >= 0xC0 && v >> 56 < 0xC0 + NCPUS) foreign[cpu]++;
                }
            }
        }
    }
}

/* Phase 2: the page changes owner every round. */
static void ownership(uint64_t cpu) {
    for (uint64_t r = 1; r <= OWN_ROUNDS; r++) {
        uint64_t owner = r % NCPUS, prev = (r - 1) % NCPUS;
        barrier(1 + r);
        if (cpu == owner) {
            if (r & 1)
                for (uint64_t a = OWN_PAGE; a < OWN_PAGE + 4096; a += 64) __asm__ volatile("dc zva, %0" :: "r"(a) : "memory");
            for (uint64_t a = OWN_PAGE; a < OWN_PAGE + 4096; a += 8) st(a, own_pattern(cpu, r, a));
            for (uint64_t a = OWN_PAGE; a < OWN_PAGE + 4096; a += 8)
                if (ld(a) != own_pattern(cpu, r, a)) errors[cpu]++;
            __asm__ volatile("dsb ish" ::: "memory");
            store_release(&published, r);
        } else {
            uint64_t k = 0;
            while (load_acquire(&published) != r) {
                /* The previous owner reads through its TLB entry from its round. */
                uint64_t a = OWN_PAGE + 8 * (k++ & 511);
                uint64_t v = ld(a);
                reads[cpu]++;
                if (v != DEAD && !(cpu == prev && r > 1 && v == own_pattern(cpu, r - 1, a))) {
                    errors[cpu]++;
                    foreign[cpu]++;
                }
            }
            for (uint64_t a = OWN_PAGE; a < OWN_PAGE + 4096; a += 8) {
                uint64_t v = ld(a);
                reads[cpu]++;
                if (v != DEAD) {
                    errors[cpu]++;
                    if (v == own_pattern(owner, r, a) || v == 0) foreign[cpu]++;
                }
            }
        }
    }
}

static void run(uint64_t cpu) {
    mmu_on(cpu);
    barrier(1);
    lines(cpu);
    ownership(cpu);
    barrier(2 + OWN_ROUNDS);
}

void secondary_main(uint64_t cpu) {
    run(cpu);
}

int main(void) {
    build_tables();
    __asm__ volatile("dsb sy" ::: "memory");
    store_release(&mec_smp_release, 1);
    __asm__ volatile("sev" ::: "memory");
    run(0);
    uint64_t total = 0;
    for (int c = 0; c < NCPUS; c++) {
        print_str("cpu "); print_dec(c);
        print_str(": errors "); print_udec(errors[c]);
        print_str(", another MECID's data "); print_udec(foreign[c]);
        print_str(", reads > 0: "); print_str(reads[c] > 0 ? "yes" : "no");
        print_nl();
        total += errors[c];
        if (reads[c] == 0) total++;
    }
    CHECK_EQ("errors", total, 0);
    return test_finish("mec_smp");
}
