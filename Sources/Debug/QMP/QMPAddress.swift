/// Where the QMP server listens: `-qmp unix:PATH,server,wait=off` or
/// `-qmp tcp:HOST:PORT,server,wait=off` (QEMU's chardev syntax; `nowait` is
/// the old spelling of `wait=off`). Without `wait=off` the machine waits for
/// the first client before it starts, as QEMU does.
public struct QMPAddress: Equatable, Sendable {
    public enum Endpoint: Equatable, Sendable {
        case unix(path: String)
        case tcp(host: String, port: UInt16)
    }
    public var endpoint: Endpoint
    public var wait: Bool

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// nil for `none`.
    public static func parse(_ text: String, option: String = "-qmp") throws -> QMPAddress? {
        if text == "none" { return nil }
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let head = parts[0]
        let endpoint: Endpoint
        if head.hasPrefix("unix:") {
            let path = String(head.dropFirst(5))
            guard !path.isEmpty else { throw ParseError(description: "\(option) \(text): unix: needs a socket path") }
            endpoint = .unix(path: path)
        } else if head.hasPrefix("tcp:") {
            let rest = head.dropFirst(4)
            guard let colon = rest.lastIndex(of: ":"), let port = UInt16(rest[rest.index(after: colon)...]) else {
                throw ParseError(description: "\(option) \(text): tcp: needs HOST:PORT (a port from 0 to 65535)")
            }
            endpoint = .tcp(host: String(rest[..<colon]), port: port)
        } else {
            throw ParseError(description: "\(option) \(text): only unix:PATH,server,wait=off and tcp:HOST:PORT,server,wait=off are supported")
        }
        var server = false
        var wait = true
        for p in parts.dropFirst() {
            switch p {
            case "server", "server=on": server = true
            case "server=off": server = false
            case "wait=off", "nowait": wait = false
            case "wait=on", "wait": wait = true
            default:
                throw ParseError(description: "\(option) \(text): unknown option '\(p)' (server, wait=off)")
            }
        }
        guard server else {
            throw ParseError(description: "\(option) \(text): Armature only listens (add ',server,wait=off')")
        }
        return QMPAddress(endpoint: endpoint, wait: wait)
    }
}
