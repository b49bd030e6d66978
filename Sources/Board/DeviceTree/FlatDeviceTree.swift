import CFDT

/// A flattened device tree (DTB) being built or edited, through libfdt's
/// read-write API (nodes are added under their parent, properties set by
/// path), as QEMU builds its boards' trees. The blob grows as needed.
public final class FlatDeviceTree {
    /// The FDT header's magic (big-endian at offset 0).
    public static let magic: UInt32 = 0xD00D_FEED

    private var buffer: [UInt8]

    /// An empty tree: the root node only.
    public init(capacity: Int = 64 << 10) {
        buffer = [UInt8](repeating: 0, count: capacity)
        let rc = buffer.withUnsafeMutableBytes { fdt_create_empty_tree($0.baseAddress, Int32($0.count)) }
        precondition(rc == 0, "fdt_create_empty_tree: \(FlatDeviceTree.errorText(rc))")
    }

    /// A tree read from a DTB (`-dtb FILE`). Throws when the bytes are not a
    /// valid device tree blob.
    public init(blob: [UInt8], name: String) throws {
        guard blob.count >= 40 else {
            throw BoardError("\(name): not a device tree blob (\(blob.count) bytes, too short for the header)")
        }
        guard FlatDeviceTree.be32(blob, 0) == FlatDeviceTree.magic else {
            throw BoardError("\(name): not a device tree blob (bad magic)")
        }
        let total = Int(FlatDeviceTree.be32(blob, 4))
        guard total <= blob.count else {
            throw BoardError("\(name): truncated device tree blob (the header says \(total) bytes, the file has \(blob.count))")
        }
        let check = blob.withUnsafeBytes { fdt_check_header($0.baseAddress) }
        guard check == 0 else {
            throw BoardError("\(name): not a valid device tree blob (\(FlatDeviceTree.errorText(check)))")
        }
        buffer = [UInt8](repeating: 0, count: total + (16 << 10))
        let rc = blob.withUnsafeBytes { src in
            buffer.withUnsafeMutableBytes { fdt_open_into(src.baseAddress, $0.baseAddress, Int32($0.count)) }
        }
        guard rc == 0 else {
            throw BoardError("\(name): not a valid device tree blob (\(FlatDeviceTree.errorText(rc)))")
        }
        // Walk every node and property once so a malformed structure block is
        // reported here, not when the guest reads it.
        var depth: Int32 = 0
        var off: Int32 = 0
        // fdt_next_node leaves the depth negative past the root's end.
        while off >= 0 && depth >= 0 {
            var len: Int32 = 0
            var prop = buffer.withUnsafeBytes { fdt_first_property_offset($0.baseAddress, off) }
            while prop >= 0 {
                let p = buffer.withUnsafeBytes { fdt_getprop_by_offset($0.baseAddress, prop, nil, &len) }
                if p == nil { throw BoardError("\(name): malformed device tree blob (\(FlatDeviceTree.errorText(len)))") }
                prop = buffer.withUnsafeBytes { fdt_next_property_offset($0.baseAddress, prop) }
            }
            if prop != -FDT_ERR_NOTFOUND { throw BoardError("\(name): malformed device tree blob (\(FlatDeviceTree.errorText(prop)))") }
            off = buffer.withUnsafeBytes { fdt_next_node($0.baseAddress, off, &depth) }
        }
        if off < 0 && off != -FDT_ERR_NOTFOUND { throw BoardError("\(name): malformed device tree blob (\(FlatDeviceTree.errorText(off)))") }
    }

    // MARK: Building

    /// Adds the node at `path` (its parent must exist); returns false if it
    /// already exists.
    @discardableResult
    public func addNode(_ path: String) -> Bool {
        let slash = path.lastIndex(of: "/")!
        let parentPath = slash == path.startIndex ? "/" : String(path[..<slash])
        let name = String(path[path.index(after: slash)...])
        let parent = offset(of: parentPath)
        precondition(parent >= 0, "device tree: no parent node for \(path)")
        let rc = grow { ptr in fdt_add_subnode(ptr, parent, name) }
        if rc == -FDT_ERR_EXISTS { return false }
        precondition(rc >= 0, "fdt_add_subnode \(path): \(FlatDeviceTree.errorText(rc))")
        return true
    }

    /// Adds the node at `path` and every missing node above it.
    public func addPath(_ path: String) {
        var prefix = ""
        for part in path.split(separator: "/") {
            prefix += "/" + part
            if !hasNode(prefix) { addNode(prefix) }
        }
    }

    /// Sets a property to raw bytes (the node must exist).
    public func set(_ path: String, _ name: String, bytes: [UInt8]) {
        let node = offset(of: path)
        precondition(node >= 0, "device tree: no node \(path)")
        let rc = bytes.withUnsafeBytes { b in
            grow { ptr in fdt_setprop(ptr, node, name, b.baseAddress, Int32(b.count)) }
        }
        precondition(rc == 0, "fdt_setprop \(path) \(name): \(FlatDeviceTree.errorText(rc))")
    }

    /// An empty property (a boolean: `interrupt-controller;`).
    public func set(_ path: String, _ name: String) { set(path, name, bytes: []) }

