import Board
import Options

/// The firmware's options: `-drive if=pflash` binds a drive to a flash bank
/// (unit 0: the code, unit 1: the variables, as QEMU's virt).
enum FirmwareOptions {
    /// Puts the pflash drives among `drives` into `options.pflash` and returns
    /// the others. A drive without unit= or index= takes the first free bank,
    /// as QEMU does.
    static func applyPflash(_ drives: [DriveOption], to options: inout VirtOptions) throws -> [DriveOption] {
        var rest: [DriveOption] = []
        for d in drives {
            guard d.interface == .pflash else { rest.append(d); continue }
            let unit: Int
            if let u = d.unit ?? d.index {
                unit = u
            } else if let free = options.pflash.firstIndex(where: { $0 == nil }) {
                unit = free
            } else {
                unit = options.pflash.count
            }
            if d.bus ?? 0 != 0 || unit >= options.pflash.count {
                throw CLIError("\(d.context): machine type does not support if=pflash,bus=\(d.bus ?? 0),unit=\(unit)")
            }
            if options.pflash[unit] != nil {
                throw CLIError("\(d.context): drive with bus=0, unit=\(unit) (index=\(unit)) exists")
            }
            options.pflash[unit] = FlashDrive(path: d.file ?? "", readOnly: d.readOnly)
        }
        return rest
    }
}
