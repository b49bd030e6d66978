import Machine

/// One bank of CFI parallel NOR flash with the Intel/Sharp command set, as
/// QEMU 7.2's `virt` has at 0x0000_0000 and 0x0400_0000 (pflash_cfi01):
/// a 32-bit bank of two 16-bit devices in parallel, 256 KiB erase blocks
/// (128 KiB in each device), manufacturer 0x89 (Intel), device 0x18.
///
/// The bank is in read-array mode after reset: reads return the contents.
/// A write is a command (its low byte) that may take a second cycle:
///
/// | first | second      | what                                        |
/// |-------|-------------|---------------------------------------------|
/// | 0xFF  |             | read array                                  |
/// | 0x70  |             | read status                                 |
/// | 0x90  |             | read identifier (0: manufacturer, 1: device)|
/// | 0x98  |             | CFI query (reads of the table)              |
/// | 0x50  |             | clear status                                |
/// | 0x10/0x40 | data    | program the word written                    |
/// | 0x20  | 0xD0        | erase the block (to 0xFF)                   |
/// | 0x60  | 0x01/0xD0   | set/clear the block's lock bit (accepted, not enforced, as QEMU) |
/// | 0xE8  | count, data…, 0xD0 | buffered program of count+1 words     |
///
/// Status (CFI / Intel): bit 7 ready, bit 5 erase error, bit 4 program error.
/// A program or erase of a read-only bank sets the error bit and changes
/// nothing. Query and identifier addresses are in units of the bank width
/// (4 bytes), each answer replicated in both 16-bit halves.
///
/// The contents live in `storage` (`size` bytes, owned by the caller, e.g.
/// a ROM region's host memory); `onStore` is told every range that changed,
/// so the board can write it to the backing file.
public final class PFlash: ROMDevice {
    public let name: String
    public let storage: UnsafeMutableRawPointer
    public let size: UInt64
    public let readOnly: Bool
    /// Called with (offset, length) of every change to `storage`.
    public var onStore: ((UInt64, UInt64) -> Void)?
    /// Called when the bank leaves or re-enters read-array mode (true: read
    /// array), so a board can map the contents directly while in it.
    public var onReadArrayMode: ((Bool) -> Void)?
    public var onGuestError: ((String) -> Void)?

    /// QEMU virt's geometry: bank width 4 bytes, device width 2.
    public static let bankWidth = 4
    public static let deviceWidth = 2
    public static let blockSize: UInt64 = 256 << 10
    public static let manufacturerID: UInt32 = 0x89
    public static let deviceID: UInt32 = 0x18

    public enum Status {
        public static let ready: UInt8 = 0x80
        public static let eraseError: UInt8 = 0x20
        public static let programError: UInt8 = 0x10
    }

    /// The command in progress (0: read array).
    public private(set) var command: UInt8 = 0
    /// Which cycle of `command` the next write is.
    public private(set) var cycle = 0
    public private(set) var status: UInt8 = Status.ready
    /// Words still to come in a buffered program (0xE8), minus one.
    private var bufferCount: UInt32 = 0
    /// The CFI query table, indexed by query address.
    public let cfiTable: [UInt8]

    public init(name: String, storage: UnsafeMutableRawPointer, size: UInt64, readOnly: Bool = false) {
        precondition(size > 0 && size % PFlash.blockSize == 0, "flash bank size must be whole blocks")
        self.name = name
        self.storage = storage
        self.size = size
        self.readOnly = readOnly
        cfiTable = PFlash.makeCFITable(bankSize: size)
    }

    public var isReadArray: Bool { command == 0 }

    public func reset() {
        setMode(command: 0)
        status = Status.ready
    }

    /// The query table of one device of the bank (CFI publication 100,
    /// Intel's primary-vendor extension "PRI" 1.0 at 0x31).
    static func makeCFITable(bankSize: UInt64) -> [UInt8] {
        let devices = UInt64(bankWidth / deviceWidth)
        let blocksPerDevice = bankSize / blockSize           // each block spans both devices
        let blockPerDevice = blockSize / devices
        let deviceBytes = blockPerDevice * blocksPerDevice
        var t = [UInt8](repeating: 0, count: 0x52)
        t[0x10] = 0x51; t[0x11] = 0x52; t[0x12] = 0x59        // "QRY"
        t[0x13] = 0x01; t[0x14] = 0x00                       // Intel/Sharp command set
        t[0x15] = 0x31; t[0x16] = 0x00                       // primary extended table
        t[0x1B] = 0x45; t[0x1C] = 0x55                       // Vcc 4.5-5.5 V
        t[0x1F] = 0x07; t[0x20] = 0x07; t[0x21] = 0x0A       // typical timeouts
        t[0x23] = 0x04; t[0x24] = 0x04; t[0x25] = 0x04       // maximum timeouts
        t[0x27] = UInt8(deviceBytes.trailingZeroBitCount)    // device size, 2^n
        t[0x28] = 0x02                                       // x8/x16 interface
        t[0x2A] = 0x0B                                       // write buffer: 2^11 bytes
        t[0x2C] = 0x01                                       // one erase-block region
        t[0x2D] = UInt8(truncatingIfNeeded: blocksPerDevice - 1)
        t[0x2E] = UInt8(truncatingIfNeeded: (blocksPerDevice - 1) >> 8)
        t[0x2F] = UInt8(truncatingIfNeeded: blockPerDevice >> 8)
        t[0x30] = UInt8(truncatingIfNeeded: blockPerDevice >> 16)
        t[0x31] = 0x50; t[0x32] = 0x52; t[0x33] = 0x49       // "PRI"
        t[0x34] = 0x31; t[0x35] = 0x30                       // version 1.0
        t[0x3F] = 0x01                                       // one protection field
        return t
    }

