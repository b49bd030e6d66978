import CZlib

/// The kinds of file `-kernel` takes besides an ELF: an arm64 Linux Image
/// (Documentation/arm64/booting.rst: "ARM\x64" at offset 56, text_offset at 8,
/// image_size at 16), gzip-compressed or not, or a raw binary. Both are Linux
/// boots: the kernel is entered with x0 = the DTB's address.
public struct KernelImage: Equatable, Sendable {
    public enum Format: Equatable, Sendable { case image, raw }
    public var format: Format
    /// The bytes to place (decompressed).
    public var bytes: [UInt8]
    /// Where they go, from the start of RAM.
    public var loadOffset: UInt64
    /// The Image header's image_size (0 for a raw binary or an old Image).
    public var imageSize: UInt64
    public var compressed: Bool

    public static let imageMagicOffset = 56
    public static let imageMagic: [UInt8] = [0x41, 0x52, 0x4D, 0x64]   // "ARM\x64"
    /// Where a raw binary, or an Image without image_size, goes in RAM.
    public static let defaultLoadOffset: UInt64 = 0x8_0000
    /// An Image asking for an offset below this is moved up by 2 MiB (the
    /// first 4 KiB of RAM are kept for the boot code, as QEMU keeps them).
    public static let reservedLow: UInt64 = 4 << 10
    /// The largest decompressed kernel accepted (QEMU's limit too).
    public static let maxDecompressed = 64 << 20

    /// Recognises a non-ELF kernel; throws a one-line error naming `name` for
    /// an empty, corrupt or foreign file.
    public static func parse(_ file: [UInt8], name: String) throws -> KernelImage {
        if file.isEmpty { throw BoardError("\(name): the kernel file is empty") }
        var bytes = file
        var compressed = false
        if file.count >= 2 && file[0] == 0x1F && file[1] == 0x8B {
            bytes = try gunzip(file, name: name)
            compressed = true
            if bytes.isEmpty { throw BoardError("\(name): the compressed kernel is empty") }
        }
        if let foreign = foreignFormat(bytes) {
            throw BoardError("\(name): not a kernel Armature can boot (\(foreign))")
        }
        if bytes.count >= imageMagicOffset + 4 && Array(bytes[imageMagicOffset..<imageMagicOffset + 4]) == imageMagic {
            let textOffset = le64(bytes, 8)
            let imageSize = le64(bytes, 16)
            var offset = defaultLoadOffset
            if imageSize != 0 {
                offset = textOffset < reservedLow ? textOffset + (2 << 20) : textOffset
            }
            return KernelImage(format: .image, bytes: bytes, loadOffset: offset, imageSize: imageSize, compressed: compressed)
        }
        return KernelImage(format: .raw, bytes: bytes, loadOffset: defaultLoadOffset, imageSize: 0, compressed: compressed)
    }

    /// Files that are clearly something other than an AArch64 kernel.
    static func foreignFormat(_ b: [UInt8]) -> String? {
        if b.count >= 4 && b[0] == 0xD0 && b[1] == 0x0D && b[2] == 0xFE && b[3] == 0xED {
            return "it is a device tree blob; give it with -dtb"
        }
        if b.count >= 6 && b[0..<6].elementsEqual("070701".utf8) || b.count >= 6 && b[0..<6].elementsEqual("070702".utf8) {
            return "it is a cpio archive; give an initramfs with -initrd"
        }
        if b.count >= 4 && b[0] == 0x27 && b[1] == 0x05 && b[2] == 0x19 && b[3] == 0x56 {
            return "it is a U-Boot uImage, which is not supported; give the Image itself"
        }
        if b.count >= 0x28 && le32(b, 0x24) == 0x016F_2818 {
            return "it is a 32-bit Arm zImage; Armature boots AArch64 kernels"
        }
        if b.count >= 2 && b[0] == 0x4D && b[1] == 0x5A && !(b.count >= imageMagicOffset + 4 && Array(b[imageMagicOffset..<imageMagicOffset + 4]) == imageMagic) {
            return "it is a PE/COFF executable without the arm64 Image header"
        }
        let head = b.prefix(512)
        if head.allSatisfy({ (0x20...0x7E).contains($0) || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }) {
            return "not an ELF, an arm64 Image or a binary: it is text"
        }
        return nil
    }

    /// Inflates a gzip member (RFC 1952) with zlib.
    static func gunzip(_ input: [UInt8], name: String) throws -> [UInt8] {
        var stream = z_stream()
        // 16 + MAX_WBITS: a gzip wrapper.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw BoardError("\(name): cannot start decompressing the kernel (zlib)")
        }
        defer { inflateEnd(&stream) }
        var out = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        var status: Int32 = Z_OK
        try input.withUnsafeBufferPointer { inp in
            stream.next_in = UnsafeMutablePointer(mutating: inp.baseAddress)
            stream.avail_in = uInt(inp.count)
            repeat {
                status = chunk.withUnsafeMutableBufferPointer { c -> Int32 in
                    stream.next_out = c.baseAddress
                    stream.avail_out = uInt(c.count)
                    return inflate(&stream, Z_NO_FLUSH)
                }
                let produced = chunk.count - Int(stream.avail_out)
                out += chunk[0..<produced]
                if out.count > maxDecompressed {
                    throw BoardError("\(name): the decompressed kernel is larger than \(maxDecompressed >> 20) MiB")
                }
                if status == Z_BUF_ERROR && stream.avail_in == 0 { break }
            } while status == Z_OK
        }
        guard status == Z_STREAM_END else {
            throw BoardError("\(name): corrupt or truncated gzip data in the kernel")
        }
        return out
    }

    static func le64(_ b: [UInt8], _ o: Int) -> UInt64 {
        (0..<8).reduce(0) { $0 | UInt64(b[o + $1]) << (8 * UInt64($1)) }
    }
    static func le32(_ b: [UInt8], _ o: Int) -> UInt32 {
        (0..<4).reduce(0) { $0 | UInt32(b[o + $1]) << (8 * UInt32($1)) }
    }
}
