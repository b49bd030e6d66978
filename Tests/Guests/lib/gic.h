/* GIC helpers for the guest tests (header-only): QEMU virt's GICv2
 * (distributor 0x08000000, CPU interface 0x08010000: the default, or
 * -M virt,gic-version=2) and GICv3 (distributor 0x08000000, redistributor
 * 0x080A0000, the ICC_* system registers: -M virt,gic-version=3). A test picks
 * the version at compile time with GIC_V3 (1: GICv3, else GICv2).
 *
 *   gic_init()              distributor and CPU interface on, Group 0 and 1,
 *                           PMR 0xF0, binary points at their minimum
 *   gic_enable(intid, prio) enable an SGI/PPI/SPI with a priority (group 0 on
 *                           GICv2, Non-secure group 1 on GICv3); SPIs go to CPU 0
 *   gic_ack()               acknowledge (GICC_IAR / ICC_IAR1_EL1): the INTID
 *   gic_eoi(intid)          end of interrupt (GICC_EOIR / ICC_EOIR1_EL1)
 *   gic_dir(intid)          deactivate (GICC_DIR / ICC_DIR_EL1)
 *   gic_pmr(v), gic_rpr()   priority mask, running priority
 *   gic_sgi_self(n)         SGI n to this CPU (GICD_SGIR / ICC_SGI1R_EL1)
 *   gic_pending(intid)      the interrupt's pending bit (ISPENDR)
 *   gic_active(intid)       the interrupt's active bit (ISACTIVER)
 */
#ifndef GIC_H
#define GIC_H
#include <stdint.h>

#define GICD_BASE 0x08000000ul
#define GICC_BASE 0x08010000ul
#define GICR_BASE 0x080A0000ul
#define GICR_SGI_BASE (GICR_BASE + 0x10000ul)

#define GIC_REG32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define GIC_REG8(a) (*(volatile uint8_t *)(uintptr_t)(a))

#define GICD_CTLR 0x000
#define GICD_TYPER 0x004
#define GICD_IIDR 0x008
#define GICD_IGROUPR 0x080
#define GICD_ISENABLER 0x100
#define GICD_ICENABLER 0x180
#define GICD_ISPENDR 0x200
#define GICD_ICPENDR 0x280
#define GICD_ISACTIVER 0x300
#define GICD_ICACTIVER 0x380
#define GICD_IPRIORITYR 0x400
#define GICD_ICFGR 0xC00
#define GICD_SGIR 0xF00
#define GICD_IROUTER 0x6000

#define GICC_CTLR 0x00
#define GICC_PMR 0x04
#define GICC_BPR 0x08
#define GICC_IAR 0x0C
#define GICC_EOIR 0x10
#define GICC_RPR 0x14
#define GICC_HPPIR 0x18
#define GICC_IIDR 0xFC
#define GICC_DIR 0x1000

#define GICR_WAKER 0x14

#define GIC_RD(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " #reg : "=r"(_v)); _v; })
#define GIC_WR(reg, v) __asm__ volatile("msr " #reg ", %0\n\tisb" : : "r"((uint64_t)(v)) : "memory")

/* The register bank (distributor or SGI_base frame) holding `intid`'s bits. */
static inline uintptr_t gic_bank(uint32_t intid)
{
#if GIC_V3
    return intid < 32 ? GICR_SGI_BASE : GICD_BASE;
#else
    (void)intid;
    return GICD_BASE;
#endif
}

static inline void gic_init(void)
{
#if GIC_V3
    GIC_REG32(GICD_BASE + GICD_CTLR) = 0x3;                 /* EnableGrp0, EnableGrp1 (NS) */
    GIC_REG32(GICR_BASE + GICR_WAKER) = 0;                  /* wake the redistributor */
    while (GIC_REG32(GICR_BASE + GICR_WAKER) & 4)
        ;
    GIC_WR(S3_0_C12_C12_5, 7);                              /* ICC_SRE_EL1: SRE */
    GIC_WR(S3_0_C4_C6_0, 0xF0);                             /* ICC_PMR_EL1 */
    GIC_WR(S3_0_C12_C8_3, 0);                               /* ICC_BPR0_EL1 (minimum) */
    GIC_WR(S3_0_C12_C12_3, 0);                              /* ICC_BPR1_EL1 (minimum) */
    GIC_WR(S3_0_C12_C12_6, 1);                              /* ICC_IGRPEN0_EL1 */
    GIC_WR(S3_0_C12_C12_7, 1);                              /* ICC_IGRPEN1_EL1 */
#else
    GIC_REG32(GICD_BASE + GICD_CTLR) = 0x3;
    GIC_REG32(GICC_BASE + GICC_PMR) = 0xF0;
    GIC_REG32(GICC_BASE + GICC_BPR) = 0;
    GIC_REG32(GICC_BASE + GICC_CTLR) = 0x3;                 /* EnableGrp0/1, IRQ (FIQEn = 0) */
#endif
}

