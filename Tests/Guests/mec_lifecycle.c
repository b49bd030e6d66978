/* FEAT_MEC: the realm lifecycle the QEMU series got wrong (issue 5, point 5).
 *
 * Realm EL2 plays the RMM: three realms own 16-page regions of the AMEC = 1
 * blocks and touch them with their MECIDs (MECID_A0_EL2 = the realm's MECID).
 *   1. Three realms alive at once with MECIDs 3, 4 and 5: each reads its own
 *      data and the others' as 0xdeadbeef.
 *   2. Many destroy/create cycles: a destroyed realm's region, handed to a new
 *      realm with a new MECID, reads as 0xdeadbeef until the RMM scrubs it
 *      with the new MECID (DC ZVA, or stores); after that the new realm reads
 *      zeros, then its own data: never a spurious 0xdeadbeef, never the old
 *      realm's plaintext. MECIDs are reused across cycles.
 *   3. The Non-secure host, given the region back (undelegated: scrubbed with
 *      MECID 0 by stores), reads what it writes; before the scrub it reads
 *      the last realm's ciphertext.
 *
 * ARMATURE-ARGS: -M virt,secure=on,virtualization=on,mec=on -cpu max,x-rme=on */
#include "semihost.h"
#include "rme.h"

#define ALT          (RAM_BASE + 16 * BLOCK_SIZE)       /* AMEC = 1 blocks 16..19 */
#define REGION(r)    (ALT + (uint64_t)(r) * 0x10000)    /* 16 pages per realm */
#define REGION_SIZE  0x10000ull
#define DEAD         0xdeadbeefdeadbeefull
#define CYCLES       24

static uint64_t realm_mecid[3];
static uint64_t realm_gen[3];
static uint64_t errors_spurious, errors_leak, errors_data;

static void set_a0(uint64_t m) { MSR(MECID_A0_EL2, m); }

static uint64_t pattern(unsigned r, uint64_t gen, uint64_t off) { return (0x5A00ull + r) << 48 | gen << 32 | off; }

/* The realm writes its data (every 8th word, and the first word of every line). */
static void realm_write(unsigned r)
{
    set_a0(realm_mecid[r]);
    for (uint64_t o = 0; o < REGION_SIZE; o += 64) st64(REGION(r) + o, pattern(r, realm_gen[r], o));
}

/* The realm reads its data: every line's first word must be its own. */
static uint64_t realm_check_own(unsigned r)
{
    set_a0(realm_mecid[r]);
    uint64_t bad = 0;
    for (uint64_t o = 0; o < REGION_SIZE; o += 64) {
        uint64_t v = ld64(REGION(r) + o);
        if (v != pattern(r, realm_gen[r], o)) {
            bad++;
            if (v == DEAD) errors_spurious++; else errors_data++;
        }
    }
    return bad;
}

/* Another MECID reading region r: ciphertext only. */
static uint64_t check_foreign(unsigned r, uint64_t mecid)
{
    set_a0(mecid);
    uint64_t bad = 0;
    for (uint64_t o = 0; o < REGION_SIZE; o += 64) {
        if (ld64(REGION(r) + o) != DEAD) { bad++; errors_leak++; }
    }
    return bad;
}

/* The RMM scrubs the region for its next owner: DC ZVA (even cycles) or
 * stores of zero (odd cycles) with the new owner's MECID. */
static void scrub(unsigned r, uint64_t mecid, int use_stores)
{
    set_a0(mecid);
    for (uint64_t o = 0; o < REGION_SIZE; o += 64) {
        if (use_stores) {
            for (uint64_t w = 0; w < 64; w += 8) st64(REGION(r) + o + w, 0);
        } else {
            dc_zva(REGION(r) + o);
        }
    }
}

static uint64_t zero_check(unsigned r)
{
    set_a0(realm_mecid[r]);
    uint64_t bad = 0;
    for (uint64_t o = 0; o < REGION_SIZE; o += 8) {
        uint64_t v = ld64(REGION(r) + o);
        if (v != 0) { bad++; if (v == DEAD) errors_spurious++; else errors_leak++; }
    }
    return bad;
}

