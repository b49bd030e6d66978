/// One `-drive` option, as QEMU 7.2 reads it (blockdev.c's drive options):
/// `file=F,format=raw,if=virtio|none|pflash|...,id=ID,index=N,bus=N,unit=N,
/// readonly=on|off,cache=...,media=disk|cdrom,serial=S,discard=ignore|unmap,...`.
/// The board binds drives to devices (if=virtio: a virtio-blk device;
/// if=none: a `-device ...,drive=ID`; if=pflash: a flash bank).
public struct DriveOption: Sendable, Equatable {
    /// `if=`: the bus the drive is attached to.
    public enum Interface: String, Sendable, CaseIterable {
        case none, ide, scsi, floppy, pflash, mtd, sd, virtio, xen
    }

    /// `cache=`: QEMU's shorthand for cache.writeback, cache.direct, cache.no-flush.
    public enum Cache: String, Sendable, CaseIterable {
        case writeback, writethrough, none, directsync, unsafe
        /// The guest sees a volatile write cache (flushes matter).
        public var writeback: Bool { self == .writeback || self == .none || self == .unsafe }
        /// Flushes are ignored (cache=unsafe).
        public var ignoresFlush: Bool { self == .unsafe }
    }

    public enum Media: String, Sendable { case disk, cdrom }

    /// The value as given (for error messages: "-drive VALUE: ...").
    public var text: String
    public var file: String?
    /// `format=`: nil when not given (QEMU probes; raw is all Armature reads).
    public var format: String?
    /// `if=`: QEMU's virt defaults to virtio.
    public var interface: Interface = .virtio
    public var id: String?
    public var index: Int?
    public var bus: Int?
    public var unit: Int?
    public var readOnly = false
    public var cache: Cache = .writeback
    public var media: Media = .disk
    public var serial: String?
    /// `discard=unmap|on`: discard requests free host blocks; ignore|off (QEMU's
    /// default): they succeed and change nothing.
    public var discardUnmap = false
    /// The option prefix of error messages.
    public var context: String { "-drive \(text)" }

    public init(text: String) { self.text = text }

    /// Formats QEMU knows that Armature does not read.
    public static let otherFormats: Set<String> = [
        "qcow2", "qcow", "vmdk", "vdi", "vhdx", "vpc", "qed", "luks", "parallels", "dmg",
        "bochs", "cloop", "vvfat", "file", "host_device", "nbd", "ssh", "http", "https", "iscsi", "null-co",
    ]

    /// Keys QEMU 7.2 accepts on -drive that change nothing Armature models
    /// (host-side tuning and error policies); taken without effect.
    static let acceptedKeys: Set<String> = [
        "aio", "rerror", "werror", "detect-zeroes", "copy-on-read", "auto-read-only", "force-share",
        "throttling.iops-total", "throttling.bps-total", "node-name", "addr", "locking",
    ]

