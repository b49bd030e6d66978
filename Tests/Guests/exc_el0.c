/* Exceptions from EL0: the program ERETs to EL0 (SPSR.M = EL0t, SP_EL0 set
 * up, MMU off) and runs code that takes a series of synchronous exceptions to
 * EL1. Each one must arrive at the lower-EL AArch64 vector (0x400) with the
 * right ESR (SVC EC 0x15, BRK EC 0x3C, undefined EC 0x00 for UDF, EL1
 * registers, CurrentEL, writes to TPIDRRO_EL0, ERET, HVC, SMC; data abort
 * from a lower EL EC 0x24 on an unmapped address), ELR and SPSR (M = EL0t,
 * NZCV as set on entry). EL0 can read TPIDRRO_EL0 and read/write TPIDR_EL0.
 * A final SVC #0xE0 makes the hook return to EL1. SPSR is compared under a
 * mask of NZCV|DAIF|M. */
#include "semihost.h"

#define MAXREC 16
static volatile uint64_t rec_esr[MAXREC], rec_off[MAXREC], rec_spsr[MAXREC], rec_vec[MAXREC], rec_far[MAXREC];
static volatile uint64_t nrec;
volatile uint64_t el0_out[4];

extern char el0_code[];
void run_el0(uint64_t sp_el0);

static int el0_hook(exc_frame_t *f)
{
    if (f->vec != 0x400)
        return 0;
    if (nrec < MAXREC) {
        rec_esr[nrec] = f->esr;
        rec_off[nrec] = f->elr - (uint64_t)(uintptr_t)el0_code;
        rec_spsr[nrec] = f->spsr & 0xf00003dfull;
        rec_vec[nrec] = f->vec;
        rec_far[nrec] = f->far;
    }
    nrec++;
    uint64_t ec = ESR_EC(f->esr);
    if (ec == 0x15 && (f->esr & 0xffff) == 0xe0) {
        f->elr = f->x[30];          /* back into run_el0 */
        f->spsr = 0x3c5;            /* EL1h, DAIF masked */
        return 1;
    }
    if (ec != 0x15)
        f->elr += 4;                /* skip the faulting instruction */
    return 1;
}

__asm__(
    ".text\n"
    ".global run_el0\n"
    "run_el0:\n"                    /* x0 = SP_EL0 */
    "    stp x19, x20, [sp, #-96]!\n"
    "    stp x21, x22, [sp, #16]\n"
    "    stp x23, x24, [sp, #32]\n"
    "    stp x25, x26, [sp, #48]\n"
    "    stp x27, x28, [sp, #64]\n"
    "    stp x29, x30, [sp, #80]\n"
    "    msr sp_el0, x0\n"
    "    adr x30, 1f\n"
    "    adr x9, el0_code\n"
    "    msr elr_el1, x9\n"
    "    mov x9, #0x03c0\n"         /* EL0t, DAIF masked */
    "    movk x9, #0x6000, lsl #16\n" /* Z and C set */
    "    msr spsr_el1, x9\n"
    "    eret\n"
    "1:  ldp x21, x22, [sp, #16]\n"
    "    ldp x23, x24, [sp, #32]\n"
    "    ldp x25, x26, [sp, #48]\n"
    "    ldp x27, x28, [sp, #64]\n"
    "    ldp x29, x30, [sp, #80]\n"
    "    ldp x19, x20, [sp], #96\n"
    "    ret\n"
    "\n"
    ".global el0_code\n"
    ".balign 16\n"
    "el0_code:\n"
    "    mrs x4, nzcv\n"            /* 0x00 */
    "    svc #0x10\n"               /* 0x04: elr = 0x08 */
    "    brk #1\n"                  /* 0x08 */
    "    .inst 0x00000000\n"        /* 0x0c */
    "    mrs x0, sctlr_el1\n"       /* 0x10 */
    "    mrs x0, currentel\n"       /* 0x14 */
    "    msr tpidrro_el0, x0\n"     /* 0x18 */
    "    eret\n"                    /* 0x1c */
    "    hvc #0\n"                  /* 0x20 */
    "    smc #0\n"                  /* 0x24 */
    "    movz x5, #0x0f00, lsl #16\n" /* 0x28 */
    "    ldr x6, [x5, #8]\n"        /* 0x2c: unmapped 0x0f000008 */
    "    mrs x1, tpidrro_el0\n"     /* 0x30 */
    "    mrs x2, tpidr_el0\n"       /* 0x34 */
    "    add x2, x2, #1\n"
    "    msr tpidr_el0, x2\n"
    "    adrp x7, el0_out\n"
    "    add x7, x7, :lo12:el0_out\n"
    "    stp x1, x2, [x7]\n"
    "    stp x4, xzr, [x7, #16]\n"
    "    svc #0xe0\n"               /* back to EL1 */
    "    b .\n");

struct expect {
    uint64_t esr, off, far;
    const char *what;
};

int main(void)
{
    static uint64_t el0_stack[256] __attribute__((aligned(16)));
    uint64_t tp;
    __asm__ volatile("msr tpidrro_el0, %0" ::"r"(0x1234567800000000ull));
    __asm__ volatile("msr tpidr_el0, %0" ::"r"(0x41ull));
    exception_hook = el0_hook;
    run_el0((uint64_t)(uintptr_t)&el0_stack[256]);
    exception_hook = 0;

    static const struct expect exp[] = {
        { 0x56000010, 0x08, 0, "svc #0x10" },
        { 0xf2000001, 0x08, 0, "brk #1" },
        { 0x02000000, 0x0c, 0, "udf" },
        { 0x02000000, 0x10, 0, "mrs sctlr_el1 at EL0" },
        { 0x02000000, 0x14, 0, "mrs currentel at EL0" },
        { 0x02000000, 0x18, 0, "msr tpidrro_el0 at EL0" },
        { 0x02000000, 0x1c, 0, "eret at EL0" },
        { 0x02000000, 0x20, 0, "hvc at EL0" },
        { 0x02000000, 0x24, 0, "smc at EL0" },
        { 0x92000010, 0x2c, 0x0f000008, "ldr unmapped at EL0 (EC 0x24)" },
        { 0x560000e0, 0x54, 0, "svc #0xe0 (return)" },
    };
    const unsigned n = sizeof exp / sizeof exp[0];
    CHECK_EQ("exceptions from EL0", nrec, n);
    for (unsigned i = 0; i < n && i < nrec; i++) {
        print_str(exp[i].what);
        print_nl();
        uint64_t esr = rec_esr[i];
        if (ESR_EC(esr) == 0x24)
            esr &= 0xfe00007full;   /* EC, IL, WnR, DFSC */
        CHECK_EQ("  esr", esr, exp[i].esr);
        CHECK_EQ("  elr - el0_code", rec_off[i], exp[i].off);
        CHECK_EQ("  spsr", rec_spsr[i], 0x600003c0);
        CHECK_EQ("  vector", rec_vec[i], 0x400);
        if (exp[i].far)
            CHECK_EQ("  far", rec_far[i], exp[i].far);
    }
    CHECK_EQ("EL0 read tpidrro_el0", el0_out[0], 0x1234567800000000ull);
    CHECK_EQ("EL0 tpidr_el0 + 1", el0_out[1], 0x42);
    CHECK_EQ("EL0 nzcv after eret", el0_out[2], 0x60000000);
    __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tp));
    CHECK_EQ("tpidr_el0 written at EL0", tp, 0x42);
    uint64_t el;
    __asm__ volatile("mrs %0, currentel" : "=r"(el));
    CHECK_EQ("back at EL1", el, 4);
    return test_finish("exc_el0");
}
