/* Armature guest runtime: EL2 scaffolding and stage 2 translation tables for
 * the tests that start at EL2 (-M virt,virtualization=on; header only,
 * include from one C test, after mmu.h).
 *
 *   s2_el2_init()                    VBAR_EL2 = the vectors below
 *   s2_init(&m, gbits, t0sz, sl0, pool, size)
 *                                    stage 2 tables (mmu_t from mmu.h) whose
 *                                    start level follows VTCR_EL2.SL0, with the
 *                                    concatenated start-level tables it implies
 *   mmu_map(&m, ipa, pa, size, level, S2_* attrs) / mmu_entry(&m, ipa, level)
 *   vtcr_el2(gbits, t0sz, sl0)       VTCR_EL2 (PS 48 bits, WB inner-shareable walks)
 *   s2_enable(&m, vtcr) / s2_disable()  VTTBR_EL2, VTCR_EL2, HCR_EL2.{RW,VM}
 *   run_el1(fn, arg)                 ERET to EL1h at fn(arg) (DAIF masked, own stack);
 *                                    fn's return value comes back through HVC #0
 *
 * Exceptions from EL1 taken to EL2 (stage 2 faults...) other than that HVC
 * are recorded in s2_esr/far/hpfar/elr, s2_count is incremented, and EL1
 * resumes at the next instruction, or at its x30 for an instruction abort
 * (a faulting call through call_va). EL1's own exceptions go to VBAR_EL1
 * (start.S: semihost.h's record mode works at EL1). */
#ifndef ARMATURE_STAGE2_H
#define ARMATURE_STAGE2_H

#include "mmu.h"
#include "callee_frame.h"

/* Stage 2 descriptor bits. */
#define S2_MEM_NORMAL  (0xfull << 2)    /* MemAttr: Normal, outer and inner Write-back */
#define S2_MEM_NC      (0x5ull << 2)    /* Normal Non-cacheable */
#define S2_MEM_DEVICE  (0x1ull << 2)    /* Device-nGnRE */
#define S2_R           (1ull << 6)      /* S2AP[0]: read */
#define S2_W           (1ull << 7)      /* S2AP[1]: write */
#define S2_SH_INNER    (3ull << 8)
#define S2_AF          (1ull << 10)
#define S2_XN          (1ull << 54)
#define S2_RW          (S2_MEM_NORMAL | S2_R | S2_W | S2_SH_INNER | S2_AF)
#define S2_RO          (S2_MEM_NORMAL | S2_R | S2_SH_INNER | S2_AF)

#define HCR_VM         (1ull << 0)
#define HCR_RW         (1ull << 31)

#define S2_MSR(reg, v) __asm__ volatile("msr " reg ", %0\n\tisb" :: "r"((uint64_t)(v)) : "memory")
#define S2_MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })

volatile uint64_t s2_esr, s2_far, s2_hpfar, s2_elr, s2_count;
uint64_t s2_saved_sp;
static uint8_t s2_el1_stack[16384] __attribute__((aligned(16)));

uint64_t run_el1_raw(uint64_t (*fn)(uint64_t), uint64_t arg, void *sp);
void s2_unexpected(uint64_t esr, uint64_t elr, uint64_t far);

__asm__(
"    .section .text.stage2, \"ax\"\n"
"    .macro S2_VENT target\n"
"    .balign 128\n"
"    b \\target\n"
"    .endm\n"
"    .balign 2048\n"
"s2_el2_vectors:\n"
"    S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n"
"    S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n"
"    S2_VENT s2_lower_sync\n S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n"
"    S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n S2_VENT s2_vec_unexpected\n"
"\n"
/* From EL1: HVC #0 returns from run_el1_raw; anything else is recorded. */
"s2_lower_sync:\n"
"    stp x9, x10, [sp, #-16]!\n"
"    mrs x9, esr_el2\n"
"    lsr x10, x9, #26\n"
"    cmp x10, #0x16\n"
"    b.eq 3f\n"
"    adrp x10, s2_esr\n"
"    str x9, [x10, :lo12:s2_esr]\n"
"    lsr x9, x9, #26\n"
"    cmp x9, #0x20\n"                    /* instruction abort: resume at x30 */
"    mrs x9, elr_el2\n"
"    adrp x10, s2_elr\n"
"    str x9, [x10, :lo12:s2_elr]\n"
"    add x9, x9, #4\n"
"    csel x9, x30, x9, eq\n"
"    msr elr_el2, x9\n"
"    mrs x9, far_el2\n"
"    adrp x10, s2_far\n"
"    str x9, [x10, :lo12:s2_far]\n"
"    mrs x9, hpfar_el2\n"
"    adrp x10, s2_hpfar\n"
"    str x9, [x10, :lo12:s2_hpfar]\n"
"    adrp x10, s2_count\n"
"    ldr x9, [x10, :lo12:s2_count]\n"
"    add x9, x9, #1\n"
"    str x9, [x10, :lo12:s2_count]\n"
"    ldp x9, x10, [sp], #16\n"
"    eret\n"
"3:  adrp x1, s2_saved_sp\n"
"    ldr x1, [x1, :lo12:s2_saved_sp]\n"
"    mov sp, x1\n"
CALLEE_FRAME_RESTORE_RET
"\n"
"s2_vec_unexpected:\n"
"    mrs x0, esr_el2\n"
"    mrs x1, elr_el2\n"
"    mrs x2, far_el2\n"
"    bl s2_unexpected\n"
"\n"
/* run_el1_raw(fn, arg, sp): ERET to EL1h at the trampoline with x0 = arg,
 * x1 = fn; returns fn's result when the trampoline's HVC #0 arrives. */
"    .global run_el1_raw\n"
"run_el1_raw:\n"
CALLEE_FRAME_SAVE
"    mov x3, sp\n"
"    adrp x4, s2_saved_sp\n"
"    str x3, [x4, :lo12:s2_saved_sp]\n"
"    msr sp_el1, x2\n"
"    adr x3, s2_el1_trampoline\n"
"    msr elr_el2, x3\n"
"    mov x3, #0x3c5\n"                   /* EL1h, DAIF masked */
"    msr spsr_el2, x3\n"
"    mov x3, x0\n"
"    mov x0, x1\n"
"    mov x1, x3\n"
"    isb\n"
"    eret\n"
"s2_el1_trampoline:\n"
"    blr x1\n"
"    hvc #0\n"
"    b .\n"
"    .text\n"
);

