import Machine

/// Arm PrimeCell UART (PL011), as QEMU's `virt` board has it at 0x0900_0000.
///
/// Transmit is immediate: a write to UARTDR goes to the console at once, so the
/// transmit FIFO is always empty (UARTFR.TXFE set, TXFF and BUSY clear) and
/// the transmit interrupt is raised after each character (cleared by UARTICR).
/// Receive fills a FIFO (16 entries with UARTLCR_H.FEN set, else 1) from the
/// console's input, polled without blocking when the guest reads UARTDR,
/// UARTFR, UARTRIS or UARTMIS, and by `poll()`. The receive interrupt is
/// raised while the FIFO holds at least the UARTIFLS trigger level; the
/// receive timeout interrupt while it holds fewer and the line is idle (no
/// more input is waiting on the host: the 32 bit periods of silence of Arm
/// DDI 0183G section 2.9.5 are over by the time the guest looks).
/// Control, baud-rate, line-control and interrupt registers are stored and read
/// back; UARTINTR (any unmasked interrupt) drives `irq`.
public final class PL011: PrimeCellDevice {
    public let name: String
    public let console: HostConsole

    /// Register offsets (Arm DDI 0183G, table 3-1).
    public enum Reg {
        public static let dr: UInt64 = 0x000
        public static let rsr: UInt64 = 0x004
        public static let fr: UInt64 = 0x018
        public static let ilpr: UInt64 = 0x020
        public static let ibrd: UInt64 = 0x024
        public static let fbrd: UInt64 = 0x028
        public static let lcrH: UInt64 = 0x02C
        public static let cr: UInt64 = 0x030
        public static let ifls: UInt64 = 0x034
        public static let imsc: UInt64 = 0x038
        public static let ris: UInt64 = 0x03C
        public static let mis: UInt64 = 0x040
        public static let icr: UInt64 = 0x044
        public static let dmacr: UInt64 = 0x048
    }

    /// UARTFR bits.
    public enum Flag {
        public static let busy: UInt32 = 1 << 3
        public static let rxfe: UInt32 = 1 << 4
        public static let txff: UInt32 = 1 << 5
        public static let rxff: UInt32 = 1 << 6
        public static let txfe: UInt32 = 1 << 7
    }

    /// Interrupt bits (UARTIMSC, UARTRIS, UARTMIS, UARTICR).
    public enum Interrupt {
        public static let rx: UInt32 = 1 << 4
        public static let tx: UInt32 = 1 << 5
        public static let rt: UInt32 = 1 << 6
        public static let all: UInt32 = 0x7FF
    }

    /// PrimeCell identification: UARTPeriphID0-3 then UARTPCellID0-3 (0xFE0-0xFFC),
    /// the values QEMU's PL011 reports.
    public static let id = PrimeCellID([0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1])

    public static let fifoDepth = 16

    public private(set) var ilpr: UInt32 = 0
    public private(set) var ibrd: UInt32 = 0
    public private(set) var fbrd: UInt32 = 0
    public private(set) var lcrH: UInt32 = 0
    public private(set) var cr: UInt32 = 0x300          // TXE | RXE
    public private(set) var ifls: UInt32 = 0x12         // 1/2 full both ways
    public private(set) var imsc: UInt32 = 0
    public private(set) var ris: UInt32 = 0
    public private(set) var dmacr: UInt32 = 0
    public private(set) var rsr: UInt32 = 0
    private var rxFIFO: [UInt32] = []

    /// UARTINTR: the combined interrupt output (SPI 1 on virt).
    public let irq: IRQLine
    /// Called with a one-line message when the guest does something wrong with
    /// the device (for `-d guest_errors`).
    public var onGuestError: ((String) -> Void)?
    public init(name: String = "pl011", console: HostConsole = .standard) {
        self.name = name
        self.console = console
        self.irq = IRQLine(name: name)
    }

    public func reset() {
        ilpr = 0; ibrd = 0; fbrd = 0; lcrH = 0
        cr = 0x300; ifls = 0x12; imsc = 0; ris = 0; dmacr = 0; rsr = 0
        rxFIFO.removeAll()
        updateInterrupt()
    }

    // MARK: Receive

    private var fifoEnabled: Bool { lcrH & 0x10 != 0 }
    private var fifoCapacity: Int { fifoEnabled ? PL011.fifoDepth : 1 }

    /// The receive interrupt trigger level (UARTIFLS.RXIFLSEL), in entries.
    private var rxTriggerLevel: Int {
        guard fifoEnabled else { return 1 }
        switch (ifls >> 3) & 7 {
        case 0: return 2     // 1/8
        case 1: return 4     // 1/4
        case 2: return 8     // 1/2
        case 3: return 12    // 3/4
        default: return 14   // 7/8
        }
    }

