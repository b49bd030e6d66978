/* The reserved encodings among the AdvSIMD shifts, three-different ops and
 * narrowing moves are UNDEFINED (EC 0, ELR at the instruction): element
 * sizes the form does not allow (immh 1xxx with Q = 0 or in a narrowing or
 * lengthening shift, scalar shifts of D only with a smaller immh, size 3 in
 * the long/wide/narrow ops, size 0 or 3 in SQDMULL, D-only scalar register
 * shifts with a smaller size, 1D register shifts). */
#include "semihost.h"

#define UNDEF(enc, label) do { \
        uint64_t before = exc_count; \
        __asm__ volatile("1: .inst " #enc "\n\tadr %0, 1b" : "=r"(pc) :: "v0", "memory"); \
        CHECK(exc_count == before + 1, label " is UNDEFINED"); \
        CHECK(ESR_EC(exc_last.esr) == 0, label ": EC 0"); \
        CHECK(exc_last.elr == pc, label ": ELR at the instruction"); \
        print_str(label); print_str(": esr "); print_hex(exc_last.esr); print_nl(); \
    } while (0)

int main(void)
{
    __asm__ volatile("msr cpacr_el1, %0\n\tisb" :: "r"(3ull << 20));   /* FPEN: FP/SIMD at EL1 */
    exc_record_mode = 1;
    exc_skip = 4;
    uint64_t pc;
    UNDEF(0x0f400400, "sshr 1d (immh 1xxx, Q 0)");
    UNDEF(0x5f080400, "sshr scalar immh 0001");
    UNDEF(0x5f105400, "shl scalar immh 0010");
    UNDEF(0x0f408400, "shrn immh 1xxx");
    UNDEF(0x5f409400, "sqshrn scalar immh 1xxx");
    UNDEF(0x0f40a400, "sshll immh 1xxx");
    UNDEF(0x0ee12800, "xtn size 3");
    UNDEF(0x5ee14800, "sqxtn scalar size 3");
    UNDEF(0x2ee13800, "shll size 3");
    UNDEF(0x0ee00000, "saddl size 3");
    UNDEF(0x0ee04000, "addhn size 3");
    UNDEF(0x0e20d000, "sqdmull size 0");
    UNDEF(0x0ee0d000, "sqdmull size 3");
    UNDEF(0x5e20d000, "sqdmull scalar size 0");
    UNDEF(0x5ee0d000, "sqdmull scalar size 3");
    UNDEF(0x5e204400, "sshl scalar size 0");
    UNDEF(0x0ee04400, "sshl 1d");
    exc_record_mode = 0;
    return test_finish("simd_shift_undef");
}
