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

/// Where a -device goes on the PCIe buses: `bus=` (pcie.0, or a root
/// port's id) and `addr=`.
struct PCIPlace {
    var port: PCIRootPort?
    var slot: Int?
    /// The option that asked for it, for messages (nil: "-device NAME").
    var context: String?
    /// The bus's name for messages (pcie.0 or the port's id).
    var busName: String { port?.name ?? "pcie.0" }
}

extension VirtMachine {
    /// Puts `device` behind the virtio PCI transport (`VirtioPCI`) at `slot`
    /// or the next free one of bus 0 (transitional, as QEMU's default
    /// there); its DMA follows the CPU's rules (`DMAMemory`). `name`: QEMU's
    /// device name (virtio-blk-pci, ...).
    @discardableResult
    public func addVirtioPCI(_ device: VirtioDevice, name: String, slot: Int? = nil) throws -> VirtioPCI {
        try addVirtioPCI(VirtioCore(device: device, dma: DMAMemory(memory: memory, gptCPU: cpu)), name: name,
                         place: PCIPlace(port: nil, slot: slot), mode: .transitional)
    }

    @discardableResult
    func addVirtioPCI(_ core: VirtioCore, name: String, place: PCIPlace, mode: VirtioPCI.Mode) throws -> VirtioPCI {
        core.onGuestError = { [unowned system] message in system.log(.guestErrors, message) }
        // Behind a PCI Express port it is a PCI Express endpoint (QEMU's virtio_pci_realize).
        let function = VirtioPCI(name: name, core: core, mode: mode, express: place.port != nil)
        try plugPCI(function, name: name, place: place)
        return function
    }

    /// Plugs `function` where `place` says, with QEMU's messages when it cannot.
    func plugPCI(_ function: PCIFunction, name: String, place: PCIPlace) throws {
        guard pcie.plug(function, slot: place.slot, behind: place.port) == nil else { return }
        let context = place.context ?? "-device \(name)"
        if let slot = place.slot {
            let user = pcie.function(slot: slot, behind: place.port)?.name ?? "another device"
            throw BoardError("\(context): PCI: slot \(slot) function 0 not available for \(name), in use by \(user)")
        }
        throw BoardError("\(context): PCI: no slot/function available for \(name), all in use or reserved")
    }

    /// The properties every virtio-*-pci device takes besides its own.
    static let pciProperties: Set<String> = ["addr", "bus", "disable-legacy", "disable-modern"]

    /// The virtio-pci transport `d` asks for: QEMU 7.2's disable-legacy
    /// (on, off, auto: legacy only on bus 0, a conventional slot of the root
    /// complex; a PCI Express port makes it modern only) and disable-modern
    /// (off: QEMU 7.2's default).
    static func virtioPCIMode(_ d: DeviceOption, place: PCIPlace) throws -> VirtioPCI.Mode {
        func onOff(_ key: String, auto: Bool) throws -> Bool? {
            guard case .some(let v) = d.value(key) else { return nil }
            switch v ?? "on" {
            case "on", "true", "yes", "y": return true
            case "off", "false", "no", "n": return false
            case "auto" where auto: return nil
            default: throw BoardError("\(d.context): Parameter '\(key)' does not accept value '\(v ?? "")'")
            }
        }
        let disableLegacy = try onOff("disable-legacy", auto: true) ?? (place.port != nil)
        let disableModern = try onOff("disable-modern", auto: false) ?? false
        switch (disableLegacy, disableModern) {
        case (true, true):
            throw BoardError("\(d.context): device cannot work as neither modern nor legacy mode is enabled")
        case (true, false): return .modern
        case (false, false): return .transitional
        case (false, true): return .legacy
        }
    }

    /// `bus=` (pcie.0 or the id of a root port given before) and
    /// `addr=SLOT[.FN]` (hexadecimal, as QEMU's) of a -device; only function 0
    /// is modelled.
    static func pciPlace(_ d: DeviceOption, ports: [String: PCIRootPort]) throws -> PCIPlace {
        var place = PCIPlace(context: d.context)
        if case .some(let b) = d.value("bus"), b != "pcie.0" {
            guard let b, let port = ports[b] else { throw BoardError("\(d.context): Bus '\(b ?? "")' not found") }
            place.port = port
        }
        place.slot = try pciSlot(d, onPort: place.port != nil)
        return place
    }

