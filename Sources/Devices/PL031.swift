import Glibc
import Machine

/// Arm PrimeCell real-time clock (PL031, Arm DDI 0224), as QEMU's `virt` has it
/// at 0x0901_0000 (SPI 2). The counter counts seconds of host time (UTC) from
/// an offset the guest sets by writing RTCLR. The match interrupt is raised
/// when the counter has reached RTCMR: evaluated whenever the guest touches the
/// device and by `poll()`. `onAlarmChange` tells the board when the match is
/// due, so a host alarm can call `poll()` then (waking a CPU in WFI).
public final class PL031: PrimeCellDevice {
    public let name: String

    /// Register offsets (Arm DDI 0224, table 3-1).
    public enum Reg {
        public static let dr: UInt64 = 0x000     // data (counter), read-only
        public static let mr: UInt64 = 0x004     // match
        public static let lr: UInt64 = 0x008     // load
        public static let cr: UInt64 = 0x00C     // control: bit 0 starts the counter
        public static let imsc: UInt64 = 0x010   // interrupt mask set/clear
        public static let ris: UInt64 = 0x014    // raw interrupt status
        public static let mis: UInt64 = 0x018    // masked interrupt status
        public static let icr: UInt64 = 0x01C    // interrupt clear, write-only
    }

    /// RTCPeriphID0-3, RTCPCellID0-3 as QEMU's PL031 reports them.
    public static let id = PrimeCellID([0x31, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1])

    public let irq: IRQLine
    /// Seconds since the Unix epoch, UTC (the host's clock unless a test sets its own).
    public var now: () -> UInt64
    /// Counter value minus `now()`.
    private var offset: UInt64
    public private(set) var match: UInt32 = 0
    /// The last value written to RTCLR (read back from RTCLR).
    public private(set) var load: UInt32 = 0
    public private(set) var imsc: UInt32 = 0
    public private(set) var ris: UInt32 = 0
    /// RTCMR is ahead of (or equal to) the counter: the interrupt is raised
    /// once, when the counter gets there.
    private var matchArmed = false
    public var onGuestError: ((String) -> Void)?
    /// Called with the host time (seconds since the epoch, `now`'s clock) at
    /// which the match is due whenever that changes; nil: none is due.
    public var onAlarmChange: ((UInt64?) -> Void)?
    private var alarmAt: UInt64?

    public init(name: String = "pl031", irq: IRQLine = IRQLine(name: "pl031"), now: @escaping () -> UInt64 = PL031.hostTime) {
        self.name = name
        self.irq = irq
        self.now = now
        offset = 0
    }

    public static func hostTime() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return UInt64(max(0, ts.tv_sec))
    }

    /// The counter (RTCDR): 32 bits of seconds.
    public var counter: UInt32 { UInt32(truncatingIfNeeded: now() &+ offset) }

    public func reset() {
        offset = 0
        match = 0; load = 0; imsc = 0; ris = 0; matchArmed = false
        irq.set(false)
    }

    /// The match fires when the counter equals RTCMR: now, or later if it is
    /// ahead of the counter (within half the 32-bit range).
    private func armMatch() {
        matchArmed = match &- counter < 0x8000_0000
    }

    /// Raises the match interrupt once the counter reaches RTCMR.
    public func poll() {
        if matchArmed && counter &- match < 0x8000_0000 {
            matchArmed = false
            ris |= 1
        }
        irq.set(ris & imsc & 1 != 0)
        let due: UInt64? = matchArmed ? now() &+ UInt64(match &- counter) : nil
        if due != alarmAt {
            alarmAt = due
            onAlarmChange?(due)
        }
    }

    public func readRegister(_ reg: UInt64) -> UInt32? {
        poll()
        switch reg {
        case Reg.dr: return counter
        case Reg.mr: return match
        case Reg.lr: return load
        case Reg.cr: return 1      // the counter always runs
        case Reg.imsc: return imsc
        case Reg.ris: return ris
        case Reg.mis: return ris & imsc
        default: return nil
        }
    }

    public func write(offset off: UInt64, size: Int, value: UInt64) {
        let v = UInt32(truncatingIfNeeded: value)
        switch off {
        case Reg.mr:
            match = v
            armMatch()
        case Reg.lr:
            load = v
            offset = UInt64(v) &- now()
            armMatch()
        case Reg.cr: break          // writing 0 cannot stop it (as QEMU)
        case Reg.imsc: imsc = v & 1
        case Reg.icr: ris &= ~(v & 1)
        case Reg.dr, Reg.ris, Reg.mis, PrimeCellID.offsets: break   // read-only
        default:
            onGuestError?("pl031: write of unknown register at offset \(hex(off))")
        }
        poll()
    }
}
