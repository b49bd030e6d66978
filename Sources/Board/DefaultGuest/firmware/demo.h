/* Armature's built-in demo: what the worlds share (constants, the calls
 * between them, register names). See README.md in this directory.
 *
 * Physical memory (RAM at 0x40000000, 128 MiB; the image at 0x40080000):
 *   EL3 firmware (Root granules)   text, data, the GPT, the EL3 stack
 *   RMM (Realm granules)           Realm EL2 code, data, tables, stack, and the
 *                                  realm kernel's image (copied into each realm)
 *   host (Non-secure granules)     Non-secure EL2 code, data, stack
 *   realm memory pool at POOL      one 128 KiB slot per realm and a shared
 *                                  page, delegated (GPI Realm) by EL3
 * A realm's slot (page n at SLOT + n * 4 KiB):
 *   pages 0-2   the kernel's stage 1 tables (level 1, 2, 3), built by the RMM
 *   pages 3-4   the kernel (copied by the RMM), read-only, executable
 *   page  5     the kernel's stack
 *   pages 6-15  data
 *   pages 16-18 the realm's stage 2 tables (level 1, 2, 3), not in its IPA space
 * The kernel (Realm EL1) runs with stage 1 and stage 2: its stage 1 maps VA =
 * IPA, and stage 2 maps its IPA space:
 *   IPA page n (0-15)        its slot's page n
 *   IPA SHARED_VA            the shared page, with stage 2 AMEC = 1: VMECID_A_EL2
 *   IPA WINDOW(j) + n * 4 KiB   slot j's data page 6 + n, read-only (every slot,
 *               its own too: the RMM maps the others' memory on purpose, to
 *               show that a realm reading it sees ciphertext). */
#ifndef ARMATURE_DEMO_H
#define ARMATURE_DEMO_H

#include <stdint.h>

#define RAM_BASE        0x40000000ull
#define POOL            0x44000000ull          /* realm memory: 2 MiB block 32 of RAM */
#define SLOT_SIZE       0x20000ull
#define SLOTS           3
#define SLOT(j)         (POOL + (uint64_t)(j) * SLOT_SIZE)
#define SHARED_PA       (POOL + SLOTS * SLOT_SIZE)     /* one page */
#define POOL_END        (SHARED_PA + PAGE_SIZE)
#define S2_PAGE         16                             /* the stage 2 tables: pages 16-18 */
#define SHARED_MECID    2                              /* VMECID_A_EL2 of every realm */
#define PAGE_SIZE       0x1000ull

/* Realm EL1 virtual addresses (see above). */
#define KERNEL_PAGE     3
#define KERNEL_PAGES    2
#define STACK_PAGE      5
#define DATA_PAGE       6
#define DATA_PAGES      10
#define KERNEL_VA       (KERNEL_PAGE * PAGE_SIZE)
#define STACK_TOP_VA    ((STACK_PAGE + 1) * PAGE_SIZE)
#define DATA_VA         (DATA_PAGE * PAGE_SIZE)
#define DATA_BYTES      (DATA_PAGES * PAGE_SIZE)
#define WINDOW(j)       (0x100000ull + (uint64_t)(j) * 0x10000ull + DATA_VA)
#define SHARED_VA       0x20000ull

#define CIPHERTEXT      0xdeadbeefdeadbeefull

/* A realm's secret: the word at data offset `off`. */
#define SECRET(mecid, off) (0x5ec2e70000000000ull | (uint64_t)(mecid) << 32 | (uint64_t)(off))
/* The shared page as realm `writer` (its MECID) wrote it. */
#define SHARED_WORD(writer, off) (0x54a2ed0000000000ull | (uint64_t)(writer) << 32 | (uint64_t)(off))

/* Calls into the RMM (Realm EL2): world_call(RMM_ENTRY, cmd, a, b, c). */
enum rmm_cmd {
    RMM_INIT,           /* build the RMM's own stage 1 tables, MMU on */
    RMM_CREATE,         /* a = slot, b = MECID: scrub the kernel/table pages, copy the kernel, build tables */
    RMM_SCRUB_DATA,     /* a = slot: DC ZVA the data pages with the realm's MECID */
    RMM_RUN,            /* a = slot, b = kernel command, c = argument: run the kernel at Realm EL1 */
    RMM_DESTROY,        /* a = slot: forget the realm (no scrub: its lines keep its MECID) */
    RMM_PEEK,           /* a = slot, b = MECID: the RMM reads the slot's data with that MECID */
    RMM_PEEK_SHARED,    /* b = MECID: the RMM reads the shared page with that MECID */
};

