import Foundation
import XCTest
import Machine
import Engine
import Board
@testable import Debug
import TestRandom

/// The gdb stub reads whatever a client sends: the packets of
/// Tests/Corpus/gdb/packets.txt (register numbers past 2^63, lengths and
/// addresses that overflow, truncated fields) and random mutations of them are
/// answered, never trapped on; the framing parser takes random byte streams.
/// Counts: `ARMATURE_INPUT_FUZZ=N` per test, `ARMATURE_INPUT_FUZZ_SLOW=1` for 1,000,000.
final class GDBFuzzTests: XCTestCase {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Corpus/gdb/packets.txt")

    /// The corpus lines as bytes (`\xNN` decoded).
    static func packets() throws -> [[UInt8]] {
        let text = try String(contentsOf: corpus, encoding: .utf8)
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map { line in
            var out: [UInt8] = []
            let u = Array(line.utf8)
            var i = 0
            while i < u.count {
                if u[i] == UInt8(ascii: "\\"), i + 3 < u.count, u[i + 1] == UInt8(ascii: "x"),
                   let v = UInt8(String(decoding: u[(i + 2)...(i + 3)], as: UTF8.self), radix: 16) {
                    out.append(v)
                    i += 4
                } else {
                    out.append(u[i])
                    i += 1
                }
            }
            return out
        }
    }

    func session() throws -> (VirtMachine, GDBSession) {
        let vm = try DebugProgram.machine()
        let control = DebugControl(system: vm.system)
        return (vm, GDBSession(cpu: vm.cpu, control: control))
    }

    func testCorpus() throws {
        let packets = try GDBFuzzTests.packets()
        XCTAssertGreaterThanOrEqual(packets.count, 84)
        let (_, s) = try session()
        for p in packets {
            let out = s.handle(p)
            for r in out.replies { XCTAssertLessThanOrEqual(r.count, 4 << 20) }
        }
        print("fuzz gdb packet corpus: \(packets.count) cases")
    }

    /// The packets that trapped: a register number of 2^63 or more.
    func testHugeRegisterNumbers() throws {
        let (_, s) = try session()
        let past = String(GDBRegisters.all.count, radix: 16)   // the first number past the last register
        for p in ["p8000000000000000", "pffffffffffffffff", "P8000000000000000=00", "Pffffffffffffffff=0000000000000000",
                  "p" + past, "P\(past)=00"] {
            XCTAssertEqual(s.handle(Array(p.utf8)).replies, ["E01"], p)
        }
        XCTAssertEqual(s.handle(Array("Z2,fffffffffffffff8,10".utf8)).replies, ["E16"], "a watched range past 2^64")
    }

    func testBreakpointCountIsBounded() throws {
        let (_, s) = try session()
        for i in 0..<GDBSession.maxBreakpoints {
            XCTAssertEqual(s.handle(Array("Z0,\(String(0x4000_0000 + 4 * i, radix: 16)),4".utf8)).replies, ["OK"])
        }
        XCTAssertEqual(s.handle(Array("Z0,10,4".utf8)).replies, ["E1c"])
        XCTAssertEqual(s.handle(Array("Z0,40000000,4".utf8)).replies, ["OK"], "setting one again is fine")
    }

    /// Run-length encoding cannot make a packet grow past the body limit.
    func testRunLengthIsBounded() {
        var body: [UInt8] = [UInt8(ascii: "m")]
        for _ in 0..<10_000 { body += [UInt8(ascii: "0"), UInt8(ascii: "*"), 0xFF] }
        XCTAssertEqual(GDBPacket.unescape(body, limit: 4096).count, 4096)
        var parser = GDBPacketParser()
        parser.maxBody = 1000
        let framed = [0x24] + Array(body.prefix(900)) + [0x23, 0x30, 0x30]
        for case .packet(let p, _) in parser.feed(framed) { XCTAssertLessThanOrEqual(p.count, 1000) }
    }

    func testFuzzPackets() throws {
        let packets = try GDBFuzzTests.packets()
        let (_, s) = try session()
        var rng = SplitMix64(seed: 0x6DB)
        func next() -> UInt64 { rng.next() }
        let n = inputFuzzIterations(quick: 20000)
        let alphabet = Array("0123456789abcdefABCDEF,:;=-+*}$#xXpPmMgGzZcsqvQHT?".utf8)
        var parser = GDBPacketParser()
        for _ in 0..<n {
            var p = packets[Int(next() % UInt64(packets.count))]
            for _ in 0...(next() % 4) {
                let r = next()
                switch r % 5 {
                case 0 where !p.isEmpty: p[Int(r >> 8) % p.count] = alphabet[Int(r >> 32) % alphabet.count]
                case 1 where !p.isEmpty: p.insert(alphabet[Int(r >> 32) % alphabet.count], at: Int(r >> 8) % (p.count + 1))
                case 2 where !p.isEmpty: p.removeLast(Int(r >> 8) % (p.count + 1))
                case 3: p += Array(String(next() >> (r % 64), radix: 16).utf8)
                default: p.append(UInt8(truncatingIfNeeded: r >> 16))
                }
            }
            let out = s.handle(p)
            for r in out.replies { XCTAssertLessThanOrEqual(r.count, 4 << 20) }
            _ = parser.feed([0x24] + p + [0x23] + Array(String(next() & 0xFF, radix: 16).utf8))
        }
        print("fuzz gdb packets: \(n) cases")
    }
}
