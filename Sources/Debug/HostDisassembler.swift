import CCapstone

/// x86-64 host code as text, through Capstone (Debian's libcapstone-dev), in
/// Intel syntax: what `-d out_asm` prints for the JIT's blocks. Branch targets
/// are absolute, so code must be disassembled at its real host address.
public final class HostDisassembler: @unchecked Sendable {
    /// One decoded instruction (or one undecodable byte, as `.byte 0x..`).
    public struct Instruction: Sendable, Equatable {
        public var address: UInt64
        public var bytes: [UInt8]
        public var text: String
    }

    private let handle: csh

    /// Nil when Capstone cannot open an x86-64 disassembler.
    public init?() {
        let h = armature_cs_open_x86_64()
        guard h != 0 else { return nil }
        handle = h
    }

    deinit { armature_cs_close(handle) }

    /// Disassembles `code[range]` as if `code[0]` were at `address`.
    public func disassemble(_ code: [UInt8], address: UInt64, range: Range<Int>? = nil) -> [Instruction] {
        let r = range ?? 0..<code.count
        var out: [Instruction] = []
        var text = [CChar](repeating: 0, count: 160)
        code.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            var i = r.lowerBound
            while i < r.upperBound {
                let at = address &+ UInt64(i)
                let n = text.withUnsafeMutableBufferPointer { t in
                    armature_cs_disasm_one(handle, base + i, r.upperBound - i, at, t.baseAddress!, t.count)
                }
                if n == 0 {
                    out.append(Instruction(address: at, bytes: [code[i]],
                                           text: ".byte 0x" + TraceFormat.hex(UInt64(code[i]), digits: 2)))
                    i += 1
                } else {
                    let s = text.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
                    out.append(Instruction(address: at, bytes: Array(code[i..<(i + n)]), text: s))
                    i += n
                }
            }
        }
        return out
    }
}
