import Machine

/// QEMU's firmware configuration device ("fw_cfg"), memory-mapped as on
/// QEMU 7.2's `virt` (docs/specs/fw_cfg.txt): items selected by a 16-bit
/// key and read as a byte stream, either through the data register or by
/// DMA into guest memory.
///
/// | offset | width | what                                                   |
/// |--------|-------|--------------------------------------------------------|
/// | 0x00   | 1-8   | data: the next bytes of the selected item, in order    |
/// | 0x08   | 2     | selector (big-endian), write only                      |
/// | 0x10   | 4/8   | DMA address (big-endian): high half at 0x10, low half at 0x14 (the write of the low half starts the transfer), or all 8 bytes at 0x10 |
///
/// A read of n bytes of data returns the item's next n bytes in memory order
/// (the first byte at the lowest address), zeros past its end. Reads of the
/// DMA register return "QEMU CFG" (big-endian).
///
/// A DMA request (at the address written, big-endian fields): control (32
/// bits: error 0x01, read 0x02, skip 0x04, select 0x08 with the key in bits
/// 31:16, write 0x10), length (32), address (64). The device does it at once
/// and writes the control word back: 0, or the error bit. Writes to items
/// are refused (error), as every item QEMU's virt has is read-only.
public final class FWCfg: MMIODevice {
    public let name = "fw_cfg"
    /// Where DMA reads and writes go.
    let memory: AddressSpace
    public var onGuestError: ((String) -> Void)?

    /// Well-known keys (below `fileFirst`) and the file directory.
    public enum Key {
        public static let signature: UInt16 = 0x00
        public static let id: UInt16 = 0x01
        public static let uuid: UInt16 = 0x02
        public static let noGraphic: UInt16 = 0x04
        public static let cpuCount: UInt16 = 0x05
        public static let kernelSize: UInt16 = 0x08
        public static let initrdSize: UInt16 = 0x0B
        public static let bootMenu: UInt16 = 0x0E
        public static let kernelData: UInt16 = 0x11
        public static let initrdData: UInt16 = 0x12
        public static let commandLineSize: UInt16 = 0x14
        public static let commandLineData: UInt16 = 0x15
        public static let fileDirectory: UInt16 = 0x19
        /// The first file's key.
        public static let fileFirst: UInt16 = 0x20
    }
    /// QEMU 7.2's default number of file slots.
    public static let fileSlots = 0x20
    /// Selector bits that are not part of the entry number.
    static let archLocal: UInt16 = 0x8000, writeChannel: UInt16 = 0x4000
    public static let dmaSignature: UInt64 = 0x5145_4D55_2043_4647   // "QEMU CFG"
    /// FW_CFG_ID: bit 0 the traditional interface, bit 1 DMA.
    public static let features: UInt32 = 0x3

    enum DMAControl {
        static let error: UInt32 = 0x01, read: UInt32 = 0x02, skip: UInt32 = 0x04
        static let select: UInt32 = 0x08, write: UInt32 = 0x10
    }

    /// The items, by entry number (arch-local items: `archItems`).
    private var items: [UInt16: [UInt8]] = [:]
    private var archItems: [UInt16: [UInt8]] = [:]
    /// The files, sorted by name (QEMU's order for machines other than x86's
    /// legacy ones); file i has key `fileFirst + i`.
    public private(set) var files: [(name: String, data: [UInt8])] = []

    /// The selected key (nil: an invalid one) and the offset in its item.
    private var selected: UInt16? = Key.signature
    private var offset = 0
    /// The DMA address being written (its high half first).
    private var dmaAddress: UInt64 = 0

    /// The items every QEMU fw_cfg has (signature, id, uuid, nographic,
    /// boot menu, etc/boot-fail-wait) plus the CPU count the virt board adds.
    public init(memory: AddressSpace, cpuCount: Int) {
        self.memory = memory
        items[Key.signature] = Array("QEMU".utf8)
        items[Key.uuid] = [UInt8](repeating: 0, count: 16)
        items[Key.noGraphic] = FWCfg.le(1, bytes: 2)     // -nographic or -display none: no graphics
        items[Key.bootMenu] = FWCfg.le(0, bytes: 2)
        items[Key.id] = FWCfg.le(UInt64(FWCfg.features), bytes: 4)
        items[Key.cpuCount] = FWCfg.le(UInt64(cpuCount), bytes: 2)
        addFile("etc/boot-fail-wait", FWCfg.le(0xFFFF_FFFF, bytes: 4))
        addFile("bootorder", [])
        addFile("bios-geometry", [])
        select(Key.signature)
    }

