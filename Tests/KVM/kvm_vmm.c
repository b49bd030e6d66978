/* A small VMM for the KVM check of scripts/test-linux.py: run inside the
 * Linux guest (booted at EL2 with KVM), it creates a VM through /dev/kvm
 * with 64 KiB of memory and one vCPU, runs a few instructions of guest code
 * and prints every exit it sees:
 *   - MMIO exits (stage 2 data aborts with a valid syndrome, decoded by KVM
 *     from ESR_EL2: size, direction, register): byte, word and doubleword
 *     stores, a word load whose value the VMM supplies and the guest stores back;
 *   - a hypercall: HVC #0 with PSCI_VERSION (answered by KVM), its result
 *     stored to MMIO;
 *   - the virtual timer through the in-kernel vGICv3: the guest programs
 *     CNTV_TVAL_EL0, waits in WFI, acknowledges PPI 27 with ICC_IAR1_EL1 (the
 *     GICv3 virtual CPU interface: list registers at EL2), reports it by MMIO;
 *   - PSCI SYSTEM_OFF: a system-event exit, the end.
 * Output is deterministic: the same lines on any correct host.
 * Built statically with Debian's aarch64-linux-gnu-gcc by scripts/test-linux.py,
 * which puts it in the KVM configurations' initramfs as /bin/kvm-vmm. */
#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <stddef.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#define MEM_BASE 0x10000000ull   /* guest RAM (IPA) */
#define MEM_SIZE 0x10000ull
#define MMIO_BASE 0x20000000ull  /* no memory there: every access exits */
#define GICD_BASE 0x08000000ull
#define GICR_BASE 0x080A0000ull

/* The guest: position-independent AArch64 code copied to MEM_BASE, entered
 * at EL1h with the MMU off (stores to MMIO_BASE are Device accesses). */
extern const unsigned char guest_start[], guest_end[];
__asm__(
"    .pushsection .rodata.guest, \"a\"\n"
"    .balign 2048\n"
/* Global labels: the GOT entries of two local labels (section + addend)
 * collapse into one in a static link, and guest_end - guest_start is 0. */
"    .globl guest_start, guest_end\n"
"guest_start:\n"
"    movz x19, #0x2000, lsl #16\n"       /* x19 = MMIO_BASE (an SMCCC call keeps it) */
"    mov w2, #0x41\n"
"    strb w2, [x19]\n"                     /* 1-byte store */
"    movz x3, #0x5678\n"
"    movk x3, #0x1234, lsl #16\n"
"    str w3, [x19, #4]\n"                  /* 4-byte store */
"    movz x4, #0xbeef\n"
"    movk x4, #0xdead, lsl #48\n"
"    str x4, [x19, #8]\n"                  /* 8-byte store */
"    ldr w5, [x19, #0x10]\n"               /* 4-byte load: the VMM answers */
"    add w5, w5, #1\n"
"    str w5, [x19, #0x14]\n"               /* back, plus one */
"    movz x0, #0x8400, lsl #16\n"         /* PSCI_VERSION */
"    hvc #0\n"
"    str w0, [x19, #0x18]\n"
/* The virtual timer through the vGIC: GICD_CTLR.EnableGrp1, wake the
 * redistributor, PPI 27 Group 1 enabled, priority mask open. */
"    movz x6, #0x0800, lsl #16\n"         /* GICD */
"    mov w7, #0x12\n"                     /* ARE_NS | EnableGrp1NS */
"    str w7, [x6]\n"
"    movz x8, #0x080a, lsl #16\n"         /* GICR (RD_base) */
"    str wzr, [x8, #0x14]\n"              /* GICR_WAKER = 0 */
"    add x9, x8, #0x10000\n"              /* SGI_base */
"    mov w7, #(1 << 27)\n"
"    str w7, [x9, #0x80]\n"               /* GICR_IGROUPR0 */
"    str w7, [x9, #0x100]\n"              /* GICR_ISENABLER0 */
"    mov x7, #0xf0\n"
"    msr icc_pmr_el1, x7\n"
"    mov x7, #1\n"
"    msr icc_igrpen1_el1, x7\n"
"    isb\n"
"    mov x7, #1000\n"
"    msr cntv_tval_el0, x7\n"
"    mov x7, #1\n"
"    msr cntv_ctl_el0, x7\n"              /* enabled, unmasked */
"    isb\n"
"1:  wfi\n"
"    mrs x7, isr_el1\n"
"    tbz x7, #7, 1b\n"                    /* until an IRQ is pending (PSTATE.I masked) */
"    mrs x10, icc_iar1_el1\n"
"    str w10, [x19, #0x20]\n"              /* the INTID */
"    mov x7, #3\n"
"    msr cntv_ctl_el0, x7\n"              /* mask the timer */
"    msr icc_eoir1_el1, x10\n"
"    isb\n"
"    mrs x7, icc_rpr_el1\n"
"    str w7, [x19, #0x24]\n"               /* idle again: 0xff */
"    mrs x7, cntv_ctl_el0\n"
"    str w7, [x19, #0x28]\n"               /* ENABLE, IMASK, ISTATUS */
"    movz x0, #0x8400, lsl #16\n"
"    movk x0, #0x0008\n"                  /* PSCI SYSTEM_OFF */
"    hvc #0\n"
"2:  b 2b\n"
/* VBAR_EL1 = guest_start + 0x800: any exception reports ESR_EL1, ELR_EL1
 * and FAR_EL1 by MMIO and powers off. */
"    .balign 2048\n"
"    .rept 16\n"
"    .balign 128\n"
"    movz x21, #0x2000, lsl #16\n"
"    mrs x20, esr_el1\n"
"    str x20, [x21, #0x100]\n"
"    mrs x20, elr_el1\n"
"    str x20, [x21, #0x108]\n"
"    mrs x20, far_el1\n"
"    str x20, [x21, #0x110]\n"
"    b 2f\n"
"    .endr\n"
"2:  movz x0, #0x8400, lsl #16\n"
"    movk x0, #0x0008\n"
"    hvc #0\n"
"3:  b 3b\n"
"guest_end:\n"
"    .popsection\n");

