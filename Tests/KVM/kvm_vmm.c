/* A small VMM for the KVM checks of scripts/test-linux.py, run inside the
 * Linux guest booted at EL2 with KVM. Two modes:
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
 * `kvm-vmm smp` (a host with 2 CPUs or more): the same VM, its timer firing
 * five times, with the vCPU thread pinned to CPU 1 (sched_setaffinity) while
 * a busy loop pinned to CPU 0 runs; then checks that every KVM_RUN returned
 * on CPU 1 and that the busy loop ran, on CPU 0, throughout.
 *
 * `kvm-vmm boot IMAGE INITRD [CMDLINE]`: boots an arm64 Linux Image as a
 * nested guest (Documentation/arch/arm64/booting.rst): 256 MiB of RAM at
 * 0x4000_0000, a device tree written here (one CPU, PSCI over HVC, the
 * in-kernel vGICv3, the architected timer, a PL011 at 0x0900_0000 emulated
 * here: what the guest writes to it goes to stdout), until the guest powers
 * off (PSCI SYSTEM_OFF) or resets.
 * Built statically with Debian's aarch64-linux-gnu-gcc by scripts/test-linux.py,
 * which puts it in the KVM configurations' initramfs as /bin/kvm-vmm. */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <sys/stat.h>
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
"4:  mov x7, #1000\n"
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
"    subs x22, x22, #1\n"
"    b.gt 4b\n"                           /* x22 timer interrupts in all (the VMM sets it; 0 or 1: one) */
"    mrs x7, icc_rpr_el1\n"
"    str w7, [x19, #0x24]\n"               /* idle again: 0xff */
"    mrs x7, cntv_ctl_el0\n"
"    str w7, [x19, #0x28]\n"               /* ENABLE, IMASK, ISTATUS */
/* An ID register: HCR_EL2.TID3 traps the read to KVM (ESR_EL2 EC 0x18),
 * which answers with its sanitised value: GIC 1 (the vGICv3's system
 * registers), AMU 0 (hidden from guests). */
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

/* One VM: /dev/kvm, the VM, its vCPU, the vGICv3 device, the vCPU's run area. */
struct vm {
    int kvm, vm, vcpu, gic;
    struct kvm_run *run;
};

static void add_memory(struct vm *v, uint32_t slot, uint64_t ipa, void *host, uint64_t size)
{
    struct kvm_userspace_memory_region region = {
        .slot = slot, .guest_phys_addr = ipa, .memory_size = size, .userspace_addr = (uint64_t)(uintptr_t)host,
    };
    must(ioctl(v->vm, KVM_SET_USER_MEMORY_REGION, &region), "KVM_SET_USER_MEMORY_REGION");
}

/* The VM, one vCPU (reset at EL1h, PSCI 0.2 over HVC) and the in-kernel
 * GICv3 (distributor and one redistributor, set up before the vCPU runs). */
static void create_vm(struct vm *v, int verbose)
{
    v->kvm = must(open("/dev/kvm", O_RDWR | O_CLOEXEC), "open /dev/kvm");
    int version = must(ioctl(v->kvm, KVM_GET_API_VERSION, 0), "KVM_GET_API_VERSION");
    if (verbose) printf("vmm: KVM API version %d\n", version);
    v->vm = must(ioctl(v->kvm, KVM_CREATE_VM, 0), "KVM_CREATE_VM");
}

