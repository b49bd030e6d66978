/* Stage 1 at EL1 with the 4 KiB granule (TG0 = 0b00): RAM mapped 1:1, page
 * and block aliases, faults (see mmu_granule.h). TxSZ 16: 48-bit VAs, start
 * level 0, RAM as a 1 GiB level 1 block; 25: 39-bit, level 1; 33: 31-bit,
 * level 1 with a 4-entry table. */
#define GBITS 12
#define TSZ_LIST 16, 25, 33
#define IDMAP_L1_TSZ 16
#define TEST_NAME "mmu_granule_4k"
#include "mmu_granule.h"
