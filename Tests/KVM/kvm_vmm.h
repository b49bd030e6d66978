/* What the two halves of the test VMM share (kvm_vmm.c: the VM, its vCPU
 * and vGIC, the smoke and SMP tests; kvm_vmm_boot.c: booting Linux). */
#ifndef KVM_VMM_H
#define KVM_VMM_H
#include <linux/kvm.h>
#include <stddef.h>
#include <stdint.h>

/* The in-kernel vGIC's guest addresses, as QEMU's virt: the distributor, the
 * GICv3 redistributor, the GICv2 CPU interface. */
#define GICD_BASE 0x08000000ull
#define GICR_BASE 0x080A0000ull
#define GICC_BASE 0x08010000ull

/* One VM: /dev/kvm, the VM, its vCPU, the vGIC device (GICv3 or GICv2:
 * `gic_version`), the vCPU's run area. */
struct vm {
    int kvm, vm, vcpu, gic;
    int gic_version;
    struct kvm_run *run;
};

#define CORE_REG(r) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM_CORE | KVM_REG_ARM_CORE_REG(r))
#define SYS_REG(op0, op1, crn, crm, op2) (KVM_REG_ARM64 | KVM_REG_SIZE_U64 | KVM_REG_ARM64_SYSREG | \
    ((uint64_t)(op0) << 14) | ((uint64_t)(op1) << 11) | ((uint64_t)(crn) << 7) | ((uint64_t)(crm) << 3) | (op2))

int must(int r, const char *what);
uint64_t get_reg(int vcpu, uint64_t id);
void set_reg(int vcpu, uint64_t id, uint64_t value);
void create_vm(struct vm *v, int verbose);
void add_memory(struct vm *v, uint32_t slot, uint64_t ipa, void *host, uint64_t size);
void create_vcpu(struct vm *v);
void report_stuck(struct vm *v, int seconds);
double now(void);
int boot_linux(const char *image, const char *initrd, const char *cmdline);
#endif
