/// One shared host folder: a `-fsdev` option, or the fsdev half of `-virtfs`,
/// as QEMU 7.2 reads them (fsdev/qemu-fsdev.c, hw/9pfs/9p-local.c):
///   -fsdev local,id=ID,path=DIR,security_model=MODEL[,readonly=on][,...]
///   -virtfs local,path=DIR,mount_tag=TAG,security_model=MODEL[,id=ID][,readonly=on]
/// MODEL: mapped, mapped-xattr, none, passthrough (mapped-file is refused).
/// Errors are QEMU's first lines.
public struct FsdevOption: Sendable, Equatable {
    /// The value as given (error messages: "-fsdev VALUE: ...").
    public var text: String
    public var option: String
    public var id: String
    public var path: String
    /// `security_model=`: "mapped", "mapped-xattr", "none" or "passthrough".
    public var securityModel: String
    public var readOnly = false
    /// `mount_tag=` of -virtfs (the tag the guest mounts); nil for -fsdev.
    public var mountTag: String?
    public var context: String { "\(option) \(text)" }

    /// Models that Armature implements.
    public static let securityModels: Set<String> = ["mapped", "mapped-xattr", "none", "passthrough"]
    static let hint = "valid options are: security_model=[passthrough|mapped-xattr|mapped-file|none]"
    /// Keys QEMU takes that change nothing Armature models (its throttling and
    /// the modes of mapped-file / mapped creation defaults).
    static let acceptedKeys: Set<String> = ["writeout", "multidevs", "fmode", "dmode", "throttling.iops-total", "throttling.bps-total"]

    /// Parses `-fsdev VALUE`.
    public static func parseFsdev(_ value: String) throws(OptionError) -> FsdevOption {
        try parse(value, option: "-fsdev")
    }

    /// Parses `-virtfs VALUE`: the fsdev (id defaults to the mount tag) and its tag.
    public static func parseVirtfs(_ value: String) throws(OptionError) -> FsdevOption {
        try parse(value, option: "-virtfs")
    }

    private static func parse(_ value: String, option: String) throws(OptionError) -> FsdevOption {
        let ctx = "\(option) \(value)"
        let virtfs = option == "-virtfs"
        var items = OptionList.split(value)
        var driver = items.isEmpty ? "" : items.removeFirst()
        if driver.hasPrefix("fsdriver=") { driver = String(driver.dropFirst(9)) }
        var id: String?, path: String?, model: String?, tag: String?
        var readOnly = false
        for item in items where !item.isEmpty {
            let (key, v) = OptionList.keyValue(item)
            switch key {
            case "id":
                guard let s = v, OptionList.isValidID(s) else {
                    throw OptionError("\(ctx): Parameter 'id' expects an identifier")
                }
                id = s
            case "path": path = v ?? ""
            case "security_model": model = v ?? ""
            case "readonly":
                switch v {
                case nil, "on", "yes", "true", "y": readOnly = true
                case "off", "no", "false", "n": readOnly = false
                default: throw OptionError("\(ctx): Parameter 'readonly' expects 'on' or 'off'")
                }
            case "mount_tag" where virtfs: tag = v ?? ""
            case _ where acceptedKeys.contains(key): break
            default: throw OptionError("\(ctx): Invalid parameter '\(key)'")
            }
        }
        if virtfs && (driver.isEmpty || tag == nil) {
            throw OptionError("\(ctx): Usage: -virtfs fsdriver,mount_tag=tag")
        }
        guard driver == "local" else { throw OptionError("\(ctx): fsdev: fsdriver \(driver) not found") }
        guard let fsid = id ?? tag else { throw OptionError("\(ctx): fsdev: No id specified") }
        guard let model else { throw OptionError("\(ctx): security_model property not set; \(hint)") }
        guard securityModels.contains(model) else {
            if model == "mapped-file" {
                throw OptionError("\(ctx): security_model=mapped-file is not supported (use mapped-xattr)")
            }
            throw OptionError("\(ctx): invalid security_model property '\(model)'; \(hint)")
        }
        guard let path, !path.isEmpty else { throw OptionError("\(ctx): path property not set") }
        if let tag, tag.isEmpty || tag.utf8.count > 65535 {
            throw OptionError("\(ctx): mount tag must be between 1 and 65535 bytes")
        }
        var f = FsdevOption(text: value, option: option, id: fsid, path: path, securityModel: model, mountTag: tag)
        f.readOnly = readOnly
        return f
    }

    public init(text: String, option: String, id: String, path: String, securityModel: String, mountTag: String? = nil) {
        self.text = text
        self.option = option
        self.id = id
        self.path = path
        self.securityModel = securityModel
        self.mountTag = mountTag
    }
}
