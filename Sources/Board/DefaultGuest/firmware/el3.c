/* EL3 firmware (Root): sets up granule protection and MEC, delegates memory
 * to the realms, asks the RMM to create, run and destroy them, lets the
 * Non-secure host try to read a realm's memory, and prints what happened
 * next to what was expected. Exits (semihosting) with 0 when every check
 * passed, 1 otherwise. */
#include "demo.h"
#include "gpt.h"
#include "print.h"

#define SCR_NS        (1ull << 0)
#define SCR_HCE       (1ull << 8)
#define SCR_RW        (1ull << 10)
#define SCR_TCR2EN    (1ull << 43)
#define SCR_SCTLR2EN  (1ull << 44)
#define SCR_GPF       (1ull << 48)
#define SCR_MECEN     (1ull << 49)
#define SCR_NSE       (1ull << 62)
#define SCR_COMMON    (SCR_NS | SCR_HCE | SCR_RW | SCR_TCR2EN | SCR_SCTLR2EN | SCR_MECEN)

#define SCTLR_EL2_RES1 0x30c50830ull
#define HCR_RW        (1ull << 31)

/* What EL3 switches between the worlds: the EL2 registers both use. */
struct el2_context { uint64_t sctlr, vbar, ttbr0, tcr, mair, hcr; };

extern char el3_vectors[], rmm_vectors[], host_vectors[], rmm_entry[], host_entry[];
extern char rmm_stack_top[], host_stack_top[];
extern char el3_start[], el3_end[], rmm_start[], rmm_end[], host_start[], host_end[];

uint64_t world_call(uint64_t entry, uint64_t sp, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3);
void el3_exit(uint64_t status) __attribute__((noreturn));
void el3_main(void);
void el3_panic(uint64_t el, uint64_t esr, uint64_t elr, uint64_t far) __attribute__((noreturn));

uint64_t world_result[4], world_smc_imm, el3_saved_sp;
volatile uint64_t gpc_esr, gpc_far, gpc_mfar, gpc_count;

static struct el2_context realm_ctx, ns_ctx;
static uint64_t passed, failed;

void el3_panic(uint64_t el, uint64_t esr, uint64_t elr, uint64_t far)
{
    pr("\nunexpected exception %s: ESR %x, ELR %x, FAR %x\n", el == 3 ? "at EL3" : "from a lower EL", esr, elr, far);
    el3_exit(1);
}

static void el2_restore(const struct el2_context *c)
{
    MSR("sctlr_el2", c->sctlr); MSR("vbar_el2", c->vbar); MSR("ttbr0_el2", c->ttbr0);
    MSR("tcr_el2", c->tcr); MSR("mair_el2", c->mair); MSR("hcr_el2", c->hcr);
}

static void el2_save(struct el2_context *c)
{
    c->sctlr = MRS("sctlr_el2"); c->vbar = MRS("vbar_el2"); c->ttbr0 = MRS("ttbr0_el2");
    c->tcr = MRS("tcr_el2"); c->mair = MRS("mair_el2"); c->hcr = MRS("hcr_el2");
}

/* Runs a world's EL2 (Realm: the RMM; Non-secure: the host) until its SMC #0. */
static uint64_t *call_world(int realm, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct el2_context *c = realm ? &realm_ctx : &ns_ctx;
    MSR("scr_el3", (MRS("scr_el3") & SCR_GPF) | SCR_COMMON | (realm ? SCR_NSE : 0));
    el2_restore(c);
    world_call((uint64_t)(realm ? rmm_entry : host_entry), (uint64_t)(realm ? rmm_stack_top : host_stack_top),
               a0, a1, a2, a3);
    el2_save(c);
    if (world_smc_imm != 0) {
        pr("\n%s EL2: unexpected exception: ESR %x, ELR %x, FAR %x\n", realm ? "Realm" : "Non-secure",
           world_result[0], world_result[1], world_result[2]);
        el3_exit(1);
    }
    return world_result;
}

static uint64_t *rmm(uint64_t cmd, uint64_t a, uint64_t b, uint64_t c) { return call_world(1, cmd, a, b, c); }

/* Ends a report line: ok, or FAILED with the number of words that were not as expected. */
static void verdict(int ok, uint64_t bad_words)
{
    if (ok) passed++; else failed++;
    if (ok) pr("  ok\n");
    else if (bad_words) pr("  FAILED (%d words differ)\n", bad_words);
    else pr("  FAILED\n");
}

static const char name[] = "ABCD";
static uint64_t mecid_of[SLOTS];
static char name_of[SLOTS];

/* Runs a kernel command in a realm; reports an exception at Realm EL1. */
static uint64_t *kernel(unsigned slot, uint64_t kcmd, uint64_t arg)
{
    uint64_t *r = rmm(RMM_RUN, slot, kcmd, arg);
    if (r[0] == FAULTED) pr("   (exception at Realm EL1: ESR %x, ELR %x, FAR %x)\n", r[1], r[2], r[3]);
    return r;
}