    static func pciSlot(_ d: DeviceOption, onPort: Bool) throws -> Int? {
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
        if slot == 0 && !onPort {
            throw BoardError("\(d.context): PCI: slot 0 function 0 not available for \(d.driver), in use by gpex-root")
        }
        return slot
    }
}

extension VirtMachine {
    /// The pcie-root-port properties Armature models.
    static let rootPortProperties: Set<String> = ["id", "bus", "addr", "chassis", "slot", "port", "hotplug", "multifunction"]
    /// QEMU 7.2's other pcie-root-port properties (firmware hints, ACS, AER,
    /// link speed and width, ROM): refused by name rather than ignored.
    static let unmodelledRootPortProperties: Set<String> = [
        "acpi-index", "aer_log_max", "bus-reserve", "disable-acs", "failover_pair_id", "io-reserve", "mem-reserve",
        "power_controller_present", "pref32-reserve", "pref64-reserve", "rombar", "romfile", "romsize", "x-migrate-msix",
        "x-native-hotplug", "x-pcie-extcap-init", "x-pcie-lnksta-dllla", "x-speed", "x-width"]

    /// `-device pcie-root-port[,id=ID][,bus=pcie.0][,addr=SLOT][,chassis=N][,slot=N][,port=N][,hotplug=on|off]`,
    /// with QEMU 7.2's defaults (chassis 0, slot 0, port 0, hot-plug on) and
    /// errors; `existing`: the ports already made (a chassis and slot pair is
    /// taken once), `ports`: those with an id.
    static func rootPort(_ d: DeviceOption, existing: [PCIRootPort], ports: [String: PCIRootPort]) throws -> PCIRootPort {
        if let p = d.properties.first(where: { !rootPortProperties.contains($0.key) }) {
            if unmodelledRootPortProperties.contains(p.key) {
                throw BoardError("\(d.context): property '\(p.key)' of pcie-root-port is not supported by Armature")
            }
            throw BoardError("\(d.context): Property 'pcie-root-port.\(p.key)' not found")
        }
        if case .some(let b) = d.value("bus"), b != "pcie.0" {
            guard let b, ports[b] != nil else { throw BoardError("\(d.context): Bus '\(b ?? "")' not found") }
            throw BoardError("\(d.context): Armature's root ports plug into pcie.0 only (not behind root port '\(b)')")
        }
        func number(_ key: String, bits: Int) throws -> UInt64 {
            guard case .some(let v) = d.value(key) else { return 0 }
            let text = v ?? ""
            let n = text.hasPrefix("0x") ? UInt64(text.dropFirst(2), radix: 16) : UInt64(text)
            guard let n, n >> bits == 0 else { throw BoardError("\(d.context): Parameter '\(key)' expects uint\(bits)_t") }
            return n
        }
        func flag(_ key: String, default value: Bool) throws -> Bool {
            guard case .some(let v) = d.value(key) else { return value }
            switch v ?? "on" {
            case "on", "true", "yes", "y": return true
            case "off", "false", "no", "n": return false
            default: throw BoardError("\(d.context): Parameter '\(key)' expects 'on' or 'off'")
            }
        }
        let chassis = UInt8(try number("chassis", bits: 8)), slot = UInt16(try number("slot", bits: 16))
        let port = UInt8(try number("port", bits: 8))
        let hotplug = try flag("hotplug", default: true)
        if try flag("multifunction", default: false) {
            throw BoardError("\(d.context): multifunction=on: Armature models function 0 only")
        }
        if existing.contains(where: { $0.chassis == chassis && $0.slot == slot }) {
            throw BoardError("\(d.context): Can't add chassis slot, error -16")
        }
        return PCIRootPort(name: (d.value("id") ?? nil) ?? "pcie-root-port", chassis: chassis, slot: slot, port: port, hotplug: hotplug)
    }
}
