/* The PCIe host bridge of QEMU virt (highmem: ECAM at 0x4010000000, 256
 * buses) and the GICv2m MSI frame (0x08020000), with no PCI device plugged
 * (QEMU without its default NIC):
 *  - the host bridge's configuration header (1b36:0008, class 0600) read
 *    through ECAM as dwords, words and bytes;
 *  - absent functions, devices and buses read as all ones, writes to them
 *    are ignored;
 *  - the command register's writable bits, read-only identification, the
 *    status register's write-1-to-clear bits, scratch registers (cache line
 *    size, interrupt line), BARs that do not exist (read as 0 after all ones);
 *  - unassigned addresses of the memory and I/O windows read as all ones;
 *  - GICv2m: MSI_TYPER (first INTID 80, 64 SPIs); a write of an INTID to
 *    MSI_SETSPI_NS makes that edge-triggered SPI pending; INTIDs outside the
 *    frame's range do nothing.
 * QEMU-ARGS: -M virt -cpu max -nic none */
#include "semihost.h"
#include "gic.h"

#define ECAM 0x4010000000ull
#define CFG(bus, dev, fn, reg) (ECAM + ((uint64_t)(bus) << 20) + ((uint64_t)(dev) << 15) + ((uint64_t)(fn) << 12) + (reg))
#define R32(a) (*(volatile uint32_t *)(uintptr_t)(a))
#define R16(a) (*(volatile uint16_t *)(uintptr_t)(a))
#define R8(a) (*(volatile uint8_t *)(uintptr_t)(a))
#define V2M 0x08020000ul

int main(void)
{
    /* The host bridge's header, dword by dword. */
    for (uint32_t r = 0; r < 0x40; r += 4) {
        print_str("00:00.0 +");
        print_hex32(r);
        print_str(": ");
        print_hex32(R32(CFG(0, 0, 0, r)));
        print_nl();
    }
    CHECK_EQ("vendor (word)", R16(CFG(0, 0, 0, 0)), 0x1b36);
    CHECK_EQ("device (word)", R16(CFG(0, 0, 0, 2)), 0x0008);
    CHECK_EQ("class (byte 0x0b)", R8(CFG(0, 0, 0, 0xb)), 0x06);
    CHECK_EQ("header type (byte)", R8(CFG(0, 0, 0, 0xe)), 0x00);

    /* Absent functions, devices, buses. */
    CHECK_EQ("00:00.1 vendor", R32(CFG(0, 0, 1, 0)), 0xffffffffu);
    CHECK_EQ("00:01.0 vendor", R32(CFG(0, 1, 0, 0)), 0xffffffffu);
    CHECK_EQ("00:1f.0 vendor", R32(CFG(0, 31, 0, 0)), 0xffffffffu);
    CHECK_EQ("01:00.0 vendor", R32(CFG(1, 0, 0, 0)), 0xffffffffu);
    CHECK_EQ("ff:00.0 vendor (word)", R16(CFG(255, 0, 0, 0)), 0xffff);
    R32(CFG(0, 1, 0, 4)) = 7;
    CHECK_EQ("00:01.0 command after a write", R32(CFG(0, 1, 0, 4)), 0xffffffffu);

    /* Read-only identification; the command register's writable bits. */
    R32(CFG(0, 0, 0, 0)) = 0;
    CHECK_EQ("vendor/device after a write", R32(CFG(0, 0, 0, 0)), 0x00081b36);
    R16(CFG(0, 0, 0, 4)) = 0xffff;
    print_str("command after 0xffff: ");
    print_hex32(R16(CFG(0, 0, 0, 4)));
    print_nl();
    R16(CFG(0, 0, 0, 4)) = 0;
    CHECK_EQ("command after 0", R16(CFG(0, 0, 0, 4)), 0);
    R16(CFG(0, 0, 0, 6)) = 0xffff;
    print_str("status after writing ones: ");
    print_hex32(R16(CFG(0, 0, 0, 6)));
    print_nl();
    R8(CFG(0, 0, 0, 0xc)) = 0x10;
    CHECK_EQ("cache line size", R8(CFG(0, 0, 0, 0xc)), 0x10);
    R8(CFG(0, 0, 0, 0x3c)) = 0x2a;
    CHECK_EQ("interrupt line", R8(CFG(0, 0, 0, 0x3c)), 0x2a);
    CHECK_EQ("interrupt pin", R8(CFG(0, 0, 0, 0x3d)), 0);
    for (uint32_t r = 0x10; r < 0x28; r += 4) {
        R32(CFG(0, 0, 0, r)) = 0xffffffffu;
        CHECK_EQ("no BAR", R32(CFG(0, 0, 0, r)), 0);
    }

    /* Unassigned window addresses. */
    CHECK_EQ("32-bit memory window, nothing there", R32(0x10000000ul), 0xffffffffu);
    CHECK_EQ("64-bit memory window, nothing there", R32(0x8000001000ull), 0xffffffffu);
    CHECK_EQ("I/O window, nothing there (byte)", R8(0x3eff0010ul), 0xff);
    R32(0x10000000ul) = 0;

    /* GICv2m. */
    CHECK_EQ("MSI_TYPER", R32(V2M + 0x008), 0x00500040);
    GIC_REG32(GICD_BASE + GICD_CTLR) = 3;
    for (uint32_t intid = 79; intid <= 80; intid++) {
        uint32_t shift = 2 * (intid % 16);
        uint32_t cfg = GIC_REG32(GICD_BASE + GICD_ICFGR + 4 * (intid / 16));
        GIC_REG32(GICD_BASE + GICD_ICFGR + 4 * (intid / 16)) = cfg | (2u << shift);
    }
    R32(V2M + 0x040) = 80;
    CHECK_EQ("INTID 80 pending after MSI_SETSPI_NS", (GIC_REG32(GICD_BASE + GICD_ISPENDR + 8) >> 16) & 1, 1);
    GIC_REG32(GICD_BASE + GICD_ICPENDR + 8) = 1u << 16;
    R32(V2M + 0x040) = 79;
    R32(V2M + 0x040) = 144;
    CHECK_EQ("INTIDs 79 and 144: nothing", GIC_REG32(GICD_BASE + GICD_ISPENDR + 8) & (1u << 15 | 1u << 16), 0);
    CHECK_EQ("INTID 144 not pending", (GIC_REG32(GICD_BASE + GICD_ISPENDR + 16) >> 16) & 1, 0);
    return test_finish("dev_pci");
}
