import Foundation

/// The Swift toolchain's llvm-objdump and clang, used as references for the
/// x86-64 assembler: bytes are disassembled by llvm-objdump (Intel syntax), and
/// the expected text is assembled by clang's integrated assembler and
/// disassembled again (an independent check of the expectations).
enum X64Toolchain {
    static let objdump = "/opt/swift/usr/bin/llvm-objdump"
    static let clang = "/opt/swift/usr/bin/clang"

    static var hasObjdump: Bool { FileManager.default.isExecutableFile(atPath: objdump) }
    static var hasClang: Bool { FileManager.default.isExecutableFile(atPath: clang) }

    /// One disassembled instruction: its address and normalized text
    /// (mnemonic and operands separated by one space, no ` <sym+off>` or `# comment`).
    struct Line {
        var address: UInt64
        var text: String
    }

    struct ToolError: Error, CustomStringConvertible {
        var description: String
    }

    private static func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory
            .appendingPathComponent("x64asm-\(getpid())-\(UInt32.random(in: 0...UInt32.max))-\(name)")
    }

    @discardableResult
    private static func run(_ tool: String, _ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out      // stderr is inherited: a tool's complaint shows in the test log
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ToolError(description: "\(tool) \(arguments.joined(separator: " ")) failed with status \(process.terminationStatus)")
        }
        return data
    }

    /// Disassembles `bytes` placed at `base` (as the .text of a minimal ELF executable).
    static func disassemble(_ bytes: [UInt8], base: UInt64) throws -> [Line] {
        let file = temporaryFile("code.elf")
        try elf(bytes, base: base).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let out = try run(objdump, ["-d", "-z", "--no-show-raw-insn", "-M", "intel", file.path])
        return parse(out)
    }

    /// Assembles Intel-syntax instruction lines with clang and disassembles the object.
    static func assembleAndDisassemble(_ instructions: [String]) throws -> [Line] {
        let source = temporaryFile("expected.s")
        let object = temporaryFile("expected.o")
        var text = ".intel_syntax noprefix\n.text\n"
        text.reserveCapacity(instructions.count * 32)
        for i in instructions {
            text += i
            text += "\n"
        }
        try text.write(to: source, atomically: false, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(at: source)
            try? FileManager.default.removeItem(at: object)
        }
        try run(clang, ["--target=x86_64-linux-gnu", "-c", "-x", "assembler", source.path, "-o", object.path])
        let out = try run(objdump, ["-d", "-z", "--no-show-raw-insn", "-M", "intel", object.path])
        return parse(out)
    }

    /// Lines `    1000: \tadd\teax, -0x80` (bytes-level parsing: Foundation's string
    /// functions are slow in debug builds).
    static func parse(_ data: Data) -> [Line] {
        var lines: [Line] = []
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            let b = raw.bindMemory(to: UInt8.self)
            let n = b.count
            var i = 0
            while i < n {
                var end = i
                while end < n && b[end] != 10 { end += 1 }
                defer { i = end + 1 }
                var j = i
                while j < end && b[j] == 32 { j += 1 }
                // `0000000000001000 <.text>:` has no ':' right after the address.
                var address: UInt64 = 0
                var digits = 0
                while j < end {
                    let c = b[j]
                    let v: UInt64
                    if c >= 48 && c <= 57 { v = UInt64(c - 48) } else if c >= 97 && c <= 102 { v = UInt64(c - 87) } else { break }
                    address = address << 4 | v
                    digits += 1
                    j += 1
                }
                guard digits > 0, j < end, b[j] == 58 else { continue }
                j += 1
                // Cut a trailing comment (`# 0x...`) and a symbolized target (` <...>`).
                var stop = end
                var k = j
                while k < end {
                    if b[k] == 35 || (b[k] == 60 && k > j && (b[k - 1] == 32 || b[k - 1] == 9)) { stop = k; break }
                    k += 1
                }
                // Fields separated by tabs; runs of spaces/tabs become one space.
                var text: [UInt8] = []
                text.reserveCapacity(stop - j)
                var pendingSpace = false
                for p in j..<stop {
                    let c = b[p]
                    if c == 9 || c == 32 {
                        pendingSpace = !text.isEmpty
                    } else {
                        if pendingSpace { text.append(32); pendingSpace = false }
                        text.append(c)
                    }
                }
                guard !text.isEmpty else { continue }
                lines.append(Line(address: address, text: String(decoding: text, as: UTF8.self)))
            }
        }
        return lines
    }

    /// ELF64 little-endian x86-64 executable: header, .text at `base`, .shstrtab.
    static func elf(_ code: [UInt8], base: UInt64) -> Data {
        var d = Data()
        func u16(_ v: UInt16) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { d.append(contentsOf: $0) } }
        let shstrtab: [UInt8] = Array("\0.text\0.shstrtab\0".utf8)
        let textOffset: UInt64 = 64
        let textSize = UInt64(code.count)
        let strOffset = textOffset + textSize
        let shOffset = (strOffset + UInt64(shstrtab.count) + 7) & ~7
        d.reserveCapacity(Int(shOffset) + 3 * 64)
        d.append(contentsOf: [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0] as [UInt8])   // ELFCLASS64, LSB, v1
        d.append(contentsOf: [UInt8](repeating: 0, count: 8))
        u16(2); u16(62); u32(1)               // ET_EXEC, EM_X86_64, EV_CURRENT
        u64(base); u64(0); u64(shOffset)      // entry, phoff, shoff
        u32(0); u16(64); u16(0); u16(0)       // flags, ehsize, phentsize, phnum
        u16(64); u16(3); u16(2)               // shentsize, shnum, shstrndx
        d.append(contentsOf: code)
        d.append(contentsOf: shstrtab)
        while UInt64(d.count) < shOffset { d.append(0) }
        func section(name: UInt32, type: UInt32, flags: UInt64, addr: UInt64, offset: UInt64, size: UInt64, align: UInt64) {
            u32(name); u32(type); u64(flags); u64(addr); u64(offset); u64(size)
            u32(0); u32(0); u64(align); u64(0)
        }
        section(name: 0, type: 0, flags: 0, addr: 0, offset: 0, size: 0, align: 0)
        section(name: 1, type: 1, flags: 6, addr: base, offset: textOffset, size: textSize, align: 16)   // PROGBITS, AX
        section(name: 7, type: 3, flags: 0, addr: 0, offset: strOffset, size: UInt64(shstrtab.count), align: 1)
        return d
    }
}
