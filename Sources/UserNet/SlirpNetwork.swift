import CSlirp
import Glibc

/// A port forwarded from the host to the guest (`hostfwd=tcp:ADDR:PORT-GADDR:GPORT`).
public struct HostForward: Sendable, Equatable {
    public var udp: Bool
    /// The host address to listen on (nil: every address, as QEMU).
    public var hostAddress: String?
    public var hostPort: UInt16
    /// The guest address (nil: the first DHCP address, 10.0.2.15).
    public var guestAddress: String?
    public var guestPort: UInt16

    public init(udp: Bool = false, hostAddress: String? = nil, hostPort: UInt16, guestAddress: String? = nil, guestPort: UInt16) {
        self.udp = udp
        self.hostAddress = hostAddress
        self.hostPort = hostPort
        self.guestAddress = guestAddress
        self.guestPort = guestPort
    }
}

public struct SlirpError: Error, CustomStringConvertible {
    public let description: String
}

/// User-mode networking through libslirp, QEMU's `-netdev user` with QEMU's
/// addresses: network 10.0.2.0/24, the host (gateway) 10.0.2.2, DNS 10.0.2.3,
/// DHCP from 10.0.2.15.
///
/// libslirp is single-threaded: one thread of this class owns it, polls its
/// sockets and timers, and takes the guest's frames queued by `send` (from any
/// thread). Frames for the guest go to `receive`, called on that thread.
public final class SlirpNetwork: @unchecked Sendable {
    public static let network = "10.0.2.0", netmask = "255.255.255.0", host = "10.0.2.2"
    public static let dns = "10.0.2.3", dhcpStart = "10.0.2.15"

    private var slirp: OpaquePointer?
    private let receive: @Sendable ([UInt8]) -> Void
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var outgoing: [[UInt8]] = []  // guarded by mutex
    private var stopping = false  // guarded by mutex
    private var wakeRead: Int32 = -1, wakeWrite: Int32 = -1
    private var thread: pthread_t?
    /// slirp's timers (slirp thread only).
    fileprivate var timers: [SlirpTimer] = []
    /// The descriptors of one poll round (slirp thread only).
    fileprivate var pollfds: [pollfd] = []
    /// slirp keeps a pointer to its callbacks: they live as long as the object.
    private let callbacks = UnsafeMutablePointer<SlirpCb>.allocate(capacity: 1)