static int must(int r, const char *what)
{
    if (r < 0) {
        printf("vmm: %s failed: %s\n", what, strerror(errno));
        exit(1);
    }
    return r;
}

static uint64_t get_reg(int vcpu, uint64_t id)
{
    uint64_t value = 0;
    struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
    if (ioctl(vcpu, KVM_GET_ONE_REG, &reg) < 0) return ~0ull;
    return value;
}

#define CORE_REG(r) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(r))
#define SYS_REG(op0, op1, crn, crm, op2) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | \
    ((uint64_t)(op0) << 14) | ((uint64_t)(op1) << 11) | ((uint64_t)(crn) << 7) | ((uint64_t)(crm) << 3) | (op2))

static void on_alarm(int sig) { (void)sig; }

static void set_reg(int vcpu, uint64_t id, uint64_t value)
{
    struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
    must(ioctl(vcpu, KVM_SET_ONE_REG, &reg), "KVM_SET_ONE_REG");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    int kvm = must(open("/dev/kvm", O_RDWR | O_CLOEXEC), "open /dev/kvm");
    printf("vmm: KVM API version %d\n", must(ioctl(kvm, KVM_GET_API_VERSION, 0), "KVM_GET_API_VERSION"));
    int vm = must(ioctl(kvm, KVM_CREATE_VM, 0), "KVM_CREATE_VM");

    unsigned char *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) { printf("vmm: mmap failed\n"); return 1; }
    memcpy(mem, guest_start, (size_t)(guest_end - guest_start));
    struct kvm_userspace_memory_region region = {
        .slot = 0, .guest_phys_addr = MEM_BASE, .memory_size = MEM_SIZE, .userspace_addr = (uint64_t)(uintptr_t)mem,
    };
    must(ioctl(vm, KVM_SET_USER_MEMORY_REGION, &region), "KVM_SET_USER_MEMORY_REGION");

    int vcpu = must(ioctl(vm, KVM_CREATE_VCPU, 0), "KVM_CREATE_VCPU");

    /* The in-kernel GICv3 (distributor and one redistributor), before the vCPU runs. */
    struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
    must(ioctl(vm, KVM_CREATE_DEVICE, &gic), "KVM_CREATE_DEVICE (vGICv3)");
    uint64_t dist = GICD_BASE, redist = GICR_BASE;
    struct kvm_device_attr attr = { .group = KVM_DEV_ARM_VGIC_GRP_ADDR, .attr = KVM_VGIC_V3_ADDR_TYPE_DIST,
                                    .addr = (uint64_t)(uintptr_t)&dist };
    must(ioctl(gic.fd, KVM_SET_DEVICE_ATTR, &attr), "vGIC distributor address");
    attr.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
    attr.addr = (uint64_t)(uintptr_t)&redist;
    must(ioctl(gic.fd, KVM_SET_DEVICE_ATTR, &attr), "vGIC redistributor address");

    struct kvm_vcpu_init init;
    must(ioctl(vm, KVM_ARM_PREFERRED_TARGET, &init), "KVM_ARM_PREFERRED_TARGET");
    init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
    must(ioctl(vcpu, KVM_ARM_VCPU_INIT, &init), "KVM_ARM_VCPU_INIT");

    struct kvm_device_attr ctrl = { .group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = KVM_DEV_ARM_VGIC_CTRL_INIT };
    must(ioctl(gic.fd, KVM_SET_DEVICE_ATTR, &ctrl), "vGIC init");

    set_reg(vcpu, CORE_REG(regs.pc), MEM_BASE);
    set_reg(vcpu, SYS_REG(3, 0, 12, 0, 0), MEM_BASE + 0x800);   /* VBAR_EL1 */
    /* A guest that stops exiting is reported, not waited for: SIGALRM ends KVM_RUN with EINTR. */
    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
    int run_size = must(ioctl(kvm, KVM_GET_VCPU_MMAP_SIZE, 0), "KVM_GET_VCPU_MMAP_SIZE");
    struct kvm_run *run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, vcpu, 0);
    if (run == MAP_FAILED) { printf("vmm: mmap of kvm_run failed\n"); return 1; }

    for (int exits = 0; exits < 64; exits++) {
        alarm(20);
        int r = ioctl(vcpu, KVM_RUN, 0);
        alarm(0);
        if (r < 0 && errno == EINTR) {
            printf("vmm: the guest made no exit for 20 s: PC=0x%llx ESR_EL1=0x%llx ELR_EL1=0x%llx FAR_EL1=0x%llx\n",
                   (unsigned long long)get_reg(vcpu, CORE_REG(regs.pc)),
                   (unsigned long long)get_reg(vcpu, SYS_REG(3, 0, 5, 2, 0)),
                   (unsigned long long)get_reg(vcpu, CORE_REG(elr_el1)),
                   (unsigned long long)get_reg(vcpu, SYS_REG(3, 0, 6, 0, 0)));
            printf("vmm: PSTATE=0x%llx SCTLR_EL1=0x%llx\n", (unsigned long long)get_reg(vcpu, CORE_REG(regs.pstate)),
                   (unsigned long long)get_reg(vcpu, SYS_REG(3, 0, 1, 0, 0)));
            return 1;
        }
        must(r, "KVM_RUN");
        switch (run->exit_reason) {
        case KVM_EXIT_MMIO: {
            uint64_t data = 0;
            if (run->mmio.is_write) {
                memcpy(&data, run->mmio.data, run->mmio.len);
                printf("vmm: mmio write addr=0x%llx len=%u data=0x%llx\n",
                       (unsigned long long)run->mmio.phys_addr, run->mmio.len, (unsigned long long)data);
            } else {
                data = 0xcafe0000ull | run->mmio.len;
                memcpy(run->mmio.data, &data, run->mmio.len);
                printf("vmm: mmio read addr=0x%llx len=%u -> 0x%llx\n",
                       (unsigned long long)run->mmio.phys_addr, run->mmio.len, (unsigned long long)data);
            }
            break;
        }
        case KVM_EXIT_SYSTEM_EVENT:
            printf("vmm: system event type=%u (%s)\n", run->system_event.type,
                   run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ? "shutdown" : "other");
            printf("vmm: done after %d exits\n", exits + 1);
            return 0;
        default:
            printf("vmm: unexpected exit reason %u\n", run->exit_reason);
            return 1;
        }
    }
    printf("vmm: too many exits\n");
    return 1;
}
