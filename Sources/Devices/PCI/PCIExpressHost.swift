import Machine

/// The generic PCI Express host bridge of QEMU's virt (QEMU's "gpex", Linux's
/// pci-host-ecam-generic): an ECAM configuration window (PCI Firmware
/// Specification 3.2, 4.1: bus << 20 | device << 15 | function << 12 | register),
/// three address windows that reach the functions' BARs (32-bit memory, I/O,
/// 64-bit memory; PCI addresses equal CPU addresses in the memory windows,
/// I/O addresses start at 0 at the I/O window's base), and four INTx lines
/// (INTA-INTD to SPIs 3-6) with the standard swizzle (PCI-to-PCI Bridge
/// Architecture 1.2, 9.1: the line of pin P of device D is (D + P) mod 4).
///
/// Functions live on bus 0, or behind a root port (`PCIRootPort`) on the
/// secondary bus software gave it: device 0 of bus 0 is the host bridge
/// itself (Red Hat 1b36:0008, class 0600), the others are plugged at the
/// next free slot. Configuration reads of absent functions and buses return
/// all ones; their writes are ignored. A function behind a port is reached
/// through the port's windows and raises INTx through the port's swizzle;
/// one behind a hot-plug port may come (`plug(_:slot:behind:hot:)`) and go
/// (the port's unplug, then `removed`) at run time, and is hidden while the
/// port's slot power is off.
public final class PCIExpressHost {
    /// The host bridge function (device 0).
    public final class Bridge: PCIFunction {
        init() {
            super.init(name: "gpex-root", vendorID: 0x1B36, deviceID: 0x0008, classCode: 0x06_00_00)
        }
    }

    /// The decoded address of one BAR of one function: the addresses
    /// `decoded` reach it (all of it, or what a root port's window forwards).
    struct Mapping {
        let function: PCIFunction
        let bar: Int
        let base: UInt64
        let decoded: ClosedRange<UInt64>
    }

    /// The number of buses the ECAM window covers.
    public let busCount: Int
    /// Functions by device number on bus 0 (function 0 only).
    public private(set) var devices: [PCIFunction?] = Array(repeating: nil, count: 32)
    /// INTA-INTD, the bridge's interrupt outputs.
    public let intx: [IRQLine]
    /// How many functions assert each INTx line.
    private var intxCount = [Int](repeating: 0, count: 4)
    private var intxAsserted: [ObjectIdentifier: Int] = [:]
    private var memoryMappings: [Mapping] = []
    private var ioMappings: [Mapping] = []
    /// Where a function's MSI write goes: (address, data, requester ID). The
    /// board sets it; nil drops MSIs.
    public var msiHandler: ((UInt64, UInt32, UInt16) -> Void)?
    /// Told when a function behind a hot-plug port has left its bus (the
    /// OS powered the slot off after an unplug request): the board's
    /// device_del completes.
    public var removed: ((PCIFunction) -> Void)?

    /// The MMIO faces of the bridge, added by the board at its windows.
    public private(set) var ecam: ECAM!
    public private(set) var memoryWindow: Window!
    public private(set) var ioWindow: Window!

    public init(busCount: Int) {
        self.busCount = busCount
        intx = (0..<4).map { IRQLine(name: "pcie-int" + String(UnicodeScalar(UInt8(0x61 + $0)))) }
        ecam = ECAM(host: self)
        memoryWindow = Window(host: self, io: false, name: "pcie-mmio")
        ioWindow = Window(host: self, io: true, name: "pcie-pio")
        plug(Bridge(), slot: 0)
    }

