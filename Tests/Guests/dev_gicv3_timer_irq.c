/* sys_timer_irq.c through GICv3: the timers' PPIs at the redistributor, the
 * ICC_* system-register CPU interface (ICC_IAR1_EL1, ICC_EOIR1_EL1).
 * ARMATURE-ARGS: -M virt,gic-version=3 -cpu max */
#define GIC_V3 1
#define TEST_NAME "dev_gicv3_timer_irq"
#include "sys_timer_irq.c"
