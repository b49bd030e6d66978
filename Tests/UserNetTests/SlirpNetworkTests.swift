import Glibc
import XCTest
@testable import UserNet

/// libslirp behind `SlirpNetwork`: its DHCP server answers a guest, and a
/// forwarded host port reaches the guest.
final class SlirpNetworkTests: XCTestCase {
    static let mac: [UInt8] = [0x52, 0x54, 0x00, 0x12, 0x34, 0x56]

    /// The frames slirp sent, collected across threads.
    final class Inbox: @unchecked Sendable {
        private var frames: [[UInt8]] = []
        private let lock = NSLock()
        func add(_ f: [UInt8]) { lock.lock(); frames.append(f); lock.unlock() }
        func wait(_ seconds: Double, _ match: ([UInt8]) -> Bool) -> [UInt8]? {
            let end = Date().addingTimeInterval(seconds)
            while Date() < end {
                lock.lock()
                let found = frames.first(where: match)
                lock.unlock()
                if let found { return found }
                usleep(10_000)
            }
            return nil
        }
    }

    static func checksum(_ b: ArraySlice<UInt8>) -> UInt16 {
        var sum: UInt32 = 0
        var i = b.startIndex
        while i < b.endIndex {
            sum += UInt32(b[i]) << 8 | (i + 1 < b.endIndex ? UInt32(b[i + 1]) : 0)
            i += 2
        }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    /// An Ethernet + IPv4 + UDP frame from 0.0.0.0:68 to 255.255.255.255:67
    /// holding a DHCPDISCOVER.
    static func dhcpDiscover() -> [UInt8] {
        var bootp = [UInt8](repeating: 0, count: 240)
        bootp[0] = 1; bootp[1] = 1; bootp[2] = 6
        bootp[4] = 0x12; bootp[5] = 0x34; bootp[6] = 0x56; bootp[7] = 0x78  // xid
        bootp.replaceSubrange(28..<34, with: mac)
        bootp.replaceSubrange(236..<240, with: [99, 130, 83, 99])
        bootp += [53, 1, 1, 255]
        let udpLength = 8 + bootp.count
        let udp: [UInt8] = [0, 68, 0, 67, UInt8(udpLength >> 8), UInt8(udpLength & 0xff), 0, 0] + bootp
        let total = 20 + udp.count
        var ip: [UInt8] = [0x45, 0, UInt8(total >> 8), UInt8(total & 0xff), 0, 1, 0, 0, 64, 17, 0, 0,
                           0, 0, 0, 0, 255, 255, 255, 255]
        let c = checksum(ip[...])
        ip[10] = UInt8(c >> 8); ip[11] = UInt8(c & 0xff)
        return [0xff, 0xff, 0xff, 0xff, 0xff, 0xff] + mac + [0x08, 0x00] + ip + udp
    }

    func testDHCPOfferFromQEMUsAddresses() throws {
        let inbox = Inbox()
        let net = try SlirpNetwork { inbox.add($0) }
        defer { net.stop() }
        net.send(Self.dhcpDiscover())
        // An IPv4 UDP frame from port 67 carrying BOOTREPLY with yiaddr 10.0.2.15.
        let offer = inbox.wait(5) { f in
            f.count > 282 && f[12] == 8 && f[13] == 0 && f[23] == 17 && f[34] == 0 && f[35] == 67 && f[42] == 2
        }
        let o = try XCTUnwrap(offer, "no DHCP offer")
        XCTAssertTrue([Self.mac, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]].contains(Array(o[0..<6])), "to the guest")
        XCTAssertEqual(Array(o[42 + 16..<42 + 20]), [10, 0, 2, 15], "yiaddr")
        XCTAssertEqual(Array(o[26..<30]), [10, 0, 2, 2], "from the gateway")
        XCTAssertEqual(Array(o[42 + 4..<42 + 8]), [0x12, 0x34, 0x56, 0x78], "xid")
        // Option 53 (message type) = 2, DHCPOFFER.
        var i = 42 + 240
        var type: UInt8?
        while i + 1 < o.count, o[i] != 255 {
            if o[i] == 0 { i += 1; continue }
            if o[i] == 53 { type = o[i + 2] }
            i += 2 + Int(o[i + 1])
        }
        XCTAssertEqual(type, 2)
    }

    func testAForwardedHostPortReachesTheGuest() throws {
        let inbox = Inbox()
        // A free port: bind to 0 and read it back.
        let probe = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr = SlirpNetwork.address("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(probe, $0, len) } }
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(probe, $0, &len) } }
        let port = UInt16(bigEndian: a.sin_port)
        close(probe)
        let net = try SlirpNetwork(forwards: [HostForward(hostAddress: "127.0.0.1", hostPort: port, guestPort: 8080)]) { inbox.add($0) }
        defer { net.stop() }
        net.send(Self.dhcpDiscover())  // slirp learns the guest's MAC
        XCTAssertNotNil(inbox.wait(5) { $0.count > 42 && $0[35] == 67 })
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        defer { close(s) }
        var to = sockaddr_in()
        to.sin_family = sa_family_t(AF_INET)
        to.sin_port = port.bigEndian
        to.sin_addr = SlirpNetwork.address("127.0.0.1")
        _ = withUnsafeMutablePointer(to: &to) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        // The guest gets a TCP SYN to port 8080 (or first an ARP request for 10.0.2.15).
        let f = inbox.wait(5) { f in
            (f.count >= 54 && f[12] == 8 && f[13] == 0 && f[23] == 6 && f[36] == 0x1f && f[37] == 0x90)
                || (f.count >= 42 && f[12] == 8 && f[13] == 6 && Array(f[38..<42]) == [10, 0, 2, 15])
        }
        XCTAssertNotNil(f, "nothing for the guest's port 8080")
    }

    func testABusyHostPortIsAnError() throws {
        let busy = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(busy) }
        var a = sockaddr_in()
        a.sin_family = sa_family_t(AF_INET)
        a.sin_addr = SlirpNetwork.address("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(busy, $0, len) } }
        listen(busy, 1)
        _ = withUnsafeMutablePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(busy, $0, &len) } }
        let port = UInt16(bigEndian: a.sin_port)
        XCTAssertThrowsError(try SlirpNetwork(forwards: [HostForward(hostAddress: "127.0.0.1", hostPort: port, guestPort: 22)]) { _ in })
    }
}
