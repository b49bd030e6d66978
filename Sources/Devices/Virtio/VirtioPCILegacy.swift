import Machine

/// The legacy interface of a transitional or legacy virtio-pci function
/// (virtio 1.2, 4.1.4.10 and 4.1.5.1.1.1; virtio 0.9.5's layout): the
/// registers at the start of the I/O BAR, then the device configuration.
/// Both interfaces drive the same core: the queue selector and the MSI-X
/// vectors are shared, as QEMU's. A legacy driver gives each queue one page
/// number; the rings follow the descriptor table with the used ring on the
/// next 4 KiB boundary (2.7, legacy interface).
extension VirtioPCI {
    /// Legacy register offsets.
    public enum Legacy {
        public static let hostFeatures: UInt64 = 0x00, guestFeatures: UInt64 = 0x04
        public static let queuePFN: UInt64 = 0x08, queueSize: UInt64 = 0x0C, queueSelect: UInt64 = 0x0E
        public static let queueNotify: UInt64 = 0x10, deviceStatus: UInt64 = 0x12, isr: UInt64 = 0x13
        /// Present while MSI-X is enabled; the device configuration follows them.
        public static let configVector: UInt64 = 0x14, queueVector: UInt64 = 0x16
        /// The ring alignment and page size of the legacy layout.
        public static let align: UInt64 = 4096
    }

    /// The I/O BAR: the registers with the MSI-X vectors and the device
    /// configuration, rounded up to a power of two (QEMU's size).
    static func legacyBARSize(configSize: Int) -> UInt64 {
        var size: UInt64 = 4
        while size < 24 + UInt64(configSize) { size <<= 1 }
        return size
    }

    /// Where the device configuration starts: after the vectors while MSI-X is on.
    private var legacyConfigOffset: UInt64 { msix.enabled ? 0x18 : 0x14 }

    func readLegacy(_ offset: UInt64, _ size: Int) -> UInt64 {
        if offset >= legacyConfigOffset {
            let o = Int(offset - legacyConfigOffset)
            guard o + size <= core.device.configSize else { return ~0 >> (64 - 8 * UInt64(size)) }
            return core.device.readConfig(offset: o, size: size)
        }
        let q = selected
        switch (offset, size) {
        case (Legacy.hostFeatures, 4): return UInt64(core.offeredFeatureWord(0))
        case (Legacy.guestFeatures, 4): return core.driverFeatures & 0xFFFF_FFFF
        case (Legacy.queuePFN, 4): return (q?.descAddress ?? 0) / Legacy.align
        case (Legacy.queueSize, 2): return UInt64(q?.maxQueueSize ?? 0)
        case (Legacy.queueSelect, 2): return UInt64(queueSelect)
        case (Legacy.deviceStatus, 1): return UInt64(core.status)
        case (Legacy.isr, 1): return UInt64(readISR())
        case (Legacy.configVector, 2) where msix.enabled: return UInt64(configVector)
        case (Legacy.queueVector, 2) where msix.enabled: return UInt64(q.map { queueVectors[$0.index] } ?? VirtioPCI.noVector)
        default:
            core.onGuestError?("virtio-pci (legacy): read of \(size) bytes at \(hex(offset))")
            return ~0 >> (64 - 8 * UInt64(size))
        }
    }

    func writeLegacy(_ offset: UInt64, _ size: Int, _ value: UInt64) {
        if offset >= legacyConfigOffset {
            let o = Int(offset - legacyConfigOffset)
            guard o + size <= core.device.configSize else { return }
            core.device.writeConfig(offset: o, size: size, value: value)
            return
        }
        let q = selected
        switch (offset, size) {
        case (Legacy.guestFeatures, 4): core.setDriverFeatures(word: 0, UInt32(truncatingIfNeeded: value))
        case (Legacy.queuePFN, 4):
            guard let q else { return }
            let pfn = value & 0xFFFF_FFFF
            // A page number of 0 resets the device (as QEMU's legacy interface).
            if pfn == 0 { core.reset(); resetTransport(); return }
            guard !q.ready else { return }
            let n = UInt64(q.maxQueueSize)
            q.size = q.maxQueueSize
            q.descAddress = pfn * Legacy.align
            q.driverAddress = q.descAddress + 16 * n
            // flags, idx, ring[n], used_event: the used ring starts on the next page.
            q.deviceAddress = (q.driverAddress + 6 + 2 * n + Legacy.align - 1) & ~(Legacy.align - 1)
            core.queueReadyChanged(q, ready: true)
        case (Legacy.queueSelect, 2): queueSelect = UInt16(truncatingIfNeeded: value)
        case (Legacy.queueNotify, 2): core.notify(queue: Int(value & 0xFFFF))
        case (Legacy.deviceStatus, 1):
            core.writeStatus(UInt8(truncatingIfNeeded: value))
            if value & 0xFF == 0 { resetTransport() }
        case (Legacy.configVector, 2) where msix.enabled: configVector = vector(UInt16(truncatingIfNeeded: value))
        case (Legacy.queueVector, 2) where msix.enabled:
            if let q { queueVectors[q.index] = vector(UInt16(truncatingIfNeeded: value)) }
        default:
            core.onGuestError?("virtio-pci (legacy): write of \(size) bytes at \(hex(offset))")
        }
    }
}
