/* Armature guest runtime: stage 1 translation tables for the MMU tests
 * (header only; include from one C test).
 *
 *   mmu_t m;  mmu_init(&m, gbits, tsz, pool, sizeof pool);
 *             gbits = 12 (4 KiB), 14 (16 KiB) or 16 (64 KiB); tsz = TxSZ
 *   mmu_map(&m, va, pa, size, level, attrs)    blocks (level < 3) or pages
 *   mmu_entry(&m, va, level)                   the descriptor slot (tables made on the way)
 *   mmu_table_bits(&m, va, level, bits)        ORs APTable/XNTable... into the
 *                                              table descriptor at `level` above va
 *   mmu_enable_el1(ttbr0, ttbr1, tcr) / mmu_disable_el1()
 *   tcr_el1(t0sz, gbits0, t1sz, gbits1, flags)   TCR_EL1 with WB/inner-shareable walks
 *   ld64/st64/... single accesses, for faults (see EXC_ skip mode in semihost.h)
 *   run_el0(entry, sp_el0)                     ERET to EL0 at `entry`; EL0 returns
 *                                              with SVC #0xE0 (el0_svc_hook handles it)
 *
 * The pool must be aligned to the granule. Tables are whole granules. MAIR
 * indices: ATTR_NORMAL (0xff: write-back), ATTR_DEVICE (0x00: nGnRnE),
 * ATTR_NC (0x44: Normal non-cacheable), ATTR_DEVICE_NGNRE (0x04). */
#ifndef ARMATURE_MMU_H
#define ARMATURE_MMU_H

#include "semihost.h"

#define PTE_VALID       (1ull << 0)
#define PTE_TABLE       (1ull << 1)
#define PTE_PAGE        (1ull << 1)
#define PTE_ATTR(i)     ((uint64_t)(i) << 2)
#define PTE_NS          (1ull << 5)
#define PTE_EL0         (1ull << 6)   /* AP[1]: EL0 may access */
#define PTE_RO          (1ull << 7)   /* AP[2]: read-only */
#define PTE_SH_INNER    (3ull << 8)
#define PTE_AF          (1ull << 10)
#define PTE_NG          (1ull << 11)
#define PTE_PXN         (1ull << 53)
#define PTE_UXN         (1ull << 54)
#define TBL_PXN         (1ull << 59)
#define TBL_UXN         (1ull << 60)
#define TBL_NO_EL0      (1ull << 61)  /* APTable[0] */
#define TBL_RO          (1ull << 62)  /* APTable[1] */

#define ATTR_NORMAL       0
#define ATTR_DEVICE       1
#define ATTR_NC           2
#define ATTR_DEVICE_NGNRE 3
#define MAIR_VALUE        0x044400ffull

/* EL1 read/write data, executable at EL1 only (Normal, inner shareable, AF set). */
#define PTE_KERNEL   (PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_UXN)
#define PTE_KDATA    (PTE_KERNEL | PTE_PXN)

#define TCR_EPD0     (1ull << 7)
#define TCR_EPD1     (1ull << 23)
#define TCR_IPS(n)   ((uint64_t)(n) << 32)
#define TCR_IPS_48   TCR_IPS(5)
#define TCR_TBI0     (1ull << 37)
#define TCR_TBI1     (1ull << 38)

#define SCTLR_M      (1ull << 0)
#define SCTLR_A      (1ull << 1)
#define SCTLR_C      (1ull << 2)
#define SCTLR_I      (1ull << 12)
#define SCTLR_WXN    (1ull << 19)
#define SCTLR_SPAN   (1ull << 23)

typedef struct {
    unsigned gbits, tsz, start;
    uint64_t *root;
    uint8_t *pool;
    uint64_t pool_size, used;
} mmu_t;

static inline unsigned mmu_shift(const mmu_t *m, unsigned level)
{
    return m->gbits + (m->gbits - 3) * (3 - level);
}

static inline uint64_t *mmu_alloc(mmu_t *m)
{
    uint64_t g = 1ull << m->gbits;
    if (m->used + g > m->pool_size) {
        print_str("FAIL: translation table pool exhausted\n");
        sh_exit(2);
    }
    uint64_t *t = (uint64_t *)(m->pool + m->used);
    m->used += g;
    for (uint64_t i = 0; i < g / 8; i++)
        t[i] = 0;
    return t;
}

static inline void mmu_init(mmu_t *m, unsigned gbits, unsigned tsz, void *pool, uint64_t pool_size)
{
    m->gbits = gbits;
    m->tsz = tsz;
    m->start = 4 - (64 - tsz - 4) / (gbits - 3);
    m->pool = pool;
    m->pool_size = pool_size;
    m->used = 0;
    m->root = mmu_alloc(m);
}