extern char s2_el2_vectors[];

void s2_unexpected(uint64_t esr, uint64_t elr, uint64_t far)
{
    print_str("UNEXPECTED EXCEPTION at EL2 ESR=");
    print_hex64(esr);
    print_str(" ELR=");
    print_hex64(elr);
    print_str(" FAR=");
    print_hex64(far);
    print_nl();
    sh_exit(0xEE);
}

static inline uint64_t run_el1(uint64_t (*fn)(uint64_t), uint64_t arg)
{
    return run_el1_raw(fn, arg, s2_el1_stack + sizeof s2_el1_stack);
}

static inline void s2_el2_init(void)
{
    S2_MSR("vbar_el2", (uint64_t)s2_el2_vectors);
}

/* Stage 2 tables: the start level is VTCR_EL2.SL0's (4 KiB: 2 - SL0, 16 and
 * 64 KiB: 3 - SL0); the root is 2^(bits resolved there) descriptors, one or
 * more concatenated granules (the pool must be aligned to the root's size). */
static inline void s2_init(mmu_t *m, unsigned gbits, unsigned t0sz, unsigned sl0, void *pool, uint64_t pool_size)
{
    m->gbits = gbits;
    m->tsz = t0sz;
    m->start = gbits == 12 ? 2 - sl0 : 3 - sl0;
    m->pool = pool;
    m->pool_size = pool_size;
    m->used = 0;
    unsigned start_bits = 64 - t0sz - mmu_shift(m, m->start);
    uint64_t root_bytes = 8ull << start_bits;
    m->root = mmu_alloc(m);
    for (uint64_t b = 1ull << gbits; b < root_bytes; b += 1ull << gbits)
        mmu_alloc(m);
}

/* VTCR_EL2: T0SZ, SL0, inner/outer write-back walks, inner shareable, TG0,
 * PS = 48 bits; bit 31 is RES1. */
static inline uint64_t vtcr_el2(unsigned gbits, unsigned t0sz, unsigned sl0)
{
    return (uint64_t)t0sz | (uint64_t)sl0 << 6 | 1ull << 8 | 1ull << 10 | 3ull << 12
         | tcr_tg0(gbits) << 14 | 5ull << 16 | 1ull << 31;
}

static inline void s2_tlbi_all(void)
{
    __asm__ volatile("dsb ishst\n\ttlbi vmalls12e1is\n\tdsb ish\n\tisb" ::: "memory");
}

/* TLBI IPAS2E1IS for `ipa`, then VMALLE1IS for the combined entries (the
 * sequence the Arm ARM requires after changing a stage 2 entry). */
static inline void s2_tlbi_ipa(uint64_t ipa)
{
    __asm__ volatile("dsb ishst\n\ttlbi ipas2e1is, %0\n\tdsb ish\n\ttlbi vmalle1is\n\tdsb ish\n\tisb"
                     :: "r"((ipa >> 12) & 0xfffffffffull) : "memory");
}

static inline void s2_enable(mmu_t *m, uint64_t vtcr)
{
    S2_MSR("vttbr_el2", (uint64_t)(uintptr_t)m->root);
    S2_MSR("vtcr_el2", vtcr);
    S2_MSR("hcr_el2", HCR_RW | HCR_VM);
    s2_tlbi_all();
}

static inline void s2_disable(void)
{
    S2_MSR("hcr_el2", HCR_RW);
    s2_tlbi_all();
}

#endif
