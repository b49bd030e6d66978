/* sys_isr.c through GICv3 (SGIs by ICC_SGI1R_EL1, the ICC_* CPU interface).
 * ARMATURE-ARGS: -M virt,gic-version=3 -cpu max */
#define GIC_V3 1
#define TEST_NAME "sys_isr_v3"
#include "sys_isr.c"
