import Glibc
import Machine
import Devices

/// A flash bank's backing file (`-drive if=pflash,format=raw,unit=N,file=F`).
public struct FlashDrive: Sendable, Equatable {
    public var path: String
    public var readOnly: Bool
    public init(path: String, readOnly: Bool = false) {
        self.path = path
        self.readOnly = readOnly
    }
}

/// An open backing file: the guest's program and erase operations are
/// written through to it as they happen (so they outlive the run however
/// it ends); never written when read-only.
final class FlashBacking {
    let path: String
    let fd: Int32
    let readOnly: Bool

    init(_ drive: FlashDrive, bankSize: UInt64, unit: Int) throws {
        path = drive.path
        readOnly = drive.readOnly
        var st = stat()
        guard stat(drive.path, &st) == 0 else {
            throw BoardError("-drive if=pflash,unit=\(unit),file=\(drive.path): \(String(cString: strerror(errno)))")
        }
        guard st.st_mode & S_IFMT == S_IFREG else {
            throw BoardError("-drive if=pflash,unit=\(unit),file=\(drive.path): not a regular file")
        }
        guard UInt64(st.st_size) == bankSize else {
            throw BoardError("-drive if=pflash,unit=\(unit),file=\(drive.path): the flash bank needs a file of \(bankSize) bytes (64 MiB), this one has \(st.st_size)\(st.st_size == 0 ? " (empty)" : "")")
        }
        fd = open(drive.path, (drive.readOnly ? O_RDONLY : O_RDWR) | O_CLOEXEC)
        guard fd >= 0 else {
            throw BoardError("-drive if=pflash,unit=\(unit),file=\(drive.path): cannot open\(drive.readOnly ? "" : " for writing (readonly=on opens it read-only)"): \(String(cString: strerror(errno)))")
        }
    }

    deinit { close(fd) }

    /// Reads the whole file into the bank's memory.
    func load(into storage: UnsafeMutableRawPointer, size: UInt64) throws {
        var done: UInt64 = 0
        while done < size {
            let n = pread(fd, storage + Int(done), Int(size - done), off_t(done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw BoardError("\(path): read failed: \(n < 0 ? String(cString: strerror(errno)) : "file shorter than the flash bank")") }
            done += UInt64(n)
        }
    }

    /// Writes [offset, offset+length) of the bank to the file. A failure is
    /// reported (once per call) and the run goes on, as a disk error would.
    func store(from storage: UnsafeMutableRawPointer, offset: UInt64, length: UInt64) -> String? {
        guard !readOnly else { return nil }
        var done: UInt64 = 0
        while done < length {
            let n = pwrite(fd, storage + Int(offset + done), Int(length - done), off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return "\(path): write of the flash bank failed: \(String(cString: strerror(errno)))" }
            done += UInt64(n)
        }
        return nil
    }
}

extension VirtMachine {
    /// The firmware image `-bios FILE` loads into flash bank 0: at most a
    /// bank's size, not empty.
    public static func readFirmwareImage(_ path: String) throws -> [UInt8] {
        let bytes: [UInt8]
        do {
            bytes = try ELFLoader.readFile(path)
        } catch {
            throw BoardError("-bios \(path): \(error)")
        }
        guard !bytes.isEmpty else { throw BoardError("-bios \(path): the firmware image is empty") }
        guard UInt64(bytes.count) <= Map.flashBankSize else {
            throw BoardError("-bios \(path): the firmware image (\(bytes.count) bytes) is larger than the flash bank (64 MiB)")
        }
        return bytes
    }

    /// The two CFI flash banks over the ROM regions `regions` (bank 0, bank 1),
    /// read-only where their drive is, with their backing files open.
    static func makeFlash(options: VirtOptions, regions: [MemoryRegion]) throws -> (banks: [PFlash], backings: [FlashBacking?]) {
        if options.bios != nil && options.pflash.first.flatMap({ $0 }) != nil {
            throw BoardError("the contents of the first flash bank may not be given with both -bios and -drive if=pflash,unit=0: use only one of them")
        }
        var banks: [PFlash] = [], backings: [FlashBacking?] = []
        for (unit, region) in regions.enumerated() {
            let drive = unit < options.pflash.count ? options.pflash[unit] : nil
            let backing = try drive.map { try FlashBacking($0, bankSize: region.size, unit: unit) }
            banks.append(PFlash(name: "virt.flash\(unit)", storage: region.host!, size: region.size,
                                readOnly: drive?.readOnly ?? false))
            backings.append(backing)
        }
        return (banks, backings)
    }

    /// Puts the banks behind their ROM regions: reads outside read-array mode
    /// and every write reach the device; a change of the contents drops the
    /// code translated from it and goes to the backing file.
    func connectFlash(backings: [FlashBacking?]) {
        for (unit, bank) in flash.enumerated() {
            let region = memory.region(containing: Map.flashBase + UInt64(unit) * Map.flashBankSize)!
            system.attach(romDevice: bank, to: region)
            bank.onReadArrayMode = { [unowned system] _ in system.romDeviceModeChanged() }
            bank.onGuestError = { [unowned system] message in system.log(.guestErrors, message) }
            let backing = backings[unit]
            bank.onStore = { [unowned memory, unowned system, unowned bank] offset, length in
                memory.noteWrite(pa: region.base + offset, length: length)
                if let problem = backing?.store(from: bank.storage, offset: offset, length: length) {
                    system.log(.guestErrors, problem)
                }
            }
        }
    }

    /// Fills the banks from their images: `-bios` into bank 0 (the rest of
    /// the bank zero), a drive's file into its bank, zeros elsewhere. Called
    /// at start and again on a machine reset (a drive's file holds every
    /// write, so its bank comes back as it was left).
    public func loadFlashImages() throws {
        for (unit, bank) in flash.enumerated() {
            bank.reset()
            // Zero without touching every page: the anonymous mapping's pages
            // go back to the host and read as zero again.
            madvise(bank.storage, Int(bank.size), MADV_DONTNEED)
            if let backing = flashBackings[unit] {
                try backing.load(into: bank.storage, size: bank.size)
            } else if unit == 0, let image = firmwareImage {
                image.withUnsafeBytes { bank.storage.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
            memory.noteWrite(pa: Map.flashBase + UInt64(unit) * Map.flashBankSize, length: bank.size)
        }
    }

    /// True when the guest starts from firmware in flash (`-bios` or a
    /// pflash drive for bank 0), as QEMU's virt does when either is given.
    public var hasFirmware: Bool { firmwareImage != nil || flashBackings[0] != nil }
}