static inline void gic_set_priority(uint32_t intid, uint8_t prio)
{
    uintptr_t b = gic_bank(intid);
    GIC_REG8(b + GICD_IPRIORITYR + intid) = prio;
}

static inline void gic_enable(uint32_t intid, uint8_t prio)
{
    uintptr_t b = gic_bank(intid);
    gic_set_priority(intid, prio);
#if GIC_V3
    /* Non-secure Group 1 */
    GIC_REG32(b + GICD_IGROUPR + 4 * (intid / 32)) |= 1u << (intid % 32);
    if (intid >= 32)
        *(volatile uint64_t *)(uintptr_t)(GICD_BASE + GICD_IROUTER + 8 * intid) = 0;   /* CPU 0 */
#endif
    GIC_REG32(b + GICD_ISENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
}

static inline void gic_disable(uint32_t intid)
{
    GIC_REG32(gic_bank(intid) + GICD_ICENABLER + 4 * (intid / 32)) = 1u << (intid % 32);
}

static inline uint32_t gic_pending(uint32_t intid)
{
    return (GIC_REG32(gic_bank(intid) + GICD_ISPENDR + 4 * (intid / 32)) >> (intid % 32)) & 1;
}

static inline uint32_t gic_active(uint32_t intid)
{
    return (GIC_REG32(gic_bank(intid) + GICD_ISACTIVER + 4 * (intid / 32)) >> (intid % 32)) & 1;
}

static inline void gic_set_pending(uint32_t intid)
{
    GIC_REG32(gic_bank(intid) + GICD_ISPENDR + 4 * (intid / 32)) = 1u << (intid % 32);
}

static inline uint32_t gic_ack(void)
{
#if GIC_V3
    return (uint32_t)GIC_RD(S3_0_C12_C12_0) & 0xFFFFFF;     /* ICC_IAR1_EL1 */
#else
    return GIC_REG32(GICC_BASE + GICC_IAR);
#endif
}

static inline void gic_eoi(uint32_t intid)
{
#if GIC_V3
    GIC_WR(S3_0_C12_C12_1, intid);                          /* ICC_EOIR1_EL1 */
#else
    GIC_REG32(GICC_BASE + GICC_EOIR) = intid;
#endif
}

static inline void gic_dir(uint32_t intid)
{
#if GIC_V3
    GIC_WR(S3_0_C12_C11_1, intid);                          /* ICC_DIR_EL1 */
#else
    GIC_REG32(GICC_BASE + GICC_DIR) = intid;
#endif
}

static inline void gic_pmr(uint32_t v)
{
#if GIC_V3
    GIC_WR(S3_0_C4_C6_0, v);
#else
    GIC_REG32(GICC_BASE + GICC_PMR) = v;
#endif
}

static inline uint32_t gic_rpr(void)
{
#if GIC_V3
    return (uint32_t)GIC_RD(S3_0_C12_C11_3);                /* ICC_RPR_EL1 */
#else
    return GIC_REG32(GICC_BASE + GICC_RPR);
#endif
}

static inline uint32_t gic_hppir(void)
{
#if GIC_V3
    return (uint32_t)GIC_RD(S3_0_C12_C12_2);                /* ICC_HPPIR1_EL1 */
#else
    return GIC_REG32(GICC_BASE + GICC_HPPIR);
#endif
}

/* EOImode 1: EOI drops the priority, DIR deactivates. */
static inline void gic_eoimode(int split)
{
#if GIC_V3
    uint64_t c = GIC_RD(S3_0_C12_C12_4);                    /* ICC_CTLR_EL1 */
    GIC_WR(S3_0_C12_C12_4, split ? c | 2 : c & ~2ull);
#else
    uint32_t c = GIC_REG32(GICC_BASE + GICC_CTLR);
    GIC_REG32(GICC_BASE + GICC_CTLR) = split ? c | (1u << 9) : c & ~(1u << 9);
#endif
}

static inline void gic_sgi_self(uint32_t n)
{
#if GIC_V3
    /* ICC_SGI1R_EL1: INTID [27:24], Aff1..3 = 0, TargetList bit 0 (Aff0 = 0) */
    GIC_WR(S3_0_C12_C11_5, ((uint64_t)n << 24) | 1);
#else
    GIC_REG32(GICD_BASE + GICD_SGIR) = (2u << 24) | n;     /* TargetListFilter = this CPU */
#endif
}

#endif
