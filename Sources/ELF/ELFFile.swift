/// An ELF64 little-endian file, read without trusting it: every offset, size
/// and count from the file is checked against the file's length with
/// overflow-checked arithmetic before it is used, and nothing is allocated
/// from a size the file states without that check. The loader (ELFLoader.swift)
/// and the symbol table of `-d in_asm`/`armature trace` (Debug/SymbolTable.swift)
/// both read files through it.
public struct ELFFile: Sendable {
    /// The fields of the ELF header that Armature uses.
    public struct Header: Sendable, Equatable {
        public var type: UInt16
        public var machine: UInt16
        public var entry: UInt64
        public var phoff: UInt64
        public var shoff: UInt64
        public var phentsize: UInt16
        public var phnum: UInt16
        public var shentsize: UInt16
        public var shnum: UInt16
    }

    public struct ProgramHeader: Sendable, Equatable {
        public var index: Int
        public var type: UInt32
        public var flags: UInt32
        public var offset: UInt64
        public var vaddr: UInt64
        public var paddr: UInt64
        public var fileSize: UInt64
        public var memorySize: UInt64
        public static let load: UInt32 = 1
    }

    public struct SectionHeader: Sendable, Equatable {
        public var type: UInt32
        public var offset: UInt64
        public var size: UInt64
        public var link: UInt32
        public var entrySize: UInt64
        public static let symbolTable: UInt32 = 2
    }

    /// A symbol: its name is `nameStart..<nameEnd` in `bytes`.
    public struct Symbol: Sendable, Equatable {
        public var value: UInt64
        public var size: UInt64
        public var info: UInt8
        public var sectionIndex: UInt16
        public var nameStart: Int
        public var nameEnd: Int
        public var type: UInt8 { info & 0xF }
        public var binding: UInt8 { info >> 4 }
    }

    public static let headerSize = 64
    public static let programHeaderSize = 56
    public static let sectionHeaderSize = 64
    public static let symbolSize = 24
    /// Longest symbol name kept (longer ones are cut; names only decorate logs).
    public static let maxNameLength = 4096

    public let bytes: [UInt8]
    public let name: String
    public let header: Header

    /// Checks the identification bytes and that the whole ELF header is present.
    public init(bytes b: [UInt8], name: String) throws(ELFLoadError) {
        func fail(_ kind: ELFLoadError.Kind, _ message: String) -> ELFLoadError {
            ELFLoadError(file: name, kind: kind, message: message)
        }
        if b.isEmpty { throw fail(.notELF, "not an ELF file (the file is empty)") }
        guard b.count >= 4, b[0] == 0x7F, b[1] == 0x45, b[2] == 0x4C, b[3] == 0x46 else {
            throw fail(.notELF, "not an ELF file (bad magic)")
        }
        guard b.count >= 6 else { throw fail(.truncated, "truncated ELF file: the ELF header is incomplete (\(b.count) bytes)") }
        switch b[4] {
        case 2: break
        case 1: throw fail(.not64Bit, "is a 32-bit ELF (ELFCLASS32); only 64-bit AArch64 ELF files can be loaded")
        default: throw fail(.not64Bit, "bad ELF class \(b[4]); only 64-bit (ELFCLASS64) files can be loaded")
        }
        switch b[5] {
        case 1: break
        case 2: throw fail(.notLittleEndian, "is a big-endian ELF; only little-endian AArch64 ELF files can be loaded")
        default: throw fail(.notLittleEndian, "bad ELF data encoding \(b[5]); only little-endian (ELFDATA2LSB) files can be loaded")
        }
        guard b.count >= ELFFile.headerSize else {
            throw fail(.truncated, "truncated ELF file: the ELF header is incomplete (\(b.count) of 64 bytes)")
        }
        bytes = b
        self.name = name
        header = Header(type: ELFFile.u16(b, 16), machine: ELFFile.u16(b, 18), entry: ELFFile.u64(b, 24),
                        phoff: ELFFile.u64(b, 32), shoff: ELFFile.u64(b, 40),
                        phentsize: ELFFile.u16(b, 54), phnum: ELFFile.u16(b, 56),
                        shentsize: ELFFile.u16(b, 58), shnum: ELFFile.u16(b, 60))
    }

    // MARK: Little-endian reads (callers check the range first)

