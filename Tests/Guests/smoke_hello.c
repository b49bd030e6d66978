/* Smoke test: the runtime prints, checks and exits. */
#include "semihost.h"

int main(void)
{
    print_str("hello from the guest\n");
    CHECK_EQ("one plus one", 1 + 1, 2);
    print_dec(-1234567); print_nl();
    print_udec(18446744073709551615ull); print_nl();
    print_hex(0xabc); print_nl();
    return test_finish("smoke_hello");
}
