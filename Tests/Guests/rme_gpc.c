/* FEAT_RME: the granule protection check. At EL3 with the MMU off, build a
 * GPT in RAM (PPS 4 GiB, PGS 4 KiB, level 0 blocks with GPI "all", a level 1
 * table for the GiB holding RAM) and enable GPC; then
 *   (a) EL3 (Root) reads and writes a granule marked Root;
 *   (b) with SCR_EL3.GPF = 1, Non-secure EL2 reads a granule marked Realm:
 *       a GPC exception to EL3 (EC 0x1E, GPCSC = GPF at level 1, xFSC 0x28),
 *       MFAR_EL3 = the PA with NS = 1, FAR_EL3 = the VA;
 *   (c) with SCR_EL3.GPF = 0 the same read (and a write) is a data abort at
 *       EL2 with DFSC 0x28 (Granule Protection Fault);
 *   (d) after the granule is marked 'all' (and TLBI PAALL), the read works.
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on -cpu max,x-rme=on */
#include "semihost.h"
#include "rme.h"

#define GPCCR_EL3 "S3_6_C2_C1_6"
#define GPTBR_EL3 "S3_6_C2_C1_4"
#define MFAR_EL3  "S3_6_C6_C0_5"
#define SCR_GPF   (1ull << 48)

#define GPI_NS    0x9ull
#define GPI_ROOT  0xAull
#define GPI_REALM 0xBull
#define GPI_ALL   0xFull

static uint64_t gpt_l0[4] __attribute__((aligned(4096)));
static uint64_t gpt_l1[16384] __attribute__((aligned(131072)));   /* 1 GiB / 64 KiB per entry */
static uint64_t target[512] __attribute__((aligned(4096)));

static void set_gpi(uint64_t pa, uint64_t gpi)
{
    uint64_t *e = &gpt_l1[(pa >> 16) & 0x3FFF];
    unsigned shift = 4 * ((pa >> 12) & 0xF);
    *e = (*e & ~(0xFull << shift)) | gpi << shift;
    __asm__ volatile("dsb sy\n\tsys #6, c8, c7, #4\n\tdsb sy\n\tisb" ::: "memory");   /* TLBI PAALL */
}

static uint64_t el2_read(uint64_t a) { return ld64(a); }
static uint64_t el2_write(uint64_t a) { st64(a, 0x5555); return 0; }

int main(void)
{
    rme_init();
    uint64_t pa = (uint64_t)target;
    target[1] = 0x1234;

    for (unsigned i = 0; i < 4; i++) gpt_l0[i] = GPI_ALL << 4 | 1;      /* blocks: all access */
    for (unsigned i = 0; i < 16384; i++) gpt_l1[i] = ~0ull;             /* 16 granules: all */
    gpt_l0[1] = (uint64_t)gpt_l1 | 3;                                   /* table for 1..2 GiB */
    set_gpi(pa, GPI_ROOT);
    CHECK_EQ("ID_AA64PFR0_EL1.RME", (MRS("id_aa64pfr0_el1") >> 52) & 0xF, 1);
    MSR(GPTBR_EL3, (uint64_t)gpt_l0 >> 12);
    /* GPC, PGS 4 KiB, Outer Shareable, WB caches, PPS 4 GiB. */
    MSR(GPCCR_EL3, (1ull << 16) | (2ull << 12) | (1ull << 10) | (1ull << 8));
    CHECK_EQ("GPCCR_EL3 (L0GPTSZ 0)", MRS(GPCCR_EL3), 0x12500);

    /* (a) Root. */
    CHECK_EQ("(a) EL3 reads Root granule", ld64(pa + 8), 0x1234);
    st64(pa + 16, 0xabcd);
    CHECK_EQ("(a) EL3 writes Root granule", ld64(pa + 16), 0xabcd);

    /* (b) Realm granule from Non-secure EL2, SCR_EL3.GPF = 1: GPC exception. */
    set_gpi(pa, GPI_REALM);
    rme_enter_ns();
    MSR("scr_el3", MRS("scr_el3") | SCR_GPF);
    rme_el3_count = 0;
    run_el2(el2_read, pa + 8);
    CHECK_EQ("(b) exceptions to EL3", rme_el3_count, 1);
    CHECK_EQ("(b) ESR_EL3.EC", rme_el3_esr >> 26, 0x1E);
    CHECK_EQ("(b) GPCSC (GPF, level 1)", (rme_el3_esr >> 14) & 0x3F, 0x0D);
    CHECK_EQ("(b) xFSC", rme_el3_esr & 0x3F, 0x28);
    CHECK_EQ("(b) MFAR_EL3", MRS(MFAR_EL3), pa | (1ull << 63));
    CHECK_EQ("(b) FAR_EL3 = VA", MRS("far_el3") == pa + 8, 1);

    /* (c) SCR_EL3.GPF = 0: a data abort at EL2 with the GPF status. */
    MSR("scr_el3", MRS("scr_el3") & ~SCR_GPF);
    rme_el2_count = 0;
    run_el2(el2_read, pa + 8);
    CHECK_EQ("(c) exceptions to EL2", rme_el2_count, 1);
    CHECK_EQ("(c) ESR_EL2.EC", rme_el2_esr >> 26, 0x25);
    CHECK_EQ("(c) DFSC", rme_el2_esr & 0x3F, 0x28);
    CHECK_EQ("(c) FAR_EL2 = VA", rme_el2_far == pa + 8, 1);
    run_el2(el2_write, pa + 24);
    CHECK_EQ("(c) write: exceptions to EL2", rme_el2_count, 2);
    CHECK_EQ("(c) write: WnR", (rme_el2_esr >> 6) & 1, 1);
    CHECK_EQ("(c) nothing went to EL3", rme_el3_count, 1);

    /* (d) Granule open to all PA spaces: Non-secure EL2 reads it, and EL3
     * (Root) sees that the faulting write was not performed. (While it is
     * Realm, an EL3 access with the MMU off, Root PAS, would itself fault.) */
    set_gpi(pa, GPI_ALL);
    CHECK_EQ("(d) NS EL2 reads the granule", run_el2(el2_read, pa + 8), 0x1234);
    CHECK_EQ("(d) no fault", rme_el2_count + rme_el3_count, 3);
    CHECK_EQ("(d) the faulting write was not performed", target[3], 0);

    MSR(GPCCR_EL3, 0);
    return test_finish("rme_gpc");
}
