/* The Non-secure host (EL2, MMU off: every access is to the Non-secure PA
 * space, checked against the GPT). */
#include "demo.h"

uint64_t host_out[4];
volatile uint64_t host_fault_esr, host_fault_far;

void host_main(uint64_t cmd, uint64_t pa);

void host_main(uint64_t cmd, uint64_t pa)
{
    host_fault_esr = 0;
    host_fault_far = 0;
    if (cmd == HOST_WRITE_READ) st64(pa, 0x4057da7a00000000ull | pa);
    /* A load that faults is skipped by host_sync: x0 keeps this value. */
    register uint64_t v __asm__("x0") = 0;
    __asm__ volatile("ldr %0, [%1]" : "+r"(v) : "r"(pa) : "memory");
    host_out[0] = v;
    host_out[1] = host_fault_esr;
    host_out[2] = host_fault_far;
    host_out[3] = 0;
}
