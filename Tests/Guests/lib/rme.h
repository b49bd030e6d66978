/* Armature guest runtime: EL3 firmware scaffolding for the RME/MEC tests
 * (header only; include from one C test). Needs
 *   -M virt,secure=on,virtualization=on,mec=on -cpu max,x-rme=on
 * so main() runs at EL3 (Root state).
 *
 *   rme_init()                     EL3 and EL2 vector tables
 *   rme_el2_tables(amec_lo, amec_hi)  EL2 stage 1 identity map of RAM with 2 MiB
 *                                  blocks; blocks [amec_lo, amec_hi) carry AMEC = 1
 *   rme_enter_realm()/rme_enter_ns()  SCR_EL3 for Realm / Non-secure EL2
 *   run_el2(fn, arg)               ERET to EL2h at fn(arg) on its own stack; fn's
 *                                  return value comes back through SMC #0
 *   rme_el2_mmu(on)                SCTLR_EL2.M (set from EL3)
 *
 * Exceptions: a lower-EL exception to EL3 other than SMC (e.g. an MSR/MRS
 * trap, EC 0x18) is recorded in rme_el3_esr/rme_el3_count and skipped. An
 * exception taken to EL2 is recorded in rme_el2_esr/far/elr/count and
 * skipped, or resumed at x30 when rme_el2_to_lr is set (faulting fetches
 * after a BLR).
 *
 * MEC register names are spelled S3_... so the default -march assembles them. */
#ifndef ARMATURE_RME_H
#define ARMATURE_RME_H

#include "semihost.h"
#include "callee_frame.h"

#define SCR_NS        (1ull << 0)
#define SCR_SMD       (1ull << 7)
#define SCR_HCE       (1ull << 8)
#define SCR_RW        (1ull << 10)
#define SCR_TCR2EN    (1ull << 43)
#define SCR_SCTLR2EN  (1ull << 44)
#define SCR_MECEN     (1ull << 49)
#define SCR_NSE       (1ull << 62)

#define SCTLR2_EMEC   (1ull << 1)
#define TCR2_AMEC0    (1ull << 12)
#define TCR2_AMEC1    (1ull << 13)
#define PTE_AMEC      (1ull << 63)

#define RAM_BASE      0x40000000ull
#define BLOCK_SIZE    0x200000ull      /* 2 MiB */
#define RAM_BLOCKS    64               /* the default 128 MiB */

#define MSR(reg, v) __asm__ volatile("msr " reg ", %0\n\tisb" :: "r"((uint64_t)(v)) : "memory")
#define MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })

/* FEAT_MEC / SCTLR2 / TCR2 registers by encoding. */
#define MECIDR_EL2     "S3_4_C10_C8_7"
#define MECID_P0_EL2   "S3_4_C10_C8_0"
#define MECID_A0_EL2   "S3_4_C10_C8_1"
#define MECID_P1_EL2   "S3_4_C10_C8_2"
#define MECID_A1_EL2   "S3_4_C10_C8_3"
#define VMECID_P_EL2   "S3_4_C10_C9_0"
#define VMECID_A_EL2   "S3_4_C10_C9_1"
#define MECID_RL_A_EL3 "S3_6_C10_C10_1"
#define SCTLR2_EL2     "S3_4_C1_C0_3"
#define SCTLR2_EL3     "S3_6_C1_C0_3"
#define TCR2_EL2       "S3_4_C2_C0_3"
#define ID_AA64MMFR3   "S3_0_C0_C7_3"

volatile uint64_t rme_el3_esr, rme_el3_elr, rme_el3_count;
volatile uint64_t rme_el2_esr, rme_el2_far, rme_el2_elr, rme_el2_count, rme_el2_to_lr;
uint64_t rme_el3_saved_sp;

static uint64_t rme_l1[512] __attribute__((aligned(4096)));
static uint64_t rme_l2[512] __attribute__((aligned(4096)));
static uint8_t rme_el2_stack[16384] __attribute__((aligned(16)));

uint64_t run_el2_raw(uint64_t (*fn)(uint64_t), uint64_t arg, void *sp);

