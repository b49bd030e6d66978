/* A small VMM for the KVM checks of scripts/test-linux.py, run inside the
 * Linux guest booted at EL2 with KVM. Its modes:
 *
 * `kvm-vmm`: creates a VM through /dev/kvm with 64 KiB of memory and one
 * vCPU, runs a few instructions of guest code and prints every exit it sees:
 *   - MMIO exits (stage 2 data aborts with a valid syndrome, decoded by KVM
 *     from ESR_EL2: size, direction, register): byte, word and doubleword
 *     stores, a word load whose value the VMM supplies and the guest stores back;
 *   - a hypercall: HVC #0 with PSCI_VERSION (answered by KVM), its result
 *     stored to MMIO;
 *   - the virtual timer through the in-kernel vGICv3: the guest programs
 *     CNTV_TVAL_EL0, waits in WFI, acknowledges PPI 27 with ICC_IAR1_EL1 (the
 *     GICv3 virtual CPU interface: list registers at EL2), reports it by MMIO;
 *   - an ID register read that KVM traps (HCR_EL2.TID3) and sanitises;
 *   - PSCI SYSTEM_OFF: a system-event exit, the end.
 * Output is deterministic: the same lines on any correct host.
 *
 * `kvm-vmm gic2` (a host with a GICv2 and its virtualization extensions):
 * the same VM with an in-kernel vGICv2: the guest's GICC (0x0801_0000) is the
 * host GIC's virtual CPU interface (GICV) that KVM maps there, its list
 * registers in the host's GICH; the guest acknowledges the timer with GICC_IAR.
 *
 * `kvm-vmm smp` (a host with 2 CPUs or more): the same VM, its timer firing
 * five times, with the vCPU thread pinned to CPU 1 (sched_setaffinity) while
 * a busy loop pinned to CPU 0 runs; then checks that every KVM_RUN returned
 * on CPU 1 and that the busy loop ran, on CPU 0, throughout.
 *
 * `kvm-vmm boot IMAGE INITRD [CMDLINE]`: boots an arm64 Linux Image as a
 * nested guest (kvm_vmm_boot.c).
 * Built statically with Debian's aarch64-linux-gnu-gcc (with kvm_vmm_boot.c)
 * by scripts/test-linux.py, which puts it in the KVM configurations'
 * initramfs as /bin/kvm-vmm. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/stat.h>
#include <signal.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kvm_vmm.h"

#define MEM_BASE 0x10000000ull   /* guest RAM (IPA) */
#define MEM_SIZE 0x10000ull
#define MMIO_BASE 0x20000000ull  /* no memory there: every access exits */

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
/* The virtual timer through the vGIC. x23 = 2 (set by the VMM): a vGICv2,
 * GICD_CTLR.EnableGrp0, PPI 27 (Group 0) enabled, the memory-mapped CPU
 * interface (x11) on with its priority mask open; else a vGICv3. */
"    movz x6, #0x0800, lsl #16\n"         /* GICD */
"    cmp x23, #2\n"
"    b.ne 5f\n"
"    mov w7, #1\n"
"    str w7, [x6]\n"                      /* GICD_CTLR.EnableGrp0 */
"    mov w7, #(1 << 27)\n"
"    str w7, [x6, #0x100]\n"              /* GICD_ISENABLER0 */
"    add x11, x6, #0x10000\n"             /* GICC */
"    mov w7, #0xf0\n"
"    str w7, [x11, #4]\n"                 /* GICC_PMR */
"    mov w7, #1\n"
"    str w7, [x11]\n"                     /* GICC_CTLR.EnableGrp0 */
"    b 4f\n"
/* GICD_CTLR.EnableGrp1, wake the redistributor, PPI 27 Group 1 enabled,
 * priority mask open. */