static void create_vcpu(struct vm *v)
{
    v->vcpu = must(ioctl(v->vm, KVM_CREATE_VCPU, 0), "KVM_CREATE_VCPU");
    struct kvm_create_device gic = { .type = KVM_DEV_TYPE_ARM_VGIC_V3 };
    must(ioctl(v->vm, KVM_CREATE_DEVICE, &gic), "KVM_CREATE_DEVICE (vGICv3)");
    v->gic = (int)gic.fd;
    uint64_t dist = GICD_BASE, redist = GICR_BASE;
    struct kvm_device_attr attr = { .group = KVM_DEV_ARM_VGIC_GRP_ADDR, .attr = KVM_VGIC_V3_ADDR_TYPE_DIST,
                                    .addr = (uint64_t)(uintptr_t)&dist };
    must(ioctl(v->gic, KVM_SET_DEVICE_ATTR, &attr), "vGIC distributor address");
    attr.attr = KVM_VGIC_V3_ADDR_TYPE_REDIST;
    attr.addr = (uint64_t)(uintptr_t)&redist;
    must(ioctl(v->gic, KVM_SET_DEVICE_ATTR, &attr), "vGIC redistributor address");

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

static void report_stuck(struct vm *v, int seconds)
{
    printf("vmm: the guest is not done after %d s: PC=0x%llx ESR_EL1=0x%llx ELR_EL1=0x%llx FAR_EL1=0x%llx\n", seconds,
           (unsigned long long)get_reg(v->vcpu, CORE_REG(regs.pc)),
           (unsigned long long)get_reg(v->vcpu, SYS_REG(3, 0, 5, 2, 0)),
           (unsigned long long)get_reg(v->vcpu, CORE_REG(elr_el1)),
           (unsigned long long)get_reg(v->vcpu, SYS_REG(3, 0, 6, 0, 0)));
    printf("vmm: PSTATE=0x%llx SCTLR_EL1=0x%llx\n", (unsigned long long)get_reg(v->vcpu, CORE_REG(regs.pstate)),
           (unsigned long long)get_reg(v->vcpu, SYS_REG(3, 0, 1, 0, 0)));
}

/* `rounds`: the guest's timer interrupts (x22); `cpu` >= 0: the CPU every
 * KVM_RUN must return on (counted in *off_cpu when it does not). */
static int smoke_test(int rounds, int cpu, int *off_cpu)
{
    struct vm v;
    create_vm(&v, 1);
    unsigned char *mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (mem == MAP_FAILED) { printf("vmm: mmap failed\n"); return 1; }
    memcpy(mem, guest_start, (size_t)(guest_end - guest_start));
    add_memory(&v, 0, MEM_BASE, mem, MEM_SIZE);
    create_vcpu(&v);
    set_reg(v.vcpu, CORE_REG(regs.pc), MEM_BASE);
    set_reg(v.vcpu, SYS_REG(3, 0, 12, 0, 0), MEM_BASE + 0x800);   /* VBAR_EL1 */
    set_reg(v.vcpu, CORE_REG(regs.regs[22]), (uint64_t)rounds);

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

/* ---- Booting Linux ---- */

#define RAM_BASE 0x40000000ull
#define RAM_SIZE (256ull << 20)
#define INITRD_OFFSET (128ull << 20)     /* from RAM_BASE */
#define DTB_OFFSET (RAM_SIZE - (2ull << 20))
#define UART_BASE 0x09000000ull
#define UART_SIZE 0x1000ull
#define UART_SPI 1
#define BOOT_LIMIT 900.0
#define PHANDLE_GIC 0x8001
#define PHANDLE_CLOCK 0x8000

/* A flattened device tree (Devicetree Specification v0.4, chapter 5):
 * header, empty memory reservation map, structure block, strings block. */
struct fdt {
    unsigned char structure[8192], strings[1024];
    size_t slen, tlen;
};

static void fdt_put32(struct fdt *f, uint32_t x)
{
    uint32_t be = __builtin_bswap32(x);
    memcpy(f->structure + f->slen, &be, 4);
    f->slen += 4;
}

static void fdt_bytes(struct fdt *f, const void *data, size_t len)
{
    memcpy(f->structure + f->slen, data, len);
    f->slen += len;
    while (f->slen % 4) f->structure[f->slen++] = 0;
}

static void fdt_begin(struct fdt *f, const char *name) { fdt_put32(f, 1); fdt_bytes(f, name, strlen(name) + 1); }
static void fdt_end(struct fdt *f) { fdt_put32(f, 2); }

static uint32_t fdt_string(struct fdt *f, const char *name)
{
    for (size_t at = 0; at < f->tlen; at += strlen((char *)f->strings + at) + 1)
        if (strcmp((char *)f->strings + at, name) == 0) return (uint32_t)at;
    size_t at = f->tlen;
    memcpy(f->strings + at, name, strlen(name) + 1);
    f->tlen += strlen(name) + 1;
    return (uint32_t)at;
}

static void fdt_prop(struct fdt *f, const char *name, const void *data, size_t len)
{
    fdt_put32(f, 3);
    fdt_put32(f, (uint32_t)len);
    fdt_put32(f, fdt_string(f, name));
    fdt_bytes(f, data, len);
}

static void fdt_str(struct fdt *f, const char *name, const char *value) { fdt_prop(f, name, value, strlen(value) + 1); }

/* A property of big-endian 32-bit cells. */
static void fdt_cells(struct fdt *f, const char *name, int n, const uint32_t *cells)
{
    uint32_t be[16];
    for (int i = 0; i < n; i++) be[i] = __builtin_bswap32(cells[i]);
    fdt_prop(f, name, be, (size_t)n * 4);
}
#define FDT_CELLS(f, name, ...) do { const uint32_t c_[] = { __VA_ARGS__ }; \
    fdt_cells(f, name, (int)(sizeof c_ / 4), c_); } while (0)

static size_t write_dtb(unsigned char *out, const char *cmdline, uint64_t initrd, uint64_t initrd_size)
{
    static struct fdt f;
    fdt_begin(&f, "");
    FDT_CELLS(&f, "#address-cells", 2);
    FDT_CELLS(&f, "#size-cells", 2);
    FDT_CELLS(&f, "interrupt-parent", PHANDLE_GIC);
    fdt_str(&f, "compatible", "linux,dummy-virt");

    fdt_begin(&f, "chosen");
    fdt_str(&f, "bootargs", cmdline);
    fdt_str(&f, "stdout-path", "/pl011@9000000");
    FDT_CELLS(&f, "linux,initrd-start", (uint32_t)(initrd >> 32), (uint32_t)initrd);
    FDT_CELLS(&f, "linux,initrd-end", (uint32_t)((initrd + initrd_size) >> 32), (uint32_t)(initrd + initrd_size));
    fdt_end(&f);

    fdt_begin(&f, "memory@40000000");
    fdt_str(&f, "device_type", "memory");
    FDT_CELLS(&f, "reg", 0, (uint32_t)RAM_BASE, 0, (uint32_t)RAM_SIZE);
    fdt_end(&f);

    fdt_begin(&f, "cpus");
    FDT_CELLS(&f, "#address-cells", 1);
    FDT_CELLS(&f, "#size-cells", 0);
    fdt_begin(&f, "cpu@0");
    fdt_str(&f, "device_type", "cpu");
    fdt_str(&f, "compatible", "arm,arm-v8");
    FDT_CELLS(&f, "reg", 0);
    fdt_str(&f, "enable-method", "psci");
    fdt_end(&f);
    fdt_end(&f);

    fdt_begin(&f, "psci");
    fdt_str(&f, "compatible", "arm,psci-0.2");
    fdt_str(&f, "method", "hvc");
    fdt_end(&f);

    fdt_begin(&f, "intc@8000000");
    fdt_str(&f, "compatible", "arm,gic-v3");
    FDT_CELLS(&f, "#interrupt-cells", 3);
    fdt_prop(&f, "interrupt-controller", NULL, 0);
    FDT_CELLS(&f, "reg", 0, (uint32_t)GICD_BASE, 0, 0x10000, 0, (uint32_t)GICR_BASE, 0, 0x20000);
    FDT_CELLS(&f, "phandle", PHANDLE_GIC);
    fdt_end(&f);

    /* The architected timer: secure, non-secure physical, virtual, hypervisor PPIs, level high. */
    fdt_begin(&f, "timer");
    fdt_str(&f, "compatible", "arm,armv8-timer");
    FDT_CELLS(&f, "interrupts", 1, 13, 4, 1, 14, 4, 1, 11, 4, 1, 10, 4);
    fdt_end(&f);

    fdt_begin(&f, "apb-pclk");
    fdt_str(&f, "compatible", "fixed-clock");
    FDT_CELLS(&f, "#clock-cells", 0);
    FDT_CELLS(&f, "clock-frequency", 24000000);
    fdt_str(&f, "clock-output-names", "clk24mhz");
    FDT_CELLS(&f, "phandle", PHANDLE_CLOCK);
    fdt_end(&f);

    fdt_begin(&f, "pl011@9000000");
    static const char uart_compatible[] = "arm,pl011\0arm,primecell";
    fdt_prop(&f, "compatible", uart_compatible, sizeof uart_compatible);
    FDT_CELLS(&f, "reg", 0, (uint32_t)UART_BASE, 0, (uint32_t)UART_SIZE);
    FDT_CELLS(&f, "interrupts", 0, UART_SPI, 4);
    FDT_CELLS(&f, "clocks", PHANDLE_CLOCK, PHANDLE_CLOCK);
    static const char clock_names[] = "uartclk\0apb_pclk";
    fdt_prop(&f, "clock-names", clock_names, sizeof clock_names);
    fdt_end(&f);

    fdt_end(&f);
    fdt_put32(&f, 9);

    /* Header (40 bytes), the reservation map's terminating entry (16), structure, strings. */
    size_t off_rsv = 40, off_struct = off_rsv + 16, off_strings = off_struct + f.slen;
    size_t total = off_strings + f.tlen;
    uint32_t header[10] = { 0xd00dfeed, (uint32_t)total, (uint32_t)off_struct, (uint32_t)off_strings,
                            (uint32_t)off_rsv, 17, 16, 0, (uint32_t)f.tlen, (uint32_t)f.slen };
    for (int i = 0; i < 10; i++) header[i] = __builtin_bswap32(header[i]);
    memcpy(out, header, 40);
    memset(out + off_rsv, 0, 16);
    memcpy(out + off_struct, f.structure, f.slen);
    memcpy(out + off_strings, f.strings, f.tlen);
    return total;
}

static size_t load_file(const char *path, unsigned char *dest, size_t room)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0) { printf("vmm: cannot open %s: %s\n", path, strerror(errno)); exit(1); }
    size_t len = 0;
    for (;;) {
        if (len == room) { printf("vmm: %s does not fit in guest memory\n", path); exit(1); }
        ssize_t n = read(fd, dest + len, room - len);
        if (n < 0) { printf("vmm: cannot read %s: %s\n", path, strerror(errno)); exit(1); }
        if (n == 0) break;
        len += (size_t)n;
    }
    close(fd);
    return len;
}

