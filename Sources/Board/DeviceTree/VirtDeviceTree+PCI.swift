import Devices

/// The pcie node of QEMU 7.2's virt (hw/arm/virt.c's create_pcie), for Linux's
/// pci-host-ecam-generic driver.
extension VirtDeviceTree {
    /// PCI address space codes of the ranges' first cell (IEEE 1275 PCI binding: ss).
    static let rangeIO: UInt32 = 0x0100_0000, rangeMMIO: UInt32 = 0x0200_0000, rangeMMIO64: UInt32 = 0x0300_0000

    /// The GICv2m frame under the GICv2 node (QEMU's create_v2m), or the ITS
    /// under the GICv3 one (QEMU's fdt_add_its).
    static func addMSIController(_ t: FlatDeviceTree, intc: String, phandle: UInt32, its: Bool) {
        if its {
            let node = intc + "/its@\(String(VirtMap.gicITS.base, radix: 16))"
            t.addNode(node)
            t.set(node, "compatible", string: "arm,gic-v3-its")
            t.set(node, "msi-controller")
            t.set(node, "#msi-cells", cell: 1)
            t.set(node, "reg", cells64: [VirtMap.gicITS.base, VirtMap.gicITS.size])
            t.set(node, "phandle", cell: phandle)
            return
        }
        let node = intc + "/v2m@\(String(VirtMap.gicV2M.base, radix: 16))"
        t.addNode(node)
        t.set(node, "compatible", string: "arm,gic-v2m-frame")
        t.set(node, "msi-controller")
        t.set(node, "reg", cells64: [VirtMap.gicV2M.base, VirtMap.gicV2M.size])
        t.set(node, "phandle", cell: phandle)
    }

    static func addPCIe(_ t: FlatDeviceTree, options: VirtOptions, gicPhandle: UInt32, msiPhandle: UInt32?) {
        let layout = VirtPCILayout(options: options)
        let node = "/pcie@\(String(layout.mmio32.base, radix: 16))"
        t.addNode(node)
        t.set(node, "compatible", string: "pci-host-ecam-generic")
        t.set(node, "device_type", string: "pci")
        t.set(node, "#address-cells", cell: 3)
        t.set(node, "#size-cells", cell: 2)
        t.set(node, "linux,pci-domain", cell: 0)
        t.set(node, "bus-range", cells: [0, UInt32(layout.busCount - 1)])
        t.set(node, "dma-coherent")
        if let msi = msiPhandle {
            // Every requester ID maps to itself at the MSI controller.
            t.set(node, "msi-map", cells: [0, msi, 0, 0x10000])
        }
        t.set(node, "reg", cells64: [layout.ecam.base, layout.ecam.size])
        func split(_ v: UInt64) -> [UInt32] { [UInt32(truncatingIfNeeded: v >> 32), UInt32(truncatingIfNeeded: v)] }
        var ranges = [rangeIO] + split(0) + split(layout.pio.base) + split(layout.pio.size)
        ranges += [rangeMMIO] + split(layout.mmio32.base) + split(layout.mmio32.base) + split(layout.mmio32.size)
        if let high = layout.mmio64 {
            ranges += [rangeMMIO64] + split(high.base) + split(high.base) + split(high.size)
        }
        t.set(node, "ranges", cells: ranges)
        // INTx: slots 0-3 by pin (the mask repeats them every 4 slots), to
        // SPI 3 + (slot + pin) mod 4, level-high, as the swizzle.
        t.set(node, "#interrupt-cells", cell: 1)
        var map: [UInt32] = []
        for slot in 0..<4 {
            for pin in 1...4 {
                let line = PCIExpressHost.swizzle(slot: slot, pin: pin)
                map += [UInt32(slot) << 11, 0, 0, UInt32(pin), gicPhandle, 0, 0,
                        irqSPI, VirtMap.SPI.pcie + UInt32(line), levelHigh]
            }
        }
        t.set(node, "interrupt-map", cells: map)
        t.set(node, "interrupt-map-mask", cells: [0x1800, 0, 0, 7])
    }
}