    /// Plugs `function` into `slot` (the next free one when nil) of bus 0,
    /// or of the secondary bus of `port` (a root port plugged on bus 0), and
    /// returns the slot. `hot`: at run time, into a hot-plug port (the port
    /// signals it to the OS).
    @discardableResult
    public func plug(_ function: PCIFunction, slot: Int? = nil, behind port: PCIRootPort? = nil, hot: Bool = false) -> Int? {
        let s: Int
        if let port {
            guard port.upstream == nil, devices.contains(where: { $0 === port }), !hot || port.hotplug else { return nil }
            // Captured before the port sees it: a reset returns to the function as built.
            function.captureResetState()
            guard let attached = port.attach(function, slot: slot, hot: hot) else { return nil }
            s = attached
        } else {
            guard let free = slot ?? devices.firstIndex(where: { $0 == nil }), free < 32, devices[free] == nil else { return nil }
            s = free
            devices[s] = function
            function.devfn = UInt8(s << 3)
        }
        let id = ObjectIdentifier(function)
        function.intxSink = { [unowned self, unowned function] level in
            let pin = Int(function.config[PCIFunction.Reg.interruptPin])
            guard pin >= 1 && pin <= 4 else { return }
            // Behind a port: the pin at the port's secondary side, then the port's slot on bus 0.
            let line = port.map { PCIExpressHost.swizzle(slot: Int($0.devfn >> 3), pin: PCIExpressHost.swizzle(slot: s, pin: pin) + 1) }
                ?? PCIExpressHost.swizzle(slot: s, pin: pin)
            let was = self.intxAsserted[id] != nil
            guard level != was else { return }
            if level { self.intxAsserted[id] = line; self.intxCount[line] += 1 }
            else { self.intxAsserted[id] = nil; self.intxCount[line] -= 1 }
            self.intx[line].set(self.intxCount[line] > 0)
        }
        function.mappingChanged = { [unowned self] in self.remap() }
        function.msiSink = { [unowned self, unowned function] address, data in
            self.msiHandler?(address, data, function.requesterID)
        }
        if port == nil { function.captureResetState() }
        if let added = function as? PCIRootPort {
            added.removed = { [unowned self] f in
                f.intxSink?(false)
                f.intxSink = nil
                f.mappingChanged = nil
                f.msiSink = nil
                self.remap()
                self.removed?(f)
            }
        }
        if hot { remap() }
        return s
    }

    /// The machine's reset: every function to its reset state, INTx low.
    public func reset() {
        for case let f? in devices { f.reset() }   // a root port resets the functions behind it
        remap()
    }

    /// Every function that can be reached: bus 0's, and behind each root port whose
    /// slot has power the ones on its secondary bus.
    public var allFunctions: [PCIFunction] {
        var all: [PCIFunction] = []
        for case let f? in devices {
            all.append(f)
            if let port = f as? PCIRootPort, port.slotPowered { for case let g? in port.devices { all.append(g) } }
        }
        return all
    }

    /// The function at `slot` of bus 0, or of the secondary bus of `port`.
    public func function(slot: Int, behind port: PCIRootPort? = nil) -> PCIFunction? {
        guard slot >= 0 && slot < 32 else { return nil }
        return port.map { $0.devices[slot] } ?? devices[slot]
    }

    /// The INTx line (0-3: INTA-INTD at the bridge) of pin `pin` (1-4) of the
    /// device in `slot`.
    public static func swizzle(slot: Int, pin: Int) -> Int { (slot + pin - 1) % 4 }

    private func remap() {
        memoryMappings = []
        ioMappings = []
        for f in allFunctions {
            for i in 0..<6 {
                guard let bar = f.bars[i], let base = f.barAddress(i) else { continue }
                let io = bar.kind == .io
                let whole = base...(base + bar.size - 1)
                for decoded in f.upstream.map({ $0.forwarded(whole, io: io) }) ?? [whole] {
                    let m = Mapping(function: f, bar: i, base: base, decoded: decoded)
                    if io { ioMappings.append(m) } else { memoryMappings.append(m) }
                }
            }
        }
    }

    // MARK: Configuration cycles