__asm__(
"    .section .text.rme, \"ax\"\n"
"    .macro RME_VENT target\n"
"    .balign 128\n"
"    b \\target\n"
"    .endm\n"
"    .balign 2048\n"
"rme_el3_vectors:\n"
"    RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n"
"    RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n"
"    RME_VENT rme_el3_lower_sync\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n"
"    RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n"
"    .balign 2048\n"
"rme_el2_vectors:\n"
"    RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n"
"    RME_VENT rme_el2_sync\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n"
"    RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n"
"    RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n RME_VENT rme_unexpected\n"
"\n"
/* An exception from a lower EL to EL3: SMC #0 returns from run_el2; anything
 * else is recorded and skipped. */
"rme_el3_lower_sync:\n"
"    stp x2, x3, [sp, #-16]!\n"
"    mrs x2, esr_el3\n"
"    lsr x3, x2, #26\n"
"    cmp x3, #0x17\n"
"    b.eq 1f\n"
"    adrp x3, rme_el3_esr\n"
"    str x2, [x3, :lo12:rme_el3_esr]\n"
"    mrs x2, elr_el3\n"
"    adrp x3, rme_el3_elr\n"
"    str x2, [x3, :lo12:rme_el3_elr]\n"
"    add x2, x2, #4\n"
"    msr elr_el3, x2\n"
"    adrp x3, rme_el3_count\n"
"    ldr x2, [x3, :lo12:rme_el3_count]\n"
"    add x2, x2, #1\n"
"    str x2, [x3, :lo12:rme_el3_count]\n"
"    ldp x2, x3, [sp], #16\n"
"    eret\n"
"1:  adrp x1, rme_el3_saved_sp\n"
"    ldr x1, [x1, :lo12:rme_el3_saved_sp]\n"
"    mov sp, x1\n"
CALLEE_FRAME_RESTORE_RET
"\n"
/* A synchronous exception at EL2: record it, skip the instruction (or resume
 * at x30 when rme_el2_to_lr is set). */
"rme_el2_sync:\n"
"    stp x9, x10, [sp, #-16]!\n"
"    mrs x9, esr_el2\n"
"    adrp x10, rme_el2_esr\n"
"    str x9, [x10, :lo12:rme_el2_esr]\n"
"    mrs x9, far_el2\n"
"    adrp x10, rme_el2_far\n"
"    str x9, [x10, :lo12:rme_el2_far]\n"
"    mrs x9, elr_el2\n"
"    adrp x10, rme_el2_elr\n"
"    str x9, [x10, :lo12:rme_el2_elr]\n"
"    adrp x10, rme_el2_count\n"
"    ldr x9, [x10, :lo12:rme_el2_count]\n"
"    add x9, x9, #1\n"
"    str x9, [x10, :lo12:rme_el2_count]\n"
"    adrp x10, rme_el2_to_lr\n"
"    ldr x9, [x10, :lo12:rme_el2_to_lr]\n"
"    cbnz x9, 1f\n"
"    mrs x9, elr_el2\n"
"    add x9, x9, #4\n"
"    msr elr_el2, x9\n"
"    b 2f\n"
"1:  msr elr_el2, x30\n"
"2:  ldp x9, x10, [sp], #16\n"
"    eret\n"
"\n"
"rme_unexpected:\n"
"    mov x0, #0xEE\n"
"    bl sh_exit\n"
"\n"
/* run_el2_raw(fn, arg, sp): ERET to EL2h at rme_el2_trampoline with x0 = arg,
 * x1 = fn; returns fn's result when the trampoline's SMC #0 arrives. */
"    .global run_el2_raw\n"
"run_el2_raw:\n"
CALLEE_FRAME_SAVE
"    mov x3, sp\n"
"    adrp x4, rme_el3_saved_sp\n"
"    str x3, [x4, :lo12:rme_el3_saved_sp]\n"
"    msr sp_el2, x2\n"
"    adr x3, rme_el2_trampoline\n"
"    msr elr_el3, x3\n"
"    mov x3, #0x3c9\n"
"    msr spsr_el3, x3\n"
"    mov x3, x0\n"
"    mov x0, x1\n"
"    mov x1, x3\n"
"    isb\n"
"    eret\n"
"rme_el2_trampoline:\n"
"    blr x1\n"
"    smc #0\n"
"    b .\n"
"    .text\n"
);

extern char rme_el3_vectors[], rme_el2_vectors[];

static inline uint64_t run_el2(uint64_t (*fn)(uint64_t), uint64_t arg)
{
    return run_el2_raw(fn, arg, rme_el2_stack + sizeof rme_el2_stack);
}

static inline void rme_init(void)
{
    MSR("vbar_el3", (uint64_t)rme_el3_vectors);
    MSR("vbar_el2", (uint64_t)rme_el2_vectors);
}

static inline void rme_enter_realm(void)
{
    MSR("scr_el3", SCR_NSE | SCR_NS | SCR_HCE | SCR_RW | SCR_TCR2EN | SCR_SCTLR2EN | SCR_MECEN);
}

static inline void rme_enter_ns(void)
{
    MSR("scr_el3", SCR_NS | SCR_HCE | SCR_RW | SCR_TCR2EN | SCR_SCTLR2EN | SCR_MECEN);
}

/* Identity map of RAM for the EL2 regime: 2 MiB Normal write-back blocks,
 * EL2-executable; blocks [amec_lo, amec_hi) have AMEC = 1. */
static inline void rme_el2_tables(unsigned amec_lo, unsigned amec_hi)
{
    for (unsigned i = 0; i < 512; i++) { rme_l1[i] = 0; rme_l2[i] = 0; }
    rme_l1[1] = (uint64_t)rme_l2 | 3;                       /* VA 1..2 GiB: table */
    for (unsigned i = 0; i < RAM_BLOCKS; i++) {
        uint64_t d = (RAM_BASE + (uint64_t)i * BLOCK_SIZE) | (1ull << 10) | (3ull << 8) | 1;   /* AF, inner shareable, block */
        if (i >= amec_lo && i < amec_hi) d |= PTE_AMEC;
        rme_l2[i] = d;
    }
    MSR("mair_el2", 0xff);
    MSR("ttbr0_el2", (uint64_t)rme_l1);
    /* T0SZ 25 (39-bit VA, start at level 1), 4 KiB, WB walks, PS 48 bits. */
    MSR("tcr_el2", 25 | (1ull << 8) | (1ull << 10) | (3ull << 12) | (5ull << 16) | (1ull << 23) | (1ull << 31));
    __asm__ volatile("tlbi alle2\n\tdsb sy\n\tisb" ::: "memory");
}

static inline void rme_el2_mmu(int on)
{
    uint64_t s = MRS("sctlr_el2");
    s = on ? (s | 1 | (1 << 2) | (1 << 12)) : (s & ~1ull);
    MSR("sctlr_el2", s);
}

#ifndef ARMATURE_MMU_H   /* mmu.h has its own ld64(va, init) / st64 */
static inline uint64_t ld64(uint64_t a) { return *(volatile uint64_t *)a; }
static inline void st64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
#endif

static inline void dc_zva(uint64_t a) { __asm__ volatile("dc zva, %0" :: "r"(a) : "memory"); }

#endif
