extension VirtDeviceTree {
    /// GIC interrupt specifier flag: edge, rising (QEMU gives virtio-mmio edges).
    static let edgeRising: UInt32 = 1

    /// QEMU 7.2's virtio_mmio@... nodes, one per transport whether a device
    /// is on it or not.
    static func addVirtioMMIO(_ t: FlatDeviceTree) {
        for n in (0..<VirtMachine.virtioMMIOCount).reversed() {
            let base = VirtMap.virtioMMIO.base + UInt64(n) * VirtMap.virtioMMIO.size
            let node = "/virtio_mmio@\(String(base, radix: 16))"
            t.addNode(node)
            t.set(node, "compatible", string: "virtio,mmio")
            t.set(node, "reg", cells64: [base, VirtMap.virtioMMIO.size])
            t.set(node, "interrupts", cells: [irqSPI, VirtMap.SPI.virtioMMIO + UInt32(n), edgeRising])
            t.set(node, "dma-coherent")
        }
    }
}