    /// Moves available console input into the receive FIFO (never blocks).
    private func pollInput() {
        while rxFIFO.count < fifoCapacity, let b = console.pollByte() {
            rxFIFO.append(UInt32(b))
        }
        updateReceiveStatus()
    }

    /// Host input arrived (the board calls this on the CPU thread): with the
    /// receive interrupts unmasked it is taken into the FIFO at once, to raise
    /// them; a guest that polls takes it when it reads (so input that arrives
    /// while it sets the line up, which empties the FIFO, waits on the host).
    public func poll() {
        if imsc & (Interrupt.rx | Interrupt.rt) != 0 { pollInput() }
    }

    /// RX at the trigger level; RT below it while the line is idle (nothing
    /// more waiting on the host). Both clear as the FIFO drains.
    private func updateReceiveStatus() {
        let n = rxFIFO.count
        if n >= rxTriggerLevel { ris |= Interrupt.rx } else { ris &= ~Interrupt.rx }
        if n > 0 && n < rxTriggerLevel && console.bufferedCount == 0 { ris |= Interrupt.rt }
        if n == 0 { ris &= ~Interrupt.rt }
        updateInterrupt()
    }

    /// Number of characters waiting in the receive FIFO.
    public var receiveCount: Int { rxFIFO.count }

    /// Puts a character in the receive FIFO as if it arrived on the line
    /// (dropped, with the overrun error set, when the FIFO is full).
    public func receive(_ byte: UInt8) {
        if rxFIFO.count >= fifoCapacity {
            rsr |= 0x8
            return
        }
        rxFIFO.append(UInt32(byte))
        updateReceiveStatus()
    }

    private var flags: UInt32 {
        var f = Flag.txfe
        if rxFIFO.isEmpty { f |= Flag.rxfe }
        if rxFIFO.count >= fifoCapacity { f |= Flag.rxff }
        return f
    }

    private func updateInterrupt() {
        irq.set(ris & imsc != 0)
    }

    // MARK: MMIO

    public func readRegister(_ reg: UInt64) -> UInt32? {
        switch reg {
        case Reg.dr:
            if rxFIFO.isEmpty { pollInput() }
            guard !rxFIFO.isEmpty else { return 0 }
            let c = rxFIFO.removeFirst()
            updateReceiveStatus()
            return c
        case Reg.rsr: return rsr
        case Reg.fr:
            pollInput()
            return flags
        case Reg.ilpr: return ilpr
        case Reg.ibrd: return ibrd
        case Reg.fbrd: return fbrd
        case Reg.lcrH: return lcrH
        case Reg.cr: return cr
        case Reg.ifls: return ifls
        case Reg.imsc: return imsc
        case Reg.ris:
            pollInput()
            return ris
        case Reg.mis:
            pollInput()
            return ris & imsc
        case Reg.dmacr: return dmacr
        default: return nil
        }
    }

    public func write(offset: UInt64, size: Int, value: UInt64) {
        guard offset & 3 == 0 else {
            onGuestError?("pl011: unaligned write of \(size) bytes at offset \(hex(offset)) ignored")
            return
        }
        let v = UInt32(truncatingIfNeeded: value)
        switch offset {
        case Reg.dr:
            console.write(byte: UInt8(truncatingIfNeeded: v))
            // Transmit completes at once: the TX FIFO is empty again.
            ris |= Interrupt.tx
            updateInterrupt()
        case Reg.rsr: rsr = 0
        case Reg.fr: break   // read-only
        case Reg.ilpr: ilpr = v & 0xFF
        case Reg.ibrd: ibrd = v & 0xFFFF
        case Reg.fbrd: fbrd = v & 0x3F
        case Reg.lcrH:
            // Turning the FIFOs off (or on) empties them, as QEMU does.
            if (lcrH ^ v) & 0x10 != 0 { rxFIFO.removeAll() }
            lcrH = v & 0xFF
        case Reg.cr: cr = v & 0xFF87
        case Reg.ifls: ifls = v & 0x3F
        case Reg.imsc:
            imsc = v & Interrupt.all
            if imsc & (Interrupt.rx | Interrupt.rt) != 0 { pollInput() } else { updateInterrupt() }
        case Reg.ris, Reg.mis: break   // read-only
        case Reg.icr:
            ris &= ~(v & Interrupt.all)
            updateInterrupt()
        case Reg.dmacr:
            dmacr = v & 7
            if v & 3 != 0 { onGuestError?("pl011: DMA is not supported (UARTDMACR \(hex(UInt64(v))))") }
        case PrimeCellID.offsets: break   // read-only
        default:
            onGuestError?("pl011: write of unknown register at offset \(hex(offset))")
        }
    }
}