"5:  mov w7, #0x12\n"                     /* ARE_NS | EnableGrp1NS */
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
"4:  isb\n"
"    mov x7, #1000\n"
"    msr cntv_tval_el0, x7\n"
"    mov x7, #1\n"
"    msr cntv_ctl_el0, x7\n"              /* enabled, unmasked */
"    isb\n"
"1:  wfi\n"
"    mrs x7, isr_el1\n"
"    tbz x7, #7, 1b\n"                    /* until an IRQ is pending (PSTATE.I masked) */
"    cmp x23, #2\n"
"    b.ne 5f\n"
"    ldr w10, [x11, #0xc]\n"              /* GICC_IAR */
"    b 6f\n"
"5:  mrs x10, icc_iar1_el1\n"
"6:  str w10, [x19, #0x20]\n"              /* the INTID */
"    mov x7, #3\n"
"    msr cntv_ctl_el0, x7\n"              /* mask the timer */
"    cmp x23, #2\n"
"    b.ne 5f\n"
"    str w10, [x11, #0x10]\n"             /* GICC_EOIR */
"    b 6f\n"
"5:  msr icc_eoir1_el1, x10\n"
"6:  isb\n"
"    subs x22, x22, #1\n"
"    b.gt 4b\n"                           /* x22 timer interrupts in all (the VMM sets it; 0 or 1: one) */
"    cmp x23, #2\n"
"    b.ne 5f\n"
"    ldr w7, [x11, #0x14]\n"              /* GICC_RPR */
"    b 6f\n"
"5:  mrs x7, icc_rpr_el1\n"
"6:  str w7, [x19, #0x24]\n"               /* idle again: 0xff */
"    mrs x7, cntv_ctl_el0\n"
"    str w7, [x19, #0x28]\n"               /* ENABLE, IMASK, ISTATUS */
/* An ID register: HCR_EL2.TID3 traps the read to KVM (ESR_EL2 EC 0x18),
 * which answers with its sanitised value: GIC 1 with a vGICv3 (its system
 * registers), the host's 0 on a GICv2, AMU 0 (hidden from guests). */
"    mrs x7, id_aa64pfr0_el1\n"
"    movz x8, #0x0f00, lsl #16\n"
"    movk x8, #0xf000, lsl #32\n"          /* AMU 47:44, GIC 27:24 */
"    and x7, x7, x8\n"
"    str x7, [x19, #0x30]\n"
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

int must(int r, const char *what)
{
    if (r < 0) {
        printf("vmm: %s failed: %s\n", what, strerror(errno));
        exit(1);
    }
    return r;
}

uint64_t get_reg(int vcpu, uint64_t id)
{
    uint64_t value = 0;
    struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
    if (ioctl(vcpu, KVM_GET_ONE_REG, &reg) < 0) return ~0ull;
    return value;
}

void set_reg(int vcpu, uint64_t id, uint64_t value)
{
    struct kvm_one_reg reg = { .id = id, .addr = (uint64_t)(uintptr_t)&value };
    must(ioctl(vcpu, KVM_SET_ONE_REG, &reg), "KVM_SET_ONE_REG");
}

static void on_alarm(int sig) { (void)sig; }

double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

void add_memory(struct vm *v, uint32_t slot, uint64_t ipa, void *host, uint64_t size)
{
    struct kvm_userspace_memory_region region = {
        .slot = slot, .guest_phys_addr = ipa, .memory_size = size, .userspace_addr = (uint64_t)(uintptr_t)host,
    };
    must(ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region), "KVM_SET_USER_MEMORY_REGION");
}

/* The VM (its vGIC a GICv3 unless the caller sets v->gic_version to 2 after this). */
void create_vm(struct vm *v, int verbose)
{
    v->gic_version = 3;
    v->kvm = must(open("/dev/kvm", O_RDWR | O_CLOEXEC), "open /dev/kvm");
    int version = must(ioctl(v->kvm, KVM_GET_API_VERSION, 0), "KVM_GET_API_VERSION");
    if (verbose) printf("vmm: KVM API version %d\n", version);
    v->vm = must(ioctl(v->kvm, KVM_CREATE_VM, 0), "KVM_CREATE_VM");
}

/* The in-kernel vGIC at its guest addresses (KVM_DEV_ARM_VGIC_GRP_ADDR,
 * Documentation/virt/kvm/devices/arm-vgic*.rst): a GICv3's distributor and
 * redistributor, or a GICv2's distributor and CPU interface (KVM maps the
 * host's GICV frame there: the guest's GICC accesses reach the host GIC's
 * virtual CPU interface, its GICD accesses trap to KVM). */
