import Machine

/// Arm PrimeCell GPIO (PL061, Arm DDI 0190), as QEMU's `virt` has it at
/// 0x0903_0000 (SPI 7), with the gpio-keys power button on line 3.
///
/// Eight lines. A line is an output when its GPIODIR bit is set: it drives
/// the data register's value; otherwise it reads the level set from outside
/// (`setInput`). Each line interrupts on a level (GPIOIS set: while the line
/// equals its GPIOIEV bit) or an edge of an input line (GPIOIS clear: both
/// edges with GPIOIBE, else rising when GPIOIEV is set, falling when clear);
/// edges are latched in GPIORIS until written to GPIOIC.
public final class PL061: PrimeCellDevice {
    public let name: String

    /// Register offsets (Arm DDI 0190, table 3-1).
    public enum Reg {
        /// GPIODATA: 0x000-0x3FC; address bits 9:2 mask the lines accessed.
        public static let dataEnd: UInt64 = 0x3FC
        public static let dir: UInt64 = 0x400
        public static let isense: UInt64 = 0x404
        public static let ibe: UInt64 = 0x408
        public static let iev: UInt64 = 0x40C
        public static let ie: UInt64 = 0x410
        public static let ris: UInt64 = 0x414
        public static let mis: UInt64 = 0x418
        public static let ic: UInt64 = 0x41C
        public static let afsel: UInt64 = 0x420
    }

    /// GPIOPeriphID0-3, GPIOPCellID0-3 as QEMU's PL061 reports them.
    public static let id = PrimeCellID([0x61, 0x10, 0x04, 0x00, 0x0D, 0xF0, 0x05, 0xB1])

    public let irq: IRQLine
    public private(set) var data: UInt8 = 0
    public private(set) var dir: UInt8 = 0
    public private(set) var isense: UInt8 = 0
    public private(set) var ibe: UInt8 = 0
    public private(set) var iev: UInt8 = 0
    public private(set) var ie: UInt8 = 0
    public private(set) var afsel: UInt8 = 0
    /// Latched edge interrupts.
    private var edges: UInt8 = 0
    /// Levels driven from outside on the input lines.
    public private(set) var inputs: UInt8 = 0
    /// The level of every line last time it was looked at (for edges).
    private var lastLevels: UInt8 = 0
    public var onGuestError: ((String) -> Void)?
    /// Output lines that went from low to high (a mask), after the write that raised them.
    public var onOutputRising: ((UInt8) -> Void)?

    public init(name: String = "pl061", irq: IRQLine = IRQLine(name: "pl061")) {
        self.name = name
        self.irq = irq
    }

    public func reset() {
        data = 0; dir = 0; isense = 0; ibe = 0; iev = 0; ie = 0; afsel = 0
        edges = 0; inputs = 0; lastLevels = 0
        irq.set(false)
    }

    /// The level of every line: outputs drive the data register, inputs what
    /// was set from outside.
    public var levels: UInt8 { (data & dir) | (inputs & ~dir) }

    /// Drives input line `line` (0-7) from outside (the power button).
    public func setInput(_ line: Int, _ high: Bool) {
        precondition((0..<8).contains(line))
        if high { inputs |= 1 << UInt8(line) } else { inputs &= ~(1 << UInt8(line)) }
        update()
    }

    /// GPIORIS: latched edges and current level matches.
    public var rawStatus: UInt8 {
        let levelMatch = ~(levels ^ iev) & isense
        return (edges & ~isense) | levelMatch
    }

    /// Latches the edges since the last look and sets the interrupt output.
    private func update() {
        let now = levels
        let changed = now ^ lastLevels
        lastLevels = now
        let rising = changed & now, falling = changed & ~now
        let edgeLines = ~isense & ~dir
        edges |= edgeLines & ((changed & ibe) | (rising & iev & ~ibe) | (falling & ~iev & ~ibe))
        irq.set(rawStatus & ie != 0)
        if rising & dir != 0 { onOutputRising?(rising & dir) }
    }

    public func readRegister(_ reg: UInt64) -> UInt32? {
        switch reg {
        case 0...Reg.dataEnd: return UInt32(levels & UInt8(truncatingIfNeeded: reg >> 2))
        case Reg.dir: return UInt32(dir)
        case Reg.isense: return UInt32(isense)
        case Reg.ibe: return UInt32(ibe)
        case Reg.iev: return UInt32(iev)
        case Reg.ie: return UInt32(ie)
        case Reg.ris: return UInt32(rawStatus)
        case Reg.mis: return UInt32(rawStatus & ie)
        case Reg.afsel: return UInt32(afsel)
        default: return nil
        }
    }

    public func write(offset off: UInt64, size: Int, value: UInt64) {
        let v = UInt8(truncatingIfNeeded: value)
        switch off {
        case 0...Reg.dataEnd where off & 3 == 0:
            // Only output lines selected by the address mask change.
            let mask = UInt8(truncatingIfNeeded: off >> 2) & dir
            data = (data & ~mask) | (v & mask)
        case Reg.dir: dir = v
        case Reg.isense: isense = v
        case Reg.ibe: ibe = v
        case Reg.iev: iev = v
        case Reg.ie: ie = v
        case Reg.ic: edges &= ~v
        case Reg.afsel: afsel = v
        case Reg.ris, Reg.mis, PrimeCellID.offsets: break   // read-only
        default:
            onGuestError?("pl061: write of unknown register at offset \(hex(off))")
        }
        update()
    }
}