static uint64_t rmm(uint64_t arg)
{
    (void)arg;
    /* 1. Three realms alive at once. */
    for (unsigned r = 0; r < 3; r++) { realm_mecid[r] = 3 + r; realm_gen[r] = 0; }
    for (unsigned r = 0; r < 3; r++) { scrub(r, realm_mecid[r], 0); realm_write(r); }
    for (unsigned r = 0; r < 3; r++) {
        CHECK_EQ("realm reads its own data (bad lines)", realm_check_own(r), 0);
        for (unsigned o = 0; o < 3; o++) {
            if (o != r) CHECK_EQ("realm reads another realm's region (non-ciphertext lines)", check_foreign(r, realm_mecid[o]), 0);
        }
    }

    /* 2. Destroy and re-create, cycling the MECIDs through 3..9 (reused). */
    uint64_t next = 6;
    uint64_t bad_before = 0, bad_after = 0, bad_own = 0, bad_old = 0, bad_others = 0;
    for (unsigned c = 0; c < CYCLES; c++) {
        unsigned r = c % 3;
        uint64_t old = realm_mecid[r];
        uint64_t m = next;
        next = next == 9 ? 3 : next + 1;
        /* A MECID still in use by another live realm is skipped. */
        while (m == realm_mecid[(r + 1) % 3] || m == realm_mecid[(r + 2) % 3] || m == old) {
            m = next;
            next = next == 9 ? 3 : next + 1;
        }
        /* Destroyed without a scrub: the next owner sees ciphertext. */
        realm_mecid[r] = m;
        realm_gen[r] = c + 1;
        bad_before += check_foreign(r, m);
        scrub(r, m, c & 1);
        bad_after += zero_check(r);
        realm_write(r);
        bad_own += realm_check_own(r);
        bad_old += check_foreign(r, old);
        /* The other live realms are untouched. */
        for (unsigned o = 1; o < 3; o++) bad_others += realm_check_own((r + o) % 3);
    }
    CHECK_EQ("cycles: unscrubbed region not ciphertext for the new owner (lines)", bad_before, 0);
    CHECK_EQ("cycles: scrubbed region not zero for the new owner (words)", bad_after, 0);
    CHECK_EQ("cycles: new owner misreads its data (lines)", bad_own, 0);
    CHECK_EQ("cycles: old MECID reads plaintext (lines)", bad_old, 0);
    CHECK_EQ("cycles: other live realms disturbed (lines)", bad_others, 0);
    CHECK_EQ("spurious 0xdeadbeef", errors_spurious, 0);
    CHECK_EQ("plaintext leaked", errors_leak, 0);
    CHECK_EQ("wrong data", errors_data, 0);
    print_str("final MECIDs: ");
    print_udec(realm_mecid[0]); print_char(' ');
    print_udec(realm_mecid[1]); print_char(' ');
    print_udec(realm_mecid[2]); print_nl();
    return 0;
}

/* 3a. The host reads realm 0's region before undelegation: ciphertext. */
static uint64_t host_peek(uint64_t arg)
{
    (void)arg;
    uint64_t bad = 0;
    for (uint64_t o = 0; o < REGION_SIZE; o += 64) if (ld64(REGION(0) + o) != DEAD) bad++;
    return bad;
}

/* 3b. The RMM undelegates realm 0's region: scrub with MECID 0 (Realm PA
 * space, A0 = 0: the same key as the Non-secure space's default MECID). */
static uint64_t rmm_undelegate(uint64_t arg)
{
    (void)arg;
    scrub(0, 0, 1);
    return 0;
}

/* 3c. The host writes and reads back. */
static uint64_t host_use(uint64_t arg)
{
    (void)arg;
    uint64_t bad = 0;
    for (uint64_t o = 0; o < REGION_SIZE; o += 8) if (ld64(REGION(0) + o) != 0) bad++;
    for (uint64_t o = 0; o < REGION_SIZE; o += 8) st64(REGION(0) + o, 0x4057000000000000ull | o);
    for (uint64_t o = 0; o < REGION_SIZE; o += 8) if (ld64(REGION(0) + o) != (0x4057000000000000ull | o)) bad++;
    return bad;
}

/* 3d. Realm 1 (still alive) does not see the host's data as its own. */
static uint64_t realm1_peek_host(uint64_t arg)
{
    (void)arg;
    return check_foreign(0, realm_mecid[1]);
}

int main(void)
{
    rme_init();
    rme_el2_tables(16, 20);
    MSR(SCTLR2_EL2, SCTLR2_EMEC);
    MSR(TCR2_EL2, TCR2_AMEC0);
    MSR(MECID_P0_EL2, 0);
    rme_el2_mmu(1);

    rme_enter_realm();
    run_el2(rmm, 0);

    rme_enter_ns();
    CHECK_EQ("host before undelegation: non-ciphertext lines", run_el2(host_peek, 0), 0);
    rme_enter_realm();
    run_el2(rmm_undelegate, 0);
    rme_enter_ns();
    CHECK_EQ("host after undelegation: bad words", run_el2(host_use, 0), 0);
    rme_enter_realm();
    CHECK_EQ("live realm reads the host's data as ciphertext (bad lines)", run_el2(realm1_peek_host, 0), 0);
    rme_el2_mmu(0);
    return test_finish("mec_lifecycle");
}
