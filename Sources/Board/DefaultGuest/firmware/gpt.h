/* EL3: the granule protection table (FEAT_RME, Arm ARM D9). */
#ifndef ARMATURE_DEMO_GPT_H
#define ARMATURE_DEMO_GPT_H

#include <stdint.h>

#define GPT_L1          0x40000000ull   /* 128 KiB: RAM's GiB, 16 granules per entry */
#define GPT_L0          0x40020000ull   /* 4 entries of 1 GiB */
#define GPT_END         0x40021000ull

#define GPI_NO_ACCESS   0x0u
#define GPI_NS          0x9u
#define GPI_ROOT        0xAu
#define GPI_REALM       0xBu
#define GPI_ALL         0xFu

/* Builds the table: 0-1 GiB (flash, devices) one level 0 block "all access",
 * RAM's GiB a level 1 table of 4 KiB granules (all Non-secure to start with),
 * 2-4 GiB "no access"; the table's own granules Root. */
void gpt_init(void);
/* Sets the GPI of the granules of RAM in [lo, hi) and invalidates the cached
 * GPT information (TLBI PAALL). */
void gpt_set(uint64_t lo, uint64_t hi, unsigned gpi);
/* GPTBR_EL3 and GPCCR_EL3: PPS 4 GiB, 4 KiB granules, GPC on. */
void gpt_enable(void);
uint64_t gpt_base(void);

#endif