/* The kernel checks every word of its data; the report shows the first. */
static void check_own(unsigned s)
{
    uint64_t *r = kernel(s, K_CHECK_SECRET, mecid_of[s]);
    pr("   realm %c reads %c: %X  expected its own data", (uint64_t)name_of[s], (uint64_t)name_of[s], r[1]);
    verdict(r[0] == 0 && r[1] == SECRET(mecid_of[s], 0), r[0]);
}

static void check_window(unsigned s, unsigned j)
{
    uint64_t *r = kernel(s, K_CHECK_WINDOW, j);
    pr("   realm %c reads %c: %X  expected ciphertext", (uint64_t)name_of[s], (uint64_t)name_of[j], r[1]);
    verdict(r[0] == 0 && r[1] == CIPHERTEXT, r[0]);
}

static int have_features(void)
{
    if (((MRS("CurrentEL") >> 2) & 3) != 3) return 0;
    if (((MRS("id_aa64pfr0_el1") >> 52) & 0xf) == 0) return 0;     /* RME */
    return ((MRS(ID_AA64MMFR3) >> 28) & 0xf) != 0;                 /* MEC */
}

void el3_main(void)
{
    pr("Armature \xe2\x80\x94 AArch64 system emulator\n\n");
    pr("This is the built-in demo (no -kernel was given): EL3 firmware, an RMM at Realm EL2\n"
       "and three realms, each with its own memory encryption context (FEAT_RME, FEAT_MEC).\n"
       "Machine: -M virt,secure=on,virtualization=on,mec=on -cpu max,x-rme=on (the defaults\n"
       "without -kernel). Each line shows what was observed and what was expected.\n\n");
    if (!have_features()) {
        pr("This machine has no EL3 with FEAT_RME and FEAT_MEC: run armature without -M and -cpu,\n"
           "or with -M virt,secure=on,virtualization=on,mec=on -cpu max,x-rme=on.\n");
        el3_exit(1);
    }
    MSR("vbar_el3", (uint64_t)el3_vectors);

    /* 1. Granule protection and MEC. */
    pr("1. EL3 firmware (Root) sets up granule protection and MEC\n");
    gpt_init();
    gpt_set((uint64_t)el3_start, (uint64_t)el3_end, GPI_ROOT);
    gpt_set((uint64_t)rmm_start, (uint64_t)rmm_end, GPI_REALM);
    gpt_enable();
    pr("   GPT at %x, GPC on; granules: firmware %x-%x Root,\n", gpt_base(), (uint64_t)el3_start, (uint64_t)el3_end - 1);
    pr("   RMM %x-%x Realm, host %x-%x and the rest of RAM Non-secure\n",
       (uint64_t)rmm_start, (uint64_t)rmm_end - 1, (uint64_t)host_start, (uint64_t)host_end - 1);
    gpt_set(POOL, POOL_END, GPI_REALM);
    pr("   delegated to the realms: %x-%x (3 slots of 128 KiB, a shared page): Realm\n", POOL, POOL_END - 1);
    MSR("scr_el3", SCR_COMMON | SCR_NSE);
    MSR(SCTLR2_EL2, 1ull << 1);                                    /* EMEC */
    MSR(TCR2_EL2, 1ull << 12);                                     /* AMEC0 */
    pr("   MEC: SCR_EL3.MECEn = 1, SCTLR2_EL2.EMEC = 1, TCR2_EL2.AMEC0 = 1, %d-bit MECIDs\n",
       (MRS(MECIDR_EL2) & 0xf) + 1);

    realm_ctx = (struct el2_context){ SCTLR_EL2_RES1, (uint64_t)rmm_vectors, 0, 0, 0, HCR_RW };
    ns_ctx = (struct el2_context){ SCTLR_EL2_RES1, (uint64_t)host_vectors, 0, 0, 0, HCR_RW };
    rmm(RMM_INIT, 0, 0, 0);

    /* 2. Three realms. */
    pr("\n2. The RMM (Realm EL2) creates three realms: with MECID_A0_EL2 = the realm's MECID\n"
       "   (AMEC = 1 mappings; its own memory uses MECID_P0_EL2 = 0) it scrubs the realm's\n"
       "   memory (DC ZVA), copies the kernel in and builds the realm's stage 2 tables and\n"
       "   the kernel's stage 1 tables\n");
    for (unsigned s = 0; s < SLOTS; s++) {
        mecid_of[s] = 3 + s;
        name_of[s] = name[s];
        rmm(RMM_CREATE, s, mecid_of[s], 0);
        rmm(RMM_SCRUB_DATA, s, 0, 0);
        pr("   realm %c: MECID %d, memory %x-%x\n", (uint64_t)name_of[s], mecid_of[s], SLOT(s), SLOT(s) + SLOT_SIZE - 1);
    }

    /* 3. Each realm writes its data, reads its own and the others' memory. */
    pr("\n3. Each realm's kernel runs at Realm EL1 under stage 2 with VMECID_P_EL2 = its MECID,\n"
       "   writes its data, then reads every realm's (all %d words checked, the first shown;\n"
       "   the RMM maps the other realms' memory into each realm on purpose)\n", DATA_BYTES / 8);
    for (unsigned s = 0; s < SLOTS; s++) kernel(s, K_WRITE_SECRET, mecid_of[s]);
    for (unsigned s = 0; s < SLOTS; s++) {
        for (unsigned j = 0; j < SLOTS; j++) {
            if (j == s) check_own(s); else check_window(s, j);
        }
    }

    /* The shared page: stage 2 AMEC = 1 in every realm, so VMECID_A_EL2. */
    pr("   the shared page, mapped with stage 2 AMEC = 1 (VMECID_A_EL2 = %d) in every realm:\n", (uint64_t)SHARED_MECID);
    kernel(0, K_WRITE_SHARED, mecid_of[0]);
    uint64_t *k = kernel(2, K_CHECK_SHARED, mecid_of[0]);
    pr("   A writes it, C reads %X  expected A's words", k[1]);
    verdict(k[0] == 0 && k[1] == SHARED_WORD(mecid_of[0], 0), k[0]);
    k = rmm(RMM_PEEK_SHARED, 0, mecid_of[0], 0);
    pr("   the RMM reads it with A's MECID %d: %X  expected ciphertext", mecid_of[0], k[1]);
    verdict(k[0] == 0 && k[1] == CIPHERTEXT, k[0]);

    /* 4. The Non-secure host and realm memory. */
    pr("\n4. The Non-secure host (EL2) tries realm A's memory\n");
    uint64_t own = (uint64_t)host_end - 64;
    uint64_t *h = call_world(0, HOST_WRITE_READ, own, 0, 0);
    pr("   host reads its own memory: %X  expected what it wrote", h[0]);
    verdict(h[0] == (0x4057da7a00000000ull | own) && h[1] == 0, 0);
    uint64_t target = SLOT(0) + DATA_VA;
    h = call_world(0, HOST_READ, target, 0, 0);
    pr("   host reads %x: data abort at EL2, ESR_EL2 %x (EC %x, DFSC %x)\n"
       "      expected a granule protection fault (EC 0x25, DFSC 0x28)", target, h[1], h[1] >> 26, h[1] & 0x3f);
    verdict(h[1] >> 26 == 0x25 && (h[1] & 0x3f) == 0x28 && h[2] == target, 0);
    MSR("scr_el3", MRS("scr_el3") | SCR_GPF);
    gpc_count = 0;
    call_world(0, HOST_READ, target, 0, 0);
    MSR("scr_el3", MRS("scr_el3") & ~SCR_GPF);
    pr("   again with SCR_EL3.GPF = 1: %d GPC exception at EL3, EC %x, MFAR_EL3 %x\n"
       "      expected one, EC 0x1e, the granule's Non-secure PA", gpc_count, gpc_esr >> 26, gpc_mfar);
    verdict(gpc_count == 1 && gpc_esr >> 26 == 0x1e && gpc_mfar == ((1ull << 63) | (target & ~(PAGE_SIZE - 1))), 0);

    /* 5. Destroy and re-create. */
    pr("\n5. Realm B is destroyed; realm D is created in its memory with MECID 6\n");
    rmm(RMM_DESTROY, 1, 0, 0);
    mecid_of[1] = 6;
    name_of[1] = name[3];
    rmm(RMM_CREATE, 1, 6, 0);
    uint64_t *r = kernel(1, K_CHECK_WINDOW, 1);
    pr("   before the RMM scrubs it, D reads D: %X  expected ciphertext (B's data)", r[1]);
    verdict(r[0] == 0 && r[1] == CIPHERTEXT, r[0]);
    rmm(RMM_SCRUB_DATA, 1, 0, 0);
    r = kernel(1, K_CHECK_ZERO, 0);
    pr("   scrubbed with MECID 6 (DC ZVA), D reads D: %X  expected zeros", r[1]);
    verdict(r[0] == 0 && r[1] == 0, r[0]);
    kernel(1, K_WRITE_SECRET, 6);
    r = kernel(1, K_CHECK_SECRET, 6);
    pr("   D writes its data and reads D: %X  expected its own data", r[1]);
    verdict(r[0] == 0 && r[1] == SECRET(6, 0), r[0]);
    r = rmm(RMM_PEEK, 1, 4, 0);
    pr("   the RMM reads D with B's old MECID 4: %X  expected ciphertext", r[1]);
    verdict(r[0] == 0 && r[1] == CIPHERTEXT, r[0]);
    check_own(0);
    check_window(0, 1);
    check_own(2);

    pr("\n%d checks passed, %d failed.\n", passed, failed);
    if (failed)
        pr("(Realms that read each other's data as plaintext: the machine keeps no MEC tags; is\n"
           " mec=on missing from -M?)\n");
    pr("\nRun your own program with:\n  armature -M virt -cpu max -nographic -semihosting -kernel program.elf\n");
    el3_exit(failed == 0 ? 0 : 1);
}
