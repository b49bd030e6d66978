import Glibc

/// Listening sockets and byte I/O shared by the gdb stub and the QMP server.
enum ServerSocket {
    /// Why a socket could not be set up (the caller prefixes its option).
    struct Failure: Error {
        let reason: String
    }

    /// Listens on TCP `host:port` (empty host: every address, IPv4 first as
    /// QEMU's `tcp::PORT`; port 0: one the kernel picks).
    static func listenTCP(host: String, port: UInt16) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host.isEmpty ? nil : host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw Failure(reason: "cannot resolve '\(host)': \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        var candidates: [UnsafeMutablePointer<addrinfo>] = []
        var p: UnsafeMutablePointer<addrinfo>? = first
        while let a = p { candidates.append(a); p = a.pointee.ai_next }
        candidates.sort { ($0.pointee.ai_family == AF_INET ? 0 : 1) < ($1.pointee.ai_family == AF_INET ? 0 : 1) }
        var lastError: Int32 = 0
        for a in candidates {
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd < 0 { lastError = errno; continue }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if bind(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0, Glibc.listen(fd, 1) == 0 { return fd }
            lastError = errno
            close(fd)
        }
        throw Failure(reason: "cannot listen: \(String(cString: strerror(lastError)))")
    }

    /// Listens on the unix socket `path`, replacing a socket an earlier run left.
    static func listenUnix(path: String) throws(Failure) -> Int32 {
        var sa = sockaddr_un()
        sa.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: sa.sun_path)
        guard bytes.count < capacity else { throw Failure(reason: "the path is longer than \(capacity - 1) bytes") }
        withUnsafeMutableBytes(of: &sa.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(reason: "cannot create a socket: \(String(cString: strerror(errno)))") }
        unlink(path)
        let ok = withUnsafePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard ok == 0, Glibc.listen(fd, 1) == 0 else {
            let e = errno
            close(fd)
            throw Failure(reason: "cannot listen: \(String(cString: strerror(e)))")
        }
        return fd
    }

    /// The TCP port a listening socket is bound to.
    static func boundPort(_ fd: Int32) -> UInt16 {
        var sa = sockaddr_in6()
        var len = socklen_t(MemoryLayout<sockaddr_in6>.size)
        _ = withUnsafeMutablePointer(to: &sa) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        return UInt16(bigEndian: sa.sin6_port)   // sin_port and sin6_port share the offset
    }

    /// The next connection (close-on-exec), or nil when the socket is gone.
    static func accept(_ listenFD: Int32) -> Int32? {
        while true {
            let fd = Glibc.accept(listenFD, nil, nil)
            if fd >= 0 {
                _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                return fd
            }
            if errno == EINTR || errno == ECONNABORTED { continue }
            return nil
        }
    }

    /// Writes all of `bytes` (a peer that went away ends the write quietly).
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + off, $0.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return }
            off += n
        }
    }

    /// Waits for input on `fd` (and on `alsoListen` for a second connection),
    /// at most 10 ms when `short`. Returns which became readable; nil when
    /// the wait failed for good.
    static func wait(_ fd: Int32, readable: Bool = true, alsoListen: Int32? = nil, short: Bool)
        -> (data: Bool, listen: Bool)? {
        var pfds = [pollfd(fd: fd, events: readable ? Int16(POLLIN) : 0, revents: 0)]
        if let l = alsoListen { pfds.append(pollfd(fd: l, events: Int16(POLLIN), revents: 0)) }
        let r = poll(&pfds, nfds_t(pfds.count), short ? 10 : -1)
        if r < 0 { return errno == EINTR ? (false, false) : nil }
        return (pfds[0].revents != 0, pfds.count > 1 && pfds[1].revents & Int16(POLLIN) != 0)
    }

    /// Reads what is there into `buffer`: nil at the end of the stream.
    static func receive(_ fd: Int32, into buffer: inout [UInt8]) -> ArraySlice<UInt8>? {
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            return n <= 0 ? nil : buffer[0..<n]
        }
    }

    /// Runs `body` on a new detached thread.
    static func startThread(_ body: @escaping @Sendable () -> Void) {
        final class Box: @unchecked Sendable { let body: @Sendable () -> Void; init(_ b: @escaping @Sendable () -> Void) { body = b } }
        let box = Unmanaged.passRetained(Box(body))
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { arg in
            Unmanaged<Box>.fromOpaque(arg!).takeRetainedValue().body()
            return nil
        }, box.toOpaque())
        if rc == 0 { pthread_detach(thread) } else { box.release() }
    }
}

/// Items passed from a server's reader thread to the CPU thread, under one
/// lock that also guards the server's other shared fields (`withLock`).
final class LockedQueue<Item>: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let ready = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    /// Guarded by the lock: touch only inside `withLock`.
    var items: [Item] = []

    init() {
        pthread_mutex_init(lock, nil)
        pthread_cond_init(ready, nil)
    }

    deinit {
        pthread_mutex_destroy(lock)
        pthread_cond_destroy(ready)
        lock.deallocate()
        ready.deallocate()
    }

    func withLock<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return body()
    }

    /// Rung at each push, when several queues are waited on at once
    /// (`DebugHandlerSet`). Set before the reader thread starts.
    var doorbell: Doorbell?

    /// Appends and wakes a waiting `next()`. Caller holds the lock.
    func pushLocked(_ new: [Item]) {
        items += new
        pthread_cond_signal(ready)
        doorbell?.ring()
    }

    func push(_ item: Item) { withLock { pushLocked([item]) } }

    /// The next item, waiting for one.
    func next() -> Item {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        while items.isEmpty { pthread_cond_wait(ready, lock) }
        return items.removeFirst()
    }

    /// The next item if there is one.
    func take() -> Item? { withLock { items.isEmpty ? nil : items.removeFirst() } }
}

/// A wake-up shared by several `LockedQueue`s: the CPU thread waits on it for
/// input from any of them.
final class Doorbell: @unchecked Sendable {
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let rung = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var count: UInt64 = 0

    init() {
        pthread_mutex_init(lock, nil)
        pthread_cond_init(rung, nil)
    }

    deinit {
        pthread_mutex_destroy(lock)
        pthread_cond_destroy(rung)
        lock.deallocate()
        rung.deallocate()
    }

    /// How often it has rung so far.
    var rings: UInt64 {
        pthread_mutex_lock(lock)
        defer { pthread_mutex_unlock(lock) }
        return count
    }

    func ring() {
        pthread_mutex_lock(lock)
        count &+= 1
        pthread_cond_broadcast(rung)
        pthread_mutex_unlock(lock)
    }

    /// Waits until it has rung more than `seen` times.
    func wait(after seen: UInt64) {
        pthread_mutex_lock(lock)
        while count == seen { pthread_cond_wait(rung, lock) }
        pthread_mutex_unlock(lock)
    }
}
