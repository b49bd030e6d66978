/* FEAT_DIT (-cpu max): ID_AA64PFR0_EL1.DIT = 1; PSTATE.DIT written by MSR DIT,
 * #imm and MSR DIT, Xt and read by MRS DIT (bit 24), at EL1 and at EL0 (no
 * trap); an exception leaves PSTATE.DIT as it was and records it in SPSR_ELx
 * bit 24; ERET restores it from SPSR bit 24.
 * Armature-only (QEMU_SKIP): QEMU 7.2 and 10.0 clear PSTATE.DIT on exception
 * entry, where AArch64.TakeException leaves it as it was.
 * Arm ARM C5.2 (DIT), D1.4 (PSTATE), AArch64.TakeException and
 * AArch64.ExceptionReturn. TF-RMM writes DIT in its first instructions. */
#include "semihost.h"
#include "mmu.h"

#define MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })
#define MSR(reg, v) __asm__ volatile("msr " reg ", %0" :: "r"((uint64_t)(v)) : "memory")
#define DIT_IMM(n) __asm__ volatile(".arch armv8.4-a\n\tmsr dit, #" #n ::: "memory")
#define DIT_READ() MRS("s3_3_c4_c2_5")
#define DIT_WRITE(v) MSR("s3_3_c4_c2_5", v)

#define DIT (1ull << 24)

static volatile uint64_t svc_spsr, svc_dit, svc_seen;
static volatile uint64_t svc_clear_dit;

/* SVC #0x55 from EL1: records SPSR and PSTATE.DIT in the handler, and clears
 * SPSR.DIT when asked. */
static int svc_hook(exc_frame_t *f)
{
    if (f->vec != 0x200 || ESR_EC(f->esr) != 0x15 || (f->esr & 0xffff) != 0x55)
        return 0;
    svc_spsr = f->spsr;
    svc_dit = DIT_READ();
    svc_seen++;
    if (svc_clear_dit)
        f->spsr &= ~DIT;
    return 1;
}

static volatile uint64_t el0_dit[3];
static uint64_t el0_stack[256] __attribute__((aligned(16)));

/* Runs at EL0 (a leaf writing to globals) and returns by SVC #0xE0. */
__attribute__((noinline)) static void el0_code(void)
{
    el0_dit[0] = DIT_READ();
    DIT_IMM(1);
    el0_dit[1] = DIT_READ();
    DIT_WRITE(0);
    el0_dit[2] = DIT_READ();
    DIT_IMM(1);
    __asm__ volatile("svc #0xe0" ::: "memory");
}

int main(void)
{
    CHECK_EQ("ID_AA64PFR0_EL1.DIT", (MRS("id_aa64pfr0_el1") >> 48) & 0xf, 1);
    CHECK_EQ("DIT at reset", DIT_READ(), 0);
    DIT_IMM(1);
    CHECK_EQ("MSR DIT, #1", DIT_READ(), DIT);
    DIT_IMM(0);
    CHECK_EQ("MSR DIT, #0", DIT_READ(), 0);
    DIT_WRITE(~0ull);
    CHECK_EQ("MSR DIT, Xt (all ones): only bit 24", DIT_READ(), DIT);
    DIT_WRITE(DIT - 1);
    CHECK_EQ("MSR DIT, Xt (bits below 24)", DIT_READ(), 0);

    exception_hook = svc_hook;
    DIT_IMM(1);
    __asm__ volatile("svc #0x55" ::: "memory");
    CHECK_EQ("SVC taken", svc_seen, 1);
    CHECK_EQ("SPSR_EL1.DIT on entry", svc_spsr & DIT, DIT);
    CHECK_EQ("PSTATE.DIT in the handler (unchanged by entry)", svc_dit, DIT);
    CHECK_EQ("PSTATE.DIT after ERET", DIT_READ(), DIT);
    svc_clear_dit = 1;
    __asm__ volatile("svc #0x55" ::: "memory");
    CHECK_EQ("PSTATE.DIT after ERET with SPSR.DIT = 0", DIT_READ(), 0);
    svc_clear_dit = 0;
    __asm__ volatile("svc #0x55" ::: "memory");
    CHECK_EQ("SPSR_EL1.DIT with DIT clear", svc_spsr & DIT, 0);
    CHECK_EQ("PSTATE.DIT in the handler (clear)", svc_dit, 0);

    exception_hook = el0_hook;
    exc_count = 0;
    run_el0((uint64_t)(uintptr_t)el0_code, (uint64_t)(uintptr_t)&el0_stack[256]);
    CHECK_EQ("EL0: exceptions (other than the SVC back)", exc_count, 0);
    CHECK_EQ("EL0: DIT from EL1's ERET (SPSR.DIT = 0)", el0_dit[0], 0);
    CHECK_EQ("EL0: MSR DIT, #1", el0_dit[1], DIT);
    CHECK_EQ("EL0: MSR DIT, Xt", el0_dit[2], 0);

    test_finish("sys_dit");
    return 0;
}
