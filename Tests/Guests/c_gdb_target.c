/* The program scripts/test-gdb.sh debugs: a function to break on (gdb_scale),
 * a global to watch (gdb_watched) and an array to examine (gdb_words). Run on
 * its own it prints its results and passes. Under test-gdb.sh the debugger
 * sets x0 from 5 to 7 at the breakpoint, so "scaled" becomes 0x16 (3*7+1)
 * instead of 0x10 (3*5+1) and "watched" follows; both runs pass. */
#include "semihost.h"

volatile uint64_t gdb_input = 5;
volatile uint64_t gdb_watched;
volatile uint32_t gdb_words[4] = { 0x11111111, 0x22222222, 0x33333333, 0x44444444 };

__attribute__((noinline)) uint64_t gdb_scale(uint64_t v)
{
    return v * 3 + 1;
}

int main(void)
{
    uint64_t r = gdb_scale(gdb_input);
    print_reg("scaled", r);
    gdb_watched = r;
    gdb_watched = gdb_watched + gdb_words[2];
    print_reg("watched", gdb_watched);
    CHECK(r == 3 * 5 + 1 || r == 3 * 7 + 1, "gdb_scale(5), or gdb_scale(7) with x0 changed by the debugger");
    CHECK_EQ("watched - scaled", gdb_watched - r, 0x33333333);
    return test_finish("c_gdb_target");
}
