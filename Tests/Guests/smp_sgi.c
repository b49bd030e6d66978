/* SGIs between two CPUs through the GIC (QEMU virt's default GICv2 here:
 * GICD_SGIR with a target list and "all but me", the source CPU in GICC_IAR;
 * smp_sgi_v3.c builds it for GICv3: ICC_SGI1R_EL1 by affinity and IRM):
 * CPU 0 and CPU 1 play ping-pong ROUNDS times, each waiting in WFI with IRQs
 * masked and acknowledging by polling; CPU 1's virtual timer ending its WFI
 * while CPU 0 spins; then WFE on CPU 1 ended by CPU 0's SEV.
 * ARMATURE-ARGS: -M virt -cpu max -smp 2 */
#include "semihost.h"
#include "gic.h"
#include "smp.h"

#ifndef TEST_NAME
#define TEST_NAME "smp_sgi"
#endif

#define ROUNDS 50
#define GICR_STRIDE 0x20000ul

static volatile uint64_t ready, finished, wfe_flag, wfe_done;
static volatile uint32_t first_ack[2], bad[2], count[2], all_but_me_ack, timer_ack;

static void cpu_gic_init(uint64_t cpu) {
#if GIC_V3
    uintptr_t rd = GICR_BASE + cpu * GICR_STRIDE, sgi = rd + 0x10000;
    GIC_REG32(rd + GICR_WAKER) = 0;
    while (GIC_REG32(rd + GICR_WAKER) & 4) {}
    GIC_REG32(sgi + GICD_IGROUPR) = 0xFFFF;                 /* SGIs: Non-secure Group 1 */
    for (int n = 0; n < 16; n++) GIC_REG8(sgi + GICD_IPRIORITYR + n) = 0x80;
    GIC_REG32(sgi + GICD_ISENABLER) = 0xFFFF;
    GIC_WR(S3_0_C12_C12_5, 7);                              /* ICC_SRE_EL1 */
    GIC_WR(S3_0_C4_C6_0, 0xF0);                             /* ICC_PMR_EL1 */
    GIC_WR(S3_0_C12_C12_3, 0);                              /* ICC_BPR1_EL1 */
    GIC_WR(S3_0_C12_C12_7, 1);                              /* ICC_IGRPEN1_EL1 */
#else
    (void)cpu;
    for (int n = 0; n < 16; n++) GIC_REG8(GICD_BASE + GICD_IPRIORITYR + n) = 0x80;   /* banked */
    GIC_REG32(GICC_BASE + GICC_PMR) = 0xF0;
    GIC_REG32(GICC_BASE + GICC_BPR) = 0;
    GIC_REG32(GICC_BASE + GICC_CTLR) = 0x3;
#endif
}

static void send_sgi(uint64_t target, uint32_t n) {
#if GIC_V3
    GIC_WR(S3_0_C12_C11_5, ((uint64_t)n << 24) | (1ull << target));   /* ICC_SGI1R_EL1, Aff3-1 = 0 */
#else
    GIC_REG32(GICD_BASE + GICD_SGIR) = (1u << (16 + target)) | n;
#endif
}

static void send_sgi_all_but_me(uint32_t n) {
#if GIC_V3
    GIC_WR(S3_0_C12_C11_5, ((uint64_t)n << 24) | (1ull << 40));        /* IRM */
#else
    GIC_REG32(GICD_BASE + GICD_SGIR) = (1u << 24) | n;
#endif
}

/* Waits in WFI (IRQs masked) for an interrupt and acknowledges it. */
static uint32_t wait_ack(void) {
    for (;;) {
        uint32_t id = gic_ack();
        if ((id & 0x3FF) != 1023) return id;
        __asm__ volatile("wfi" ::: "memory");
    }
}

