/* EL3 -> EL2 -> EL1 -> EL0 and back, each level with its own vectors and its
 * own stage 1 translation regime turned on (EL3, EL2, EL1&0; 4 KiB granule,
 * 39-bit VAs), then up again through SVC, HVC and SMC.
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max
 *
 * Each regime maps the program 1:1 (code read-only, data read/write and
 * execute-never, both EL0-accessible) plus a 1 GiB alias of RAM of its own at
 * VA (4 + EL) GiB. A level writes through its alias and reads the value back
 * through the identity map (so its MMU is on), and reads another level's alias
 * (a level 1 translation fault, so it uses its own tables). Every exception
 * is checked: the vector (current EL or lower EL), ESR (EC, IL, WnR, FSC, or
 * the immediate), FAR, ELR, SPSR.M, and PSTATE at the handler (DAIF masked,
 * SP_ELx selected, CurrentEL). Arm ARM D1.3 (exception entry), D8 (VMSAv8-64). */
#include "semihost.h"
#include "mmu.h"
#include "els.h"

#define GRANULE_BITS 12
#define TSZ          25                       /* 39-bit VAs: the walk starts at level 1 */
#define ALIAS(el)    ((4ull + (el)) << 30)     /* this regime's 1 GiB alias of RAM */
#define UNMAPPED     (8ull << 30)
#define RAM          0x40000000ull

extern char __data_start[];

static uint8_t pool[3][4 * 4096] __attribute__((aligned(4096)));
static mmu_t regime[4];                        /* index = EL (1: the EL1&0 regime) */
static uint8_t stack_el2[8192] __attribute__((aligned(16)));
static uint8_t stack_el1[8192] __attribute__((aligned(16)));
static uint8_t stack_el0[8192] __attribute__((aligned(16)));
static volatile uint64_t shared_word;
/* A page EL0 may not access (AP[1] = 0 in the EL1&0 regime). */
static volatile uint64_t el1_only[512] __attribute__((aligned(4096)));

#define CODE_ATTRS (PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_RO | PTE_EL0)
#define DATA_ATTRS (PTE_ATTR(ATTR_NORMAL) | PTE_SH_INNER | PTE_AF | PTE_EL0 | PTE_UXN)

static void build_tables(unsigned el)
{
    mmu_t *m = &regime[el];
    mmu_init(m, GRANULE_BITS, TSZ, pool[el - 1], sizeof pool[el - 1]);
    uint64_t data = (uint64_t)__data_start;
    for (uint64_t va = RAM; va < RAM + 0x200000; va += 4096) {
        uint64_t attrs = va < data ? CODE_ATTRS : DATA_ATTRS;
        if (el == 1 && va == (uint64_t)el1_only)
            attrs &= ~PTE_EL0;
        mmu_map(m, va, va, 4096, 3, attrs);
    }
    mmu_map(m, RAM + 0x200000, RAM + 0x200000, (128ull << 20) - 0x200000, 2, DATA_ATTRS);
    mmu_map(m, ALIAS(el), RAM, 1ull << 30, 1, DATA_ATTRS);
}


static uint64_t current_el(void) { return ELS_MRS("CurrentEL") >> 2; }

/* The alias write / identity read, and the other level's alias (a fault). */
static void check_own_regime(unsigned el, unsigned other)
{
    uint64_t magic = 0x5eed0000ull + el;
    st64(ALIAS(el) + ((uint64_t)&shared_word - RAM), magic);
    print_str("  EL"); print_udec(el); print_str(" alias store, identity load: ");
    print_hex(shared_word); print_nl();
    CHECK_EQ("  alias round trip", shared_word, magic);
    print_str("  EL"); print_udec(el); print_str(" reads EL"); print_udec(other); print_str("'s alias:\n");
    (void)ld64(ALIAS(other), 0);
}

static unsigned exceptions;

static void expect(const char *what, int ok)
{
    if (!ok) {
        print_str("FAIL: ");
        print_str(what);
        print_nl();
        g_failures++;
    }
}

static void report(els_exc_t *e)
{
    unsigned ec = ELS_EC(e->esr);
    int abort = ec == 0x24 || ec == 0x25;
    print_str("    EL"); print_udec(e->el);
    print_str(e->vec == ELS_VEC_CUR_SPX ? " <- same EL" : e->vec == ELS_VEC_LOWER64 ? " <- lower EL" : " <- ?");
    print_str(" EC="); print_hex(ec);
    print_str(" ESR="); print_hex(abort ? ESR_CMP(e->esr) : e->esr);
    if (abort) { print_str(" FAR="); print_hex(e->far); }
    print_str(" SPSR.M="); print_hex(e->spsr & 0xf);
    print_nl();
    /* PSTATE at the handler: the target EL, SP_ELx, every interrupt masked. */
    expect("handler CurrentEL", current_el() == e->el);
    expect("handler SPSel", ELS_MRS("SPSel") == 1);
    expect("handler DAIF", ELS_MRS("DAIF") == 0x3c0);
    exceptions++;
}

