/* Armature guest runtime: semihosting wrappers, printing, checks, exceptions. */
#include "semihost.h"

volatile uint64_t g_failures;
volatile uint64_t g_checks;

int (*volatile exception_hook)(exc_frame_t *f);
volatile uint64_t exc_record_mode;
volatile uint64_t exc_skip;
volatile uint64_t exc_count;
volatile exc_frame_t exc_last;
volatile uint64_t exc_handler_daif;
volatile uint64_t exc_handler_spsel;
static volatile uint64_t exc_depth;

uint64_t semihost_call(uint64_t op, uint64_t arg)
{
    register uint64_t x0 __asm__("x0") = op;
    register uint64_t x1 __asm__("x1") = arg;
    __asm__ volatile("hlt #0xf000" : "+r"(x0) : "r"(x1) : "memory");
    return x0;
}

void sh_writec(char c)
{
    volatile char ch = c;
    semihost_call(SYS_WRITEC, (uint64_t)(uintptr_t)&ch);
}

void sh_write0(const char *s)
{
    semihost_call(SYS_WRITE0, (uint64_t)(uintptr_t)s);
}

uint64_t sh_write(uint64_t fd, const void *buf, uint64_t len)
{
    volatile uint64_t blk[3] = { fd, (uint64_t)(uintptr_t)buf, len };
    return semihost_call(SYS_WRITE, (uint64_t)(uintptr_t)blk);
}

uint64_t sh_clock(void) { return semihost_call(SYS_CLOCK, 0); }

uint64_t sh_time(void) { return semihost_call(SYS_TIME, 0); }

void sh_heapinfo(uint64_t out[4])
{
    volatile uint64_t blk[4] = { 0, 0, 0, 0 };
    volatile uint64_t ptr = (uint64_t)(uintptr_t)blk;
    semihost_call(SYS_HEAPINFO, (uint64_t)(uintptr_t)&ptr);
    for (int i = 0; i < 4; i++)
        out[i] = blk[i];
}

void sh_exit(uint64_t code)
{
    volatile uint64_t blk[2] = { ADP_Stopped_ApplicationExit, code };
    semihost_call(SYS_EXIT_EXTENDED, (uint64_t)(uintptr_t)blk);
    for (;;)
        __asm__ volatile("wfi");
}

/* ---- printing ---- */

void print_str(const char *s) { sh_write0(s); }
void print_char(char c) { sh_writec(c); }
void print_nl(void) { sh_writec('\n'); }

static const char hexdigits[] = "0123456789abcdef";

static void print_hex_n(uint64_t v, int digits)
{
    char buf[20];
    int p = 0;
    buf[p++] = '0';
    buf[p++] = 'x';
    for (int i = digits - 1; i >= 0; i--)
        buf[p++] = hexdigits[(v >> (i * 4)) & 0xf];
    buf[p] = 0;
    sh_write0(buf);
}

void print_hex64(uint64_t v) { print_hex_n(v, 16); }
void print_hex32(uint32_t v) { print_hex_n(v, 8); }

void print_hex(uint64_t v)
{
    int digits = 1;
    while (digits < 16 && (v >> (digits * 4)) != 0)
        digits++;
    print_hex_n(v, digits);
}

void print_udec(uint64_t v)
{
    char buf[24];
    int p = 23;
    buf[p] = 0;
    do {
        buf[--p] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    sh_write0(&buf[p]);
}

void print_dec(int64_t v)
{
    if (v < 0) {
        sh_writec('-');
        print_udec((uint64_t)0 - (uint64_t)v);
    } else {
        print_udec((uint64_t)v);
    }
}

void print_reg(const char *label, uint64_t v)
{
    print_str(label);
    print_str(": ");
    print_hex64(v);
    print_nl();
}

void check_eq_quiet(const char *label, uint64_t got, uint64_t expected)
{
    g_checks++;
    if (got != expected) {
        print_str("FAIL: ");
        print_str(label);
        print_str(" got ");
        print_hex64(got);
        print_str(" expected ");
        print_hex64(expected);
        print_nl();
        g_failures++;
    }
}

void check_eq(const char *label, uint64_t got, uint64_t expected)
{
    print_reg(label, got);
    check_eq_quiet(label, got, expected);
}

int test_finish(const char *name)
{
    if (g_failures == 0) {
        print_str("PASS ");
        print_str(name);
        print_nl();
        return 0;
    }
    print_str("FAILED ");
    print_str(name);
    print_str(" (");
    print_udec(g_failures);
    print_str(" of ");
    print_udec(g_checks);
    print_str(" checks failed)\n");
    return 1;
}

/* ---- exceptions ---- */

void exception_dispatch(exc_frame_t *f)
{
    if (exc_depth != 0) {
        sh_write0("NESTED EXCEPTION\n");
        sh_exit(0xEF);
    }
    exc_depth = 1;
    {
        uint64_t v;
        __asm__ volatile("mrs %0, daif" : "=r"(v));
        exc_handler_daif = v;
        __asm__ volatile("mrs %0, spsel" : "=r"(v));
        exc_handler_spsel = v;
    }
    if (exception_hook && exception_hook(f)) {
        exc_depth = 0;
        return;
    }
    if (exc_record_mode) {
        for (int i = 0; i < 31; i++)
            exc_last.x[i] = f->x[i];
        exc_last.elr = f->elr;
        exc_last.spsr = f->spsr;
        exc_last.esr = f->esr;
        exc_last.far = f->far;
        exc_last.vec = f->vec;
        exc_last.sp = f->sp;
        exc_count++;
        if (exc_skip == EXC_SKIP_TO_LR)
            f->elr = f->x[30];
        else
            f->elr += exc_skip;
        exc_depth = 0;
        return;
    }
    sh_write0("UNEXPECTED EXCEPTION vec=");
    print_hex(f->vec);
    sh_write0(" ESR=");
    print_hex64(f->esr);
    sh_write0(" ELR=");
    print_hex64(f->elr);
    sh_write0(" FAR=");
    print_hex64(f->far);
    sh_write0(" SPSR=");
    print_hex64(f->spsr);
    sh_writec('\n');
    sh_exit(0xEE);
}

/* ---- freestanding memory functions ---- */

void *memcpy(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    while (n--)
        *dp++ = *sp++;
    return d;
}

void *memmove(void *d, const void *s, size_t n)
{
    unsigned char *dp = d;
    const unsigned char *sp = s;
    if (dp < sp) {
        while (n--)
            *dp++ = *sp++;
    } else {
        while (n--)
            dp[n] = sp[n];
    }
    return d;
}

void *memset(void *d, int c, size_t n)
{
    unsigned char *dp = d;
    while (n--)
        *dp++ = (unsigned char)c;
    return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *ap = a, *bp = b;
    for (size_t i = 0; i < n; i++)
        if (ap[i] != bp[i])
            return ap[i] < bp[i] ? -1 : 1;
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

/* Used by the EXC_RECORD / EXC_FATAL macros of asmtest.h. */
void asm_exc_setup_c(uint64_t mode, uint64_t skip)
{
    exc_record_mode = mode;
    exc_skip = skip;
    exc_count = 0;
}
