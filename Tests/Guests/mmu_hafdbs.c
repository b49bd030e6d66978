/* FEAT_HAFDBS (Arm ARM D8.4.5, "Hardware management of the Access flag and
 * dirty state"), stage 1, EL1&0: with TCR_EL1.HA an access to a page whose
 * AF is 0 sets AF in the descriptor instead of faulting; with TCR_EL1.HD a
 * write to a read-only page with DBM (bit 51) set makes it writable by
 * clearing AP[2] in the descriptor. Without HA/HD the same accesses fault.
 * A read-only page without DBM still faults with HD; APTable read-only stops
 * the dirty update. Descriptors are read back after each access. */
#include "mmu.h"

#define PTE_DBM    (1ull << 51)
#define TCR_HA     (1ull << 39)
#define TCR_HD     (1ull << 40)
#define VA(n)      (0x10000000ull + (uint64_t)(n) * 0x1000)
#define RO_TABLE   0x20000000ull     /* a 2 MiB region under an APTable read-only table */

static uint8_t pool[8 * 4096] __attribute__((aligned(4096)));
static uint64_t pages[8][512] __attribute__((aligned(4096)));
static mmu_t m;

static uint64_t *desc(uint64_t va) { return mmu_entry(&m, va, 3); }

static void set_tcr(uint64_t extra)
{
    __asm__ volatile("msr tcr_el1, %0\n\tisb\n\ttlbi vmalle1\n\tdsb ish\n\tisb"
                     :: "r"(tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48) | extra) : "memory");
}

static void show(const char *label, uint64_t va)
{
    uint64_t d = *desc(va);
    print_str(label);
    print_str(": faults ");
    print_udec(exc_count);
    if (exc_count) {
        print_str(" (ESR ");
        print_hex(ESR_CMP(exc_last.esr));
        print_str(")");
    }
    print_str(", AF ");
    print_udec((d >> 10) & 1);
    print_str(", AP[2] ");
    print_udec((d >> 7) & 1);
    print_str(", DBM ");
    print_udec((d >> 51) & 1);
    print_nl();
    exc_count = 0;
}

int main(void)
{
    uint64_t mmfr1;
    __asm__ volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(mmfr1));
    CHECK((mmfr1 & 0xf) >= 2, "ID_AA64MMFR1_EL1.HAFDBS >= 2 (AF and dirty state)");
    mmu_init(&m, 12, 25, pool, sizeof pool);
    mmu_map_ram(&m, 2);
    const uint64_t base = PTE_KDATA & ~PTE_AF;
    mmu_map(&m, VA(0), (uint64_t)pages[0], 4096, 3, base);                       /* AF 0 */
    mmu_map(&m, VA(1), (uint64_t)pages[1], 4096, 3, base);                       /* AF 0 */
    mmu_map(&m, VA(2), (uint64_t)pages[2], 4096, 3, PTE_KDATA | PTE_RO | PTE_DBM);  /* clean, DBM */
    mmu_map(&m, VA(3), (uint64_t)pages[3], 4096, 3, PTE_KDATA | PTE_RO);          /* read-only, no DBM */
    mmu_map(&m, VA(4), (uint64_t)pages[4], 4096, 3, base | PTE_RO | PTE_DBM);      /* AF 0, clean, DBM */
    mmu_map(&m, RO_TABLE, (uint64_t)pages[5], 4096, 3, PTE_KDATA | PTE_RO | PTE_DBM);
    mmu_table_bits(&m, RO_TABLE, 2, TBL_RO);
    mmu_enable_el1((uint64_t)m.root, 0, tcr_el1(25, 12, 25, 12, TCR_EPD1 | TCR_IPS_48));
    exc_record(4);
    exc_count = 0;

    (void)ld64(VA(0), 0);
    show("HA 0: load, AF 0", VA(0));
    st64(VA(2), 1);
    show("HD 0: store to a clean DBM page", VA(2));

    set_tcr(TCR_HA);
    (void)ld64(VA(0), 0);
    show("HA 1: load, AF 0", VA(0));
    st64(VA(1), 2);
    show("HA 1: store, AF 0", VA(1));
    st64(VA(2), 3);
    show("HA 1, HD 0: store to a clean DBM page", VA(2));

    set_tcr(TCR_HA | TCR_HD);
    (void)ld64(VA(2), 0);
    show("HD 1: load from a clean DBM page", VA(2));
    st64(VA(2), 4);
    show("HD 1: store to a clean DBM page", VA(2));
    CHECK_EQ("  the store landed", pages[2][0], 4);
    st64(VA(3), 5);
    show("HD 1: store to read-only, no DBM", VA(3));
    st64(VA(4), 6);
    show("HD 1: store, AF 0, clean DBM", VA(4));
    CHECK_EQ("  the store landed", pages[4][0], 6);
    st64(RO_TABLE, 7);
    show("HD 1: store under an APTable read-only table", RO_TABLE);
    CHECK_EQ("  no store", pages[5][0], 0);

    /* Dirty, then cleaned by software (AP[2] = 1 again) + TLBI: dirty again on the next store. */
    *desc(VA(2)) |= PTE_RO;
    tlbi_vae1(VA(2));
    (void)ld64(VA(2), 0);
    show("cleaned by software, load", VA(2));
    st64(VA(2), 8);
    show("cleaned by software, store", VA(2));
    CHECK_EQ("  the store landed", pages[2][0], 8);

    exc_fatal();
    mmu_disable_el1();
    return test_finish("mmu_hafdbs");
}
