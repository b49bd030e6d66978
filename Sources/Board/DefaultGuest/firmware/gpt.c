/* EL3: the granule protection table (FEAT_RME, Arm ARM D9). Level 0 covers
 * the 4 GiB protected physical address space in 1 GiB entries (L0GPTSZ 30);
 * a level 1 entry holds the 4-bit GPIs of 16 granules of 4 KiB. */
#include "demo.h"
#include "gpt.h"

#define L1_ENTRIES  16384       /* 1 GiB / 64 KiB */

/* The tables live below the image, at the bottom of RAM (EL3 gives those
 * granules GPI Root): the level 1 table is aligned to its size, 128 KiB. */
static uint64_t *const gpt_l1 = (uint64_t *)GPT_L1;
static uint64_t *const gpt_l0 = (uint64_t *)GPT_L0;

static uint64_t all16(unsigned gpi)
{
    uint64_t e = 0;
    for (unsigned i = 0; i < 16; i++) e |= (uint64_t)gpi << (4 * i);
    return e;
}

void gpt_init(void)
{
    gpt_l0[0] = (uint64_t)GPI_ALL << 4 | 1;                /* block: flash, UART, ... */
    gpt_l0[1] = (uint64_t)gpt_l1 | 3;                      /* table: RAM */
    gpt_l0[2] = (uint64_t)GPI_NO_ACCESS << 4 | 1;
    gpt_l0[3] = (uint64_t)GPI_NO_ACCESS << 4 | 1;
    uint64_t ns = all16(GPI_NS);
    for (unsigned i = 0; i < L1_ENTRIES; i++) gpt_l1[i] = ns;
    gpt_set(GPT_L1, GPT_END, GPI_ROOT);
}

void gpt_set(uint64_t lo, uint64_t hi, unsigned gpi)
{
    for (uint64_t pa = lo & ~(PAGE_SIZE - 1); pa < hi; pa += PAGE_SIZE) {
        uint64_t *e = &gpt_l1[(pa >> 16) & (L1_ENTRIES - 1)];
        unsigned shift = 4 * ((pa >> 12) & 0xf);
        *e = (*e & ~(0xfull << shift)) | (uint64_t)gpi << shift;
    }
    tlbi_paall();
}

void gpt_enable(void)
{
    MSR(GPTBR_EL3, (uint64_t)gpt_l0 >> 12);
    /* GPC (bit 16), SH outer shareable, ORGN/IRGN write-back, PGS 4 KiB, PPS 4 GiB. */
    MSR(GPCCR_EL3, (1ull << 16) | (2ull << 12) | (1ull << 10) | (1ull << 8));
    tlbi_paall();
}

uint64_t gpt_base(void) { return (uint64_t)gpt_l0; }
