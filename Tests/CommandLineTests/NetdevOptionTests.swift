import XCTest
import Options

/// -netdev user and -nic user as QEMU 7.2 reads them, with its error messages.
final class NetdevOptionTests: XCTestCase {
    func error(_ f: () throws -> NetdevOption) -> String {
        do {
            _ = try f()
            return "no error"
        } catch {
            return "\(error)"
        }
    }

    func testForwards() throws {
        let n = try NetdevOption.parseNic("user,hostfwd=tcp::5555-:22,hostfwd=udp:127.0.0.1:5556-10.0.2.15:53", index: 0)
        XCTAssertEqual(n.id, "__nic0")
        XCTAssertEqual(n.forwards, [
            .init(udp: false, hostAddress: nil, hostPort: 5555, guestAddress: nil, guestPort: 22),
            .init(udp: true, hostAddress: "127.0.0.1", hostPort: 5556, guestAddress: "10.0.2.15", guestPort: 53)])
        let d = try NetdevOption.parseNetdev("user,id=n0")
        XCTAssertEqual(d.id, "n0")
        XCTAssertEqual(try NetdevOption.parseNic("user,mac=52:54:00:aa:bb:cc", index: 1).mac, [0x52, 0x54, 0, 0xaa, 0xbb, 0xcc])
    }

    func testQEMUsErrors() {
        XCTAssertEqual(error { try NetdevOption.parseNic("user,hostfwd=bogus", index: 0) },
                       "-nic user,hostfwd=bogus: Invalid host forwarding rule 'bogus' (No : separators)")
        XCTAssertEqual(error { try NetdevOption.parseNic("user,foo=1", index: 0) }, "-nic user,foo=1: Invalid parameter 'foo'")
        XCTAssertEqual(error { try NetdevOption.parseNetdev("user") }, "-netdev user: Parameter 'id' is missing")
        XCTAssertEqual(error { try NetdevOption.parseNetdev("user,id=n,hostfwd=tcp::70000-:22") },
                       "-netdev user,id=n,hostfwd=tcp::70000-:22: Invalid host forwarding rule 'tcp::70000-:22' (Bad host port)")
        XCTAssertEqual(error { try NetdevOption.parseNic("bogus", index: 0) }, "-nic bogus: Parameter 'type' does not accept value 'bogus'")
        XCTAssertTrue(error { try NetdevOption.parseNic("tap", index: 0) }.contains("not supported"))
        XCTAssertEqual(error { try NetdevOption.parseNic("user,mac=zz", index: 0) }, "-nic user,mac=zz: Property 'mac' doesn't take value 'zz'")
    }
}