    static func u16(_ b: [UInt8], _ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
    static func u32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) | UInt32(b[o + 1]) << 8 | UInt32(b[o + 2]) << 16 | UInt32(b[o + 3]) << 24
    }
    static func u64(_ b: [UInt8], _ o: Int) -> UInt64 { UInt64(u32(b, o)) | UInt64(u32(b, o + 4)) << 32 }

    /// `offset + count * entrySize` when that range lies inside the file (nil on overflow or past the end).
    public func range(offset: UInt64, count: UInt64, entrySize: UInt64) -> Range<Int>? {
        let (length, o1) = count.multipliedReportingOverflow(by: entrySize)
        let (end, o2) = offset.addingReportingOverflow(length)
        guard !o1, !o2, end <= UInt64(bytes.count) else { return nil }
        return Int(offset)..<Int(end)
    }

    // MARK: Program headers

    /// The program headers. Throws when the table is malformed or does not fit in the file.
    public func programHeaders() throws(ELFLoadError) -> [ProgramHeader] {
        let h = header
        let size = bytes.count
        if h.phnum == 0 { throw ELFLoadError(file: name, kind: .noLoadableSegments, message: "no loadable segments (the file has no program headers)") }
        if Int(h.phentsize) < ELFFile.programHeaderSize {
            throw ELFLoadError(file: name, kind: .malformed, message: "bad program header size \(h.phentsize) (expected 56)")
        }
        guard let table = range(offset: h.phoff, count: UInt64(h.phnum), entrySize: UInt64(h.phentsize)) else {
            throw ELFLoadError(file: name, kind: .truncated, message: "truncated ELF file: the program headers (\(h.phnum) of \(h.phentsize) bytes at offset \(hex(h.phoff))) extend beyond the end of the file (\(size) bytes)")
        }
        var out: [ProgramHeader] = []
        out.reserveCapacity(Int(h.phnum))
        for i in 0..<Int(h.phnum) {
            let o = table.lowerBound + i * Int(h.phentsize)
            out.append(ProgramHeader(index: i, type: ELFFile.u32(bytes, o), flags: ELFFile.u32(bytes, o + 4),
                                     offset: ELFFile.u64(bytes, o + 8), vaddr: ELFFile.u64(bytes, o + 16),
                                     paddr: ELFFile.u64(bytes, o + 24), fileSize: ELFFile.u64(bytes, o + 32),
                                     memorySize: ELFFile.u64(bytes, o + 40)))
        }
        return out
    }

    // MARK: Sections and symbols

    /// The section headers; empty when the file has none or the table does not
    /// fit in the file (sections are optional for running a program).
    public func sectionHeaders() -> [SectionHeader] {
        let h = header
        guard h.shoff != 0, Int(h.shentsize) >= ELFFile.sectionHeaderSize else { return [] }
        var count = UInt64(h.shnum)
        // More than 0xFF00 sections: e_shnum is 0 and section 0's sh_size holds the count.
        if count == 0 {
            guard range(offset: h.shoff, count: 1, entrySize: UInt64(h.shentsize)) != nil else { return [] }
            count = ELFFile.u64(bytes, Int(h.shoff) + 32)
        }
        guard count > 0, let table = range(offset: h.shoff, count: count, entrySize: UInt64(h.shentsize)) else { return [] }
        var out: [SectionHeader] = []
        out.reserveCapacity(Int(count))
        for i in 0..<Int(count) {
            let o = table.lowerBound + i * Int(h.shentsize)
            out.append(SectionHeader(type: ELFFile.u32(bytes, o + 4), offset: ELFFile.u64(bytes, o + 24),
                                     size: ELFFile.u64(bytes, o + 32), link: ELFFile.u32(bytes, o + 40),
                                     entrySize: ELFFile.u64(bytes, o + 56)))
        }
        return out
    }

    /// The entries of every SHT_SYMTAB whose table and string table lie inside
    /// the file; symbols with an empty or out-of-range name are left out.
    /// At most one entry per 24 bytes of the file, names point into `bytes`.
    public func symbols() -> [Symbol] {
        let sections = sectionHeaders()
        var out: [Symbol] = []
        for s in sections where s.type == SectionHeader.symbolTable {
            guard Int(exactly: s.link).map({ $0 < sections.count }) == true else { continue }
            let strings = sections[Int(s.link)]
            guard let strRange = range(offset: strings.offset, count: strings.size, entrySize: 1),
                  let table = range(offset: s.offset, count: s.size / UInt64(ELFFile.symbolSize),
                                    entrySize: UInt64(ELFFile.symbolSize)) else { continue }
            var p = table.lowerBound
            while p + ELFFile.symbolSize <= table.upperBound {
                defer { p += ELFFile.symbolSize }
                let nameOffset = Int(ELFFile.u32(bytes, p))
                guard nameOffset > 0, nameOffset < strRange.count else { continue }
                let start = strRange.lowerBound + nameOffset
                let limit = min(strRange.upperBound, start + ELFFile.maxNameLength)
                var end = start
                while end < limit && bytes[end] != 0 { end += 1 }
                out.append(Symbol(value: ELFFile.u64(bytes, p + 8), size: ELFFile.u64(bytes, p + 16),
                                  info: bytes[p + 4], sectionIndex: ELFFile.u16(bytes, p + 6),
                                  nameStart: start, nameEnd: end))
            }
        }
        return out
    }

    /// A symbol's name (bytes that are not UTF-8 become U+FFFD).
    public func name(of s: Symbol) -> String {
        String(decoding: bytes[s.nameStart..<s.nameEnd], as: UTF8.self)
    }
}

/// Why an ELF file cannot be loaded. The description is one line naming the
/// file and the problem.
public struct ELFLoadError: Error, CustomStringConvertible, Equatable {
    public enum Kind: Equatable, Sendable {
        case unreadable
        case notELF
        case not64Bit
        case notLittleEndian
        case wrongMachine(UInt16)
        case notExecutable
        case malformed
        case truncated
        case segmentOutsideMemory(start: UInt64, end: UInt64)
        case noLoadableSegments
        case overlappingSegments(Int, Int)
        case notRegularFile
        case tooLarge
    }
    public let file: String
    public let kind: Kind
    public let message: String

    public init(file: String, kind: Kind, message: String) {
        self.file = file
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(file): \(message)" }
}

/// `0x` and lower-case hex digits, as messages write addresses.
func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
