/* /init of the nested guest's initramfs (kvm-vmm boot): prints the marker
 * line with the kernel's release and powers the VM off (PSCI SYSTEM_OFF
 * through the kernel). Built statically by scripts/test-linux.py. */
#include <stdio.h>
#include <sys/reboot.h>
#include <sys/utsname.h>
#include <unistd.h>

int main(void)
{
    struct utsname u;
    uname(&u);
    printf("NESTED-INIT-OK %s\n", u.release);
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    return 1;
}
