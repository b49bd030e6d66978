import Foundation
import XCTest
import Engine
import Board
import Options
import Debug
@testable import armature
import TestRandom

/// Option strings come from the user: random mutations of valid values of
/// -M, -cpu, -m, -smp, -accel, -serial, -semihosting-config, -d, -dfilter and
/// -gdb either parse or throw a one-line error, never trap. Counts:
/// `ARMATURE_INPUT_FUZZ=N`, or 1,000,000 with `ARMATURE_INPUT_FUZZ_SLOW=1`.
final class OptionFuzzTests: XCTestCase {
    static let seeds: [(String, @Sendable (String) throws -> Void)] = [
        ("virt,secure=on,virtualization=on,gic-version=3,mec=on,highmem=off", { var o = VirtOptions(); _ = try QEMUOptions.applyMachine($0, to: &o) }),
        ("virt-7.2,accel=tcg", { var o = VirtOptions(); _ = try QEMUOptions.applyMachine($0, to: &o) }),
        ("max,x-rme=on", { var o = VirtOptions(); try QEMUOptions.applyCPU($0, to: &o) }),
        ("size=1.5G", { var o = VirtOptions(); try QEMUOptions.applyMemory($0, to: &o) }),
        ("65536K", { var o = VirtOptions(); try QEMUOptions.applyMemory($0, to: &o) }),
        ("1,sockets=1,cores=1,threads=1", { var o = VirtOptions(); try QEMUOptions.applySMP($0, to: &o) }),
        ("tcg,thread=single", { _ = try QEMUOptions.parseAccel($0) }),
        ("mon:stdio", { _ = try SerialOption.parse($0) }),
        ("chardev:console", { _ = try SerialOption.parse($0) }),
        ("socket,id=s0,host=127.0.0.1,port=4444,server=on,wait=off", { _ = try ChardevOption.parse($0) }),
        ("file,id=f.1,path=/tmp/out,mux=on", { _ = try ChardevOption.parse($0) }),
        ("enable=on,target=native,chardev=serial0,arg=a b,root=.,system=off", { _ = try QEMUOptions.parseSemihostingConfig($0) }),
        ("in_asm,exec,cpu,int,mmu,guest_errors,nochain", { _ = try LogSelection(logValues: [$0]) }),
        ("0x40080000..0x40090000,0x1000+0x100,0x2000-0x10", { _ = try LogSelection(logValues: ["in_asm"], filterValues: [$0]) }),
        ("tcp:localhost:1234,server,nowait", { _ = try GDBAddress.parse($0) }),
    ]

    func testFuzzOptionStrings() {
        let n = inputFuzzIterations(quick: 20000)
        var rng = SplitMix64(seed: 0x0F7)
        func next() -> UInt64 { rng.next() }
        let pieces = [",", "=", ".", "..", "+", "-", ":", "0", "9", "x", "0x", "G", "T", "K", "e", "on", "off", " ", "",
                      "99999999999999999999", "18446744073709551615", "9223372036854775808", "-1", "1e308", "nan",
                      "é", "\u{0}", "\u{FFFF}", "virt-", "size=", "arg=", "root=", "/", "help", "?", "[", "]"]
        var accepted = 0
        for _ in 0..<n {
            let (seed, parse) = OptionFuzzTests.seeds[Int(next() % UInt64(OptionFuzzTests.seeds.count))]
            var s = Array(seed)
            for _ in 0...(next() % 4) {
                let r = next()
                let piece = Array(pieces[Int(r >> 8) % pieces.count])
                let at = s.isEmpty ? 0 : Int(r >> 32) % (s.count + 1)
                switch r % 3 {
                case 0: s.insert(contentsOf: piece, at: at)
                case 1 where !s.isEmpty: s.replaceSubrange(at..<min(s.count, at + 1 + Int(r >> 40) % 4), with: piece)
                default: if !s.isEmpty { s.removeSubrange(at..<min(s.count, at + Int(r >> 40) % 6)) }
                }
            }
            do {
                try parse(String(s))
                accepted += 1
            } catch let e as OptionError {
                XCTAssertFalse(e.description.contains("\n"), e.description)
            } catch let e as GDBAddress.ParseError {
                XCTAssertFalse(e.description.contains("\n"), e.description)
            } catch {
                XCTFail("\(String(s)): not a one-line option error: \(error)")
            }
        }
        print("fuzz option strings (\(accepted) accepted): \(n) cases")
    }
}
