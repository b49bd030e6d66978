import XCTest
@testable import Machine

/// A machine for the walker tests: 64 MiB of RAM at 0x4000_0000 (tables are
/// allocated from its upper half), a device at 0x0900_0000, and a builder for
/// stage 1 translation tables of any granule.
final class WalkMachine {
    static let ram: UInt64 = 0x4000_0000
    static let ramSize: UInt64 = 64 << 20
    static let dev: UInt64 = 0x0900_0000

    final class NullDevice: MMIODevice {
        let name = "null"
        func read(offset: UInt64, size: Int) -> UInt64 { 0 }
        func write(offset: UInt64, size: Int, value: UInt64) {}
    }

    struct Tables {
        let root: UInt64
        let gbits: Int
        let tsz: Int
        var start: Int { 4 - (64 - tsz - 4) / (gbits - 3) }
        func shift(_ level: Int) -> Int { gbits + (gbits - 3) * (3 - level) }
    }

    let memory = AddressSpace()
    let system: System
    let cpu: CPU
    private var next = WalkMachine.ram + 32 << 20

    init(el2: Bool = false, el3: Bool = false) {
        try! memory.addRAM(name: "ram", base: WalkMachine.ram, size: WalkMachine.ramSize)
        try! memory.addDevice(NullDevice(), base: WalkMachine.dev, size: 0x1000)
        system = System(memory: memory)
        var c = CPUConfig()
        c.hasEL2 = el2
        c.hasEL3 = el3
        cpu = system.addCPU(config: c)
        cpu.setEL(1)
        for e in 1...3 { cpu.setSysreg(SysRegTable.vbar[e], 0x4000_0000 + UInt64(e) << 12) }
        if el3 { cpu.setSysreg(SysRegTable.scrEL3, 1) }   // NS: EL1/EL2 Non-secure
    }

    func reg(_ name: String) -> SysRegSlot { SysRegTable.slot(name) }
    func set(_ name: String, _ v: UInt64) { cpu.setSysreg(reg(name), v); cpu.flushTLB() }

    func write64(_ pa: UInt64, _ v: UInt64) {
        withUnsafeBytes(of: v.littleEndian) { XCTAssertTrue(memory.writePhysical(pa: pa, bytes: $0)) }
    }
    func read64(_ pa: UInt64) -> UInt64 {
        memory.readPhysical(pa: pa, count: 8)!.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    func alloc(_ gbits: Int) -> UInt64 {
        let g = UInt64(1) << UInt64(gbits)
        next = (next + g - 1) & ~(g - 1)
        let t = next
        next += g
        XCTAssertTrue(memory.fillPhysical(pa: t, byte: 0, count: g))
        return t
    }

    func tables(gbits: Int, tsz: Int) -> Tables { Tables(root: alloc(gbits), gbits: gbits, tsz: tsz) }

    /// The PA of the descriptor for `va` at `level`, creating tables on the way.
    func slot(_ t: Tables, _ va: UInt64, level: Int) -> UInt64 {
        var table = t.root
        var l = t.start
        while true {
            let s = t.shift(l)
            let bits = l == t.start ? 64 - t.tsz - s : t.gbits - 3
            let e = table + ((va >> UInt64(s)) & ((1 << UInt64(bits)) - 1)) * 8
            if l == level { return e }
            var d = read64(e)
            if d & 3 != 3 {
                d = alloc(t.gbits) | 3
                write64(e, d)
            }
            table = d & 0x0000_FFFF_FFFF_F000
            l += 1
        }
    }

    /// Maps one block (level < 3) or page at `va`.
    func map(_ t: Tables, _ va: UInt64, _ pa: UInt64, level: Int = 3, _ attrs: UInt64 = Attr.kernel) {
        write64(slot(t, va, level: level), pa | attrs | 1 | (level == 3 ? 2 : 0))
        cpu.flushTLB()
    }

    func orTable(_ t: Tables, _ va: UInt64, level: Int, _ bits: UInt64) {
        let e = slot(t, va, level: level)
        write64(e, read64(e) | bits)
        cpu.flushTLB()
    }

    /// TCR_EL1 for TTBR0 (and TTBR1 with EPD1 unless given).
    static func tcr(t0sz: Int, g0: Int, t1sz: Int = 25, g1: Int = 12, ips: UInt64 = 5, epd1: Bool = true) -> UInt64 {
        let tg0: UInt64 = g0 == 12 ? 0 : g0 == 16 ? 1 : 2
        let tg1: UInt64 = g1 == 12 ? 2 : g1 == 16 ? 3 : 1
        return UInt64(t0sz) | tg0 << 14 | UInt64(t1sz) << 16 | tg1 << 30 | ips << 32 | (epd1 ? 1 << 23 : 0)
    }

    /// EL1&0 stage 1 on with TTBR0 = `t` (and TTBR1 = `t1`).
    func enableEL1(_ t: Tables, t1: Tables? = nil, tcr: UInt64? = nil) {
        set("MAIR_EL1", Attr.mair)
        set("TTBR0_EL1", t.root)
        if let t1 { set("TTBR1_EL1", t1.root) }
        set("TCR_EL1", tcr ?? WalkMachine.tcr(t0sz: t.tsz, g0: t.gbits, t1sz: t1?.tsz ?? 25, g1: t1?.gbits ?? 12,
                                              epd1: t1 == nil))
        set("SCTLR_EL1", cpu.sysreg(SysRegTable.sctlr[1]) | 1)
    }
}

enum Attr {
    static let mair: UInt64 = 0x0444_00FF   // 0: Normal WB, 1: Device-nGnRnE, 2: Normal NC, 3: Device-nGnRE
    static let normal: UInt64 = 0 << 2
    static let device: UInt64 = 1 << 2
    static let nc: UInt64 = 2 << 2
    static let el0: UInt64 = 1 << 6
    static let ro: UInt64 = 1 << 7
    static let shInner: UInt64 = 3 << 8
    static let af: UInt64 = 1 << 10
    static let pxn: UInt64 = 1 << 53
    static let uxn: UInt64 = 1 << 54
    /// EL1 RW, executable at EL1.
    static let kernel: UInt64 = normal | shInner | af | uxn
    static let pxnTable: UInt64 = 1 << 59
    static let xnTable: UInt64 = 1 << 60
    static let noEL0Table: UInt64 = 1 << 61
    static let roTable: UInt64 = 1 << 62
}
