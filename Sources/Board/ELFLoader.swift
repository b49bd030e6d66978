import Glibc
import Machine

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
    }
    public let file: String
    public let kind: Kind
    public let message: String

    public var description: String { "\(file): \(message)" }
}

/// One PT_LOAD segment as placed in physical memory.
public struct LoadedSegment: Equatable, Sendable {
    public var physicalAddress: UInt64
    public var fileSize: UInt64
    public var memorySize: UInt64
    public var end: UInt64 { physicalAddress + memorySize }
}

/// An ELF image placed in the guest's physical memory.
public struct LoadedImage: Sendable {
    public var entry: UInt64
    public var segments: [LoadedSegment]
    /// Lowest and highest (exclusive) physical address occupied.
    public var lowAddress: UInt64 { segments.map(\.physicalAddress).min() ?? 0 }
    public var highAddress: UInt64 { segments.map(\.end).max() ?? 0 }
}

/// Loads ELF64 little-endian AArch64 executables (ET_EXEC, and ET_DYN at its
/// link addresses, as QEMU does) into RAM/ROM, at each PT_LOAD segment's
/// p_paddr. The bytes past p_filesz up to p_memsz (bss) are zero-filled.
public enum ELFLoader {
    public static let machineAArch64: UInt16 = 183

    /// Reads a whole file. Throws an `ELFLoadError` naming the file if it
    /// cannot be read.
    public static func readFile(_ path: String) throws -> [UInt8] {
        func fail(_ what: String) -> ELFLoadError {
            ELFLoadError(file: path, kind: .unreadable, message: what)
        }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            throw fail(e == ENOENT ? "no such file" : "cannot open: \(errorText(e))")
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw fail("cannot read: \(errorText(errno))") }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw fail("is a directory, not a file") }
        var out = [UInt8]()
        if st.st_size > 0 { out.reserveCapacity(Int(st.st_size)) }
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 { out += buf[0..<n]; continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            throw fail("cannot read: \(errorText(errno))")
        }
        return out
    }

    /// Loads the ELF file at `path`.
    public static func load(path: String, into memory: AddressSpace) throws -> LoadedImage {
        try load(bytes: try readFile(path), name: path, into: memory)
    }

    /// Loads an ELF image held in memory; `name` is used in error messages.
    /// Nothing is written unless every segment fits in RAM/ROM.
    public static func load(bytes: [UInt8], name: String, into memory: AddressSpace) throws -> LoadedImage {
        let (image, pieces) = try parse(bytes: bytes, name: name, memory: memory)
        bytes.withUnsafeBytes { raw in
            for p in pieces {
                if p.fileSize > 0 {
                    let src = UnsafeRawBufferPointer(rebasing: raw[Int(p.offset)..<Int(p.offset + p.fileSize)])
                    _ = memory.writePhysical(pa: p.pa, bytes: src)
                }
                if p.memSize > p.fileSize {
                    _ = memory.fillPhysical(pa: p.pa + p.fileSize, byte: 0, count: p.memSize - p.fileSize)
                }
            }
        }
        return image
    }

    struct Piece { var pa, offset, fileSize, memSize: UInt64 }

    /// Validates the file and works out where everything goes.
    static func parse(bytes b: [UInt8], name: String, memory: AddressSpace) throws -> (LoadedImage, [Piece]) {
        func fail(_ kind: ELFLoadError.Kind, _ message: String) -> ELFLoadError {
            ELFLoadError(file: name, kind: kind, message: message)
        }
        func u16(_ o: Int) -> UInt16 { UInt16(b[o]) | UInt16(b[o + 1]) << 8 }
        func u32(_ o: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * UInt32($1)) } }
        func u64(_ o: Int) -> UInt64 { (0..<8).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * UInt64($1)) } }
        let size = UInt64(b.count)

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
        guard b.count >= 64 else {
            throw fail(.truncated, "truncated ELF file: the ELF header is incomplete (\(b.count) of 64 bytes)")
        }
        let machine = u16(18)
        if machine != machineAArch64 {
            throw fail(.wrongMachine(machine), "is an ELF for \(machineName(machine)) (e_machine \(machine)), not AArch64")
        }
        let type = u16(16)
        switch type {
        case 2, 3: break   // ET_EXEC, ET_DYN
        case 1: throw fail(.notExecutable, "is a relocatable object file (ET_REL), not an executable; link it first")
        case 4: throw fail(.notExecutable, "is a core dump (ET_CORE), not an executable")
        default: throw fail(.notExecutable, "is not an executable (e_type \(type))")
        }
        let entry = u64(24)
        let phoff = u64(32)
        let phentsize = UInt64(u16(54))
        let phnum = UInt64(u16(56))
        if phnum == 0 { throw fail(.noLoadableSegments, "no loadable segments (the file has no program headers)") }
        if phentsize < 56 { throw fail(.malformed, "bad program header size \(phentsize) (expected 56)") }
        let (phEnd, o1) = phoff.addingReportingOverflow(phentsize * phnum)
        if o1 || phEnd > size {
            throw fail(.truncated, "truncated ELF file: the program headers (\(phnum) of \(phentsize) bytes at offset \(hex(phoff))) extend beyond the end of the file (\(size) bytes)")
        }

        var pieces: [Piece] = []
        var segments: [LoadedSegment] = []
        var entryPA = entry
        for i in 0..<Int(phnum) {
            let h = Int(phoff) + i * Int(phentsize)
            guard u32(h) == 1 else { continue }   // PT_LOAD
            let flags = u32(h + 4)
            let offset = u64(h + 8)
            let vaddr = u64(h + 16)
            let paddr = u64(h + 24)
            let filesz = u64(h + 32)
            let memsz = u64(h + 40)
            if filesz > memsz {
                throw fail(.malformed, "segment \(i) has a file size (\(hex(filesz))) larger than its memory size (\(hex(memsz)))")
            }
            let (dataEnd, o2) = offset.addingReportingOverflow(filesz)
            if o2 || dataEnd > size {
                throw fail(.truncated, "truncated ELF file: the data of segment \(i) (offset \(hex(offset)), \(filesz) bytes) extends beyond the end of the file (\(size) bytes)")
            }
            guard memsz > 0 else { continue }
            let (end, o3) = paddr.addingReportingOverflow(memsz)
            if o3 || memory.hostPointer(pa: paddr, length: memsz) == nil {
                let endText = o3 ? "beyond 2^64" : hex(end)
                throw fail(.segmentOutsideMemory(start: paddr, end: o3 ? UInt64.max : end),
                           "segment \(i) [\(hex(paddr)), \(endText)) is outside RAM and ROM")
            }
            pieces.append(Piece(pa: paddr, offset: offset, fileSize: filesz, memSize: memsz))
            segments.append(LoadedSegment(physicalAddress: paddr, fileSize: filesz, memorySize: memsz))
            // e_entry is a virtual address: when an executable segment holding it
            // is loaded at a different physical address, start at the physical
            // one (the MMU is off at reset), as QEMU does.
            if vaddr != paddr && flags & 1 != 0 && entry >= vaddr && entry - vaddr < filesz {
                entryPA = entry - vaddr + paddr
            }
        }
        if pieces.isEmpty { throw fail(.noLoadableSegments, "no loadable segments") }
        return (LoadedImage(entry: entryPA, segments: segments), pieces)
    }

    /// A name for an ELF e_machine value.
    public static func machineName(_ m: UInt16) -> String {
        switch m {
        case 0: return "no machine"
        case 2: return "SPARC"
        case 3: return "i386"
        case 8: return "MIPS"
        case 20: return "PowerPC"
        case 21: return "PowerPC64"
        case 22: return "S/390"
        case 40: return "32-bit Arm (AArch32)"
        case 42: return "SuperH"
        case 43: return "SPARC V9"
        case 50: return "IA-64"
        case 62: return "x86-64"
        case 183: return "AArch64"
        case 243: return "RISC-V"
        case 247: return "BPF"
        case 258: return "LoongArch"
        default: return "another machine"
        }
    }
}

/// strerror(3) text for an errno value.
func errorText(_ e: Int32) -> String {
    guard let p = strerror(e) else { return "error \(e)" }
    return String(cString: p)
}
