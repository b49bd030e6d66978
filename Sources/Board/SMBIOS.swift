/// The SMBIOS tables QEMU 7.2's virt gives firmware in fw_cfg
/// (etc/smbios/smbios-tables and etc/smbios/smbios-anchor, SMBIOS 3.0 with a
/// 64-bit entry point), which EDK2 installs for the OS (Linux prints "DMI:
/// QEMU QEMU Virtual Machine, ..." from them): the structures QEMU builds
/// without -smbios options, with its handles (DSP0134 3.0 layouts):
///
/// | type | handle          | what                                           |
/// |------|-----------------|------------------------------------------------|
/// | 1    | 0x0100          | system: QEMU, QEMU Virtual Machine, virt-7.2   |
/// | 3    | 0x0300          | chassis: other, QEMU, virt-7.2                 |
/// | 4    | 0x0400 + socket | processor "CPU n": 2000 MHz, cores and threads per socket |
/// | 16   | 0x1000          | physical memory array: the RAM in KiB, DIMM count |
/// | 17   | 0x1100 + n      | "DIMM n": a 16 GiB piece of RAM each (the last the rest) |
/// | 19   | 0x1300          | memory array mapped address: the RAM's range in KiB |
/// | 32   | 0x2000          | boot information: no errors                    |
/// | 127  | 0x7F00          | end of table                                   |
public enum SMBIOS {
    static let maxDIMM: UInt64 = 16 << 30

    /// A structure: the formatted area (its header added here) and its strings.
    static func structure(type: UInt8, handle: UInt16, _ body: [UInt8], strings: [String] = []) -> [UInt8] {
        var s: [UInt8] = [type, UInt8(4 + body.count), UInt8(handle & 0xFF), UInt8(handle >> 8)] + body
        if strings.isEmpty { return s + [0, 0] }
        for str in strings { s += Array(str.utf8) + [0] }
        return s + [0]
    }

    static func le16(_ v: UInt64) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8 & 0xFF)] }
    static func le32(_ v: UInt64) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
    static func le64(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    /// The structure table of a machine with `ramSize` bytes of RAM at
    /// `ramBase`, `sockets` processor sockets of `cores` cores of `threads`
    /// threads each; `version`: the machine type's name (QEMU's mc->name).
    public static func tables(ramBase: UInt64, ramSize: UInt64, sockets: Int, cores: Int, threads: Int,
                              version: String = "virt-7.2") -> [UInt8] {
        var t: [UInt8] = []
        // Type 1: manufacturer 1, product 2, version 3, no serial; a zero UUID,
        // wake-up by power switch (6), no SKU or family.
        t += structure(type: 1, handle: 0x0100, [1, 2, 3, 0] + [UInt8](repeating: 0, count: 16) + [6, 0, 0],
                       strings: ["QEMU", "QEMU Virtual Machine", version])
        // Type 3: manufacturer 1, type other (1), version 2; states safe (3),
        // security unknown (2); no OEM data, height, cords or elements; no SKU.
        t += structure(type: 3, handle: 0x0300, [1, 1, 2, 0, 0, 3, 3, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0],
                       strings: ["QEMU", version])
        // Type 4 per socket: "CPU n", central processor (3), family other (1),
        // manufacturer "QEMU", version; 2000 MHz; populated and enabled (0x41);
        // no caches; 64-bit capable (2); family 2 other.
        let c = UInt64(min(cores, 255)), th = UInt64(min(threads, 255))
        for socket in 0..<sockets {
            var body: [UInt8] = [1, 3, 1, 2] + [UInt8](repeating: 0, count: 8) + [3, 0] + le16(0)
            body += le16(2000) + le16(2000) + [0x41, 1] + [UInt8](repeating: 0xFF, count: 6) + [0, 0, 0]
            body += [UInt8(c), UInt8(c), UInt8(th)] + le16(2) + le16(1)
            body += le16(UInt64(cores)) + le16(UInt64(cores)) + le16(UInt64(threads))
            t += structure(type: 4, handle: 0x0400 + UInt16(socket), body, strings: ["CPU \(socket)", "QEMU", version])
        }
        // Type 16: location other (1), system memory (3), multi-bit ECC (6),
        // the capacity in KiB (extended in bytes past 2 TiB), no error info.
        let dimms = (ramSize + maxDIMM - 1) / maxDIMM
        let kib = ramSize >> 10
        let capacity: [UInt8] = kib < 0x8000_0000 ? le32(kib) + le16(0xFFFE) + le16(dimms) + le64(0)
                                                  : le32(0x8000_0000) + le16(0xFFFE) + le16(dimms) + le64(ramSize)
        t += structure(type: 16, handle: 0x1000, [1, 3, 6] + capacity)
        // Type 17 per DIMM: in array 0x1000, widths unknown, size in MiB
        // (0x7FFF and the extended size from 32 GiB), DIMM (9), "DIMM n",
        // RAM (7), type detail unknown (2), manufacturer "QEMU".
        for i in 0..<dimms {
            let size = i == dimms - 1 && ramSize % maxDIMM != 0 ? ramSize % maxDIMM : maxDIMM
            let mib = size >> 20
            var body: [UInt8] = le16(0x1000) + le16(0xFFFE) + le16(0xFFFF) + le16(0xFFFF)
            body += mib < 0x7FFF ? le16(mib) : le16(0x7FFF)
            body += [9, 0, 1, 0, 7] + le16(2) + le16(0) + [2, 0, 0, 0, 0]
            body += (mib < 0x7FFF ? le32(0) : le32(mib)) + le16(0) + le16(0) + le16(0) + le16(0)
            t += structure(type: 17, handle: 0x1100 + UInt16(i), body, strings: ["DIMM \(i)", "QEMU"])
        }
        // Type 19: the RAM's first and last KiB (extended in bytes when they
        // do not fit 32 bits), array 0x1000, partition width 1.
        let startKiB = ramBase >> 10, endKiB = (ramBase + ramSize - 1) >> 10
        let range: [UInt8] = startKiB < 0xFFFF_FFFF && endKiB < 0xFFFF_FFFF
            ? le32(startKiB) + le32(endKiB) + le16(0x1000) + [1] + le64(0) + le64(0)
            : le32(0xFFFF_FFFF) + le32(0xFFFF_FFFF) + le16(0x1000) + [1] + le64(ramBase) + le64(ramBase + ramSize - 1)
        t += structure(type: 19, handle: 0x1300, range)
        // Type 32: reserved, no errors detected.
        t += structure(type: 32, handle: 0x2000, [0, 0, 0, 0, 0, 0, 0])
        t += structure(type: 127, handle: 0x7F00, [])
        return t
    }

    /// The SMBIOS 3.0 entry point ("_SM3_") for a table of `tableLength`
    /// bytes; the table address is left for the firmware to fill.
    public static func anchor(tableLength: Int) -> [UInt8] {
        var a: [UInt8] = Array("_SM3_".utf8) + [0, 0x18, 3, 0, 0, 1, 0] + le32(UInt64(tableLength)) + le64(0)
        a[5] = UInt8(truncatingIfNeeded: 0 &- a.reduce(0) { $0 &+ Int($1) })
        return a
    }
}