    public static func le(_ v: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) }
    }

    /// Sets (or replaces) a well-known item.
    public func setItem(_ key: UInt16, _ data: [UInt8]) {
        precondition(key < Key.fileFirst && key != Key.fileDirectory, "files go through addFile")
        items[key] = data
    }

    public func item(_ key: UInt16) -> [UInt8]? {
        if key == Key.fileDirectory { return fileDirectory() }
        if key >= Key.fileFirst {
            let i = Int(key - Key.fileFirst)
            return i < files.count ? files[i].data : nil
        }
        return items[key]
    }

    /// Adds a file, or replaces the one of that name (QEMU's fw_cfg_modify_file).
    public func addFile(_ name: String, _ data: [UInt8]) {
        precondition(name.utf8.count < 56, "fw_cfg file names are at most 55 bytes")
        if let i = files.firstIndex(where: { $0.name == name }) {
            files[i].data = data
            return
        }
        precondition(files.count < FWCfg.fileSlots, "fw_cfg: no free file slot")
        let i = files.firstIndex(where: { $0.name.utf8.lexicographicallyPrecedes(name.utf8) == false }) ?? files.count
        files.insert((name, data), at: i)
    }

    /// The directory (key 0x19): a big-endian count, then per file its size
    /// (32 bits), key (16), a reserved 16 bits and its name (56 bytes, NUL-padded),
    /// for every slot (unused ones zero).
    func fileDirectory() -> [UInt8] {
        var d = FWCfg.be(UInt64(files.count), bytes: 4)
        for (i, f) in files.enumerated() {
            d += FWCfg.be(UInt64(f.data.count), bytes: 4)
            d += FWCfg.be(UInt64(Key.fileFirst) + UInt64(i), bytes: 2)
            d += [0, 0]
            var name = Array(f.name.utf8)
            name += [UInt8](repeating: 0, count: 56 - name.count)
            d += name
        }
        d += [UInt8](repeating: 0, count: 64 * (FWCfg.fileSlots - files.count))
        return d
    }

    public static func be(_ v: UInt64, bytes: Int) -> [UInt8] {
        (0..<bytes).map { UInt8(truncatingIfNeeded: v >> (8 * (bytes - 1 - $0))) }
    }

    /// Back to the signature item (the device's reset).
    public func reset() {
        select(Key.signature)
        dmaAddress = 0
    }

    /// The data of the selected key (nil: invalid, or an empty slot).
    private var selectedData: [UInt8]? {
        guard let key = selected else { return nil }
        let entry = key & ~(FWCfg.archLocal | FWCfg.writeChannel)
        if key & FWCfg.archLocal != 0 { return archItems[entry] }
        return item(entry)
    }
    /// The directory is built on selection: it only changes as files are added.
    private var selectedBytes: [UInt8]? = nil

    private func select(_ key: UInt16) {
        offset = 0
        let entry = key & ~(FWCfg.archLocal | FWCfg.writeChannel)
        selected = Int(entry) < Int(Key.fileFirst) + FWCfg.fileSlots ? key : nil
        selectedBytes = selectedData
    }

    public func read(offset off: UInt64, size: Int) -> UInt64 {
        switch off {
        case 0..<8:
            guard off == 0 else { return 0 }
            var v: UInt64 = 0
            if let data = selectedBytes {
                for i in 0..<size where offset < data.count {
                    v |= UInt64(data[offset]) << (8 * UInt64(i))
                    offset += 1
                }
            }
            return v
        case 16..<24:
            // The signature, big-endian: byte k of the register is byte k of "QEMU CFG".
            var v: UInt64 = 0
            for i in 0..<size where Int(off - 16) + i < 8 {
                v |= (FWCfg.dmaSignature >> (8 * (7 - (UInt64(off - 16) + UInt64(i)))) & 0xFF) << (8 * UInt64(i))
            }
            return v
        default:
            return 0
        }
    }

    public func write(offset off: UInt64, size: Int, value: UInt64) {
        switch (off, size) {
        case (8, 2):
            select(UInt16(truncatingIfNeeded: value).byteSwapped)
        case (16, 8):
            dmaAddress = value.byteSwapped
            dmaTransfer()
        case (16, 4):
            dmaAddress = UInt64(UInt32(truncatingIfNeeded: value).byteSwapped) << 32
        case (20, 4):
            dmaAddress |= UInt64(UInt32(truncatingIfNeeded: value).byteSwapped)
            dmaTransfer()
        case (0, _):
            break   // data writes do nothing (QEMU 2.4 and later)
        default:
            onGuestError?("fw_cfg: invalid write of \(size) bytes at offset \(hex(off))")
        }
    }

    /// Performs the DMA request at `dmaAddress` (see the type's comment).
    private func dmaTransfer() {
        let request = dmaAddress
        dmaAddress = 0
        func be(_ b: [UInt8], _ o: Int, _ n: Int) -> UInt64 { b[o..<(o + n)].reduce(0) { $0 << 8 | UInt64($1) } }
        func writeControl(_ c: UInt32) {
            _ = FWCfg.be(UInt64(c), bytes: 4).withUnsafeBytes { memory.writePhysical(pa: request, bytes: $0) }
        }
        guard let header = memory.readPhysical(pa: request, count: 16) else {
            onGuestError?("fw_cfg: DMA request at \(hex(request)) is outside RAM")
            writeControl(DMAControl.error)
            return
        }
        var control = UInt32(be(header, 0, 4))
        var length = be(header, 4, 4)
        var address = be(header, 8, 8)
        if control & DMAControl.select != 0 { select(UInt16(control >> 16)) }
        let read = control & DMAControl.read != 0
        let write = !read && control & DMAControl.write != 0
        if !read && !write && control & DMAControl.skip == 0 { length = 0 }
        control = 0
        while length > 0 && control & DMAControl.error == 0 {
            let n: UInt64
            if let data = selectedBytes, offset < data.count {
                n = min(length, UInt64(data.count - offset))
                if read {
                    let ok = data[offset..<(offset + Int(n))].withUnsafeBytes { memory.writePhysical(pa: address, bytes: $0) }
                    if !ok { control |= DMAControl.error }
                }
                if write { control |= DMAControl.error }   // no item is writable
                offset += Int(n)
            } else {
                n = length
                if read && !memory.fillPhysical(pa: address, byte: 0, count: n) { control |= DMAControl.error }
                if write { control |= DMAControl.error }
            }
            address &+= n
            length -= n
        }
        writeControl(control)
    }
}
