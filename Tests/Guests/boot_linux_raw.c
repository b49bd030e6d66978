/* boot_linux as a raw binary (no Image header): placed at RAM + 0x80000 and
 * booted as Linux, with EL3 present (secure=on): entered at EL1 Non-secure.
 *
 * GUEST-FORMAT: raw
 * ARMATURE-ARGS: -M virt,secure=on -cpu max
 * BOOT-ARGS: -m 128M -initrd @initrd -append "console=ttyAMA0 armature.boot=test"
 */
#define BOOT_EXPECT_NAME "boot_linux_raw"
#define BOOT_EXPECT_ARGS "console=ttyAMA0 armature.boot=test"
#define BOOT_EXPECT_INITRD 1
#define BOOT_RAW 1
#include "boot_linux.c"