/* The slot of the descriptor at `level` for `va` (tables are created on the way). */
static inline uint64_t *mmu_entry(mmu_t *m, uint64_t va, unsigned level)
{
    uint64_t *t = m->root;
    for (unsigned l = m->start;; l++) {
        unsigned shift = mmu_shift(m, l);
        unsigned bits = l == m->start ? 64 - m->tsz - shift : m->gbits - 3;
        uint64_t *e = &t[(va >> shift) & ((1ull << bits) - 1)];
        if (l == level)
            return e;
        if (!(*e & PTE_VALID) || !(*e & PTE_TABLE))
            *e = (uint64_t)(uintptr_t)mmu_alloc(m) | PTE_VALID | PTE_TABLE;
        t = (uint64_t *)(uintptr_t)(*e & 0x0000fffffffff000ull);
    }
}

static inline void mmu_map(mmu_t *m, uint64_t va, uint64_t pa, uint64_t size, unsigned level, uint64_t attrs)
{
    uint64_t bs = 1ull << mmu_shift(m, level);
    for (uint64_t off = 0; off < size; off += bs)
        *mmu_entry(m, va + off, level) = ((pa + off) & ~(bs - 1)) | attrs | PTE_VALID | (level == 3 ? PTE_PAGE : 0);
}

static inline void mmu_table_bits(mmu_t *m, uint64_t va, unsigned level, uint64_t bits)
{
    *mmu_entry(m, va, level) |= bits;
}

static inline uint64_t tcr_tg0(unsigned gbits) { return gbits == 12 ? 0 : gbits == 16 ? 1 : 2; }
static inline uint64_t tcr_tg1(unsigned gbits) { return gbits == 12 ? 2 : gbits == 16 ? 3 : 1; }

/* TCR_EL1: both ranges walk with write-back, inner-shareable attributes. */
static inline uint64_t tcr_el1(unsigned t0sz, unsigned gbits0, unsigned t1sz, unsigned gbits1, uint64_t flags)
{
    return (uint64_t)t0sz | (1ull << 8) | (1ull << 10) | (3ull << 12) | tcr_tg0(gbits0) << 14
         | (uint64_t)t1sz << 16 | (1ull << 24) | (1ull << 26) | (3ull << 28) | tcr_tg1(gbits1) << 30
         | flags;
}

static inline uint64_t read_sctlr_el1(void) { uint64_t v; __asm__ volatile("mrs %0, sctlr_el1" : "=r"(v)); return v; }
static inline void write_sctlr_el1(uint64_t v) { __asm__ volatile("msr sctlr_el1, %0\n\tisb" :: "r"(v) : "memory"); }
static inline uint64_t read_par_el1(void) { uint64_t v; __asm__ volatile("mrs %0, par_el1" : "=r"(v)); return v; }

static inline void tlbi_vmalle1(void)
{
    __asm__ volatile("dsb ishst\n\ttlbi vmalle1\n\tdsb ish\n\tisb" ::: "memory");
}

static inline void tlbi_vae1(uint64_t va)
{
    __asm__ volatile("dsb ishst\n\ttlbi vae1, %0\n\tdsb ish\n\tisb" :: "r"((va >> 12) & 0xfffffffffffull) : "memory");
}

/* Turns the EL1&0 stage 1 on (SPAN set so that exceptions never set PSTATE.PAN). */
static inline void mmu_enable_el1(uint64_t ttbr0, uint64_t ttbr1, uint64_t tcr)
{
    __asm__ volatile("dsb ish\n\t"
                     "msr mair_el1, %0\n\t"
                     "msr tcr_el1, %1\n\t"
                     "msr ttbr0_el1, %2\n\t"
                     "msr ttbr1_el1, %3\n\t"
                     "isb\n\t"
                     "tlbi vmalle1\n\t"
                     "dsb ish\n\t"
                     "isb"
                     :: "r"(MAIR_VALUE), "r"(tcr), "r"(ttbr0), "r"(ttbr1) : "memory");
    uint64_t s = read_sctlr_el1();
    s |= SCTLR_M | SCTLR_C | SCTLR_I | SCTLR_SPAN;
    s &= ~(SCTLR_A | SCTLR_WXN);
    write_sctlr_el1(s);
}

static inline void mmu_disable_el1(void)
{
    write_sctlr_el1(read_sctlr_el1() & ~(SCTLR_M | SCTLR_WXN | SCTLR_A));
    tlbi_vmalle1();
}

/* Maps the program's RAM 1:1 (Normal, EL1 RWX) with blocks at `level`. */
static inline void mmu_map_ram(mmu_t *m, unsigned level)
{
    mmu_map(m, 0x40000000ull, 0x40000000ull, 128ull << 20, level, PTE_KERNEL);
}

/* Single accesses for fault tests: exactly one instruction may fault, so
 * record mode with skip 4 resumes after it. Loads leave `init` in place. */
#define DEFINE_LD(name, insn, type)                                             \
    static inline uint64_t name(uint64_t va, uint64_t init)                     \
    {                                                                           \
        uint64_t v = init;                                                      \
        __asm__ volatile(insn " %" type "0, [%1]" : "+r"(v) : "r"(va) : "memory"); \
        return v;                                                               \
    }
