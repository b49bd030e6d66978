import Foundation

/// Runs the Swift toolchain's llvm-objdump (LLVM 21) on raw instruction words:
/// writes them as the .text of a minimal ELF64 executable at a chosen address,
/// disassembles it once, and returns one normalized text per word.
struct LLVMObjdump {
    static let path = "/opt/swift/usr/bin/llvm-objdump"
    static let features = "+v8.4a,+lse,+crc,+rcpc,+fullfp16,+fp16fml,+aes,+sha3,+fptoint,+rand"

    static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: path) }

    /// The first lines of `llvm-objdump --version`.
    static func version() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["--version"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data.prefix(200), as: UTF8.self)
    }

    /// objdump's text for each word, with the tab after the mnemonic turned into
    /// one space, a trailing ` <sym+off>` removed and comment padding reduced to
    /// one space (`add x0, x1, #0x1, lsl #12 // =0x1000`).
    static func disassemble(_ words: [UInt32], base: UInt64) throws -> [String] {
        let dir = FileManager.default.temporaryDirectory
        let file = dir.appendingPathComponent("a64-objdump-\(getpid())-\(base)-\(words.count).elf")
        try elf(words, base: base).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = ["-d", "-z", "--no-show-raw-insn", "--mattr=" + features, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "llvm-objdump", code: Int(process.terminationStatus))
        }

        return try parse(data, count: words.count, base: base)
    }

    /// Lines `    40000004: \tadd\tx0, x1, #0x1`, parsed on bytes (Foundation's
    /// string functions are slow in debug builds).
    static func parse(_ data: Data, count: Int, base: UInt64) throws -> [String] {
        var texts = [String?](repeating: nil, count: count)
        var found = 0
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let bytes = raw.bindMemory(to: UInt8.self)
            var i = 0
            let n = bytes.count
            while i < n {
                var end = i
                while end < n && bytes[end] != 10 { end += 1 }
                defer { i = end + 1 }
                // Address: optional spaces, hex digits, ':'.
                var j = i
                while j < end && bytes[j] == 32 { j += 1 }
                var address: UInt64 = 0
                var digits = 0
                while j < end {
                    let c = bytes[j]
                    let v: UInt64
                    if c >= 48 && c <= 57 { v = UInt64(c - 48) } else if c >= 97 && c <= 102 { v = UInt64(c - 87) } else { break }
                    address = address << 4 | v
                    digits += 1
                    j += 1
                }
                guard digits > 0, j < end, bytes[j] == 58, address >= base else { continue }
                let index = (address - base) / 4
                guard (address - base) % 4 == 0, index < UInt64(count) else { continue }
                j += 1
                // Fields separated by tabs (the first ones are padding).
                var fields: [String] = []
                var k = j
                while k <= end {
                    if k == end || bytes[k] == 9 {
                        var a = j, b = k
                        while a < b && bytes[a] == 32 { a += 1 }
                        while b > a && bytes[b - 1] == 32 { b -= 1 }
                        if a < b { fields.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[a..<b]), as: UTF8.self)) }
                        j = k + 1
                    }
                    k += 1
                }
                guard !fields.isEmpty else { continue }
                texts[Int(index)] = normalize(fields.joined(separator: " "))
                found += 1
            }
        }
        guard found == count else {
            throw NSError(domain: "llvm-objdump: \(found) lines for \(count) words", code: 1)
        }
        return texts.map { $0! }
    }

    static func normalize(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 47 || $0 == 62 }) else { return text }   // '/' or '>'
        var t = text
        // Comments: "ops   // note" -> "ops // note".
        if let range = t.range(of: "//") {
            let head = t[..<range.lowerBound].trimmingCharacters(in: .whitespaces)
            t = head + " " + t[range.lowerBound...]
        }
        // Symbolized targets: "0x1234 <.text+0x34>" -> "0x1234".
        if t != "<unknown>", t.hasSuffix(">"), let open = t.range(of: " <", options: .backwards) {
            t = String(t[..<open.lowerBound])
        }
        return t
    }

    /// ELF64 little-endian AArch64 executable: header, .text at `base`, .shstrtab.
    static func elf(_ words: [UInt32], base: UInt64) -> Data {
        var d = Data()
        func u8(_ v: UInt8) { d.append(v) }
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        let shstrtab: [UInt8] = Array("\0.text\0.shstrtab\0".utf8)
        let textOffset: UInt64 = 64
        let textSize = UInt64(words.count * 4)
        let strOffset = textOffset + textSize
        let shOffset = (strOffset + UInt64(shstrtab.count) + 7) & ~7

        d.append(contentsOf: [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] as [UInt8])   // ELFCLASS64, LSB, v1
        d.append(contentsOf: [UInt8](repeating: 0, count: 8))
        u16(2); u16(183); u32(1)              // ET_EXEC, EM_AARCH64, EV_CURRENT
        u64(base); u64(0); u64(shOffset)      // entry, phoff, shoff
        u32(0); u16(64); u16(0); u16(0)       // flags, ehsize, phentsize, phnum
        u16(64); u16(3); u16(2)               // shentsize, shnum, shstrndx
        d.reserveCapacity(Int(shOffset) + 3 * 64)
        for w in words { u32(w) }
        d.append(contentsOf: shstrtab)
        while UInt64(d.count) < shOffset { u8(0) }
        func section(name: UInt32, type: UInt32, flags: UInt64, addr: UInt64, offset: UInt64, size: UInt64, align: UInt64) {
            u32(name); u32(type); u64(flags); u64(addr); u64(offset); u64(size)
            u32(0); u32(0); u64(align); u64(0)
        }
        section(name: 0, type: 0, flags: 0, addr: 0, offset: 0, size: 0, align: 0)
        section(name: 1, type: 1, flags: 6, addr: base, offset: textOffset, size: textSize, align: 4)   // PROGBITS, AX
        section(name: 7, type: 3, flags: 0, addr: 0, offset: strOffset, size: UInt64(shstrtab.count), align: 1)
        return d
    }
}
