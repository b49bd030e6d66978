/// One user-mode network back end: `-netdev user,id=ID[,hostfwd=RULE...]`, or
/// `-nic user[,hostfwd=RULE...][,model=M][,mac=MAC]` (a back end and its NIC),
/// as QEMU 7.2 reads them (net/net.c, net/slirp.c), with its error messages.
/// RULE: `[tcp|udp]:[HOSTADDR]:HOSTPORT-[GUESTADDR]:GUESTPORT`.
public struct NetdevOption: Sendable, Equatable {
    public struct Forward: Sendable, Equatable {
        public var udp: Bool
        public var hostAddress: String?
        public var hostPort: UInt16
        public var guestAddress: String?
        public var guestPort: UInt16

        public init(udp: Bool, hostAddress: String?, hostPort: UInt16, guestAddress: String?, guestPort: UInt16) {
            self.udp = udp
            self.hostAddress = hostAddress
            self.hostPort = hostPort
            self.guestAddress = guestAddress
            self.guestPort = guestPort
        }
    }

    public var text: String
    public var option: String
    public var id: String
    public var forwards: [Forward] = []
    /// `-nic`'s NIC model (nil: the board's default) and MAC address.
    public var model: String?
    public var mac: [UInt8]?
    public var context: String { "\(option) \(text)" }

    /// Keys of -netdev user QEMU takes that change nothing here (the guest
    /// network's shape is QEMU's default one).
    static let acceptedKeys: Set<String> = ["ipv4", "ipv6", "restrict", "hostname", "dnssearch", "domainname"]

    public static func parseNetdev(_ value: String) throws(OptionError) -> NetdevOption {
        try parse(value, option: "-netdev")
    }

    /// `-nic`: its back end gets the id "__nic0", "__nic1", ... (`index`).
    public static func parseNic(_ value: String, index: Int) throws(OptionError) -> NetdevOption {
        var n = try parse(value, option: "-nic")
        n.id = "__nic\(index)"
        return n
    }

    private static func parse(_ value: String, option: String) throws(OptionError) -> NetdevOption {
        let ctx = "\(option) \(value)"
        var items = OptionList.split(value)
        var type = items.isEmpty ? "" : items.removeFirst()
        if type.hasPrefix("type=") { type = String(type.dropFirst(5)) }
        guard type == "user" else {
            if ["tap", "bridge", "socket", "stream", "dgram", "vde", "l2tpv3", "vhost-user", "vhost-vdpa", "hubport", "none"].contains(type) {
                throw OptionError("\(ctx): network type '\(type)' is not supported (only user)")
            }
            throw OptionError("\(ctx): Parameter 'type' does not accept value '\(type)'")
        }
        var n = NetdevOption(text: value, option: option, id: "")
        var id: String?
        for item in items where !item.isEmpty {
            let (key, v) = OptionList.keyValue(item)
            switch key {
            case "id":
                guard let s = v, OptionList.isValidID(s) else { throw OptionError("\(ctx): Parameter 'id' expects an identifier") }
                id = s
            case "hostfwd": n.forwards.append(try parseForward(v ?? "", ctx))
            case "model" where option == "-nic": n.model = v ?? ""
            case "mac" where option == "-nic":
                guard let m = parseMAC(v ?? "") else { throw OptionError("\(ctx): Property 'mac' doesn't take value '\(v ?? "")'") }
                n.mac = m
            case _ where acceptedKeys.contains(key): break
            default: throw OptionError("\(ctx): Invalid parameter '\(key)'")
            }
        }
        if option == "-netdev" {
            guard let id else { throw OptionError("\(ctx): Parameter 'id' is missing") }
            n.id = id
        }
        return n
    }

    static func parseForward(_ rule: String, _ ctx: String) throws(OptionError) -> Forward {
        func bad(_ why: String) -> OptionError { OptionError("\(ctx): Invalid host forwarding rule '\(rule)' (\(why))") }
        var rest = Substring(rule)
        var udp = false
        if let colon = rest.firstIndex(of: ":") {
            let proto = rest[..<colon]
            if proto == "udp" { udp = true } else if proto != "tcp" && !proto.isEmpty { throw bad("Bad protocol name") }
            rest = rest[rest.index(after: colon)...]
        } else {
            throw bad("No : separators")
        }
        guard let dash = rest.firstIndex(of: "-") else { throw bad("No - separator") }
        let host = rest[..<dash], guest = rest[rest.index(after: dash)...]
        guard let hc = host.lastIndex(of: ":") else { throw bad("No : separators") }
        guard let gc = guest.lastIndex(of: ":") else { throw bad("Missing : separator") }
        let hostAddr = String(host[..<hc]), guestAddr = String(guest[..<gc])
        guard let hp = UInt16(host[host.index(after: hc)...]) else { throw bad("Bad host port") }
        guard let gp = UInt16(guest[guest.index(after: gc)...]), gp != 0 else { throw bad("Bad guest port") }
        if !hostAddr.isEmpty && !isIPv4(hostAddr) { throw bad("Bad host address") }
        if !guestAddr.isEmpty && !isIPv4(guestAddr) { throw bad("Bad guest address") }
        return Forward(udp: udp, hostAddress: hostAddr.isEmpty ? nil : hostAddr, hostPort: hp,
                       guestAddress: guestAddr.isEmpty ? nil : guestAddr, guestPort: gp)
    }

    static func isIPv4(_ s: String) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts.allSatisfy { UInt8($0) != nil }
    }

    /// "52:54:00:12:34:56" → its six bytes.
    public static func parseMAC(_ s: String) -> [UInt8]? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        let bytes = parts.compactMap { $0.count == 2 ? UInt8($0, radix: 16) : nil }
        return bytes.count == 6 ? bytes : nil
    }
}
