import Glibc
import Machine
import ELF

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
    /// Largest file read (a kernel with its debug information fits easily).
    public static let maxFileSize = 2 << 30

    /// Reads a whole file. Throws an `ELFLoadError` naming the file if it
    /// cannot be read.
    public static func readFile(_ path: String) throws -> [UInt8] {
        func fail(_ what: String) -> ELFLoadError {
            ELFLoadError(file: path, kind: .unreadable, message: what)
        }
        // O_NONBLOCK: opening a FIFO must not wait for a writer (it is refused below).
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        if fd < 0 {
            let e = errno
            throw fail(e == ENOENT ? "no such file" : "cannot open: \(errorText(e))")
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) != 0 { throw fail("cannot read: \(errorText(errno))") }
        switch st.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw fail("is a directory, not a file")
        case S_IFCHR: throw ELFLoadError(file: path, kind: .notRegularFile, message: "is a character device, not a regular file")
        case S_IFBLK: throw ELFLoadError(file: path, kind: .notRegularFile, message: "is a block device, not a regular file")
        case S_IFIFO: throw ELFLoadError(file: path, kind: .notRegularFile, message: "is a pipe (FIFO), not a regular file")
        case S_IFSOCK: throw ELFLoadError(file: path, kind: .notRegularFile, message: "is a socket, not a regular file")
        default: throw ELFLoadError(file: path, kind: .notRegularFile, message: "is not a regular file")
        }
        if st.st_size > maxFileSize {
            throw ELFLoadError(file: path, kind: .tooLarge, message: "is too large (\(st.st_size) bytes; at most \(maxFileSize >> 30) GiB)")
        }
        var out = [UInt8]()
        if st.st_size > 0 { out.reserveCapacity(Int(st.st_size)) }
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                // The file may grow while it is read.
                if out.count + n > maxFileSize {
                    throw ELFLoadError(file: path, kind: .tooLarge, message: "is too large (more than \(maxFileSize >> 30) GiB)")
                }
                out += buf[0..<n]
                continue
            }
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
        let elf = try ELFFile(bytes: b, name: name)
        let size = UInt64(b.count)
        let machine = elf.header.machine
        if machine != machineAArch64 {
            throw fail(.wrongMachine(machine), "is an ELF for \(machineName(machine)) (e_machine \(machine)), not AArch64")
        }
        let type = elf.header.type
        switch type {
        case 2, 3: break   // ET_EXEC, ET_DYN
        case 1: throw fail(.notExecutable, "is a relocatable object file (ET_REL), not an executable; link it first")
        case 4: throw fail(.notExecutable, "is a core dump (ET_CORE), not an executable")
        default: throw fail(.notExecutable, "is not an executable (e_type \(type))")
        }
        let entry = elf.header.entry

        var pieces: [Piece] = []
        var segments: [LoadedSegment] = []
        var indices: [Int] = []
        var entryPA = entry
        for ph in try elf.programHeaders() where ph.type == ELFFile.ProgramHeader.load {
            let i = ph.index
            let (offset, vaddr, paddr, filesz, memsz) = (ph.offset, ph.vaddr, ph.paddr, ph.fileSize, ph.memorySize)
            if filesz > memsz {
                throw fail(.malformed, "segment \(i) has a file size (\(hex(filesz))) larger than its memory size (\(hex(memsz)))")
            }
            if elf.range(offset: offset, count: filesz, entrySize: 1) == nil {
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
            indices.append(i)
            // e_entry is a virtual address: when an executable segment holding it
            // is loaded at a different physical address, start at the physical
            // one (the MMU is off at reset), as QEMU does.
            if vaddr != paddr && ph.flags & 1 != 0 && entry >= vaddr && entry - vaddr < filesz {
                entryPA = entry - vaddr + paddr
            }
        }
        if pieces.isEmpty { throw fail(.noLoadableSegments, "no loadable segments") }
        // Segments are written in header order: an overlap would let a later
        // one (a .bss) overwrite an earlier one's bytes. QEMU refuses them too.
        let order = segments.indices.sorted { (segments[$0].physicalAddress, $0) < (segments[$1].physicalAddress, $1) }
        for (a, b) in zip(order, order.dropFirst()) where segments[b].physicalAddress < segments[a].end {
            let (first, second) = (min(a, b), max(a, b))
            let (s, t) = (segments[first], segments[second])
            throw fail(.overlappingSegments(indices[first], indices[second]),
                       "segments \(indices[first]) [\(hex(s.physicalAddress)), \(hex(s.end))) and \(indices[second]) [\(hex(t.physicalAddress)), \(hex(t.end))) overlap in physical memory")
        }
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
