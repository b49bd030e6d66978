/* Stage 1 at EL1 with the 16 KiB granule (TG0 = 0b10): see mmu_granule.h.
 * TxSZ 16: 48-bit VAs, start level 0 (a 2-entry table); 17: 47-bit, level 1;
 * 25: 39-bit, level 1; 33: 31-bit, level 2. Blocks are 32 MiB (level 2). */
#define GBITS 14
#define TSZ_LIST 16, 17, 25, 33
#define TEST_NAME "mmu_granule_16k"
#include "mmu_granule.h"