    /// The function a configuration cycle reaches: on bus 0, or on the
    /// secondary bus of the root port that claims the bus number (a bus
    /// between a port's secondary and subordinate has nothing else on it).
    func function(at ecamOffset: UInt64) -> PCIFunction? {
        let bus = Int(ecamOffset >> 20), dev = Int(ecamOffset >> 15) & 31, fn = Int(ecamOffset >> 12) & 7
        guard fn == 0 else { return nil }
        if bus == 0 { return devices[dev] }
        for case let port as PCIRootPort in devices where port.claims(bus: bus) {
            return bus == port.secondaryBus && port.slotPowered ? port.devices[dev] : nil
        }
        return nil
    }

    public func configRead(_ ecamOffset: UInt64, size: Int) -> UInt32 {
        guard let f = function(at: ecamOffset) else { return size == 4 ? ~0 : (1 << (8 * size)) - 1 }
        return f.readConfig(offset: Int(ecamOffset & 0xFFF), size: size)
    }

    public func configWrite(_ ecamOffset: UInt64, size: Int, value: UInt32) {
        function(at: ecamOffset)?.writeConfig(offset: Int(ecamOffset & 0xFFF), size: size, value: value)
    }

    // MARK: Window accesses

    func find(_ address: UInt64, io: Bool) -> Mapping? {
        for m in io ? ioMappings : memoryMappings where m.decoded.contains(address) { return m }
        return nil
    }

    /// The ECAM window.
    public final class ECAM: MMIODevice {
        public let name = "pcie-ecam"
        unowned let host: PCIExpressHost
        init(host: PCIExpressHost) { self.host = host }

        public func read(offset: UInt64, size: Int) -> UInt64 {
            if size == 8 {   // two configuration cycles, as QEMU's 4-byte ECAM ops split it
                return UInt64(host.configRead(offset, size: 4)) | UInt64(host.configRead(offset + 4, size: 4)) << 32
            }
            return UInt64(host.configRead(offset, size: size))
        }

        public func write(offset: UInt64, size: Int, value: UInt64) {
            if size == 8 {
                host.configWrite(offset, size: 4, value: UInt32(truncatingIfNeeded: value))
                host.configWrite(offset + 4, size: 4, value: UInt32(truncatingIfNeeded: value >> 32))
                return
            }
            host.configWrite(offset, size: size, value: UInt32(truncatingIfNeeded: value))
        }
    }

    /// A memory or I/O window: an access reaches the BAR that decodes its
    /// PCI address; anything else reads as all ones and ignores writes (no
    /// abort: QEMU's gpex with its default unmapped-accesses behaviour).
    public final class Window: MMIODevice {
        public let name: String
        unowned let host: PCIExpressHost
        let io: Bool
        init(host: PCIExpressHost, io: Bool, name: String) {
            self.host = host
            self.io = io
            self.name = name
        }

        /// A face of this window at CPU address `cpuBase` whose PCI addresses
        /// start at `pciBase`.
        public func view(pciBase: UInt64) -> MMIODevice { WindowView(window: self, pciBase: pciBase) }

        func read(pci: UInt64, size: Int) -> UInt64 {
            guard let m = host.find(pci, io: io) else { return size == 8 ? ~0 : (1 << (8 * UInt64(size))) - 1 }
            return m.function.readBAR(m.bar, offset: pci - m.base, size: size)
        }

        func write(pci: UInt64, size: Int, value: UInt64) {
            guard let m = host.find(pci, io: io) else { return }
            m.function.writeBAR(m.bar, offset: pci - m.base, size: size, value: value)
        }

        public func read(offset: UInt64, size: Int) -> UInt64 { read(pci: offset, size: size) }
        public func write(offset: UInt64, size: Int, value: UInt64) { write(pci: offset, size: size, value: value) }
    }

    final class WindowView: MMIODevice {
        let window: Window
        let pciBase: UInt64
        var name: String { window.name }
        init(window: Window, pciBase: UInt64) { self.window = window; self.pciBase = pciBase }
        func read(offset: UInt64, size: Int) -> UInt64 { window.read(pci: pciBase &+ offset, size: size) }
        func write(offset: UInt64, size: Int, value: UInt64) { window.write(pci: pciBase &+ offset, size: size, value: value) }
    }
}
