/* The RMM (Realm EL2): creates, runs and destroys realms in the slots EL3
 * delegated to it.
 *
 * Its own stage 1 (EL2 regime) maps the image's 2 MiB block with AMEC = 0,
 * so its code and data use MECID_P0_EL2 = 0, the MECID the loader wrote them
 * with, and the realm memory pool's block with AMEC = 1, so what it writes
 * there uses MECID_A0_EL2, which it sets to the MECID of the realm it works
 * for (AArch64.S1OutputMECID, Regime_EL2). A realm's kernel runs at Realm
 * EL1 under the stage 2 tables the RMM built in the realm's memory, with
 * VMECID_P_EL2 = the realm's MECID (its stage 2 AMEC = 0 pages, and the
 * stage 2 walks) and VMECID_A_EL2 = SHARED_MECID (the shared page, stage 2
 * AMEC = 1), and the boot-time stage 1 tables (VA = IPA) the RMM also
 * wrote for it. Everything the RMM writes into a realm's slot it writes with
 * the realm's MECID, as the realm reads it. */
#include "demo.h"

struct realm { uint64_t mecid, live; };

uint64_t rmm_out[4];
uint64_t el1_result[4];
uint64_t rmm_saved_sp;

static struct realm realms[SLOTS];
static uint64_t rmm_l1[512] __attribute__((aligned(4096)));
static uint64_t rmm_l2[512] __attribute__((aligned(4096)));

extern char realm_image_lma[], realm_image_end_lma[];   /* the kernel's image in the RMM's memory */
extern char realm_vectors[], realm_entry[];              /* its VAs */

uint64_t run_el1(uint64_t entry, uint64_t sp, uint64_t a0, uint64_t a1);
void rmm_main(uint64_t cmd, uint64_t a, uint64_t b, uint64_t c);

#define NORMAL_BLOCK(pa) ((pa) | PTE_AF | PTE_SH_INNER | PTE_BLOCK)   /* MAIR index 0 */

static void rmm_init(void)
{
    rmm_l1[1] = (uint64_t)rmm_l2 | PTE_TABLE;                          /* VA 1-2 GiB */
    rmm_l2[0] = NORMAL_BLOCK(RAM_BASE);                                 /* the image: AMEC = 0 */
    rmm_l2[(POOL - RAM_BASE) >> 21] = NORMAL_BLOCK(POOL) | PTE_AMEC | (1ull << 54);   /* realms: AMEC = 1, XN */
    MSR("mair_el2", 0xff);
    MSR("ttbr0_el2", (uint64_t)rmm_l1);
    /* T0SZ 25 (39-bit VA), write-back walks, inner shareable, 4 KiB, PS 48 bits. */
    MSR("tcr_el2", 25 | (1ull << 8) | (1ull << 10) | (3ull << 12) | (5ull << 16) | (1ull << 23) | (1ull << 31));
    __asm__ volatile("tlbi alle2\n\tdsb sy\n\tisb" ::: "memory");
    MSR(MECID_P0_EL2, 0);
    MSR("sctlr_el2", MRS("sctlr_el2") | 1 | (1 << 2) | (1 << 12));       /* M, C, I */
}

static void zero_pages(uint64_t pa, unsigned pages)
{
    for (uint64_t a = pa; a < pa + pages * PAGE_SIZE; a += 64) dc_zva(a);   /* DCZID_EL0: 64 bytes */
}

/* The realm kernel's stage 1 tables, in slot pages 0-2 (IPA = the page's
 * offset in the slot): level 1 -> level 2 -> one level 3 table for VA 0-2 MiB,
 * mapping VA = IPA. */
static void build_stage1(unsigned slot)
{
    uint64_t base = SLOT(slot), l3 = base + 2 * PAGE_SIZE;
    uint64_t page = PTE_AF | PTE_SH_INNER | PTE_TABLE;
    st64(base, PAGE_SIZE | PTE_TABLE);                  /* IPA of the level 2 table */
    st64(base + PAGE_SIZE, 2 * PAGE_SIZE | PTE_TABLE);  /* IPA of the level 3 table */
    for (unsigned p = KERNEL_PAGE; p < KERNEL_PAGE + KERNEL_PAGES; p++)
        st64(l3 + 8 * p, p * PAGE_SIZE | page | PTE_AP_RO | PTE_UXN);
    for (unsigned p = STACK_PAGE; p < DATA_PAGE + DATA_PAGES; p++)
        st64(l3 + 8 * p, p * PAGE_SIZE | page | PTE_UXN | PTE_PXN);
    st64(l3 + 8 * (SHARED_VA >> 12), SHARED_VA | page | PTE_UXN | PTE_PXN);
    for (unsigned j = 0; j < SLOTS; j++) {
        for (unsigned p = 0; p < DATA_PAGES; p++) {
            uint64_t va = WINDOW(j) + p * PAGE_SIZE;
            st64(l3 + 8 * ((va >> 12) & 511), va | page | PTE_AP_RO | PTE_UXN | PTE_PXN);
        }
    }
}

/* The realm's stage 2 tables, in slot pages 16-18 (not in its IPA space):
 * IPA 0-2 MiB through one level 3 table. */