    /// `receive` gets every Ethernet frame slirp sends to the guest.
    public init(forwards: [HostForward] = [], receive: @escaping @Sendable ([UInt8]) -> Void) throws {
        self.receive = receive
        pthread_mutex_init(mutex, nil)
        callbacks.initialize(to: SlirpCb())
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw SlirpError(description: "cannot make a pipe") }
        wakeRead = fds[0]
        wakeWrite = fds[1]
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }

        var cfg = SlirpConfig()
        cfg.version = 1
        cfg.restricted = 0
        cfg.in_enabled = true
        cfg.vnetwork = Self.address(Self.network)
        cfg.vnetmask = Self.address(Self.netmask)
        cfg.vhost = Self.address(Self.host)
        cfg.in6_enabled = false
        cfg.vdhcp_start = Self.address(Self.dhcpStart)
        cfg.vnameserver = Self.address(Self.dns)
        cfg.if_mtu = 0
        cfg.if_mru = 0
        callbacks.pointee.send_packet = { buf, len, opaque in
            let me = Unmanaged<SlirpNetwork>.fromOpaque(opaque!).takeUnretainedValue()
            me.receive(Array(UnsafeRawBufferPointer(start: buf, count: len)))
            return len
        }
        callbacks.pointee.guest_error = { _, _ in }
        callbacks.pointee.clock_get_ns = { _ in SlirpNetwork.nowNs() }
        callbacks.pointee.timer_new = { cb, cbOpaque, opaque in
            let me = Unmanaged<SlirpNetwork>.fromOpaque(opaque!).takeUnretainedValue()
            let t = SlirpTimer(callback: cb, opaque: cbOpaque)
            me.timers.append(t)
            return Unmanaged.passUnretained(t).toOpaque()
        }
        callbacks.pointee.timer_free = { timer, opaque in
            let me = Unmanaged<SlirpNetwork>.fromOpaque(opaque!).takeUnretainedValue()
            me.timers.removeAll { Unmanaged.passUnretained($0).toOpaque() == timer }
        }
        callbacks.pointee.timer_mod = { timer, expireMs, _ in
            // expire_time is in milliseconds of clock_get_ns's clock.
            Unmanaged<SlirpTimer>.fromOpaque(timer!).takeUnretainedValue().expiresNs = expireMs * 1_000_000
        }
        callbacks.pointee.register_poll_fd = { _, _ in }
        callbacks.pointee.unregister_poll_fd = { _, _ in }
        callbacks.pointee.notify = { opaque in
            Unmanaged<SlirpNetwork>.fromOpaque(opaque!).takeUnretainedValue().wake()
        }
        let me = Unmanaged.passUnretained(self).toOpaque()
        guard let s = slirp_new(&cfg, callbacks, me) else {
            throw SlirpError(description: "libslirp could not start")
        }
        slirp = s
        for f in forwards {
            let host = f.hostAddress.map { Self.address($0) } ?? in_addr(s_addr: 0)
            let guest = Self.address(f.guestAddress ?? Self.dhcpStart)
            if slirp_add_hostfwd(s, f.udp ? 1 : 0, host, Int32(f.hostPort), guest, Int32(f.guestPort)) < 0 {
                slirp_cleanup(s)
                slirp = nil
                throw SlirpError(description: "could not set up host forwarding rule '\(f.udp ? "udp" : "tcp"):\(f.hostAddress ?? ""):\(f.hostPort)-\(f.guestAddress ?? ""):\(f.guestPort)'")
            }
        }
        start()
    }

    deinit {
        stop()
        if let slirp { slirp_cleanup(slirp) }
        close(wakeRead)
        close(wakeWrite)
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        callbacks.deallocate()
    }

    /// Queues one Ethernet frame from the guest. Any thread.
    public func send(_ frame: [UInt8]) {
        pthread_mutex_lock(mutex)
        outgoing.append(frame)
        pthread_mutex_unlock(mutex)
        wake()
    }

    /// Stops the thread (the stack is freed with the object).
    public func stop() {
        pthread_mutex_lock(mutex)
        stopping = true
        let t = thread
        thread = nil
        pthread_mutex_unlock(mutex)
        wake()
        if let t { pthread_join(t, nil) }
    }

    static func address(_ s: String) -> in_addr {
        var a = in_addr()
        inet_pton(AF_INET, s, &a)
        return a
    }

    static func nowNs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    private func wake() {
        var b: UInt8 = 1
        _ = write(wakeWrite, &b, 1)
    }

    private func start() {
        var tid = pthread_t()
        let me = Unmanaged.passUnretained(self).toOpaque()
        if pthread_create(&tid, nil, { arg in
            Unmanaged<SlirpNetwork>.fromOpaque(arg!).takeUnretainedValue().loop()
            return nil
        }, me) == 0 {
            thread = tid
        }
    }

    private func loop() {
        guard let slirp else { return }
        let me = Unmanaged.passUnretained(self).toOpaque()
        while true {
            pthread_mutex_lock(mutex)
            let frames = outgoing
            outgoing.removeAll()
            let stop = stopping
            pthread_mutex_unlock(mutex)
            if stop { return }
            for f in frames {
                f.withUnsafeBufferPointer { slirp_input(slirp, $0.baseAddress, Int32($0.count)) }
            }
            var timeout: UInt32 = 1000
            pollfds = [pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            slirp_pollfds_fill(slirp, &timeout, { fd, events, opaque in
                let me = Unmanaged<SlirpNetwork>.fromOpaque(opaque!).takeUnretainedValue()
                var e: Int16 = 0
                if events & Int32(SLIRP_POLL_IN) != 0 { e |= Int16(POLLIN) }
                if events & Int32(SLIRP_POLL_OUT) != 0 { e |= Int16(POLLOUT) }
                if events & Int32(SLIRP_POLL_PRI) != 0 { e |= Int16(POLLPRI) }
                me.pollfds.append(pollfd(fd: fd, events: e, revents: 0))
                return Int32(me.pollfds.count - 1)
            }, me)
            let now = SlirpNetwork.nowNs()
            for t in timers where t.expiresNs >= 0 {
                timeout = min(timeout, UInt32(max(0, (t.expiresNs - now) / 1_000_000)))
            }
            let r = poll(&pollfds, nfds_t(pollfds.count), Int32(timeout))
            if pollfds[0].revents != 0 {
                var buf = [UInt8](repeating: 0, count: 64)
                while read(wakeRead, &buf, buf.count) > 0 {}
            }
            slirp_pollfds_poll(slirp, r < 0 ? 1 : 0, { idx, opaque in
                let me = Unmanaged<SlirpNetwork>.fromOpaque(opaque!).takeUnretainedValue()
                let re = me.pollfds[Int(idx)].revents
                var e: Int32 = 0
                if re & Int16(POLLIN) != 0 { e |= Int32(SLIRP_POLL_IN) }
                if re & Int16(POLLOUT) != 0 { e |= Int32(SLIRP_POLL_OUT) }
                if re & Int16(POLLPRI) != 0 { e |= Int32(SLIRP_POLL_PRI) }
                if re & Int16(POLLERR) != 0 { e |= Int32(SLIRP_POLL_ERR) }
                if re & Int16(POLLHUP) != 0 { e |= Int32(SLIRP_POLL_HUP) }
                return e
            }, me)
            let after = SlirpNetwork.nowNs()
            for t in timers where t.expiresNs >= 0 && t.expiresNs <= after {
                t.expiresNs = -1
                t.callback?(t.opaque)
            }
        }
    }
}

/// One of slirp's timers: its callback and when it fires (-1: not armed).
final class SlirpTimer {
    let callback: SlirpTimerCb?
    let opaque: UnsafeMutableRawPointer?
    var expiresNs: Int64 = -1

    init(callback: SlirpTimerCb?, opaque: UnsafeMutableRawPointer?) {
        self.callback = callback
        self.opaque = opaque
    }
}
