/* GICv3 with two Security states (secure=on): at EL3, a Group 0 SGI is
 * signalled as FIQ and taken at VBAR_EL3 + 0x300 once SCR_EL3.FIQ routes FIQs
 * to EL3 and PSTATE.F is clear; ICC_IAR0_EL1 acknowledges it, ICC_EOIR0_EL1
 * ends it. A Non-secure Group 1 SGI is also signalled as FIQ at EL3, where
 * ICC_HPPIR0_EL1 and ICC_IAR0_EL1 name it 1021 (a Non-secure Group 1
 * interrupt is pending) and ICC_IAR1_EL1 acknowledges it (EL3 handles both
 * Group 1s, as QEMU 7.2).
 * ARMATURE-ARGS: -M virt,secure=on,gic-version=3 -cpu max */
#include "els.h"

#define GICD 0x08000000ul
#define GICR 0x080A0000ul
#define SGI_BASE (GICR + 0x10000ul)
#define R32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define R8(a) (*(volatile uint8_t *)(uintptr_t)(a))

static volatile uint64_t fiq_count, fiq_vec, fiq_intid, fiq_hppir0, fiq_intid1, fiq_rpr1;

static int handler(els_exc_t *e)
{
    if (e->el != 3 || e->vec != 0x300)
        return 0;
    fiq_count++;
    fiq_vec = e->vec;
    fiq_hppir0 = ELS_MRS("S3_0_C12_C8_2");           /* ICC_HPPIR0_EL1 */
    uint64_t id = ELS_MRS("S3_0_C12_C8_0");          /* ICC_IAR0_EL1 */
    fiq_intid = id;
    if (id < 1020) {
        ELS_MSR("S3_0_C12_C8_1", id);                /* ICC_EOIR0_EL1 */
    } else {
        fiq_intid1 = ELS_MRS("S3_0_C12_C12_0");     /* ICC_IAR1_EL1 */
        fiq_rpr1 = ELS_MRS("S3_0_C12_C11_3");
        if (fiq_intid1 < 1020)
            ELS_MSR("S3_0_C12_C12_1", fiq_intid1);   /* ICC_EOIR1_EL1 */
    }
    return 1;
}

int main(void)
{
    if (!els_start(handler))
        return 1;
    R32(GICD + 0x0) = 0x37;                          /* EnableGrp0, Grp1NS, Grp1S; ARE_S, ARE_NS */
    CHECK_EQ("gicd_ctlr", R32(GICD + 0x0), 0x37);
    R32(GICR + 0x14) = 0;                            /* GICR_WAKER */
    while (R32(GICR + 0x14) & 4)
        ;
    ELS_MSR("S3_6_C12_C12_5", 0xF);                  /* ICC_SRE_EL3: SRE, Enable */
    ELS_MSR("S3_0_C4_C6_0", 0xF0);                   /* ICC_PMR_EL1 */
    ELS_MSR("S3_0_C12_C12_6", 1);                    /* ICC_IGRPEN0_EL1 */
    ELS_MSR("S3_6_C12_C12_7", 3);                    /* ICC_IGRPEN1_EL3: Grp1NS, Grp1S */
    CHECK_EQ("icc_igrpen1_el3", ELS_MRS("S3_6_C12_C12_7"), 3);
    CHECK_EQ("icc_sre_el3", ELS_MRS("S3_6_C12_C12_5") & 0xF, 0xF);

    /* SGI 1: Group 0 (IGROUPR0 = IGRPMODR0 = 0), SGI 2: Non-secure Group 1. */
    R32(SGI_BASE + 0x080) = 1u << 2;                 /* GICR_IGROUPR0 */
    R8(SGI_BASE + 0x400 + 1) = 0x40;
    R8(SGI_BASE + 0x400 + 2) = 0x40;
    R32(SGI_BASE + 0x100) = (1u << 1) | (1u << 2);   /* GICR_ISENABLER0 */

    ELS_MSR("S3_0_C12_C11_7", (1ull << 24) | 1);     /* ICC_SGI0R_EL1: SGI 1 to Aff0 0 */
    for (volatile int k = 0; k < 100; k++)
        ;
    CHECK_EQ("sgi 1 pending", R32(SGI_BASE + 0x200) >> 1 & 1, 1);
    CHECK_EQ("icc_hppir0_el1", ELS_MRS("S3_0_C12_C8_2"), 1);
    __asm__ volatile("msr daifclr, #1\n\tisb\n\tmsr daifset, #1" ::: "memory");
    CHECK_EQ("no fiq at el3 while scr_el3.fiq is 0", fiq_count, 0);
    ELS_MSR("scr_el3", ELS_MRS("scr_el3") | (1 << 2));   /* FIQ to EL3 */
    __asm__ volatile("msr daifclr, #1\n\tisb\n\tmsr daifset, #1" ::: "memory");
    CHECK_EQ("group 0 sgi taken as fiq", fiq_count, 1);
    CHECK_EQ("  vector", fiq_vec, 0x300);
    CHECK_EQ("  icc_iar0_el1", fiq_intid, 1);
    CHECK_EQ("  no longer pending", R32(SGI_BASE + 0x200) >> 1 & 1, 0);
    CHECK_EQ("  running priority idle", ELS_MRS("S3_0_C12_C11_3"), 0xFF);

    /* A Non-secure Group 1 SGI (ICC_ASGI1R_EL1 from Secure state) at EL3. */
    ELS_MSR("S3_0_C12_C11_6", (2ull << 24) | 1);     /* ICC_ASGI1R_EL1: SGI 2 */
    for (volatile int k = 0; k < 100; k++)
        ;
    CHECK_EQ("sgi 2 pending", R32(SGI_BASE + 0x200) >> 2 & 1, 1);
    CHECK_EQ("icc_hppir1_el1 at el3", ELS_MRS("S3_0_C12_C12_2"), 2);
    __asm__ volatile("msr daifclr, #1\n\tisb\n\tmsr daifset, #1" ::: "memory");
    CHECK_EQ("non-secure group 1 at el3 taken as fiq", fiq_count, 2);
    CHECK_EQ("  icc_hppir0_el1", fiq_hppir0, 1021);
    CHECK_EQ("  icc_iar0_el1", fiq_intid, 1021);
    CHECK_EQ("  icc_iar1_el1", fiq_intid1, 2);
    CHECK_EQ("  running priority", fiq_rpr1, 0x40);
    CHECK_EQ("  no longer pending", R32(SGI_BASE + 0x200) >> 2 & 1, 0);
    CHECK_EQ("  nor active", R32(SGI_BASE + 0x300) >> 2 & 1, 0);
    return test_finish("dev_gicv3_fiq");
}
