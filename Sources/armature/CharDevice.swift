import Glibc
import Devices
import Options

/// An open `-chardev` (or `-serial file:/null`) backend: the console the
/// serial port writes to and reads from.
///
/// A socket server with wait=off (QEMU's: the guest starts at once, output is
/// dropped while no client is connected, a client that leaves may be
/// followed by another) sits behind two pipes and a relay thread, so the
/// console's descriptors never change under the UART.
final class CharDevice: @unchecked Sendable {
    let option: ChardevOption
    /// nil: the standard console (stdio).
    let console: HostConsole?
    private var relay: Relay?

    private init(option: ChardevOption, console: HostConsole?, relay: Relay? = nil) {
        self.option = option
        self.console = console
        self.relay = relay
    }

    static func open(_ c: ChardevOption) throws -> CharDevice {
        let ctx = c.context
        func failure(_ what: String) -> CLIError { CLIError("\(ctx): \(what): \(String(cString: strerror(errno)))") }
        switch c.backend {
        case .stdio:
            return CharDevice(option: c, console: nil)
        case .null:
            return CharDevice(option: c, console: HostConsole(outputFD: -1, inputFD: -1))
        case .file(let path):
            let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
            guard fd >= 0 else { throw failure("Could not open '\(path)'") }
            return CharDevice(option: c, console: HostConsole(outputFD: fd, inputFD: -1))
        case .unix(let path, let server, let wait):
            var sa = sockaddr_un()
            sa.sun_family = sa_family_t(AF_UNIX)
            let bytes = Array(path.utf8)
            guard bytes.count < MemoryLayout.size(ofValue: sa.sun_path) else {
                throw CLIError("\(ctx): UNIX socket path '\(path)' is too long")
            }
            withUnsafeMutableBytes(of: &sa.sun_path) { raw in for (i, b) in bytes.enumerated() { raw[i] = b } }
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else { throw failure("socket") }
            let len = socklen_t(MemoryLayout<sockaddr_un>.size)
            if server {
                unlink(path)
                let ok = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
                guard ok == 0, listen(fd, 1) == 0 else { close(fd); throw failure("Failed to bind socket to \(path)") }
                return try serve(c, listener: fd, wait: wait, name: "unix:\(path)")
            }
            let ok = withUnsafePointer(to: &sa) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, len) } }
            guard ok == 0 else { close(fd); throw failure("Failed to connect to '\(path)'") }
            return try relayed(c, listener: -1, client: fd)
        case .tcp(let host, let port, let server, let wait):
            var hints = addrinfo()
            hints.ai_family = AF_UNSPEC
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
            hints.ai_flags = server ? AI_PASSIVE : 0
            var list: UnsafeMutablePointer<addrinfo>?
            let name: String? = host.isEmpty ? (server ? nil : "localhost") : host
            let rc = getaddrinfo(name, String(port), &hints, &list)
            guard rc == 0, let a = list else {
                throw CLIError("\(ctx): address resolution failed for \(host):\(port): \(String(cString: gai_strerror(rc)))")
            }
            defer { freeaddrinfo(list) }
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            guard fd >= 0 else { throw failure("socket") }
            if server {
                var one: Int32 = 1
                _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
                guard bind(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0, listen(fd, 1) == 0 else {
                    close(fd)
                    throw failure("Failed to bind socket on port \(port)")
                }
                return try serve(c, listener: fd, wait: wait, name: "tcp:\(host.isEmpty ? "0.0.0.0" : host):\(port)")
            }
            guard connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 else {
                close(fd)
                throw failure("Failed to connect to '\(host.isEmpty ? "localhost" : host):\(port)'")
            }
            return try relayed(c, listener: -1, client: fd)
        }
    }

    /// A listening socket: wait=on takes its first client before the guest
    /// starts (as QEMU, saying so on stderr); with wait=off the guest starts
    /// at once.
    private static func serve(_ c: ChardevOption, listener: Int32, wait: Bool, name: String) throws -> CharDevice {
        if wait {
            HostConsole.writeAll(fd: STDERR_FILENO, "armature: info: waiting for connection on: \(name),server=on\n")
            var conn: Int32
            repeat { conn = accept(listener, nil, nil) } while conn < 0 && errno == EINTR
            guard conn >= 0 else {
                close(listener)
                throw CLIError("\(c.context): accept: \(String(cString: strerror(errno)))")
            }
            return try relayed(c, listener: listener, client: conn)
        }
        return try relayed(c, listener: listener, client: -1)
    }

    private static func relayed(_ c: ChardevOption, listener: Int32, client: Int32) throws -> CharDevice {
        let relay = try Relay(listener: listener, client: client, context: c.context)
        return CharDevice(option: c, console: HostConsole(outputFD: relay.outputFD, inputFD: relay.inputFD), relay: relay)
    }

    /// Ends the relay after the guest's last output reached the client.
    func finish() {
        relay?.finish()
        relay = nil
    }

    /// Copies the guest's output (a pipe) to the connected client, or drops
    /// it while there is none, and the client's input to the console's input
    /// pipe; a server (`listener` >= 0) accepts the next client when one
    /// leaves. Writes to the client never raise SIGPIPE (MSG_NOSIGNAL).
    final class Relay: @unchecked Sendable {
        /// The console writes here (the pipe's write end) ...
        let outputFD: Int32
        /// ... and reads the client's bytes from here.
        let inputFD: Int32
        private let outRead: Int32
        private let inWrite: Int32
        private let listener: Int32
        private var client: Int32
        private var thread = pthread_t()

        init(listener: Int32, client: Int32, context: String) throws {
            var outPipe: [Int32] = [0, 0]
            var inPipe: [Int32] = [0, 0]
            guard pipe(&outPipe) == 0, pipe(&inPipe) == 0 else {
                throw CLIError("\(context): pipe: \(String(cString: strerror(errno)))")
            }
            for fd in outPipe + inPipe { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            outRead = outPipe[0]
            outputFD = outPipe[1]
            inputFD = inPipe[0]
            inWrite = inPipe[1]
            self.listener = listener
            self.client = client
            let arg = Unmanaged.passRetained(self).toOpaque()
            let rc = pthread_create(&thread, nil, { arg in
                let me = Unmanaged<Relay>.fromOpaque(arg!).takeRetainedValue()
                me.loop()
                return nil
            }, arg)
            guard rc == 0 else {
                Unmanaged<Relay>.fromOpaque(arg).release()
                throw CLIError("\(context): cannot start the socket relay thread")
            }
        }

        private func loop() {
            var buf = [UInt8](repeating: 0, count: 4096)
            while true {
                var fds = [pollfd(fd: outRead, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: client >= 0 ? client : listener, events: Int16(POLLIN), revents: 0)]
                let r = poll(&fds, 2, -1)
                if r < 0 { if errno == EINTR { continue } else { return } }
                if fds[0].revents != 0 {
                    let n = buf.withUnsafeMutableBytes { read(outRead, $0.baseAddress, $0.count) }
                    if n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN) {
                        // The console is closed: the output is all out.
                        if client >= 0 { shutdown(client, Int32(SHUT_WR)); close(client) }
                        close(outRead)
                        close(inWrite)
                        return
                    }
                    if n > 0 && client >= 0 && !sendAll(buf, n) {
                        close(client)
                        client = -1
                    }
                }
                if fds[1].revents != 0 {
                    if client < 0 && listener >= 0 {
                        let c = accept(listener, nil, nil)
                        if c >= 0 { client = c }
                    } else if client >= 0 {
                        let n = buf.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                        if n > 0 {
                            buf.withUnsafeBytes { HostConsole.writeAll(fd: inWrite, UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                        } else if n == 0 || (errno != EINTR && errno != EAGAIN) {
                            close(client)   // back to listening for the next one
                            client = -1
                        }
                    }
                }
            }
        }

        private func sendAll(_ buf: [UInt8], _ count: Int) -> Bool {
            var done = 0
            while done < count {
                let n = buf.withUnsafeBytes { send(client, $0.baseAddress! + done, count - done, Int32(MSG_NOSIGNAL)) }
                if n > 0 { done += n } else if n < 0 && errno == EINTR { continue } else { return false }
            }
            return true
        }

        /// Closes the console's output and waits until the relay has passed
        /// on what was written before.
        func finish() {
            close(outputFD)
            pthread_join(thread, nil)
        }
    }
}
