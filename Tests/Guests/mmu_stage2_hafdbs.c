/* FEAT_HAFDBS at stage 2 (Arm ARM D8.4.5; VTCR_EL2.HA/HD): EL1 (stage 1 off)
 * accesses IPAs whose stage 2 descriptors have AF = 0, or are clean (S2AP[1]
 * = 0) with DBM (bit 51) set. Without HA the access flag faults go to EL2;
 * with HA the walk sets AF; with HD a write makes a DBM page writable
 * (S2AP[1] = 1) and lands, while a write to a read-only page without DBM
 * still faults. The descriptors are read back at EL2.
 *
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max */
#include "mmu.h"
#include "stage2.h"

#define S2_DBM (1ull << 51)
#define VTCR_HA (1ull << 21)
#define VTCR_HD (1ull << 22)
#define IPA(n) (0x80000000ull + (uint64_t)(n) * 0x1000)

static uint8_t s2_pool[64 << 10] __attribute__((aligned(65536)));
static uint64_t pages[4][512] __attribute__((aligned(4096)));
static mmu_t s2;

static uint64_t el1_read(uint64_t ipa) { return ld64(ipa, 0xbad); }
static uint64_t el1_write(uint64_t ipa) { st64(ipa, 0x5151); return 0; }

static void show(const char *label, uint64_t ipa)
{
    uint64_t d = *mmu_entry(&s2, ipa, 3);
    print_str(label);
    print_str(": stage 2 faults ");
    print_udec(s2_count);
    if (s2_count) {
        print_str(" (ESR_EL2 ");
        print_hex(s2_esr & 0xfe00003full);
        print_str(")");
    }
    print_str(", AF ");
    print_udec((d >> 10) & 1);
    print_str(", S2AP ");
    print_udec((d >> 6) & 3);
    print_nl();
    s2_count = 0;
}

static void set_vtcr(uint64_t extra)
{
    S2_MSR("vtcr_el2", vtcr_el2(12, 24, 1) | extra);
    s2_tlbi_all();
}

int main(void)
{
    uint64_t mmfr1;
    __asm__ volatile("mrs %0, id_aa64mmfr1_el1" : "=r"(mmfr1));
    CHECK((mmfr1 & 0xf) >= 2, "ID_AA64MMFR1_EL1.HAFDBS >= 2");
    s2_el2_init();
    s2_init(&s2, 12, 24, 1, s2_pool, sizeof s2_pool);
    mmu_map(&s2, 0x40000000ull, 0x40000000ull, 128ull << 20, 2, S2_RW);
    mmu_map(&s2, IPA(0), (uint64_t)pages[0], 4096, 3, S2_RW & ~S2_AF);
    mmu_map(&s2, IPA(1), (uint64_t)pages[1], 4096, 3, S2_RO | S2_DBM);
    mmu_map(&s2, IPA(2), (uint64_t)pages[2], 4096, 3, S2_RO);
    mmu_map(&s2, IPA(3), (uint64_t)pages[3], 4096, 3, (S2_RO & ~S2_AF) | S2_DBM);
    s2_enable(&s2, vtcr_el2(12, 24, 1));

    run_el1(el1_read, IPA(0));
    show("HA 0: read, AF 0", IPA(0));
    run_el1(el1_write, IPA(1));
    show("HD 0: write to a clean DBM page", IPA(1));

    set_vtcr(VTCR_HA);
    run_el1(el1_read, IPA(0));
    show("HA 1: read, AF 0", IPA(0));
    run_el1(el1_write, IPA(1));
    show("HA 1, HD 0: write to a clean DBM page", IPA(1));

    set_vtcr(VTCR_HA | VTCR_HD);
    run_el1(el1_read, IPA(1));
    show("HD 1: read of a clean DBM page", IPA(1));
    run_el1(el1_write, IPA(1));
    show("HD 1: write to a clean DBM page", IPA(1));
    CHECK_EQ("  the write landed", pages[1][0], 0x5151);
    run_el1(el1_write, IPA(2));
    show("HD 1: write to read-only, no DBM", IPA(2));
    CHECK_EQ("  no write", pages[2][0], 0);
    run_el1(el1_write, IPA(3));
    show("HD 1: write, AF 0, clean DBM", IPA(3));
    CHECK_EQ("  the write landed", pages[3][0], 0x5151);

    s2_disable();
    return test_finish("mmu_stage2_hafdbs");
}