    private func setMode(command c: UInt8) {
        let wasArray = command == 0
        command = c
        cycle = 0
        if wasArray != (c == 0) { onReadArrayMode?(c == 0) }
    }

    /// One 16-bit device's answer to a query/identifier read at `offset`,
    /// replicated to the other device of the bank.
    private func replicated(_ v: UInt32) -> UInt32 { v & 0xFFFF | (v & 0xFFFF) << 16 }

    private func readBankWord(_ off: UInt64) -> UInt32 {
        let index = Int(off >> 2)   // addresses in bank-width units
        switch command {
        case 0x98:
            return index < cfiTable.count ? replicated(UInt32(cfiTable[index])) : 0
        case 0x90:
            switch index & 0xFF {
            case 0: return replicated(PFlash.manufacturerID)
            case 1: return replicated(PFlash.deviceID)
            default: return 0      // block lock status: not modelled (reads 0, as QEMU)
            }
        default:
            return replicated(UInt32(status))
        }
    }

    public func read(offset off: UInt64, size: Int) -> UInt64 {
        guard off < self.size, size <= Int(self.size - off) else { return 0 }
        if command == 0 {
            var v: UInt64 = 0
            for i in 0..<size { v |= UInt64(storage.load(fromByteOffset: Int(off) + i, as: UInt8.self)) << (8 * i) }
            return v
        }
        // Status, identifier and query answers: a read of up to the bank
        // width sees the answer for its address (low bytes); a wider one
        // the answers of the bank words it covers, as QEMU splits it.
        if size <= PFlash.bankWidth {
            return UInt64(readBankWord(off)) & (size == 4 ? 0xFFFF_FFFF : (1 << (8 * UInt64(size))) - 1)
        }
        var v: UInt64 = 0
        for i in stride(from: 0, to: size, by: PFlash.bankWidth) {
            v |= UInt64(readBankWord(off + UInt64(i))) << (8 * UInt64(i))
        }
        return v
    }

    private func store(_ off: UInt64, size: Int, value: UInt64) {
        for i in 0..<size { storage.storeBytes(of: UInt8(truncatingIfNeeded: value >> (8 * i)), toByteOffset: Int(off) + i, as: UInt8.self) }
        onStore?(off, UInt64(size))
    }

    public func write(offset off: UInt64, size: Int, value: UInt64) {
        guard off < self.size, size <= Int(self.size - off) else { return }
        let cmd = UInt8(truncatingIfNeeded: value)
        switch cycle {
        case 0:
            switch cmd {
            case 0x00, 0xF0, 0xFF:       // read array (0xF0: an AMD probe)
                setMode(command: 0)
            case 0x50:
                status = 0
                setMode(command: 0)
            case 0x70, 0x90:
                setMode(command: cmd)
            case 0x10, 0x40, 0x60, 0x98:
                setMode(command: cmd)
                cycle = 1
            case 0x20:
                // The erase happens on the setup command; 0xD0 confirms it.
                let block = off & ~(PFlash.blockSize - 1)
                if readOnly {
                    status |= Status.eraseError
                } else {
                    storage.advanced(by: Int(block)).initializeMemory(as: UInt8.self, repeating: 0xFF, count: Int(PFlash.blockSize))
                    onStore?(block, PFlash.blockSize)
                }
                status |= Status.ready
                setMode(command: cmd)
                cycle = 1
            case 0xE8:
                status |= Status.ready
                setMode(command: cmd)
                cycle = 1
            default:
                unimplemented(off, value)
            }
        case 1:
            switch command {
            case 0x10, 0x40:
                if readOnly { status |= Status.programError } else { store(off, size: size, value: value) }
                status |= Status.ready
                cycle = 0
            case 0x20:
                if cmd == 0xD0 { status |= Status.ready; cycle = 0 }
                else if cmd == 0xFF { setMode(command: 0) }
                else { unimplemented(off, value) }
            case 0x60:
                // Lock (0x01) and unlock (0xD0) are accepted; blocks are never locked.
                if cmd == 0xD0 || cmd == 0x01 { status |= Status.ready; cycle = 0 }
                else { setMode(command: 0) }
            case 0x98:
                if cmd == 0xFF { setMode(command: 0) }   // anything else: stay in query mode
            case 0xE8:
                // Word count minus one, in device-width units.
                bufferCount = UInt32(truncatingIfNeeded: value) & 0xFFFF
                cycle = 2
            default:
                unimplemented(off, value)
            }
        case 2:
            if readOnly { status |= Status.programError } else { store(off, size: size, value: value) }
            status |= Status.ready
            if bufferCount == 0 { cycle = 3 } else { bufferCount -= 1 }
        default:
            if cmd == 0xD0 { status |= Status.ready; cycle = 0 }
            else { unimplemented(off, value); }
        }
    }

    private func unimplemented(_ off: UInt64, _ value: UInt64) {
        onGuestError?("\(name): unimplemented flash command sequence (offset \(hex(off)), cycle \(cycle), command \(hex(UInt64(command))), value \(hex(value)))")
        setMode(command: 0)
    }
}
