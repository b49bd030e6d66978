/* smp_sgi.c through GICv3: ICC_SGI1R_EL1 by affinity and with IRM, each CPU
 * waking its own redistributor.
 * ARMATURE-ARGS: -M virt,gic-version=3 -cpu max -smp 2 */
#define GIC_V3 1
#define TEST_NAME "smp_sgi_v3"
#include "smp_sgi.c"
