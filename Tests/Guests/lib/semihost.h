/* Armature guest runtime: Arm semihosting + printing + checks.
 * Freestanding; compile with -ffreestanding -nostdlib -mgeneral-regs-only. */
#ifndef ARMATURE_SEMIHOST_H
#define ARMATURE_SEMIHOST_H

#include <stdint.h>
#include <stddef.h>

/* Semihosting operation numbers */
#define SYS_WRITEC          0x03
#define SYS_WRITE0          0x04
#define SYS_WRITE           0x05
#define SYS_CLOCK           0x10
#define SYS_TIME            0x11
#define SYS_HEAPINFO        0x16
#define SYS_EXIT            0x18
#define SYS_EXIT_EXTENDED   0x20
#define ADP_Stopped_ApplicationExit 0x20026

/* Raw semihosting call: HLT #0xF000 with W0 = op, X1 = arg; returns X0. */
uint64_t semihost_call(uint64_t op, uint64_t arg);

void     sh_writec(char c);
void     sh_write0(const char *s);
/* SYS_WRITE: returns the number of bytes NOT written (0 on success). */
uint64_t sh_write(uint64_t fd, const void *buf, uint64_t len);
uint64_t sh_clock(void);              /* centiseconds since start */
uint64_t sh_time(void);               /* seconds since the epoch */
void     sh_heapinfo(uint64_t out[4]);/* heap base, heap limit, stack base, stack limit */
void     sh_exit(uint64_t code) __attribute__((noreturn));

/* Printing (through SYS_WRITE0 / SYS_WRITEC) */
void print_str(const char *s);
void print_char(char c);
void print_nl(void);
void print_hex64(uint64_t v);         /* "0x" + 16 hex digits */
void print_hex32(uint32_t v);         /* "0x" + 8 hex digits */
void print_hex(uint64_t v);           /* "0x" + minimal hex digits */
void print_dec(int64_t v);            /* signed decimal */
void print_udec(uint64_t v);          /* unsigned decimal */
/* "label: 0x%016x\n" */
void print_reg(const char *label, uint64_t v);

/* Checks. Every failed check prints "FAIL: ..." and bumps g_failures. */
extern volatile uint64_t g_failures;
extern volatile uint64_t g_checks;

#define CHECK(cond, msg) do { \
        g_checks++; \
        if (!(cond)) { print_str("FAIL: "); print_str(msg); print_nl(); g_failures++; } \
    } while (0)

/* Prints "label: 0x<got>" and, on mismatch, "FAIL: label expected 0x<exp>". */
void check_eq(const char *label, uint64_t got, uint64_t expected);
/* Same, but prints nothing when equal (for values that must not be printed). */
void check_eq_quiet(const char *label, uint64_t got, uint64_t expected);
#define CHECK_EQ(label, got, exp) check_eq((label), (uint64_t)(got), (uint64_t)(exp))

/* Prints "PASS <name>" and returns 0 if no check failed, otherwise prints
 * "FAILED <name> (<n> failures)" and returns 1. Use as: return test_finish("x"); */
int test_finish(const char *name);

/* ---- Exceptions ----
 * start.S installs a vector table at VBAR_EL1. Every entry saves x0..x30,
 * ELR/SPSR/ESR/FAR into an exc_frame and calls exception_dispatch().
 * Dispatch order:
 *   1. exception_hook, if set and it returns non-zero: the (possibly modified)
 *      frame is restored and ERET is executed.
 *   2. exc_record_mode != 0: the exception is recorded in exc_last (and
 *      exc_count is incremented), ELR is advanced by exc_skip, then ERET.
 *      exc_skip == EXC_SKIP_TO_LR instead returns to the interrupted code's
 *      x30 (for faults on instruction fetch after a BLR).
 *   3. Otherwise: "UNEXPECTED EXCEPTION" with ESR/ELR/FAR/SPSR is printed and
 *      the program exits with status 0xEE.
 * The frame's elr/spsr fields are written back to ELR_EL1/SPSR_EL1 before ERET. */
typedef struct exc_frame {
    uint64_t x[31];
    uint64_t elr, spsr, esr, far;
    uint64_t vec;      /* offset of the vector entry taken (0x000..0x780) */
    uint64_t sp;       /* SP at the time of the exception (SP_EL1 only) */
} exc_frame_t;

extern int (*volatile exception_hook)(exc_frame_t *f);
extern volatile uint64_t exc_record_mode;
extern volatile uint64_t exc_skip;
#define EXC_SKIP_TO_LR 0xffffffffffffffffull
extern volatile uint64_t exc_count;
extern volatile exc_frame_t exc_last;
/* DAIF and SPSel as seen by the handler of the last exception */
extern volatile uint64_t exc_handler_daif;
extern volatile uint64_t exc_handler_spsel;

void exception_dispatch(exc_frame_t *f);

/* ESR helpers */
#define ESR_EC(esr)   (((esr) >> 26) & 0x3f)
#define ESR_IL(esr)   (((esr) >> 25) & 1)
#define ESR_ISS(esr)  ((esr) & 0x1ffffff)

static inline uint64_t read_vbar(void) { uint64_t v; __asm__ volatile("mrs %0, vbar_el1" : "=r"(v)); return v; }

/* freestanding memory functions (the compiler may emit calls to these) */
void *memcpy(void *d, const void *s, size_t n);
void *memmove(void *d, const void *s, size_t n);
void *memset(void *d, int c, size_t n);
int   memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif
