/* Benchmarks with the MMU on: linked with --wrap=main, this turns on the EL1
 * stage 1 MMU with an identity map before the workload's main runs.
 *
 *  - VA 0x0000_0000..0x3FFF_FFFF (devices, flash): one 1 GiB block, Device-nGnRnE.
 *  - VA 0x4000_0000..0x47FF_FFFF (128 MiB of RAM): 4 KiB pages, Normal write-back.
 * 4 KiB granule, 39-bit VA (T0SZ = 25, walks start at level 1), TTBR1 walks off.
 * The same ELF runs under QEMU, so both emulators walk the same tables. */
#include <stdint.h>

#define RAM_BASE   0x40000000ull
#define RAM_PAGES  (128u * 256u)          /* 128 MiB of 4 KiB pages */
#define L3_TABLES  (RAM_PAGES / 512u)

static uint64_t l1[512] __attribute__((aligned(4096)));
static uint64_t l2[512] __attribute__((aligned(4096)));
static uint64_t l3[L3_TABLES][512] __attribute__((aligned(4096)));

#define DESC_TABLE  3ull
#define DESC_BLOCK  1ull
#define DESC_PAGE   3ull
#define AF          (1ull << 10)
#define SH_INNER    (3ull << 8)
#define ATTR(i)     ((uint64_t)(i) << 2)
#define PXN         (1ull << 53)
#define UXN         (1ull << 54)

int __real_main(void);

int __wrap_main(void)
{
    l1[0] = 0x00000000ull | DESC_BLOCK | AF | ATTR(0) | PXN | UXN;   /* devices */
    l1[1] = (uint64_t)(uintptr_t)l2 | DESC_TABLE;
    for (unsigned t = 0; t < L3_TABLES; t++) {
        l2[t] = (uint64_t)(uintptr_t)l3[t] | DESC_TABLE;
        for (unsigned i = 0; i < 512; i++) {
            uint64_t pa = RAM_BASE + ((uint64_t)t * 512 + i) * 4096;
            l3[t][i] = pa | DESC_PAGE | AF | SH_INNER | ATTR(1);
        }
    }
    uint64_t mair = 0x00ull | (0xFFull << 8);          /* attr0 Device-nGnRnE, attr1 Normal WB */
    uint64_t tcr = 25ull                               /* T0SZ: 39-bit VA */
                 | (1ull << 8) | (1ull << 10)          /* IRGN0, ORGN0: write-back */
                 | (3ull << 12)                        /* SH0: inner shareable */
                 | (0ull << 14)                        /* TG0: 4 KiB */
                 | (1ull << 23)                        /* EPD1: no TTBR1 walks */
                 | (2ull << 32);                       /* IPS: 40-bit PA */
    __asm__ volatile(
        "msr mair_el1, %0\n"
        "msr tcr_el1, %1\n"
        "msr ttbr0_el1, %2\n"
        "dsb sy\n"
        "tlbi vmalle1\n"
        "dsb sy\n"
        "isb\n"
        "mrs x9, sctlr_el1\n"
        "orr x9, x9, #1\n"                              /* M */
        "orr x9, x9, #(1 << 2)\n"                       /* C */
        "orr x9, x9, #(1 << 12)\n"                      /* I */
        "msr sctlr_el1, x9\n"
        "isb\n"
        : : "r"(mair), "r"(tcr), "r"((uint64_t)(uintptr_t)l1) : "x9", "memory");
    return __real_main();
}
