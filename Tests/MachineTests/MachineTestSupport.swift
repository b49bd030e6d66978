import XCTest
@testable import Machine

/// A small machine for the unit tests: 1 MiB of RAM at `ramBase`, 64 KiB of
/// ROM at `romBase`, a fake device at `devBase`, and one CPU (EL1 only unless a
/// config says otherwise). `System` is kept here because `CPU.system` is unowned.
final class TestMachine {
    static let ramBase: UInt64 = 0x4000_0000
    static let ramSize: UInt64 = 1 << 20
    static let romBase: UInt64 = 0x0000_0000
    static let romSize: UInt64 = 64 << 10
    static let devBase: UInt64 = 0x0900_0000
    static let devSize: UInt64 = 0x1000
    /// VBAR_EL1 (and VBAR_EL2/3 when those exist): not backed by memory, the
    /// tests only look at the PC an exception lands on.
    static let vbar: UInt64 = 0x4008_0000

    let memory = AddressSpace()
    let system: System
    let cpu: CPU
    let device = FakeDevice()
    /// Stands in for the GIC: each PPI (the timers) drives the IRQ input directly.
    let ppis = PPIWires()

    init(config: CPUConfig = CPUConfig()) {
        try! memory.addRAM(name: "ram", base: TestMachine.ramBase, size: TestMachine.ramSize)
        try! memory.addROM(name: "rom", base: TestMachine.romBase, size: TestMachine.romSize)
        try! memory.addDevice(device, base: TestMachine.devBase, size: TestMachine.devSize)
        system = System(memory: memory)
        cpu = system.addCPU(config: config)
        ppis.cpu = cpu
        cpu.interruptController = ppis
        cpu.setSysreg(SysRegTable.vbar[1], TestMachine.vbar)
        if config.hasEL2 { cpu.setSysreg(SysRegTable.vbar[2], TestMachine.vbar + 0x1_0000) }
        if config.hasEL3 { cpu.setSysreg(SysRegTable.vbar[3], TestMachine.vbar + 0x2_0000) }
    }

    static func config(el2: Bool = false, el3: Bool = false) -> CPUConfig {
        var c = CPUConfig()
        c.hasEL2 = el2
        c.hasEL3 = el3
        return c
    }

    /// The TLB entry for `va` in `mmuIndex`: (read tag, write tag, code tag, addend).
    func tlbEntry(va: UInt64, mmuIndex: Int) -> (read: UInt64, write: UInt64, code: UInt64, addend: UInt64) {
        let e = cpu.state + TLB.entryOffset(mmuIndex: mmuIndex, va: va)
        return (e.load(fromByteOffset: TLB.readTagOffset, as: UInt64.self),
                e.load(fromByteOffset: TLB.writeTagOffset, as: UInt64.self),
                e.load(fromByteOffset: TLB.codeTagOffset, as: UInt64.self),
                e.load(fromByteOffset: TLB.addendOffset, as: UInt64.self))
    }

    func writeRAM(_ pa: UInt64, _ bytes: [UInt8]) {
        XCTAssertTrue(bytes.withUnsafeBytes { memory.writePhysical(pa: pa, bytes: $0) })
    }

    func readRAM(_ pa: UInt64, _ count: Int) -> [UInt8] {
        memory.readPhysical(pa: pa, count: count) ?? []
    }

    var exclusiveSize: UInt64 {
        get { cpu.state.load(fromByteOffset: StateLayout.exclusiveSize, as: UInt64.self) }
        set { cpu.state.storeBytes(of: newValue, toByteOffset: StateLayout.exclusiveSize, as: UInt64.self) }
    }
}

/// An MMIO device that records every access and answers reads with a value
/// derived from the offset and size.
final class FakeDevice: MMIODevice {
    struct Access: Equatable {
        var write: Bool
        var offset: UInt64
        var size: Int
        var value: UInt64
    }
    let name = "fake"
    var accesses: [Access] = []
    /// The attributes of the last access the softmmu made.
    var lastAttributes: MMIOAttributes?

    static func readValue(offset: UInt64, size: Int) -> UInt64 {
        let v: UInt64 = 0xA1B2_C3D4_E5F6_0000 | (offset << 4) | UInt64(size)
        return size == 8 ? v : v & ((1 << UInt64(8 * size)) - 1)
    }

    func read(offset: UInt64, size: Int) -> UInt64 {
        let v = FakeDevice.readValue(offset: offset, size: size)
        accesses.append(Access(write: false, offset: offset, size: size, value: v))
        return v
    }

    func write(offset: UInt64, size: Int, value: UInt64) {
        accesses.append(Access(write: true, offset: offset, size: size, value: value))
    }

    func read(offset: UInt64, size: Int, attributes: MMIOAttributes) -> UInt64 {
        lastAttributes = attributes
        return read(offset: offset, size: size)
    }

    func write(offset: UInt64, size: Int, value: UInt64, attributes: MMIOAttributes) {
        lastAttributes = attributes
        write(offset: offset, size: size, value: value)
    }
}

/// Firmware services (PSCI) that answer every call with a marker in X0.
final class FakeFirmware: FirmwareServices {
    let conduit: FirmwareConduit
    var calls = 0
    init(conduit: FirmwareConduit) { self.conduit = conduit }
    func call(cpu: CPU) {
        calls += 1
        cpu.setX(0, 0xF1F1_0000 | cpu.x(0))
    }
}

/// ESR fields.
extension UInt64 {
    var ec: UInt64 { self >> 26 }
    var il: UInt64 { (self >> 25) & 1 }
    var iss: UInt64 { self & 0x1FF_FFFF }
}

/// An interrupt controller stand-in: records each private input's level and
/// drives the CPU's IRQ input with it (source 32 + INTID), as if every PPI
/// were enabled and routed to IRQ.
final class PPIWires: CPUInterruptController {
    weak var cpu: CPU?
    private(set) var levels: [Int: Bool] = [:]
    private(set) var contextChanges = 0

    func setPrivateInput(cpu index: Int, intid: Int, level: Bool) {
        levels[intid] = level
        cpu?.interrupts.setLine(.irq, source: 32 + intid, asserted: level)
    }

    func cpuContextChanged(_ cpu: CPU) { contextChanges += 1 }
}
