/// JSON values as QMP exchanges them, a bounded parser and a serializer.
/// Object keys keep their order (QMP replies are compared by people).
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members.first { $0.0 == key }?.1 }
        return nil
    }

    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }

    /// Compact text, QEMU's style: `{"a": 1, "b": [true]}`.
    public var text: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let d):
            if d == d.rounded(), abs(d) < 1e18 { return String(Int64(d)) }
            return String(d)
        case .string(let s): return JSONValue.quote(s)
        case .array(let a): return "[" + a.map(\.text).joined(separator: ", ") + "]"
        case .object(let m): return "{" + m.map { JSONValue.quote($0.0) + ": " + $0.1.text }.joined(separator: ", ") + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

/// A recursive-descent JSON parser with a nesting limit; the input is already
/// bounded in length by `QMPStreamSplitter`.
public struct JSONParser {
    public struct ParseError: Error, Equatable { public let message: String }
    public static let maxDepth = 64

    private let b: [UInt8]
    private var i = 0

    public static func parse(_ bytes: [UInt8]) throws(ParseError) -> JSONValue {
        var p = JSONParser(b: bytes)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        if p.i != p.b.count { throw ParseError(message: "trailing characters after the value") }
        return v
    }

    private init(b: [UInt8]) { self.b = b }

    private mutating func skipSpace() {
        while i < b.count, b[i] == 0x20 || b[i] == 0x09 || b[i] == 0x0A || b[i] == 0x0D { i += 1 }
    }

    private func fail(_ m: String) -> ParseError { ParseError(message: m) }

    private mutating func value(depth: Int) throws(ParseError) -> JSONValue {
        guard depth < JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
        guard i < b.count else { throw fail("unexpected end of input") }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1
            var members: [(String, JSONValue)] = []
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
            while true {
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: "\"") else { throw fail("expected a string key") }
                let k = try string()
                skipSpace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1
                skipSpace()
                members.append((k, try value(depth: depth + 1)))
                skipSpace()
                guard i < b.count else { throw fail("unexpected end of input") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard i < b.count else { throw fail("unexpected end of input") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"): return try literal("true", .bool(true))
        case UInt8(ascii: "f"): return try literal("false", .bool(false))
        case UInt8(ascii: "n"): return try literal("null", .null)
        default:
            return try number()
        }
    }

    private mutating func literal(_ word: String, _ v: JSONValue) throws(ParseError) -> JSONValue {
        let w = Array(word.utf8)
        guard i + w.count <= b.count, Array(b[i..<i + w.count]) == w else { throw fail("invalid literal") }
        i += w.count
        return v
    }

    private mutating func number() throws(ParseError) -> JSONValue {
        let start = i
        while i < b.count, (b[i] >= 0x30 && b[i] <= 0x39) || b[i] == UInt8(ascii: "-") || b[i] == UInt8(ascii: "+")
                || b[i] == UInt8(ascii: ".") || b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") { i += 1 }
        guard i > start, let d = Double(String(decoding: b[start..<i], as: UTF8.self)) else {
            throw fail("invalid token")
        }
        return .number(d)
    }

    private mutating func hex4() throws(ParseError) -> UInt32 {
        guard i + 4 <= b.count, let v = UInt32(String(decoding: b[i..<i + 4], as: UTF8.self), radix: 16) else {
            throw fail("invalid \\u escape")
        }
        i += 4
        return v
    }

    private mutating func string() throws(ParseError) -> String {
        i += 1   // the opening quote
        var bytes: [UInt8] = []
        while true {
            guard i < b.count else { throw fail("unterminated string") }
            let c = b[i]
            i += 1
            if c == UInt8(ascii: "\"") { break }
            if c < 0x20 { throw fail("control character in a string") }
            if c != UInt8(ascii: "\\") { bytes.append(c); continue }
            guard i < b.count else { throw fail("unterminated string") }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                var v = try hex4()
                if (0xD800..<0xDC00).contains(v), i + 6 <= b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                    i += 2
                    let lo = try hex4()
                    guard (0xDC00..<0xE000).contains(lo) else { throw fail("invalid surrogate pair") }
                    v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                }
                guard let u = Unicode.Scalar(v) else { throw fail("invalid \\u escape") }
                bytes.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw fail("invalid escape")
            }
        }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
        return s
    }
}

/// Cuts the byte stream of a QMP connection into top-level JSON texts: an
/// object or array ends when its brackets balance (outside strings); anything
/// else at the top level runs to the end of the line and is reported as an
/// error. A text longer than `maxLength` or nested deeper than
/// `JSONParser.maxDepth` is dropped (error) without being kept in memory.
public struct QMPStreamSplitter {
    public enum Item: Equatable { case text([UInt8]); case error(String) }
    public static let maxLength = 1 << 20

    private var buf: [UInt8] = []
    private var depth = 0
    private var inString = false
    private var escape = false
    /// Characters at the top level that are not JSON: skipped to the newline.
    private var garbage = false
    /// A text too long or deep: skipped until its brackets balance.
    private var discarding: String?

    public init() {}

    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Item] {
        var out: [Item] = []
        for c in bytes {
            if garbage {
                if c == 0x0A { garbage = false; out.append(.error("JSON parse error, invalid token")) }
                continue
            }
            if depth == 0 && !inString {
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { continue }
                if c != UInt8(ascii: "{") && c != UInt8(ascii: "[") { garbage = true; continue }
            }
            if discarding == nil {
                buf.append(c)
                if buf.count > QMPStreamSplitter.maxLength { discarding = "JSON token size limit exceeded"; buf = [] }
            }
            if inString {
                if escape { escape = false } else if c == UInt8(ascii: "\\") { escape = true } else if c == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch c {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                depth += 1
                if depth > JSONParser.maxDepth && discarding == nil { discarding = "JSON nesting limit exceeded"; buf = [] }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 {
                    if let why = discarding { out.append(.error(why)); discarding = nil } else { out.append(.text(buf)) }
                    buf = []
                }
            default: break
            }
        }
        return out
    }
}