#define DEFINE_ST(name, insn, type)                                             \
    static inline void name(uint64_t va, uint64_t v)                            \
    {                                                                           \
        __asm__ volatile(insn " %" type "0, [%1]" :: "r"(v), "r"(va) : "memory"); \
    }
DEFINE_LD(ld64, "ldr", "x")
DEFINE_LD(ld32, "ldr", "w")
DEFINE_LD(ld8, "ldrb", "w")
DEFINE_LD(ldtr64, "ldtr", "x")
DEFINE_ST(st64, "str", "x")
DEFINE_ST(st32, "str", "w")
DEFINE_ST(st8, "strb", "w")
DEFINE_ST(sttr64, "sttr", "x")

/* Calls the function at `va` (x0 = its result); an instruction abort on the
 * call returns here through x30 (record mode with EXC_SKIP_TO_LR). */
static inline uint64_t call_va(uint64_t va, uint64_t init)
{
    register uint64_t x0 __asm__("x0") = init;
    register uint64_t x16 __asm__("x16") = va;
    __asm__ volatile("blr x16" : "+r"(x0), "+r"(x16)
                     :: "x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12",
                        "x13", "x14", "x15", "x17", "x30", "memory", "cc");
    return x0;
}

/* Records the exceptions from now on: skip = 4 (next instruction) or EXC_SKIP_TO_LR. */
static inline void exc_record(uint64_t skip)
{
    exc_skip = skip;
    exc_record_mode = 1;
}

static inline void exc_fatal(void) { exc_record_mode = 0; }

/* ESR under the mask the tests compare: EC, IL, WnR, xFSC (ISV and the
 * instruction syndrome are optional). Instruction aborts: EC, IFSC. */
#define ESR_CMP(esr)  ((esr) & 0xfe00007full)
#define ESR_ICMP(esr) ((esr) & 0xfc00003full)

/* ---- EL0 ----
 * run_el0(entry, sp): ERET to EL0t at `entry` with SP_EL0 = sp; the EL0 code
 * comes back with SVC #0xE0 with x30 as it found it, handled by el0_hook (install with exception_hook
 * = el0_hook). Other exceptions from EL0 are recorded in exc_last/exc_count
 * (and el0_esr/far/elr[exc_count]: set exc_count = 0 first) and EL0 resumes
 * at the next instruction (instruction aborts: at x30). */
void run_el0(uint64_t entry, uint64_t sp_el0);
__asm__(".text\n"
        ".global run_el0\n"
        "run_el0:\n"
        "    stp x19, x20, [sp, #-96]!\n"
        "    stp x21, x22, [sp, #16]\n"
        "    stp x23, x24, [sp, #32]\n"
        "    stp x25, x26, [sp, #48]\n"
        "    stp x27, x28, [sp, #64]\n"
        "    stp x29, x30, [sp, #80]\n"
        "    msr sp_el0, x1\n"
        "    msr elr_el1, x0\n"
        "    adr x30, 1f\n"
        "    mov x9, #0x3c0\n"          /* EL0t, DAIF masked */
        "    msr spsr_el1, x9\n"
        "    eret\n"
        "1:  ldp x21, x22, [sp, #16]\n"
        "    ldp x23, x24, [sp, #32]\n"
        "    ldp x25, x26, [sp, #48]\n"
        "    ldp x27, x28, [sp, #64]\n"
        "    ldp x29, x30, [sp, #80]\n"
        "    ldp x19, x20, [sp], #96\n"
        "    ret\n");

/* The first EL0_REC exceptions from EL0 (other than the final SVC), in order. */
#define EL0_REC 16
static volatile uint64_t el0_esr[EL0_REC], el0_far[EL0_REC], el0_elr[EL0_REC];

__attribute__((unused)) static int el0_hook(exc_frame_t *f)
{
    if (f->vec != 0x400)
        return 0;
    if (ESR_EC(f->esr) == 0x15 && (f->esr & 0xffff) == 0xe0) {
        f->elr = f->x[30];          /* back into run_el0 */
        f->spsr = 0x3c5;            /* EL1h, DAIF masked */
        return 1;
    }
    uint64_t i = exc_count;
    if (i < EL0_REC) {
        el0_esr[i] = f->esr;
        el0_far[i] = f->far;
        el0_elr[i] = f->elr;
    }
    for (int i = 0; i < 31; i++)
        exc_last.x[i] = f->x[i];
    exc_last.elr = f->elr;
    exc_last.spsr = f->spsr;
    exc_last.esr = f->esr;
    exc_last.far = f->far;
    exc_last.vec = f->vec;
    exc_count++;
    if (ESR_EC(f->esr) == 0x20)     /* instruction abort: back to the caller (x30) */
        f->elr = f->x[30];
    else if (ESR_EC(f->esr) != 0x15)
        f->elr += 4;
    return 1;
}

#endif