static void cpu1(uint64_t cpu) {
    cpu_gic_init(cpu);
    ready = 1;
    for (int r = 0; r < ROUNDS; r++) {
        uint32_t id = wait_ack();
        if (r == 0) first_ack[1] = id;
        if ((id & 0x3FF) != 1) bad[1]++;
        gic_eoi(id);
        count[1]++;
        send_sgi(0, 2);
    }
    uint32_t id = wait_ack();
    all_but_me_ack = id;
    gic_eoi(id);
    /* CPU 1's own virtual timer (PPI 27) ends its WFI. */
#if GIC_V3
    GIC_REG8(GICR_BASE + cpu * GICR_STRIDE + 0x10000 + GICD_IPRIORITYR + 27) = 0x80;
    GIC_REG32(GICR_BASE + cpu * GICR_STRIDE + 0x10000 + GICD_IGROUPR) |= 1u << 27;
    GIC_REG32(GICR_BASE + cpu * GICR_STRIDE + 0x10000 + GICD_ISENABLER) = 1u << 27;
#else
    GIC_REG8(GICD_BASE + GICD_IPRIORITYR + 27) = 0x80;
    GIC_REG32(GICD_BASE + GICD_ISENABLER) = 1u << 27;
#endif
    __asm__ volatile("msr cntv_tval_el0, %0\n msr cntv_ctl_el0, %1\n isb" : : "r"((uint64_t)10000), "r"((uint64_t)1) : "memory");
    id = wait_ack();
    timer_ack = id;
    __asm__ volatile("msr cntv_ctl_el0, xzr\n isb" ::: "memory");
    gic_eoi(id);
    /* WFE until CPU 0 sets the flag and sends an event. */
    while (!wfe_flag) __asm__ volatile("wfe" ::: "memory");
    wfe_done = 1;
    finished = 1;
}

int main(void) {
    __asm__ volatile("msr daifset, #2" ::: "memory");
    GIC_REG32(GICD_BASE + GICD_CTLR) = 0x3;                 /* Group 0 and 1 */
    cpu_gic_init(0);
    CHECK_EQ("CPU_ON(1)", smp_start(1, cpu1), 0);
    while (!ready) {}
    for (int r = 0; r < ROUNDS; r++) {
        send_sgi(1, 1);
        uint32_t id = wait_ack();
        if (r == 0) first_ack[0] = id;
        if ((id & 0x3FF) != 2) bad[0]++;
        gic_eoi(id);
        count[0]++;
    }
    send_sgi_all_but_me(3);
    while (!timer_ack) {}
    for (volatile int k = 0; k < 1000; k++) {}
    wfe_flag = 1;
    __asm__ volatile("dsb ish\n sev" ::: "memory");
    while (!finished) {}
    smp_wait_state(1, 1);
    CHECK_EQ("rounds on CPU 0", count[0], ROUNDS);
    CHECK_EQ("rounds on CPU 1", count[1], ROUNDS);
#if GIC_V3
    CHECK_EQ("CPU 1's first IAR (SGI 1)", first_ack[1], 1);
    CHECK_EQ("CPU 0's first IAR (SGI 2)", first_ack[0], 2);
    CHECK_EQ("IRM SGI 3 at CPU 1", all_but_me_ack, 3);
#else
    CHECK_EQ("CPU 1's first IAR (SGI 1 from CPU 0)", first_ack[1], 0 << 10 | 1);
    CHECK_EQ("CPU 0's first IAR (SGI 2 from CPU 1)", first_ack[0], 1 << 10 | 2);
    CHECK_EQ("all-but-me SGI 3 at CPU 1 (from CPU 0)", all_but_me_ack, 0 << 10 | 3);
#endif
    CHECK_EQ("CPU 1's virtual timer in its WFI", timer_ack, 27);
    CHECK_EQ("unexpected INTIDs on CPU 0", bad[0], 0);
    CHECK_EQ("unexpected INTIDs on CPU 1", bad[1], 0);
    CHECK_EQ("WFE ended by SEV", wfe_done, 1);
    return test_finish(TEST_NAME);
}