static void create_gic(struct vm *v)
{
    int v2 = v->gic_version == 2;
    struct kvm_create_device gic = { .type = v2 ? KVM_DEV_TYPE_ARM_VGIC_V2 : KVM_DEV_TYPE_ARM_VGIC_V3 };
    must(ioctl(v->vm, KVM_CREATE_DEVICE, &gic), v2 ? "KVM_CREATE_DEVICE (vGICv2)" : "KVM_CREATE_DEVICE (vGICv3)");
    v->gic = (int)gic.fd;
    uint64_t dist = GICD_BASE, second = v2 ? GICC_BASE : GICR_BASE;
    struct kvm_device_attr attr = { .group = KVM_DEV_ARM_VGIC_GRP_ADDR,
                                    .attr = v2 ? KVM_VGIC_V2_ADDR_TYPE_DIST : KVM_VGIC_V3_ADDR_TYPE_DIST,
                                    .addr = (uint64_t)(uintptr_t)&dist };
    must(ioctl(v->gic, KVM_SET_DEVICE_ATTR, &attr), "vGIC distributor address");
    attr.attr = v2 ? KVM_VGIC_V2_ADDR_TYPE_CPU : KVM_VGIC_V3_ADDR_TYPE_REDIST;
    attr.addr = (uint64_t)(uintptr_t)&second;
    must(ioctl(v->gic, KVM_SET_DEVICE_ATTR, &attr), v2 ? "vGIC CPU interface address" : "vGIC redistributor address");
}

/* One vCPU (reset at EL1h, PSCI 0.2 over HVC) and the in-kernel vGIC, set
 * up before the vCPU runs. */
void create_vcpu(struct vm *v)
{
    v->vcpu = must(ioctl(v->vm, KVM_CREATE_VCPU, 0), "KVM_CREATE_VCPU");
    create_gic(v);

    struct kvm_vcpu_init init;
    must(ioctl(v->vm, KVM_ARM_PREFERRED_TARGET, &init), "KVM_ARM_PREFERRED_TARGET");
    init.features[0] |= 1u << KVM_ARM_VCPU_PSCI_0_2;
    must(ioctl(v->vcpu, KVM_ARM_VCPU_INIT, &init), "KVM_ARM_VCPU_INIT");

    struct kvm_device_attr ctrl = { .group = KVM_DEV_ARM_VGIC_GRP_CTRL, .attr = KVM_DEV_ARM_VGIC_CTRL_INIT };
    must(ioctl(v->gic, KVM_SET_DEVICE_ATTR, &ctrl), "vGIC init");

    int run_size = must(ioctl(v->kvm, KVM_GET_VCPU_MMAP_SIZE, 0), "KVM_GET_VCPU_MMAP_SIZE");
    v->run = mmap(NULL, (size_t)run_size, PROT_READ | PROT_WRITE, MAP_SHARED, v->vcpu, 0);
    if (v->run == MAP_FAILED) { printf("vmm: mmap of kvm_run failed\n"); exit(1); }
    /* A guest that stops exiting is reported, not waited for: SIGALRM ends KVM_RUN with EINTR. */
    struct sigaction sa = { .sa_handler = on_alarm };
    sigaction(SIGALRM, &sa, NULL);
}

void report_stuck(struct vm *v, int seconds)
{
    printf("vmm: the guest is not done after %d s: PC=0x%llx ESR_EL1=0x%llx ELR_EL1=0x%llx FAR_EL1=0x%llx\n", seconds,
           (unsigned long long)get_reg(v->vcpu, CORE_REG(regs.pc)),
           (unsigned long long)get_reg(v->vcpu, SYS_REG(3, 0, 5, 2, 0)),
           (unsigned long long)get_reg(v->vcpu, CORE_REG(elr_el1)),
           (unsigned long long)get_reg(v->vcpu, SYS_REG(3, 0, 6, 0, 0)));
    printf("vmm: PSTATE=0x%llx SCTLR_EL1=0x%llx\n", (unsigned long long)get_reg(v->vcpu, CORE_REG(regs.pstate)),
           (unsigned long long)get_reg(v->vcpu, SYS_REG(3, 0, 1, 0, 0)));
}

/* `gic_version`: the vGIC (3 or 2); `rounds`: the guest's timer interrupts
 * (x22); `cpu` >= 0: the CPU every KVM_RUN must return on (counted in
 * *off_cpu when it does not). */
