// The misaligned accesses of mem_unaligned_fault, with SCTLR_EL1.A=1: the
// alignment check makes every one of them fault on any implementation
// (QEMU 7.2 included), independently of the Device-memory rule.
#define SET_SCTLR_A 1
#define UNALIGNED_TEST_NAME mem_unaligned_sctlr_a
#include "mem_unaligned_fault.S"
