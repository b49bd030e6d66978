/* Semihosting calls: SYS_WRITEC, SYS_WRITE0 (incl. empty string), SYS_OPEN
 * of ":tt" + SYS_WRITE (full and zero-length writes return 0; a write to an
 * invalid handle returns the number of bytes not written), SYS_CLOCK
 * (monotonic, not -1), SYS_TIME (after 2020), SYS_HEAPINFO (sane layout:
 * heap above the image, limits ordered). Clock/time/heap values are
 * checked but never printed (they differ between emulators and runs). */
#include "semihost.h"

extern char __image_end[], __image_start[];

#define SYS_OPEN 0x01

int main(void)
{
    const char *s = "writec: ";
    while (*s)
        sh_writec(*s++);
    sh_writec('o');
    sh_writec('k');
    sh_writec('\n');
    sh_write0("");
    sh_write0("write0: ok\n");

    volatile uint64_t open_blk[3] = { (uint64_t)(uintptr_t)":tt", 4 /* "w" */, 3 };
    uint64_t h = semihost_call(SYS_OPEN, (uint64_t)(uintptr_t)open_blk);
    CHECK(h != (uint64_t)-1, "open :tt for writing");
    static const char msg[] = "write: ok (via :tt)\n";
    uint64_t r = sh_write(h, msg, sizeof msg - 1);
    CHECK_EQ("sys_write returns", r, 0);
    r = sh_write(h, msg, 0);
    CHECK_EQ("sys_write len 0 returns", r, 0);
    r = sh_write(h, "part", 2);
    sh_write0("\n");
    CHECK_EQ("sys_write partial buffer returns", r, 0);
    r = sh_write(0x7777, msg, 5);
    CHECK_EQ("sys_write bad handle returns len", r, 5);

    uint64_t c0 = sh_clock();
    CHECK(c0 != (uint64_t)-1, "sys_clock != -1");
    uint64_t last = c0, decreases = 0;
    for (int i = 0; i < 50; i++) {
        uint64_t c = sh_clock();
        if ((int64_t)c < (int64_t)last)
            decreases++;
        last = c;
    }
    CHECK_EQ("sys_clock decreases", decreases, 0);
    CHECK((int64_t)last >= 0, "sys_clock non-negative");

    uint64_t t = sh_time();
    CHECK(t > 1577836800ull, "sys_time after 2020-01-01");
    CHECK(t < 4102444800ull, "sys_time before 2100-01-01");

    uint64_t hi[4];
    sh_heapinfo(hi);
    uint64_t heap_base = hi[0], heap_limit = hi[1], stack_base = hi[2], stack_limit = hi[3];
    CHECK(heap_base >= (uint64_t)(uintptr_t)__image_end || heap_limit <= (uint64_t)(uintptr_t)__image_start,
          "heap does not overlap the image");
    CHECK(heap_limit > heap_base, "heap limit > heap base");
    CHECK(stack_base > stack_limit, "stack base > stack limit");
    CHECK(heap_base >= 0x40000000ull, "heap in RAM");
    CHECK(stack_base >= heap_limit || stack_limit >= heap_limit || stack_base <= heap_base,
          "stack and heap ordered");
    print_str("heapinfo checked\n");

    return test_finish("semi_calls");
}