static void build_stage2(unsigned slot)
{
    uint64_t base = SLOT(slot), l1 = base + S2_PAGE * PAGE_SIZE, l2 = l1 + PAGE_SIZE, l3 = l2 + PAGE_SIZE;
    uint64_t page = S2_NORMAL | S2_R | PTE_SH_INNER | PTE_AF | PTE_TABLE;
    st64(l1, l2 | PTE_TABLE);
    st64(l2, l3 | PTE_TABLE);
    for (unsigned p = 0; p < DATA_PAGE + DATA_PAGES; p++) {
        uint64_t d = (base + p * PAGE_SIZE) | page;
        if (p < KERNEL_PAGE || p >= STACK_PAGE) d |= S2_XN;
        if (p >= STACK_PAGE) d |= S2_W;
        st64(l3 + 8 * p, d);
    }
    st64(l3 + 8 * (SHARED_VA >> 12), SHARED_PA | page | S2_W | S2_XN | S2_AMEC);   /* VMECID_A_EL2 */
    for (unsigned j = 0; j < SLOTS; j++) {
        for (unsigned p = 0; p < DATA_PAGES; p++) {
            uint64_t ipa = WINDOW(j) + p * PAGE_SIZE;
            st64(l3 + 8 * ((ipa >> 12) & 511), (SLOT(j) + (DATA_PAGE + p) * PAGE_SIZE) | page | S2_XN);
        }
    }
}

static void create(unsigned slot, uint64_t mecid)
{
    realms[slot].mecid = mecid;
    realms[slot].live = 1;
    MSR(MECID_A0_EL2, mecid);
    uint64_t base = SLOT(slot);
    zero_pages(base, DATA_PAGE);                      /* tables, kernel, stack: with the new MECID */
    zero_pages(base + S2_PAGE * PAGE_SIZE, 3);
    uint64_t size = (uint64_t)(realm_image_end_lma - realm_image_lma);
    for (uint64_t o = 0; o < size; o += 8) st64(base + KERNEL_PAGE * PAGE_SIZE + o, ld64((uint64_t)realm_image_lma + o));
    build_stage1(slot);
    build_stage2(slot);
    __asm__ volatile("dsb sy\n\tic iallu\n\tdsb sy\n\tisb" ::: "memory");
}

static void run(unsigned slot, uint64_t kcmd, uint64_t arg)
{
    MSR(VMECID_P_EL2, realms[slot].mecid);
    MSR(VMECID_A_EL2, SHARED_MECID);
    MSR("vttbr_el2", (SLOT(slot) + S2_PAGE * PAGE_SIZE) | (uint64_t)(slot + 1) << 48);   /* VMID = slot + 1 */
    /* T0SZ 25 (39-bit IPA), SL0 1 (start at level 1), write-back walks, inner shareable, 4 KiB, PS 48 bits. */
    MSR("vtcr_el2", 25 | (1ull << 6) | (1ull << 8) | (1ull << 10) | (3ull << 12) | (5ull << 16) | (1ull << 31));
    MSR("hcr_el2", (1ull << 31) | 1);                   /* RW: EL1 is AArch64; VM: stage 2 */
    MSR("mair_el1", 0xff);
    MSR("ttbr0_el1", 0);                                /* IPA 0: slot page 0 */
    /* T0SZ 25, write-back walks, inner shareable, 4 KiB, EPD1 (no TTBR1), IPS 48 bits. */
    MSR("tcr_el1", 25 | (1ull << 8) | (1ull << 10) | (3ull << 12) | (1ull << 23) | (5ull << 32));
    MSR("vbar_el1", (uint64_t)realm_vectors);
    MSR("sctlr_el1", 0x30d00800ull | 1 | (1 << 2) | (1 << 12));   /* RES1 bits, M, C, I */
    __asm__ volatile("tlbi vmalls12e1\n\tdsb sy\n\tisb" ::: "memory");
    run_el1((uint64_t)realm_entry, STACK_TOP_VA, kcmd, arg);
    for (unsigned i = 0; i < 4; i++) rmm_out[i] = el1_result[i];
}

/* The RMM reads a slot's data with `mecid` (MECID_A0_EL2): words that are not ciphertext. */
static void peek(unsigned slot, uint64_t mecid)
{
    MSR(MECID_A0_EL2, mecid);
    uint64_t base = SLOT(slot) + DATA_VA, bad = 0;
    for (uint64_t o = 0; o < DATA_BYTES; o += 8) bad += ld64(base + o) != CIPHERTEXT;
    rmm_out[0] = bad;
    rmm_out[1] = ld64(base);
}

/* The RMM reads the shared page with `mecid`: its first word; x0 = words that are not ciphertext. */
static void peek_shared(uint64_t mecid)
{
    MSR(MECID_A0_EL2, mecid);
    uint64_t bad = 0;
    for (uint64_t o = 0; o < PAGE_SIZE; o += 8) bad += ld64(SHARED_PA + o) != CIPHERTEXT;
    rmm_out[0] = bad;
    rmm_out[1] = ld64(SHARED_PA);
}

void rmm_main(uint64_t cmd, uint64_t a, uint64_t b, uint64_t c)
{
    for (unsigned i = 0; i < 4; i++) rmm_out[i] = 0;
    unsigned slot = (unsigned)a % SLOTS;
    switch (cmd) {
    case RMM_INIT:
        rmm_init();
        MSR(MECID_A0_EL2, SHARED_MECID);               /* the shared page: scrubbed with its MECID */
        zero_pages(SHARED_PA, 1);
        break;
    case RMM_CREATE: create(slot, b); break;
    case RMM_SCRUB_DATA: MSR(MECID_A0_EL2, realms[slot].mecid); zero_pages(SLOT(slot) + DATA_VA, DATA_PAGES); break;
    case RMM_RUN: run(slot, b, c); break;
    case RMM_DESTROY: realms[slot].live = 0; break;   /* no scrub: the next owner's RMM scrubs */
    case RMM_PEEK: peek(slot, b); break;
    case RMM_PEEK_SHARED: peek_shared(b); break;
    }
}
