/* FEAT_PAN (Arm ARM D8.4.2, "Privileged access never"): with PSTATE.PAN set,
 * EL1 data accesses to pages EL0 may access (AP[1] = 1) take a permission
 * fault; EL1-only pages, LDTR/STTR (EL0's permissions) and instruction
 * fetches are not affected. MSR PAN, #imm and MSR/MRS PAN; exception entry
 * sets PAN when SCTLR_EL1.SPAN is 0 and keeps it when SPAN is 1; ERET
 * restores it from SPSR. A page used with PAN clear and then with PAN set
 * (and back) must follow PAN every time (no stale TLB permission). */
#include "mmu.h"

#define USER_DATA   0x10000000ull      /* EL0 and EL1 read/write */
#define USER_RO     0x10001000ull      /* EL0 and EL1 read-only, executable by EL1 */
#define KERN_DATA   0x10002000ull      /* EL1 only */

static uint8_t pool[8 * 4096] __attribute__((aligned(4096)));
static uint64_t pages[3][512] __attribute__((aligned(4096)));
extern char pan_code[];

/* A function in the user read-only page: fetched by EL1 whatever PAN says. */
__asm__(".text\n"
        ".balign 4096\n"
        "pan_code: movz x0, #0x77\n"
        "    ret\n"
        ".balign 4096\n");

static uint64_t read_pan(void) { uint64_t v; __asm__ volatile("mrs %0, S3_0_C4_C2_3" : "=r"(v)); return v; }
static void pan_imm(int on)
{
    if (on) __asm__ volatile("msr pan, #1\n\tisb" ::: "memory");
    else __asm__ volatile("msr pan, #0\n\tisb" ::: "memory");
}

static uint64_t svc_pan, svc_spsr_pan;
static int svc_hook(exc_frame_t *f)
{
    if (ESR_EC(f->esr) != 0x15)
        return 0;
    svc_pan = read_pan();
    svc_spsr_pan = f->spsr & (1ull << 22);
    return 1;
}

/* One load and one store at va (fault or not), then the faults seen. */
static void probe(const char *label, uint64_t va)
{
    exc_count = 0;
    uint64_t v = ld64(va, 0xdead);
    st64(va, v);
    print_str(label);
    print_str(": faults ");
    print_udec(exc_count);
    if (exc_count) {
        print_str(", last ESR ");
        print_hex(ESR_CMP(exc_last.esr));
        print_str(" FAR ");
        print_hex(exc_last.far);
    }
    print_nl();
}

int main(void)
{
    mmu_t m;
    mmu_init(&m, 12, 25, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    mmu_map(&m, USER_DATA, (uint64_t)pages[0], 4096, 3, PTE_KDATA | PTE_EL0);
    mmu_map(&m, USER_RO, (uint64_t)pan_code, 4096, 3, (PTE_KERNEL & ~PTE_UXN) | PTE_EL0 | PTE_RO);
    mmu_map(&m, KERN_DATA, (uint64_t)pages[2], 4096, 3, PTE_KDATA);
    uint64_t mmfr1;
    __asm__ volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(mmfr1));
    CHECK(((mmfr1 >> 20) & 0xf) >= 1, "ID_AA64MMFR1_EL1.PAN >= 1");
    mmu_enable_el1((uint64_t)m.root, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48));
    exc_record(4);

    pan_imm(0);
    CHECK_EQ("PAN after MSR PAN, #0", read_pan(), 0);
    probe("PAN 0, user data", USER_DATA);
    probe("PAN 0, kernel data", KERN_DATA);
    pan_imm(1);
    CHECK_EQ("PAN after MSR PAN, #1", read_pan(), 1ull << 22);
    probe("PAN 1, user data (same page, now denied)", USER_DATA);
    probe("PAN 1, user read-only", USER_RO);
    probe("PAN 1, kernel data", KERN_DATA);
    exc_count = 0;
    uint64_t v = ldtr64(USER_DATA, 0xdead);
    sttr64(USER_DATA, v + 1);
    print_str("PAN 1, LDTR/STTR of user data: faults ");
    print_udec(exc_count);
    print_nl();
    CHECK_EQ("LDTR/STTR under PAN", exc_count, 0);
    CHECK_EQ("PAN 1, fetch from a user page", call_va(USER_RO, 0), 0x77);
    __asm__ volatile("msr S3_0_C4_C2_3, %0\n\tisb" :: "r"(0ull) : "memory");
    CHECK_EQ("PAN after MSR PAN, xzr", read_pan(), 0);
    probe("PAN 0 again, user data", USER_DATA);
    CHECK_EQ("user data after STTR", pages[0][0], v + 1);

    /* Exception entry: SPAN = 0 sets PAN, SPAN = 1 keeps it; ERET restores it. */
    exc_fatal();
    exception_hook = svc_hook;
    write_sctlr_el1(read_sctlr_el1() & ~SCTLR_SPAN);
    __asm__ volatile("svc #0" ::: "memory");
    CHECK_EQ("SPAN 0: PAN in the handler", svc_pan, 1ull << 22);
    CHECK_EQ("SPAN 0: SPSR.PAN", svc_spsr_pan, 0);
    CHECK_EQ("PAN after ERET", read_pan(), 0);
    write_sctlr_el1(read_sctlr_el1() | SCTLR_SPAN);
    __asm__ volatile("svc #0" ::: "memory");
    CHECK_EQ("SPAN 1: PAN in the handler", svc_pan, 0);
    pan_imm(1);
    __asm__ volatile("svc #0" ::: "memory");
    CHECK_EQ("SPAN 1, PAN 1: PAN in the handler", svc_pan, 1ull << 22);
    CHECK_EQ("SPAN 1, PAN 1: SPSR.PAN", svc_spsr_pan, 1ull << 22);
    CHECK_EQ("PAN after ERET", read_pan(), 1ull << 22);
    pan_imm(0);
    exception_hook = 0;
    mmu_disable_el1();
    return test_finish("mmu_pan");
}