/* The PL011 as far as Linux's amba-pl011 driver and console use it:
 * transmit-only (the FIFO never fills, the receive FIFO is always empty),
 * every other register reads back what was written, and the PrimeCell
 * identification registers identify a PL011 r1p5. */
struct uart {
    uint32_t regs[UART_SIZE / 4];
    char line[256];
    size_t len;
};

static void uart_flush(struct uart *u)
{
    if (u->len) fwrite(u->line, 1, u->len, stdout);
    fflush(stdout);
    u->len = 0;
}

static uint32_t uart_read(struct uart *u, uint64_t off)
{
    static const uint8_t id[8] = { 0x11, 0x10, 0x14, 0x00, 0x0d, 0xf0, 0x05, 0xb1 };
    if (off >= 0xfe0) return id[(off - 0xfe0) / 4];
    if (off == 0x18) return 0x90;                   /* FR: TXFE | RXFE */
    if (off == 0x00 || off == 0x3c || off == 0x40) return 0;   /* DR, RIS, MIS */
    return u->regs[off / 4];
}

static void uart_write(struct uart *u, uint64_t off, uint32_t value)
{
    if (off == 0x00) {
        char c = (char)value;
        if (c == '\r') return;
        u->line[u->len++] = c;
        if (c == '\n' || u->len == sizeof u->line) uart_flush(u);
        return;
    }
    u->regs[off / 4] = value;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int boot_linux(const char *image, const char *initrd, const char *cmdline)
{
    double start = now();
    struct vm v;
    create_vm(&v, 0);
    unsigned char *ram = mmap(NULL, RAM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (ram == MAP_FAILED) { printf("vmm: cannot map %llu MiB of guest memory\n", RAM_SIZE >> 20); return 1; }

    /* The Image at a 2 MiB-aligned base plus its text_offset (header bytes 8-15). */
    size_t image_len = load_file(image, ram, INITRD_OFFSET);
    uint64_t text_offset;
    memcpy(&text_offset, ram + 8, 8);
    if (image_len < 64 || memcmp(ram + 56, "ARM\x64", 4) != 0) { printf("vmm: %s is not an arm64 Image\n", image); return 1; }
    if (text_offset) {
        memmove(ram + text_offset, ram, image_len);
        memset(ram, 0, text_offset);
    }
    size_t initrd_len = load_file(initrd, ram + INITRD_OFFSET, DTB_OFFSET - INITRD_OFFSET);
    size_t dtb_len = write_dtb(ram + DTB_OFFSET, cmdline, RAM_BASE + INITRD_OFFSET, initrd_len);
    add_memory(&v, 0, RAM_BASE, ram, RAM_SIZE);
    create_vcpu(&v);
    set_reg(v.vcpu, CORE_REG(regs.pc), RAM_BASE + text_offset);
    set_reg(v.vcpu, CORE_REG(regs.regs[0]), RAM_BASE + DTB_OFFSET);
    printf("vmm: booting %s (%zu bytes), initrd %zu bytes, device tree %zu bytes, \"%s\"\n",
           image, image_len, initrd_len, dtb_len, cmdline);

    struct uart uart = { 0 };
    struct kvm_run *run = v.run;
    unsigned long exits = 0, mmio = 0;
    for (;;) {
        /* A quiet guest exits rarely: KVM_RUN is only interrupted (SIGALRM)
         * to check the whole boot's time limit, BOOT_LIMIT seconds. */
        alarm(10);
        int r = ioctl(v.vcpu, KVM_RUN, 0);
        alarm(0);
        if (r < 0 && errno == EINTR) {
            if (now() - start < BOOT_LIMIT) continue;
            uart_flush(&uart);
            report_stuck(&v, (int)(now() - start));
            return 1;
        }
        must(r, "KVM_RUN");
        exits++;
        switch (run->exit_reason) {
        case KVM_EXIT_MMIO: {
            uint64_t addr = run->mmio.phys_addr;
            mmio++;
            if (addr >= UART_BASE && addr < UART_BASE + UART_SIZE && run->mmio.len <= 4) {
                uint32_t data = 0;
                if (run->mmio.is_write) {
                    memcpy(&data, run->mmio.data, run->mmio.len);
                    uart_write(&uart, (addr - UART_BASE) & ~3ull, data);
                } else {
                    data = uart_read(&uart, (addr - UART_BASE) & ~3ull);
                    memcpy(run->mmio.data, &data, run->mmio.len);
                }
            } else if (!run->mmio.is_write) {
                memset(run->mmio.data, 0, sizeof run->mmio.data);   /* nothing there: reads as zero */
            }
            break;
        }
        case KVM_EXIT_SYSTEM_EVENT:
            uart_flush(&uart);
            printf("vmm: the guest %s after %.1f s (%lu exits to the VMM, %lu MMIO)\n",
                   run->system_event.type == KVM_SYSTEM_EVENT_SHUTDOWN ? "powered off"
                   : run->system_event.type == KVM_SYSTEM_EVENT_RESET ? "reset" : "stopped",
                   now() - start, exits, mmio);
            return 0;
        default:
            uart_flush(&uart);
            printf("vmm: unexpected exit reason %u\n", run->exit_reason);
            return 1;
        }
    }
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
    int r = smoke_test(SMP_ROUNDS, 1, &off_cpu);
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
    if (argc != 1) {
        printf("usage: kvm-vmm | kvm-vmm smp | kvm-vmm boot IMAGE INITRD [CMDLINE]\n");
        return 2;
    }
    return smoke_test(1, -1, NULL);
}
