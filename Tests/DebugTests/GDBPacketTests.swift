import XCTest
@testable import Debug

/// Framing, checksums, escaping and hex of the GDB Remote Serial Protocol,
/// and the -gdb device syntax.
final class GDBPacketTests: XCTestCase {
    func testChecksum() {
        XCTAssertEqual(GDBPacket.checksum(Array("OK".utf8)), 0x9A)
        XCTAssertEqual(GDBPacket.checksum([]), 0)
        XCTAssertEqual(GDBPacket.checksum([0xFF, 0x02]), 0x01, "modulo 256")
        XCTAssertEqual(GDBPacket.checksum(Array("qSupported".utf8)), 0x37)
    }

    func testEncode() {
        XCTAssertEqual(String(decoding: GDBPacket.encode("OK"), as: UTF8.self), "$OK#9a")
        XCTAssertEqual(String(decoding: GDBPacket.encode(""), as: UTF8.self), "$#00")
        XCTAssertEqual(String(decoding: GDBPacket.encode("T05thread:1;"), as: UTF8.self), "$T05thread:1;#" +
                       GDBPacket.hexByte(GDBPacket.checksum(Array("T05thread:1;".utf8))))
        // $ # } * are escaped as } and the byte XOR 0x20; the checksum covers the escaped body.
        let body = Array("}\u{04}}\u{03}}]}\nA".utf8)
        XCTAssertEqual(GDBPacket.encode([0x24, 0x23, 0x7D, 0x2A, 0x41]),
                       [0x24] + body + [0x23] + Array(GDBPacket.hexByte(GDBPacket.checksum(body)).utf8))
    }

    func testEscapeRoundTrip() {
        let all = (0...255).map { UInt8($0) }
        XCTAssertEqual(GDBPacket.unescape(GDBPacket.escape(all)), all)
        XCTAssertFalse(GDBPacket.escape(all).contains(0x23))
        XCTAssertFalse(GDBPacket.escape(all).contains(0x24))
    }

    func testRunLengthDecoding() {
        // "0* " = '0' then ' ' - 29 = 3 more: "0000".
        XCTAssertEqual(String(decoding: GDBPacket.unescape(Array("0* ".utf8)), as: UTF8.self), "0000")
        XCTAssertEqual(String(decoding: GDBPacket.unescape(Array("ab*\"c".utf8)), as: UTF8.self), "abbbbbbc")
    }

    func testHex() {
        XCTAssertEqual(GDBPacket.hex([0x00, 0xAB, 0x7F]), "00ab7f")
        XCTAssertEqual(GDBPacket.bytes(fromHex: "00AB7f"), [0x00, 0xAB, 0x7F])
        XCTAssertNil(GDBPacket.bytes(fromHex: "abc"), "odd count")
        XCTAssertNil(GDBPacket.bytes(fromHex: "zz"))
        XCTAssertEqual(GDBPacket.number("40080000"), 0x4008_0000)
        XCTAssertNil(GDBPacket.number(""))
        XCTAssertNil(GDBPacket.number("12345678901234567"), "more than 64 bits")
        XCTAssertEqual(GDBPacket.littleEndianHex(0x4008_0000, bytes: 8), "0000084000000000")
        XCTAssertEqual(GDBPacket.littleEndianHex(0x6000_03C5, bytes: 4), "c5030060")
        XCTAssertEqual(GDBPacket.littleEndianValue([0xC5, 0x03, 0x00, 0x60]), 0x6000_03C5)
    }

    func testParser() {
        var p = GDBPacketParser()
        XCTAssertEqual(p.feed(Array("+$OK#9a".utf8)), [.ack, .packet(Array("OK".utf8), checksumOK: true)])
        // A packet in pieces, then Ctrl-C and a nack.
        XCTAssertEqual(p.feed(Array("$qSupp".utf8)), [])
        XCTAssertEqual(p.feed(Array("orted#3".utf8)), [])
        XCTAssertEqual(p.feed(Array("7".utf8) + [0x03] + Array("-".utf8)),
                       [.packet(Array("qSupported".utf8), checksumOK: true), .interrupt, .nack])
        // A bad checksum is reported as such.
        XCTAssertEqual(p.feed(Array("$OK#00".utf8)), [.packet(Array("OK".utf8), checksumOK: false)])
        // Escaped binary data (X) comes out unescaped; 0x03 inside a packet is data.
        let body: [UInt8] = Array("X40,3:".utf8) + [0x7D, 0x5D, 0x03, 0x7D, 0x04]
        let framed = [0x24] + body + [0x23] + Array(GDBPacket.hexByte(GDBPacket.checksum(body)).utf8)
        XCTAssertEqual(p.feed(framed), [.packet(Array("X40,3:".utf8) + [0x7D, 0x03, 0x24], checksumOK: true)])
        // Noise between packets is ignored; a '$' inside a packet restarts it.
        XCTAssertEqual(p.feed(Array("xx$abc$OK#9a".utf8)), [.packet(Array("OK".utf8), checksumOK: true)])
    }

    func testAddress() throws {
        XCTAssertEqual(try GDBAddress.parse("tcp::1234"), GDBAddress(host: "", port: 1234))
        XCTAssertEqual(try GDBAddress.parse("tcp:localhost:5555"), GDBAddress(host: "localhost", port: 5555))
        XCTAssertEqual(try GDBAddress.parse("tcp:[::1]:5555"), GDBAddress(host: "::1", port: 5555))
        XCTAssertEqual(try GDBAddress.parse("tcp::1234,server=on,wait=off"), GDBAddress(host: "", port: 1234))
        XCTAssertEqual(try GDBAddress.parse("4321"), GDBAddress(host: "", port: 4321))
        XCTAssertNil(try GDBAddress.parse("none"))
        XCTAssertThrowsError(try GDBAddress.parse("unix:/tmp/sock")) {
            XCTAssertTrue("\($0)".hasPrefix("-gdb unix:/tmp/sock: "))
        }
        XCTAssertThrowsError(try GDBAddress.parse("tcp::0"))
        XCTAssertThrowsError(try GDBAddress.parse("tcp::70000"))
        XCTAssertThrowsError(try GDBAddress.parse("tcp:1234"))
        XCTAssertThrowsError(try GDBAddress.parse("tcp::1234,telnet=on"))
    }
}
