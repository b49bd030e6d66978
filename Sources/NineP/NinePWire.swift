// The 9P2000.L wire format: little-endian integers, strings as a 16-bit length
// and UTF-8 bytes, qids of 13 bytes. A message is size[4] type[1] tag[2] body.
// Message numbers and layouts as Linux's include/net/9p/9p.h and the
// 9P2000.L protocol description.

/// The message types of 9P2000.L (T = request, R = reply = T + 1).
public enum NinePType: UInt8, Sendable {
    case rlerror = 7
    case tstatfs = 8
    case tlopen = 12
    case tlcreate = 14
    case tsymlink = 16
    case tmknod = 18
    case trename = 20
    case treadlink = 22
    case tgetattr = 24
    case tsetattr = 26
    case txattrwalk = 30
    case txattrcreate = 32
    case treaddir = 40
    case tfsync = 50
    case tlock = 52
    case tgetlock = 54
    case tlink = 70
    case tmkdir = 72
    case trenameat = 74
    case tunlinkat = 76
    case tversion = 100
    case tauth = 102
    case tattach = 104
    case tflush = 108
    case twalk = 110
    case tread = 116
    case twrite = 118
    case tclunk = 120
    case tremove = 122
}

/// A qid: the server's identity of a file (type bits, version, unique path).
public struct NinePQid: Equatable, Sendable {
    public static let typeDir: UInt8 = 0x80
    public static let typeSymlink: UInt8 = 0x02
    public static let typeFile: UInt8 = 0x00

    public var type: UInt8
    public var version: UInt32
    public var path: UInt64

    public init(type: UInt8, version: UInt32 = 0, path: UInt64) {
        self.type = type
        self.version = version
        self.path = path
    }
}

/// A malformed message: too short for its fields or a string that is not UTF-8.
struct NinePDecodeError: Error {}

/// Reads the fields of one message body, checking every length against the bytes.
struct NinePReader {
    let bytes: [UInt8]
    var offset: Int

    init(_ bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    var remaining: Int { bytes.count - offset }

    private mutating func take(_ n: Int) throws -> Int {
        guard n >= 0, n <= remaining else { throw NinePDecodeError() }
        defer { offset += n }
        return offset
    }

    private mutating func uint(_ n: Int) throws -> UInt64 {
        let at = try take(n)
        var v: UInt64 = 0
        for i in (0..<n).reversed() { v = v << 8 | UInt64(bytes[at + i]) }
        return v
    }

    mutating func u8() throws -> UInt8 { UInt8(try uint(1)) }
    mutating func u16() throws -> UInt16 { UInt16(try uint(2)) }
    mutating func u32() throws -> UInt32 { UInt32(try uint(4)) }
    mutating func u64() throws -> UInt64 { try uint(8) }

    mutating func data(_ n: Int) throws -> ArraySlice<UInt8> {
        let at = try take(n)
        return bytes[at..<at + n]
    }

    mutating func string() throws -> String {
        let n = Int(try u16())
        let raw = try data(n)
        guard let s = String(validating: raw, as: UTF8.self) else { throw NinePDecodeError() }
        return s
    }
}

/// Builds one reply: the header is filled in by `finish`.
struct NinePWriter {
    private(set) var bytes: [UInt8]

    init(type: UInt8, tag: UInt16) {
        bytes = [0, 0, 0, 0, type, UInt8(tag & 0xff), UInt8(tag >> 8)]
        bytes.reserveCapacity(64)
    }

    private mutating func uint(_ v: UInt64, _ n: Int) {
        for i in 0..<n { bytes.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    mutating func u8(_ v: UInt8) { bytes.append(v) }
    mutating func u16(_ v: UInt16) { uint(UInt64(v), 2) }
    mutating func u32(_ v: UInt32) { uint(UInt64(v), 4) }
    mutating func u64(_ v: UInt64) { uint(v, 8) }

    mutating func data<C: Collection>(_ d: C) where C.Element == UInt8 { bytes.append(contentsOf: d) }

    /// A string, cut to the 65535 bytes its length field can say.
    mutating func string(_ s: String) {
        let utf8 = Array(s.utf8.prefix(Int(UInt16.max)))
        u16(UInt16(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func qid(_ q: NinePQid) {
        u8(q.type)
        u32(q.version)
        u64(q.path)
    }

    var count: Int { bytes.count }

    mutating func patchU32(at offset: Int, _ v: UInt32) {
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(i))) }
    }

    mutating func finish() -> [UInt8] {
        patchU32(at: 0, UInt32(bytes.count))
        return bytes
    }
}