    /// A string list, each NUL-terminated.
    public func set(_ path: String, _ name: String, strings: [String]) {
        set(path, name, bytes: strings.flatMap { Array($0.utf8) + [0] })
    }

    public func set(_ path: String, _ name: String, string: String) {
        set(path, name, strings: [string])
    }

    /// 32-bit cells, big-endian.
    public func set(_ path: String, _ name: String, cells: [UInt32]) {
        set(path, name, bytes: cells.flatMap { c in (0..<4).map { UInt8(truncatingIfNeeded: c >> (24 - 8 * $0)) } })
    }

    public func set(_ path: String, _ name: String, cell: UInt32) { set(path, name, cells: [cell]) }

    /// 64-bit values as pairs of cells (reg with #address-cells = #size-cells = 2).
    public func set(_ path: String, _ name: String, cells64: [UInt64]) {
        set(path, name, cells: cells64.flatMap { [UInt32(truncatingIfNeeded: $0 >> 32), UInt32(truncatingIfNeeded: $0)] })
    }

    // MARK: Reading

    /// The bytes of a property, or nil when the node or the property is missing.
    public func property(_ path: String, _ name: String) -> [UInt8]? {
        let node = offset(of: path)
        guard node >= 0 else { return nil }
        return buffer.withUnsafeBytes { raw -> [UInt8]? in
            var len: Int32 = 0
            guard let p = fdt_getprop(raw.baseAddress, node, name, &len), len >= 0 else { return nil }
            return Array(UnsafeRawBufferPointer(start: p, count: Int(len)))
        }
    }

    /// A one-cell property's value.
    public func cell(_ path: String, _ name: String) -> UInt32? {
        guard let b = property(path, name), b.count == 4 else { return nil }
        return FlatDeviceTree.be32(b, 0)
    }

    public func hasNode(_ path: String) -> Bool { offset(of: path) >= 0 }

    /// The blob, packed (no free space).
    public var blob: [UInt8] {
        var copy = buffer
        let rc = copy.withUnsafeMutableBytes { fdt_pack($0.baseAddress) }
        precondition(rc == 0, "fdt_pack: \(FlatDeviceTree.errorText(rc))")
        return Array(copy[0..<Int(FlatDeviceTree.be32(copy, 4))])
    }

    /// The blob with room to grow: its header's total size is `size` (at
    /// least the packed size), as QEMU's virt hands out a 1 MiB tree.
    public func blob(size: Int) -> [UInt8] {
        let packed = blob
        guard size > packed.count else { return packed }
        var out = [UInt8](repeating: 0, count: size)
        let rc = packed.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { fdt_open_into(src.baseAddress, $0.baseAddress, Int32($0.count)) }
        }
        precondition(rc == 0, "fdt_open_into: \(FlatDeviceTree.errorText(rc))")
        return out
    }

    // MARK: Internals

    private func offset(of path: String) -> Int32 {
        buffer.withUnsafeBytes { fdt_path_offset($0.baseAddress, path) }
    }

    /// Runs a libfdt edit, doubling the buffer while it reports no space.
    private func grow(_ edit: (UnsafeMutableRawPointer) -> Int32) -> Int32 {
        while true {
            let rc = buffer.withUnsafeMutableBytes { edit($0.baseAddress!) }
            guard rc == -FDT_ERR_NOSPACE else { return rc }
            var bigger = [UInt8](repeating: 0, count: buffer.count * 2)
            let r = buffer.withUnsafeBytes { src in
                bigger.withUnsafeMutableBytes { fdt_open_into(src.baseAddress, $0.baseAddress, Int32($0.count)) }
            }
            precondition(r == 0, "fdt_open_into: \(FlatDeviceTree.errorText(r))")
            buffer = bigger
        }
    }

    static func be32(_ b: [UInt8], _ o: Int) -> UInt32 {
        UInt32(b[o]) << 24 | UInt32(b[o + 1]) << 16 | UInt32(b[o + 2]) << 8 | UInt32(b[o + 3])
    }

    static func errorText(_ rc: Int32) -> String {
        guard let p = fdt_strerror(rc) else { return "libfdt error \(rc)" }
        return String(cString: p)
    }
}

extension FlatDeviceTree {
    /// Paths of the root's subnodes whose name is `name` or `name@unit`.
    public func rootNodes(named name: String) -> [String] {
        var out: [String] = []
        buffer.withUnsafeBytes { raw in
            var node = fdt_first_subnode(raw.baseAddress, 0)
            while node >= 0 {
                if let p = fdt_get_name(raw.baseAddress, node, nil) {
                    let n = String(cString: p)
                    if n == name || n.hasPrefix(name + "@") { out.append("/" + n) }
                }
                node = fdt_next_subnode(raw.baseAddress, node)
            }
        }
        return out
    }

    /// Deletes the node at `path` and everything under it.
    public func deleteNode(_ path: String) {
        let node = offset(of: path)
        guard node >= 0 else { return }
        let rc = buffer.withUnsafeMutableBytes { fdt_del_node($0.baseAddress, node) }
        precondition(rc == 0, "fdt_del_node \(path): \(FlatDeviceTree.errorText(rc))")
    }
}
