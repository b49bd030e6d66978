import Machine
import Devices
import Options

/// The PCIe host bridge of QEMU 7.2's virt: where its windows are for the
/// options given (`VirtMap`), and its placing in the address space.
public struct VirtPCILayout: Sendable, Equatable {
    /// The ECAM window: above RAM (256 buses) with highmem, else below 4 GiB (16 buses).
    public let ecam: VirtMap.Region
    /// The 64-bit memory window (highmem only).
    public let mmio64: VirtMap.Region?
    public let mmio32 = VirtMap.pcieMMIO
    public let pio = VirtMap.pciePIO

    public init(options: VirtOptions) {
        ecam = options.highmem ? VirtMap.highPCIeECAM : VirtMap.pcieECAM
        mmio64 = options.highmem ? VirtMap.highPCIeMMIO : nil
    }

    /// Buses the ECAM window covers (1 MiB each).
    public var busCount: Int { Int(ecam.size >> 20) }
}

extension VirtMachine {
    /// Builds the host bridge, maps its windows, wires INTA-INTD to SPIs 3-6
    /// and its MSIs to the MSI controller (the GICv2m frame with a GICv2, the
    /// ITS with a GICv3 unless its=off).
    static func addPCIe(options: VirtOptions, memory: AddressSpace, gic: GIC) throws -> (PCIExpressHost, MMIODevice?) {
        let layout = VirtPCILayout(options: options)
        let host = PCIExpressHost(busCount: layout.busCount)
        try memory.addDevice(host.ecam, base: layout.ecam.base, size: layout.ecam.size)
        // The memory windows map PCI addresses one to one; I/O addresses start at 0.
        try memory.addDevice(host.memoryWindow.view(pciBase: layout.mmio32.base),
                             base: layout.mmio32.base, size: layout.mmio32.size)
        try memory.addDevice(host.ioWindow.view(pciBase: 0), base: layout.pio.base, size: layout.pio.size)
        if let high = layout.mmio64 {
            try memory.addDevice(host.memoryWindow.view(pciBase: high.base), base: high.base, size: high.size)
        }
        for (i, line) in host.intx.enumerated() { gic.connect(line, spi: Int(VirtMap.SPI.pcie) + i) }
        var msi: MMIODevice? = nil
        if gic.version == .v2 {
            let v2m = GICv2m(gic: gic, firstSPI: Int(VirtMap.SPI.gicV2M), spiCount: VirtMap.gicV2MSPICount)
            try memory.addDevice(v2m, base: VirtMap.gicV2M.base, size: VirtMap.gicV2M.size)
            msi = v2m
        } else if gic.lpisSupported {
            let its = GICv3ITS(gic: gic, dma: DMAMemory(memory: memory, gptCPU: nil))
            try memory.addDevice(its, base: VirtMap.gicITS.base, size: VirtMap.gicITS.size)
            msi = its
        }
        host.msiHandler = { [unowned memory] address, data, requesterID in
            deliverMSI(memory, address: address, data: data, requesterID: requesterID)
        }
        return (host, msi)
    }

    /// The machine's reset of the PCIe bus (VirtReset.swift): every function
    /// to its reset state, and the INTx lines given to the GIC again (its
    /// reset lowered its inputs).
    func resetPCI() {
        pcie.reset()
        for (i, line) in pcie.intx.enumerated() { gic.connect(line, spi: Int(VirtMap.SPI.pcie) + i) }
    }

    /// A function's MSI write: a 32-bit write of `data` at `address`, as any
    /// bus master's (an MSI controller's doorbell, or memory).
    static func deliverMSI(_ memory: AddressSpace, address: UInt64, data: UInt32, requesterID: UInt16) {
        guard let r = memory.region(containing: address) else { return }
        switch r.kind {
        case .mmio(let its as GICv3ITS) where address - r.base == GICv3ITSRegs.translater:
            // The ITS learns the requester's DeviceID from the bus (msi-map: the requester ID).
            its.translate(deviceID: UInt32(requesterID), eventID: data)
        case .mmio(let d):
            d.write(offset: address - r.base, size: 4, value: UInt64(data))
        case .ram:
            var le = data.littleEndian
            _ = withUnsafeBytes(of: &le) { memory.writePhysical(pa: address, bytes: $0) }
        default:
            break
        }
    }
}

extension VirtMachine {
    /// Puts `device` behind the virtio PCI transport (`VirtioPCI`, as QEMU's
    /// virtio-*-pci with disable-legacy=on) at `slot` or the next free one
    /// of bus 0; its DMA follows the CPU's rules (`DMAMemory`). `name`:
    /// QEMU's device name (virtio-blk-pci, ...).
    @discardableResult
    public func addVirtioPCI(_ device: VirtioDevice, name: String, slot: Int? = nil) throws -> VirtioPCI {
        try addVirtioPCI(VirtioCore(device: device, dma: DMAMemory(memory: memory, gptCPU: cpu)), name: name, slot: slot)
    }

    @discardableResult
    public func addVirtioPCI(_ core: VirtioCore, name: String, slot: Int? = nil) throws -> VirtioPCI {
        core.onGuestError = { [unowned system] message in system.log(.guestErrors, message) }
        let function = VirtioPCI(name: name, core: core)
        guard pcie.plug(function, slot: slot) != nil else {
            if let slot { throw BoardError("-device \(name): PCI: slot \(slot) function 0 not available for \(name), in use by \(pcie.devices[slot]?.name ?? "another device")") }
            throw BoardError("-device \(name): PCI bus 0 has no free slot (32 devices)")
        }
        return function
    }

    /// The properties every virtio-*-pci device takes besides its own.
    static let pciProperties: Set<String> = ["addr", "disable-legacy", "disable-modern"]

    /// `addr=SLOT[.FN]` (hexadecimal, as QEMU's) of a -device, checked with
    /// its transport properties: only modern virtio (disable-legacy=on,
    /// disable-modern=off) and function 0 are modelled.
    static func pciSlot(_ d: DeviceOption) throws -> Int? {
        if case .some(.some(let v)) = d.value("disable-legacy"), !["on", "true", "yes"].contains(v) {
            throw BoardError("\(d.context): disable-legacy=\(v): Armature's virtio-pci devices are modern only (disable-legacy=on)")
        }
        if case .some(.some(let v)) = d.value("disable-modern"), !["off", "false", "no"].contains(v) {
            throw BoardError("\(d.context): disable-modern=\(v): Armature's virtio-pci devices are modern only")
        }
        guard case .some(.some(let a)) = d.value("addr") else { return nil }
        let parts = a.split(separator: ".", omittingEmptySubsequences: false)
        let hexDigits = { (t: Substring) -> Int? in
            let digits = t.hasPrefix("0x") ? t.dropFirst(2) : t
            return digits.isEmpty || digits.count > 2 ? nil : Int(digits, radix: 16)
        }
        guard parts.count <= 2, let slot = hexDigits(parts[0]), slot < 32,
              parts.count == 1 || hexDigits(parts[1]).map({ $0 < 8 }) == true else {
            throw BoardError("\(d.context): Property '\(d.driver).addr' doesn't take value '\(a)'")
        }
        if parts.count == 2 && hexDigits(parts[1]) != 0 {
            throw BoardError("\(d.context): addr=\(a): only function 0 is modelled (no multifunction devices)")
        }
        if slot == 0 { throw BoardError("\(d.context): PCI: slot 0 function 0 not available for \(d.driver), in use by gpex-root") }
        return slot
    }
}