    /// Parses one `-drive` value; errors are QEMU's messages.
    public static func parse(_ value: String) throws(OptionError) -> DriveOption {
        var d = DriveOption(text: value)
        let ctx = d.context
        func number(_ key: String, _ v: String) throws(OptionError) -> Int {
            guard let n = Int(v), n >= 0 else { throw OptionError("\(ctx): Parameter '\(key)' expects a number") }
            return n
        }
        func bool(_ key: String, _ v: String?) throws(OptionError) -> Bool {
            switch v {
            case nil, "on", "yes", "true", "y": return true
            case "off", "no", "false", "n": return false
            default: throw OptionError("\(ctx): Parameter '\(key)' expects 'on' or 'off'")
            }
        }
        for item in OptionList.split(value) where !item.isEmpty {
            let (key, v) = OptionList.keyValue(item)
            switch key {
            case "file": d.file = v ?? ""
            case "format":
                guard let f = v, !f.isEmpty else { throw OptionError("\(ctx): Parameter 'format' expects a format name") }
                if f != "raw" {
                    if otherFormats.contains(f) {
                        throw OptionError("\(ctx): format '\(f)' is not supported: Armature reads raw images only (convert with qemu-img convert -O raw)")
                    }
                    throw OptionError("\(ctx): Unknown driver '\(f)'")
                }
                d.format = f
            case "if":
                guard let i = Interface(rawValue: v ?? "") else {
                    throw OptionError("\(ctx): unsupported bus type '\(v ?? "")'")
                }
                d.interface = i
            case "id":
                guard let s = v, OptionList.isValidID(s) else {
                    throw OptionError("\(ctx): Invalid ID '\(v ?? "")', must be a letter followed by letters, digits, '-', '.' or '_'")
                }
                d.id = s
            case "index": d.index = try number(key, v ?? "")
            case "bus": d.bus = try number(key, v ?? "")
            case "unit": d.unit = try number(key, v ?? "")
            case "readonly", "read-only": d.readOnly = try bool("read-only", v)
            case "cache":
                guard let c = Cache(rawValue: v ?? "") else { throw OptionError("\(ctx): invalid cache option") }
                d.cache = c
            case "media":
                guard let m = Media(rawValue: v ?? "") else { throw OptionError("\(ctx): '\(v ?? "")' invalid media") }
                d.media = m
            case "serial": d.serial = v ?? ""
            case "discard":
                switch v {
                case "ignore", "off": d.discardUnmap = false
                case "unmap", "on": d.discardUnmap = true
                default: throw OptionError("\(ctx): Invalid discard option")
                }
            case "snapshot":
                if try bool(key, v) { throw OptionError("\(ctx): snapshot=on is not supported") }
            case _ where acceptedKeys.contains(key): break
            default:
                throw OptionError("\(ctx): Block format '\(d.format ?? "raw")' does not support the option '\(key)'")
            }
        }
        if d.interface != .none && d.interface != .virtio && d.interface != .pflash {
            throw OptionError("\(ctx): machine type does not support if=\(d.interface.rawValue),bus=\(d.bus ?? 0),unit=\(d.unit ?? 0)")
        }
        if d.file == nil && d.interface != .none {
            throw OptionError("\(ctx): A block device must be specified for \"file\"")
        }
        if d.file == "" { throw OptionError("\(ctx): A block device must be specified for \"file\"") }
        return d
    }
}

/// QEMU's option-list syntax, shared by the parsers of list-valued options.
public enum OptionList {
    /// Splits at commas (",," is a literal comma).
    public static func split(_ s: String) -> [String] {
        var parts: [String] = []
        var cur = ""
        var it = Array(s)[...]
        while let c = it.popFirst() {
            if c == "," {
                if it.first == "," { cur.append(","); it = it.dropFirst(); continue }
                parts.append(cur); cur = ""
            } else {
                cur.append(c)
            }
        }
        parts.append(cur)
        return parts
    }

    /// "k=v" → (k, v); "k" → (k, nil).
    public static func keyValue(_ s: String) -> (key: String, value: String?) {
        guard let eq = s.firstIndex(of: "=") else { return (s, nil) }
        return (String(s[..<eq]), String(s[s.index(after: eq)...]))
    }

    /// QEMU's id_wellformed: a letter, then letters, digits, '-', '.', '_'.
    public static func isValidID(_ s: String) -> Bool {
        guard let f = s.first, f.isASCII && f.isLetter else { return false }
        return s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_") }
    }
}

/// One `-device` option: the driver (device model) name and its properties,
/// in order. Which drivers and properties exist is the board's to say
/// (QEMU's "'X' is not a valid device model name", "Property 'X.p' not found").
public struct DeviceOption: Sendable, Equatable {
    public var text: String
    public var driver: String
    public var properties: [Property]
    public var context: String { "-device \(text)" }

    public struct Property: Sendable, Equatable {
        public var key: String
        public var value: String?
        public init(key: String, value: String?) {
            self.key = key
            self.value = value
        }
    }

    public init(text: String, driver: String, properties: [Property]) {
        self.text = text
        self.driver = driver
        self.properties = properties
    }

    /// "driver[,prop=value...]" (or "driver=NAME,...").
    public static func parse(_ value: String) throws(OptionError) -> DeviceOption {
        var items = OptionList.split(value)
        var driver = items.isEmpty ? "" : items.removeFirst()
        if driver.hasPrefix("driver=") { driver = String(driver.dropFirst(7)) }
        guard !driver.isEmpty, !driver.contains("=") else {
            throw OptionError("-device \(value): Parameter 'driver' is missing")
        }
        let props = items.filter { !$0.isEmpty }.map { item -> Property in
            let (k, v) = OptionList.keyValue(item)
            return Property(key: k, value: v)
        }
        return DeviceOption(text: value, driver: driver, properties: props)
    }

    /// The value of property `key` (the last one given), nil when absent.
    public func value(_ key: String) -> String?? {
        guard let p = properties.last(where: { $0.key == key }) else { return nil }
        return .some(p.value)
    }
}