static int handler(els_exc_t *e)
{
    report(e);
    unsigned ec = ELS_EC(e->esr);
    unsigned imm = e->esr & 0xffff;
    unsigned from = (e->spsr >> 2) & 3;
    expect("vector matches SPSR.M", (e->vec == ELS_VEC_LOWER64) == (from < e->el));
    if (ec == 0x24 || ec == 0x25) {            /* data abort: skip the access */
        e->elr += 4;
        return 1;
    }
    if (e->el == 1 && ec == 0x15) {            /* SVC from EL0 */
        expect("SVC from EL0t", (e->spsr & 0xf) == 0);
        if (imm >= 2) {                        /* pass it up: HVC #imm at EL1 */
            print_str("    EL1 passes it up with HVC\n");
            if (imm == 2)
                __asm__ volatile("hvc #2" ::: "memory");
            else
                __asm__ volatile("hvc #15" ::: "memory");
            print_str("    back at EL1, ERET to EL0\n");
        }
        return 1;
    }
    if (e->el == 2 && ec == 0x16) {            /* HVC from EL1 */
        expect("HVC from EL1h", (e->spsr & 0xf) == 5);
        print_str("    EL2 passes it up with SMC\n");
        if (imm == 2)
            __asm__ volatile("smc #2" ::: "memory");
        else
            __asm__ volatile("smc #15" ::: "memory");
        print_str("    back at EL2, ERET to EL1\n");
        return 1;
    }
    if (e->el == 3 && ec == 0x17) {            /* SMC from EL2 */
        expect("SMC from EL2h", (e->spsr & 0xf) == 9);
        if (imm == 15) {
            print_str("EL3: the last SMC arrived; exceptions taken: ");
            print_udec(exceptions);
            print_nl();
            CHECK_EQ("exceptions", exceptions, 15);
            sh_exit(test_finish("sys_el_roundtrip"));
        }
        print_str("    EL3 returns\n");
        return 1;
    }
    return 0;
}

static void el0_main(uint64_t arg)
{
    /* No semihosting at EL0 (QEMU refuses it): EL1 prints for us. */
    uint64_t v = ld64(ALIAS(1) + ((uint64_t)&shared_word - RAM), 0);
    __asm__ volatile("svc #1" :: "r"(v) : "memory");
    st64((uint64_t)&el0_main, 0);              /* code is read-only: permission fault, level 3 */
    (void)ld64((uint64_t)&el1_only[0], 0);     /* AP[1] = 0: permission fault, level 3 */
    (void)ld64(UNMAPPED, 0);                   /* translation fault, level 1 */
    __asm__ volatile("svc #2" ::: "memory");   /* up to EL3 and back */
    __asm__ volatile("svc #15" ::: "memory");  /* up to EL3, which ends the test */
    for (;;) {}
}

static void el1_main(uint64_t arg)
{
    print_str("EL1: entered, CurrentEL "); print_hex(current_el()); print_nl();
    els_install(1);
    mmu_enable_el1((uint64_t)regime[1].root, 0, tcr_el1(TSZ, GRANULE_BITS, TSZ, GRANULE_BITS, TCR_EPD1 | TCR_IPS_48));
    print_str("EL1: MMU on (EL1&0 regime)\n");
    check_own_regime(1, 2);
    el1_only[0] = 0x1111;
    CHECK_EQ("  EL1 reads its EL1-only page", el1_only[0], 0x1111);
    print_str("EL1: ERET to EL0 (reads EL1's alias, SVC #1, stores to code, reads the\n"
              "     EL1-only page and an unmapped VA, SVC #2 and SVC #15 go up to EL3)\n");
    els_enter(1, el0_main, 0, SPSR_EL0T, stack_el0 + sizeof stack_el0);
}

static void el2_main(uint64_t arg)
{
    print_str("EL2: entered, CurrentEL "); print_hex(current_el()); print_nl();
    els_install(2);
    ELS_MSR("mair_el2", MAIR_VALUE);
    ELS_MSR("tcr_el2", els_tcr_one_range(GRANULE_BITS, TSZ));
    ELS_MSR("ttbr0_el2", (uint64_t)regime[2].root);
    __asm__ volatile("tlbi alle2\n\tdsb ish\n\tisb" ::: "memory");
    ELS_MSR("sctlr_el2", 0x30c50830ull | SCTLR_M | SCTLR_C | SCTLR_I);
    print_str("EL2: MMU on (EL2 regime)\n");
    check_own_regime(2, 3);
    print_str("  EL2 stores to its (read-only) code:\n");
    st64((uint64_t)&el2_main, 0);              /* permission fault, level 3 */
    ELS_MSR("hcr_el2", 1ull << 31);            /* RW: EL1 is AArch64 */
    ELS_MSR("sctlr_el1", 0x30d00800ull);
    print_str("EL2: ERET to EL1\n");
    els_enter(2, el1_main, 0, SPSR_EL1H, stack_el1 + sizeof stack_el1);
}

int main(void)
{
    print_str("EL3: CurrentEL "); print_hex(current_el()); print_nl();
    if (current_el() != 3) {
        print_str("FAIL: this test starts at EL3 (-M virt,secure=on,virtualization=on)\n");
        return 1;
    }
    els_handler = handler;
    els_install(3);
    for (unsigned el = 1; el <= 3; el++)
        build_tables(el);
    ELS_MSR("mair_el3", MAIR_VALUE);
    ELS_MSR("tcr_el3", els_tcr_one_range(GRANULE_BITS, TSZ));
    ELS_MSR("ttbr0_el3", (uint64_t)regime[3].root);
    __asm__ volatile("tlbi alle3\n\tdsb ish\n\tisb" ::: "memory");
    ELS_MSR("sctlr_el3", 0x30c50830ull | SCTLR_M | SCTLR_C | SCTLR_I);
    print_str("EL3: MMU on (EL3 regime)\n");
    check_own_regime(3, 2);
    print_str("  EL3 reads an unmapped VA:\n");
    (void)ld64(UNMAPPED, 0);
    /* Non-secure EL2 next: SCR_EL3.NS, HCE (HVC enabled), RW (EL2 is AArch64), RES1 bits 5:4. */
    ELS_MSR("scr_el3", ELS_SCR_NS_EL2);
    print_str("EL3: ERET to EL2\n");
    els_enter(3, el2_main, 0, SPSR_EL2H, stack_el2 + sizeof stack_el2);
}
