/* `kvm-vmm boot IMAGE INITRD [CMDLINE]` (kvm_vmm.c's main): boots an arm64
 * Linux Image as a nested guest (Documentation/arch/arm64/booting.rst):
 * 256 MiB of RAM at 0x4000_0000, a device tree written here (one CPU, PSCI
 * over HVC, the in-kernel vGICv3, the architected timer, a PL011 at
 * 0x0900_0000 emulated here: what the guest writes to it goes to stdout),
 * until the guest powers off (PSCI SYSTEM_OFF) or resets. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include "kvm_vmm.h"

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

int boot_linux(const char *image, const char *initrd, const char *cmdline)
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