/* Commands of the realm kernel (Realm EL1): x0 = command, x1 = argument;
 * returns x0 = words that differ from what was expected, x1 = the first word. */
enum kernel_cmd {
    K_WRITE_SECRET,     /* arg = MECID: write SECRET(MECID, off) to every data word */
    K_CHECK_SECRET,     /* arg = MECID: compare every data word with SECRET(MECID, off) */
    K_CHECK_ZERO,       /* every data word is 0 */
    K_CHECK_WINDOW,     /* arg = slot j: every word of its window reads as ciphertext */
    K_WRITE_SHARED,     /* arg = MECID: write SHARED_WORD(MECID, off) to every word of the shared page */
    K_CHECK_SHARED,     /* arg = MECID: compare every word of the shared page with SHARED_WORD(MECID, off) */
};

/* A kernel or RMM result that reports an exception instead: x0 = FAULTED,
 * x1 = ESR, x2 = ELR, x3 = FAR. */
#define FAULTED         0xfa017ed0fa017ed0ull

/* SMC immediates from Realm/Non-secure EL2 to EL3. */
#define SMC_RETURN      0   /* the world's call is done: x0..x3 are its result */
#define SMC_FAULT       1   /* an unexpected exception at EL2: x0 = ESR, x1 = ELR, x2 = FAR */

/* Calls into the host (Non-secure EL2): world_call(HOST_ENTRY, cmd, a, 0, 0). */
enum host_cmd {
    HOST_READ,          /* a = PA: read it; x0 = the value, x1 = ESR of a fault (0: none), x2 = FAR */
    HOST_WRITE_READ,    /* a = PA: write a pattern, read it back: x0 = the value read */
};

/* System registers by encoding (the assembler's default -march has no MEC names). */
#define MECIDR_EL2      "S3_4_C10_C8_7"
#define MECID_P0_EL2    "S3_4_C10_C8_0"
#define MECID_A0_EL2    "S3_4_C10_C8_1"
#define VMECID_P_EL2    "S3_4_C10_C9_0"
#define VMECID_A_EL2    "S3_4_C10_C9_1"
#define MECID_RL_A_EL3  "S3_6_C10_C10_1"
#define SCTLR2_EL2      "S3_4_C1_C0_3"
#define TCR2_EL2        "S3_4_C2_C0_3"
#define GPCCR_EL3       "S3_6_C2_C1_6"
#define GPTBR_EL3       "S3_6_C2_C1_4"
#define MFAR_EL3        "S3_6_C6_C0_5"
#define ID_AA64MMFR3    "S3_0_C0_C7_3"

#define MSR(reg, v) __asm__ volatile("msr " reg ", %0\n\tisb" :: "r"((uint64_t)(v)) : "memory")
#define MRS(reg) ({ uint64_t _v; __asm__ volatile("mrs %0, " reg : "=r"(_v) :: "memory"); _v; })

static inline uint64_t ld64(uint64_t a) { return *(volatile uint64_t *)a; }
static inline void st64(uint64_t a, uint64_t v) { *(volatile uint64_t *)a = v; }
static inline void dc_zva(uint64_t a) { __asm__ volatile("dc zva, %0" :: "r"(a) : "memory"); }
static inline void tlbi_paall(void) { __asm__ volatile("dsb sy\n\tsys #6, c8, c7, #4\n\tdsb sy\n\tisb" ::: "memory"); }

/* Stage 1 descriptor bits (VMSAv8-64, 4 KiB granule). */
#define PTE_VALID       1ull
#define PTE_TABLE       3ull                /* table (levels 0-2) or page (level 3) */
#define PTE_BLOCK       1ull
#define PTE_AF          (1ull << 10)
#define PTE_SH_INNER    (3ull << 8)
#define PTE_AP_RO       (1ull << 7)         /* AP[2]: read-only */
#define PTE_UXN         (1ull << 54)
#define PTE_PXN         (1ull << 53)
#define PTE_AMEC        (1ull << 63)        /* FEAT_MEC: MECID_A0_EL2 instead of MECID_P0_EL2 */

/* Stage 2 descriptor bits. */
#define S2_NORMAL       (0xfull << 2)       /* MemAttr: Normal, Write-back */
#define S2_R            (1ull << 6)         /* S2AP */
#define S2_W            (1ull << 7)
#define S2_XN           (1ull << 54)
#define S2_AMEC         (1ull << 63)        /* FEAT_MEC: VMECID_A_EL2 instead of VMECID_P_EL2 */

#endif