static int smoke_test(int gic_version, int rounds, int cpu, int *off_cpu)
{
    struct vm v;
    create_vm(&v, 1);
    v.gic_version = gic_version;
    unsigned char *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) { printf("vmm: mmap failed\n"); return 1; }
    memcpy(mem, guest_start, (size_t)(guest_end - guest_start));
    add_memory(&v, 0, MEM_BASE, mem, MEM_SIZE);
    create_vcpu(&v);
    set_reg(v.vcpu, CORE_REG(regs.pc), MEM_BASE);
    set_reg(v.vcpu, SYS_REG(3, 0, 12, 0, 0), MEM_BASE + 0x800);   /* VBAR_EL1 */
    set_reg(v.vcpu, CORE_REG(regs.regs[22]), (uint64_t)rounds);
    set_reg(v.vcpu, CORE_REG(regs.regs[23]), (uint64_t)gic_version);

    struct kvm_run *run = v.run;
    for (int exits = 0; exits < 64; exits++) {
        alarm(20);
        int r = ioctl(v.vcpu, KVM_RUN, 0);
        alarm(0);
        if (cpu >= 0 && sched_getcpu() != cpu) ++*off_cpu;
        if (r < 0 && errno == EINTR) {
            report_stuck(&v, 20);
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

static void pin(int cpu)
{
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    must(sched_setaffinity(0, sizeof set, &set), "sched_setaffinity");
}

/* `kvm-vmm smp`: the VM of smoke_test with SMP_ROUNDS timer interrupts, its
 * vCPU thread pinned to CPU 1 while a child process spins pinned to CPU 0;
 * checks that every KVM_RUN returned on CPU 1 and that the busy loop ran, on
 * CPU 0 only, from before the VM started until after it ended. */
#define SMP_ROUNDS 5
static int smp_test(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    if (cpus < 2) { printf("vmm: smp needs 2 CPUs online, %ld are\n", cpus); return 1; }
    /* [0]: the busy loop's iterations, [1]: its iterations seen off CPU 0. */
    volatile uint64_t *busy = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (busy == MAP_FAILED) { printf("vmm: mmap failed\n"); return 1; }
    pid_t child = fork();
    if (child < 0) { printf("vmm: fork failed: %s\n", strerror(errno)); return 1; }
    if (child == 0) {
        pin(0);
        for (uint64_t i = 0;; i++) {
            if ((i & 1023) == 0 && sched_getcpu() != 0) busy[1]++;
            busy[0] = i + 1;
        }
    }
    pin(1);
    printf("vmm: vCPU thread pinned to CPU 1, a busy loop to CPU 0\n");
    double limit = now() + 60;
    while (busy[0] == 0 && now() < limit) sched_yield();
    uint64_t before = busy[0];
    int off_cpu = 0;
    int r = smoke_test(3, SMP_ROUNDS, 1, &off_cpu);
    uint64_t after = busy[0], strays = busy[1];
    kill(child, SIGKILL);
    waitpid(child, NULL, 0);
    if (r != 0) return r;
    if (off_cpu) { printf("vmm: %d KVM_RUN calls returned on another CPU than 1\n", off_cpu); return 1; }
    if (before == 0 || after <= before) {
        printf("vmm: the busy loop did not run during the VM (%llu then %llu iterations)\n",
               (unsigned long long)before, (unsigned long long)after);
        return 1;
    }
    if (strays) { printf("vmm: the busy loop ran off CPU 0 (%llu checks)\n", (unsigned long long)strays); return 1; }
    printf("vmm: every KVM_RUN returned on CPU 1; the busy loop ran on CPU 0 throughout\n");
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc >= 4 && strcmp(argv[1], "boot") == 0)
        return boot_linux(argv[2], argv[3], argc >= 5 ? argv[4] : "console=ttyAMA0");
    if (argc == 2 && strcmp(argv[1], "smp") == 0)
        return smp_test();
    if (argc == 2 && strcmp(argv[1], "gic2") == 0)
        return smoke_test(2, 1, -1, NULL);
    if (argc != 1) {
        printf("usage: kvm-vmm [gic2] | kvm-vmm smp | kvm-vmm boot IMAGE INITRD [CMDLINE]\n");
        return 2;
    }
    return smoke_test(3, 1, -1, NULL);
}
