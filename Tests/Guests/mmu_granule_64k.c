/* Stage 1 at EL1 with the 64 KiB granule (TG0 = 0b01): see mmu_granule.h.
 * TxSZ 16: 48-bit VAs, start level 1; 22: 42-bit, level 2 (a full table);
 * 25: 39-bit, level 2; 33: 31-bit, level 2. Blocks are 512 MiB (level 2). */
#define GBITS 16
#define TSZ_LIST 16, 22, 25, 33
#define NOMAP 0x60000000ull   /* 0x30000000 lies in the block alias */
#define TEST_NAME "mmu_granule_64k"
#include "mmu_granule.h"
