/// GDB Remote Serial Protocol framing: `$payload#cs` packets with a modulo-256
/// checksum in two hex digits, `}`-escaping (the byte XOR 0x20) of `$ # } *`,
/// run-length encoding (`X*n`) in replies a debugger may send back, the
/// one-byte `+`/`-` acknowledgements, and 0x03 (Ctrl-C) outside packets.
public enum GDBPacket {
    /// The modulo-256 sum of the bytes between `$` and `#`.
    public static func checksum<C: Sequence>(_ bytes: C) -> UInt8 where C.Element == UInt8 {
        bytes.reduce(0) { $0 &+ $1 }
    }

    /// Escapes the bytes a packet body may not hold as they are (`$ # } *`).
    public static func escape(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 8)
        for b in data {
            if b == 0x24 || b == 0x23 || b == 0x7D || b == 0x2A {
                out.append(0x7D)
                out.append(b ^ 0x20)
            } else {
                out.append(b)
            }
        }
        return out
    }

    /// Undoes `escape` and expands run-length encoding (`c*N`: c repeated N-29
    /// more times); the result is at most `limit` bytes (the rest is dropped).
    public static func unescape(_ body: [UInt8], limit: Int = 1 << 20) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = 0
        while i < body.count && out.count < limit {
            let b = body[i]
            if b == 0x7D, i + 1 < body.count {
                out.append(body[i + 1] ^ 0x20)
                i += 2
            } else if b == 0x2A, i + 1 < body.count, let last = out.last {
                let n = min(Int(body[i + 1]) - 29, limit - out.count)
                if n > 0 { out += repeatElement(last, count: n) }
                i += 2
            } else {
                out.append(b)
                i += 1
            }
        }
        return out
    }

    /// The whole packet for a payload: `$`, the escaped payload, `#`, checksum.
    public static func encode(_ payload: [UInt8]) -> [UInt8] {
        let body = escape(payload)
        let sum = checksum(body)
        var out: [UInt8] = [0x24]
        out += body
        out.append(0x23)
        out += Array(hexByte(sum).utf8)
        return out
    }

    public static func encode(_ payload: String) -> [UInt8] { encode(Array(payload.utf8)) }

    // MARK: Hex

    private static let digits = Array("0123456789abcdef".utf8)

    public static func hexByte(_ b: UInt8) -> String {
        String(decoding: [digits[Int(b >> 4)], digits[Int(b & 15)]], as: UTF8.self)
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    public static func hex(_ s: String) -> String { hex(Array(s.utf8)) }

    /// Bytes from hex digits; nil for an odd count or a non-hex digit.
    public static func bytes(fromHex s: Substring) -> [UInt8]? {
        let u = Array(s.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(u.count / 2)
        var i = 0
        while i < u.count {
            guard let h = nibble(u[i]), let l = nibble(u[i + 1]) else { return nil }
            out.append(h << 4 | l)
            i += 2
        }
        return out
    }

    public static func bytes(fromHex s: String) -> [UInt8]? { bytes(fromHex: s[...]) }

    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: return c - 0x30
        case 0x61...0x66: return c - 0x61 + 10
        case 0x41...0x46: return c - 0x41 + 10
        default: return nil
        }
    }

    /// A big-endian hex number as the protocol writes addresses and lengths.
    public static func number(_ s: Substring) -> UInt64? {
        guard !s.isEmpty, s.count <= 16 else { return nil }
        return UInt64(s, radix: 16)
    }

    /// A register value in target (little-endian) byte order, `bytes` long.
    public static func littleEndianHex(_ v: UInt64, bytes: Int) -> String {
        hex((0..<bytes).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) })
    }

    /// The value of little-endian hex bytes (at most 8 bytes used).
    public static func littleEndianValue(_ bytes: [UInt8]) -> UInt64 {
        var v: UInt64 = 0
        for (i, b) in bytes.prefix(8).enumerated() { v |= UInt64(b) << UInt64(8 * i) }
        return v
    }
}

/// What the byte stream from the debugger holds, in order.
public enum GDBInput: Equatable, Sendable {
    /// A packet's payload (unescaped), and whether its checksum was right.
    case packet([UInt8], checksumOK: Bool)
    /// 0x03 outside a packet: stop the target.
    case interrupt
    case ack
    case nack
}

/// Splits the byte stream from the debugger into `GDBInput`s; bytes may come
/// in any pieces.
public struct GDBPacketParser: Sendable {
    private enum State { case idle, body, checksum1, checksum2 }
    private var state = State.idle
    private var body: [UInt8] = []
    private var sumText: [UInt8] = []
    /// Longest packet body accepted (larger ones are dropped as bad).
    public var maxBody = 1 << 20

    public init() {}

    public mutating func feed<C: Sequence>(_ bytes: C) -> [GDBInput] where C.Element == UInt8 {
        var out: [GDBInput] = []
        for b in bytes {
            switch state {
            case .idle:
                switch b {
                case 0x24: body.removeAll(keepingCapacity: true); state = .body
                case 0x03: out.append(.interrupt)
                case 0x2B: out.append(.ack)
                case 0x2D: out.append(.nack)
                default: break   // noise between packets
                }
            case .body:
                if b == 0x23 {
                    state = .checksum1
                } else if b == 0x24 {
                    body.removeAll(keepingCapacity: true)   // a new start: the old packet was cut
                } else if body.count < maxBody {
                    body.append(b)
                }
            case .checksum1:
                sumText = [b]
                state = .checksum2
            case .checksum2:
                sumText.append(b)
                state = .idle
                let expected = GDBPacket.bytes(fromHex: String(decoding: sumText, as: UTF8.self))?.first
                let ok = expected == GDBPacket.checksum(body) && body.count < maxBody
                out.append(.packet(GDBPacket.unescape(body, limit: maxBody), checksumOK: ok))
            }
        }
        return out
    }
}
