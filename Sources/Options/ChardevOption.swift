/// One character device: `-chardev BACKEND,id=ID[,...]` as QEMU 7.2 reads it
/// (chardev/char.c, char-socket.c, char-file.c), for the serial port
/// (`-serial chardev:ID`). Backends: stdio, null, file (path=, output only)
/// and socket (TCP host=/port= or unix path=; a client, or with server=on a
/// listener that waits for its client before the guest starts unless
/// wait=off). Keys that change nothing here are accepted.
public struct ChardevOption: Sendable, Equatable {
    public enum Backend: Sendable, Equatable {
        case stdio
        case null
        case file(path: String)
        case tcp(host: String, port: UInt16, server: Bool, wait: Bool)
        case unix(path: String, server: Bool, wait: Bool)
    }

    public var text: String
    public var id: String
    public var backend: Backend
    /// mux=on: QEMU's multiplexer (the serial port and the monitor share it, Ctrl-A keys).
    public var mux: Bool
    public var context: String { "-chardev \(text)" }

    public init(text: String, id: String, backend: Backend, mux: Bool) {
        self.text = text
        self.id = id
        self.backend = backend
        self.mux = mux
    }

    /// Keys QEMU takes that change nothing for these backends.
    static let acceptedKeys: Set<String> = ["signal", "logfile", "logappend", "nodelay", "telnet", "tn3270",
                                            "websocket", "reconnect", "append"]

    public static func parse(_ value: String) throws(OptionError) -> ChardevOption {
        let ctx = "-chardev \(value)"
        var items = OptionList.split(value)
        var kind = items.isEmpty ? "" : items.removeFirst()
        if kind.hasPrefix("backend=") { kind = String(kind.dropFirst(8)) }
        var props: [String: String] = [:]
        for item in items where !item.isEmpty {
            let (k, v) = OptionList.keyValue(item)
            props[k] = v ?? "on"
        }
        guard let id = props["id"] else { throw OptionError("\(ctx): Parameter 'id' is missing") }
        guard OptionList.isValidID(id) else { throw OptionError("\(ctx): Parameter 'id' expects an identifier") }
        func flag(_ key: String, default d: Bool) throws(OptionError) -> Bool {
            guard let v = props[key] else { return d }
            switch v {
            case "on", "yes", "true": return true
            case "off", "no", "false": return false
            default: throw OptionError("\(ctx): Parameter '\(key)' expects 'on' or 'off'")
            }
        }
        let known: Set<String>
        let backend: Backend
        switch kind {
        case "stdio":
            known = ["id", "mux"]
            backend = .stdio
        case "null":
            known = ["id", "mux"]
            backend = .null
        case "file":
            known = ["id", "mux", "path"]
            guard let p = props["path"], !p.isEmpty else { throw OptionError("\(ctx): chardev: file: no filename given") }
            backend = .file(path: p)
        case "socket":
            known = ["id", "mux", "host", "port", "path", "server", "wait", "ipv4", "ipv6", "to"]
            let server = try flag("server", default: false)
            let wait = try flag("wait", default: true)
            if props["wait"] != nil && !server {
                throw OptionError("\(ctx): 'wait' option is incompatible with socket in client connect mode")
            }
            if let p = props["path"] {
                guard props["host"] == nil && props["port"] == nil else {
                    throw OptionError("\(ctx): chardev: socket: give path= (unix) or host=/port= (TCP), not both")
                }
                guard !p.isEmpty else { throw OptionError("\(ctx): chardev: socket: path= needs a file name") }
                backend = .unix(path: p, server: server, wait: wait)
            } else if let port = props["port"] {
                guard let n = UInt16(port), n != 0 || server else {
                    throw OptionError("\(ctx): chardev: socket: port '\(port)' is not a port number")
                }
                backend = .tcp(host: props["host"] ?? "", port: n, server: server, wait: wait)
            } else {
                throw OptionError("\(ctx): chardev: socket: no host given")
            }
        case "":
            throw OptionError("\(ctx): Parameter 'backend' is missing")
        case "pty", "serial", "tty", "parallel", "pipe", "udp", "vc", "ringbuf", "memory", "msmouse", "braille",
             "spicevmc", "spiceport", "qemu-vdagent", "testdev", "wctablet", "dbus":
            throw OptionError("\(ctx): chardev backend '\(kind)' is not supported (stdio, null, file, socket)")
        default:
            throw OptionError("\(ctx): 'backend' is not a valid value: '\(kind)' is not a chardev backend")
        }
        for k in props.keys.sorted() where !known.contains(k) && !acceptedKeys.contains(k) {
            throw OptionError("\(ctx): Invalid parameter '\(k)'")
        }
        return ChardevOption(text: value, id: id, backend: backend, mux: try flag("mux", default: false))
    }

    /// Checks a list of `-chardev` options for duplicate ids (QEMU: "Duplicate chardev ID").
    public static func checkIDs(_ list: [ChardevOption]) throws(OptionError) {
        var seen: Set<String> = []
        for c in list {
            if !seen.insert(c.id).inserted { throw OptionError("\(c.context): Duplicate chardev ID '\(c.id)'") }
        }
    }
}

/// Where the serial port goes: `-serial stdio|mon:stdio|none|null|file:PATH|chardev:ID`.
public enum SerialOption: Sendable, Equatable {
    case stdio
    /// stdio shared with the monitor through QEMU's Ctrl-A keys.
    case monStdio
    /// No serial port backend (the UART's output is dropped).
    case none
    case null
    case file(path: String)
    case chardev(id: String)

    public static func parse(_ value: String) throws(OptionError) -> SerialOption {
        switch value {
        case "stdio": return .stdio
        case "mon:stdio": return .monStdio
        case "none": return .none
        case "null": return .null
        default: break
        }
        if value.hasPrefix("file:") {
            let p = String(value.dropFirst(5))
            guard !p.isEmpty else { throw OptionError("-serial \(value): chardev: file: no filename given") }
            return .file(path: p)
        }
        if value.hasPrefix("chardev:") {
            let id = String(value.dropFirst(8))
            guard !id.isEmpty else { throw OptionError("-serial \(value): chardev: no chardev id given") }
            return .chardev(id: id)
        }
        throw OptionError("-serial \(value): only stdio, mon:stdio, none, null, file:PATH and chardev:ID are supported")
    }
}
