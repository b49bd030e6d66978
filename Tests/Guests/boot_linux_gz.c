/* boot_linux as a gzip-compressed Image (-kernel Image.gz), entered at EL2
 * with virtualization=on; no initrd.
 *
 * GUEST-FORMAT: image.gz
 * ARMATURE-ARGS: -M virt,virtualization=on -cpu max
 * BOOT-ARGS: -append "root=/dev/vda quiet"
 */
#define BOOT_EXPECT_NAME "boot_linux_gz"
#define BOOT_EXPECT_ARGS "root=/dev/vda quiet"
#define BOOT_EXPECT_INITRD 0
#include "boot_linux.c"
