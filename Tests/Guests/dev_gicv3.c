/* dev_gic.c through GICv3: SGIs by ICC_SGI1R_EL1, the ICC_* CPU interface
 * (IAR1, EOIR1, DIR, RPR, PMR, ICC_CTLR_EL1.EOImode), SGIs and PPIs at the
 * redistributor, the PL011's SPI routed by GICD_IROUTER.
 * ARMATURE-ARGS: -M virt,gic-version=3 -cpu max */
#define GIC_V3 1
#define TEST_NAME "dev_gicv3"
#include "dev_gic.c"
