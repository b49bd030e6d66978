import Foundation
import Glibc
import XCTest
import Machine
import Devices
import TestRandom
@testable import Board

final class SemihostingTests: XCTestCase {
    var memory: AddressSpace!
    var system: System!
    var cpu: CPU!
    var tc: TestConsole!
    var errPipe: Pipe!
    var sh: ArmSemihosting!
    var warnings: [String] = []

    let block: UInt64 = 0x4000_1000
    let buffer: UInt64 = 0x4000_2000

    override func setUpWithError() throws {
        memory = AddressSpace()
        try memory.addRAM(name: "ram", base: 0x4000_0000, size: 0x0100_0000)
        system = System(memory: memory)
        cpu = system.addCPU(config: CPUConfig())
        tc = TestConsole()
        errPipe = Pipe()
        sh = ArmSemihosting(system: system, console: tc.console, errorFD: errPipe.writeFD)
        system.semihosting = sh
        warnings = []
        sh.warn = { [unowned self] in self.warnings.append($0) }
    }

    @discardableResult
    func call(_ op: UInt32, _ arg: UInt64) -> UInt64 {
        cpu.setX(0, UInt64(op) | 0xFFFF_FFFF_0000_0000)   // only W0 counts
        cpu.setX(1, arg)
        return system.semihosting!.semihostingCall(cpu: cpu)
    }

    func put(_ addr: UInt64, words: [UInt64]) {
        var bytes: [UInt8] = []
        for w in words { for i in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: w >> (8 * UInt64(i)))) } }
        XCTAssertTrue(cpu.writeVirtual(addr, bytes: bytes))
    }

    func put(_ addr: UInt64, string: String) {
        XCTAssertTrue(cpu.writeVirtual(addr, bytes: Array(string.utf8) + [0]))
    }

    func words(_ addr: UInt64, _ n: Int) -> [UInt64] {
        let b = cpu.readVirtual(addr, count: 8 * n)!
        return (0..<n).map { i in (0..<8).reduce(UInt64(0)) { $0 | UInt64(b[8 * i + $1]) << (8 * UInt64($1)) } }
    }

    /// Opens ":tt" (or another name) with `mode`; returns the handle.
    func open(_ name: String, mode: UInt64) -> UInt64 {
        put(buffer + 0x800, string: name)
        put(block, words: [buffer + 0x800, mode, UInt64(name.utf8.count)])
        return call(ArmSemihosting.Op.open, block)
    }

    // MARK: Output

    func testWriteC() {
        put(buffer, string: "Q")
        XCTAssertEqual(call(ArmSemihosting.Op.writec, buffer), ArmSemihosting.noResult)
        XCTAssertEqual(tc.output.drainString(), "Q")
    }

    func testWrite0() {
        put(buffer, string: "hello, world\n")
        call(ArmSemihosting.Op.write0, buffer)
        XCTAssertEqual(tc.output.drainString(), "hello, world\n")
    }

    func testWrite0AcrossPages() {
        let s = String(repeating: "abcdefgh", count: 1100)   // 8800 bytes: spans three pages
        put(0x4000_3FF0, string: s)
        call(ArmSemihosting.Op.write0, 0x4000_3FF0)
        XCTAssertEqual(tc.output.drainString(), s)
    }

    func testWrite0RunningOffTheEndOfRAMPrintsNothing() {
        put(0x40FF_FFFC, words: [])
        XCTAssertTrue(cpu.writeVirtual(0x40FF_FFFC, bytes: [0x41, 0x42, 0x43, 0x44]))
        call(ArmSemihosting.Op.write0, 0x40FF_FFFC)
        XCTAssertEqual(tc.output.drainString(), "")
    }

    func testOpenTTAndWrite() {
        let out = open(":tt", mode: 4)   // "w"
        XCTAssertEqual(out, 1, "handles start at 1")
        put(buffer, string: "data")
        put(block, words: [out, buffer, 4])
        XCTAssertEqual(call(ArmSemihosting.Op.write, block), 0, "returns the bytes NOT written")
        XCTAssertEqual(tc.output.drainString(), "data")

        let err = open(":tt", mode: 8)   // "a": stderr
        XCTAssertEqual(err, 2)
        put(block, words: [err, buffer, 3])
        XCTAssertEqual(call(ArmSemihosting.Op.write, block), 0)
        XCTAssertEqual(errPipe.drainString(), "dat")

        put(block, words: [out])
        XCTAssertEqual(call(ArmSemihosting.Op.close, block), 0)
        XCTAssertEqual(call(ArmSemihosting.Op.close, block), UInt64.max, "already closed")
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(EBADF))
        XCTAssertEqual(open(":tt", mode: 5), 1, "the lowest free handle is reused")
    }

    func testWriteToBadHandleReturnsLength() {
        put(block, words: [77, buffer, 10])
        XCTAssertEqual(call(ArmSemihosting.Op.write, block), 10)
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(EBADF))
    }

    func testWriteFromBadBufferReturnsLength() {
        let out = open(":tt", mode: 4)
        put(block, words: [out, 0x7000_0000, 5])
        XCTAssertEqual(call(ArmSemihosting.Op.write, block), 5)
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(EFAULT))
    }

    func testBadParameterBlock() {
        XCTAssertEqual(call(ArmSemihosting.Op.write, 0x7000_0000), UInt64.max)
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(EFAULT))
    }

    func testOpenBadMode() {
        XCTAssertEqual(open(":tt", mode: 12), UInt64.max)
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(EINVAL))
    }

    // MARK: Input

    func testReadFromStdin() {
        let h = open(":tt", mode: 0)   // "r": stdin
        tc.input.send("abc")
        put(block, words: [h, buffer, 10])
        XCTAssertEqual(call(ArmSemihosting.Op.read, block), 7, "3 of 10 bytes read: 7 not read")
        XCTAssertEqual(cpu.readVirtual(buffer, count: 3), Array("abc".utf8))
        tc.input.closeWrite()
        XCTAssertEqual(call(ArmSemihosting.Op.read, block), 10, "end of file: nothing read")
    }

    func testReadC() {
        tc.input.send("xy")
        XCTAssertEqual(call(ArmSemihosting.Op.readc, 0), UInt64(UInt8(ascii: "x")))
        XCTAssertEqual(call(ArmSemihosting.Op.readc, 0), UInt64(UInt8(ascii: "y")))
    }

    func testReadSharesInputWithTheUART() {
        let uart = PL011(console: tc.console)
        tc.input.send("12")
        XCTAssertEqual(uart.read(offset: PL011.Reg.dr, size: 4), UInt64(UInt8(ascii: "1")))
        XCTAssertEqual(call(ArmSemihosting.Op.readc, 0), UInt64(UInt8(ascii: "2")))
    }

    func testReadHostFileAndSeekAndFlen() throws {
        let dir = TempDir()
        sh.sandbox = try SemihostingSandbox(root: dir.path)
        let path = dir.write("input.txt", Array("0123456789".utf8))
        let h = open(path, mode: 0)
        XCTAssertNotEqual(h, UInt64.max)
        put(block, words: [h])
        XCTAssertEqual(call(ArmSemihosting.Op.flen, block), 10)
        XCTAssertEqual(call(ArmSemihosting.Op.istty, block), 0)
        put(block, words: [h, buffer, 4])
        XCTAssertEqual(call(ArmSemihosting.Op.read, block), 0)
        XCTAssertEqual(cpu.readVirtual(buffer, count: 4), Array("0123".utf8))
        put(block, words: [h, 8])
        XCTAssertEqual(call(ArmSemihosting.Op.seek, block), 0)
        put(block, words: [h, buffer, 4])
        XCTAssertEqual(call(ArmSemihosting.Op.read, block), 2)
        XCTAssertEqual(cpu.readVirtual(buffer, count: 2), Array("89".utf8))
        // A file opened for reading cannot be written.
        put(block, words: [h, buffer, 4])
        XCTAssertEqual(call(ArmSemihosting.Op.write, block), 4)
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(EBADF))
        XCTAssertEqual(open(dir.path + "/missing", mode: 0), UInt64.max)
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(ENOENT))
    }

    // MARK: Host files, confined

    func testWriteModesInsideTheRoot() throws {
        let dir = TempDir()
        sh.sandbox = try SemihostingSandbox(root: dir.path)
        let h = open(dir.path + "/out.txt", mode: 4)   // "w"
        XCTAssertNotEqual(h, UInt64.max)
        put(buffer, string: "abc")
        put(block, words: [h, buffer, 3])
        XCTAssertEqual(call(ArmSemihosting.Op.write, block), 0)
        let a = open(dir.path + "/out.txt", mode: 8)   // "a"
        put(block, words: [a, buffer, 2])
        XCTAssertEqual(call(ArmSemihosting.Op.write, block), 0)
        put(block, words: [h]); call(ArmSemihosting.Op.close, block)
        put(block, words: [a]); call(ArmSemihosting.Op.close, block)
        XCTAssertEqual(try String(contentsOfFile: dir.path + "/out.txt", encoding: .utf8), "abcab")
    }

    func testOpenOutsideTheRootIsRefusedAndLogged() throws {
        let root = TempDir(), other = TempDir()
        sh.sandbox = try SemihostingSandbox(root: root.path)
        let secret = other.write("secret.txt", Array("x".utf8))
        _ = root.write("ok.txt", Array("y".utf8))
        XCTAssertEqual(symlink(secret, root.path + "/link"), 0)
        let log = LogCollector()
        system.logger = log.logger(items: [.guestErrors])
        for (path, mode) in [(secret, 0), (secret, 4), (root.path + "/../" + (other.path as NSString).lastPathComponent + "/secret.txt", 0),
                             (root.path + "/link", 0), ("/proc/self/environ", 0), ("/etc/passwd", 0), ("/dev/zero", 0)] as [(String, UInt64)] {
            XCTAssertEqual(open(path, mode: mode), UInt64.max, path)
            XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(EACCES), path)
        }
        XCTAssertEqual(log.lines.count, 7)
        XCTAssertTrue(log.lines.allSatisfy { $0.hasPrefix("semihosting: SYS_OPEN refused: ") }, "\(log.lines)")
        XCTAssertTrue(log.lines[0].contains("outside the semihosting root"), log.lines[0])
        XCTAssertNotEqual(open(root.path + "/ok.txt", mode: 0), UInt64.max)
        // root=/ still keeps /proc, /sys and /dev out.
        sh.sandbox = try SemihostingSandbox(root: "/")
        XCTAssertEqual(open("/proc/self/mem", mode: 2), UInt64.max)
        XCTAssertEqual(open("/sys/kernel/notes", mode: 0), UInt64.max)
        XCTAssertNotEqual(open(secret, mode: 0), UInt64.max)
    }

    func testRemoveAndRenameAreConfined() throws {
        let root = TempDir(), other = TempDir()
        sh.sandbox = try SemihostingSandbox(root: root.path)
        let victim = other.write("victim.txt", Array("v".utf8))
        let mine = root.write("mine.txt", Array("m".utf8))
        put(buffer, string: victim)
        put(block, words: [buffer, UInt64(victim.utf8.count)])
        XCTAssertEqual(call(ArmSemihosting.Op.remove, block), UInt64.max)
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(EACCES))
        XCTAssertEqual(access(victim, F_OK), 0)
        // Rename out of the root: refused; inside: done.
        put(buffer, string: mine)
        put(buffer + 0x400, string: other.path + "/stolen.txt")
        put(block, words: [buffer, UInt64(mine.utf8.count), buffer + 0x400, 10])
        XCTAssertEqual(call(ArmSemihosting.Op.rename, block), UInt64.max)
        XCTAssertEqual(access(mine, F_OK), 0)
        put(buffer + 0x400, string: root.path + "/renamed.txt")
        XCTAssertEqual(call(ArmSemihosting.Op.rename, block), 0)
        put(buffer, string: root.path + "/renamed.txt")
        put(block, words: [buffer, 10])
        XCTAssertEqual(call(ArmSemihosting.Op.remove, block), 0)
        XCTAssertNotEqual(access(root.path + "/renamed.txt", F_OK), 0)
    }

    func testSystemNeedsOptingIn() throws {
        let dir = TempDir()
        let marker = dir.path + "/ran"
        put(buffer, string: "touch \(marker)")
        put(block, words: [buffer, 5])
        let log = LogCollector()
        system.logger = log.logger(items: [.guestErrors])
        XCTAssertEqual(call(ArmSemihosting.Op.system, block), UInt64.max)
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(EPERM))
        XCTAssertNotEqual(access(marker, F_OK), 0)
        XCTAssertEqual(log.lines.count, 1)
        XCTAssertTrue(log.lines[0].contains("system=on"), log.lines[0])
        sh.sandbox = try SemihostingSandbox(root: dir.path, allowSystem: true)
        XCTAssertEqual(call(ArmSemihosting.Op.system, block), 0)
        XCTAssertEqual(access(marker, F_OK), 0)
    }

    /// Random parameter blocks and names for every file operation: answered, never trapped on.
    func testFuzzParameters() throws {
        let dir = TempDir()
        sh.sandbox = try SemihostingSandbox(root: dir.path)
        _ = dir.write("f.txt", Array("data".utf8))
        var fuzz = InputFuzz(salt: 0x5E41)
        let n = inputFuzzIterations(quick: 5000)
        let ops: [UInt32] = [0x01, 0x02, 0x05, 0x06, 0x08, 0x09, 0x0A, 0x0C, 0x0E, 0x0F, 0x13, 0x15, 0x16, 0x19, 0x30]
        let names = [dir.path + "/f.txt", dir.path + "/../x", "/proc/self/mem", "", String(repeating: "a/", count: 3000),
                     dir.path + "/new\u{1}", ":tt", ":semihosting-features", "..", "/", dir.path]
        for _ in 0..<n {
            put(buffer, string: names[fuzz.below(names.count)])
            var words: [UInt64] = []
            for _ in 0..<4 {
                switch fuzz.below(4) {
                case 0: words.append(buffer)
                case 1: words.append(UInt64(fuzz.below(16)))
                default: words.append(fuzz.interestingValue(fileSize: 64))
                }
            }
            put(block, words: words)
            call(ops[fuzz.below(ops.count)], fuzz.below(8) == 0 ? fuzz.next() : block)
        }
        InputFuzz.report("semihosting parameters", n)
    }

    func testFeaturesFile() {
        let h = open(":semihosting-features", mode: 0)
        XCTAssertNotEqual(h, UInt64.max)
        put(block, words: [h])
        XCTAssertEqual(call(ArmSemihosting.Op.flen, block), 5)
        put(block, words: [h, buffer, 8])
        XCTAssertEqual(call(ArmSemihosting.Op.read, block), 3)
        XCTAssertEqual(cpu.readVirtual(buffer, count: 5), [0x53, 0x48, 0x46, 0x42, 0x03])
        XCTAssertEqual(open(":semihosting-features", mode: 4), UInt64.max)
    }

    // MARK: Queries

    func testIsError() {
        put(block, words: [UInt64.max])
        XCTAssertEqual(call(ArmSemihosting.Op.iserror, block), 1)
        put(block, words: [5])
        XCTAssertEqual(call(ArmSemihosting.Op.iserror, block), 0)
    }

    func testIsTTY() {
        let h = open(":tt", mode: 4)
        put(block, words: [h])
        XCTAssertEqual(call(ArmSemihosting.Op.istty, block), 0, "a pipe is not a terminal")
        put(block, words: [99])
        XCTAssertEqual(call(ArmSemihosting.Op.istty, block), UInt64.max)
    }

    func testClockAndTimeAndElapsed() {
        let c0 = call(ArmSemihosting.Op.clock, 0)
        usleep(30_000)
        let c1 = call(ArmSemihosting.Op.clock, 0)
        XCTAssertLessThan(c0, 5)
        XCTAssertGreaterThanOrEqual(c1 - c0, 2, "centiseconds")
        XCTAssertLessThan(c1 - c0, 100)
        let t = call(ArmSemihosting.Op.time, 0)
        XCTAssertLessThanOrEqual(abs(Int64(t) - Int64(Glibc.time(nil))), 1)
        XCTAssertEqual(call(ArmSemihosting.Op.elapsed, block), 0)
        XCTAssertGreaterThan(words(block, 1)[0], 30_000_000)
        XCTAssertEqual(call(ArmSemihosting.Op.tickfreq, 0), 1_000_000_000)
    }

    func testHeapInfo() {
        sh.setMemoryLayout(ramBase: 0x4000_0000, ramSize: 0x0100_0000,
                           occupied: [(0x4008_0000, 0x4009_0000)])
        put(block, words: [buffer])
        XCTAssertEqual(call(ArmSemihosting.Op.heapinfo, block), 0)
        XCTAssertEqual(words(buffer, 4), [0x4009_0000, 0x4100_0000, 0x4100_0000, 0x4009_0000],
                       "heap above the image, stack at the top of RAM")
    }

    func testLargestGap() {
        XCTAssertTrue(ArmSemihosting.largestGap(base: 0, size: 100, occupied: []) == (0, 100))
        XCTAssertTrue(ArmSemihosting.largestGap(base: 0, size: 100, occupied: [(0, 10), (50, 60)]) == (10, 50))
        XCTAssertTrue(ArmSemihosting.largestGap(base: 0, size: 100, occupied: [(5, 10), (20, 30)]) == (30, 100))
        XCTAssertTrue(ArmSemihosting.largestGap(base: 0, size: 100, occupied: [(90, 200)]) == (0, 90))
    }

    func testGetCmdline() {
        sh.commandLine = "prog.elf --fast"
        put(block, words: [buffer, 64])
        XCTAssertEqual(call(ArmSemihosting.Op.getCmdline, block), 0)
        XCTAssertEqual(words(block, 2)[1], 15)
        XCTAssertEqual(cpu.readVirtual(buffer, count: 16), Array("prog.elf --fast".utf8) + [0])
        put(block, words: [buffer, 4])
        XCTAssertEqual(call(ArmSemihosting.Op.getCmdline, block), UInt64.max)
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(E2BIG))
    }

    func testSyncCache() {
        XCTAssertEqual(call(ArmSemihosting.Op.synccache, block), 0)
    }

    func testNotProvidedOperationsWarnOnce() {
        put(block, words: [buffer, 3])
        XCTAssertEqual(call(ArmSemihosting.Op.tmpnam, block), UInt64.max)
        XCTAssertEqual(call(ArmSemihosting.Op.tmpnam, block), UInt64.max)
        XCTAssertEqual(call(ArmSemihosting.Op.errno, 0), UInt64(ENOSYS))
        XCTAssertEqual(warnings.count, 1)
        XCTAssertTrue(warnings[0].contains("SYS_TMPNAM"))
        XCTAssertNil(system.exitStatus)
    }

    // MARK: Exit

    func testExitExtendedStatus() {
        put(block, words: [ArmSemihosting.applicationExit, 42])
        call(ArmSemihosting.Op.exitExtended, block)
        XCTAssertEqual(system.exitStatus, 42)
        XCTAssertEqual(cpu.exitRequest, 1)
        XCTAssertNil(system.fatalMessage)
    }

    func testExitApplicationExitIsZero() {
        put(block, words: [ArmSemihosting.applicationExit, 0])
        call(ArmSemihosting.Op.exit, block)
        XCTAssertEqual(system.exitStatus, 0)
    }

    func testExitA64TakesTheSubcode() {
        // As QEMU 7.2 does for A64: SYS_EXIT takes {reason, subcode}.
        put(block, words: [ArmSemihosting.applicationExit, 3])
        call(ArmSemihosting.Op.exit, block)
        XCTAssertEqual(system.exitStatus, 3)
    }

    func testExitOtherReasonIsOne() {
        put(block, words: [0x20023, 0])   // ADP_Stopped_RunTimeErrorUnknown
        call(ArmSemihosting.Op.exit, block)
        XCTAssertEqual(system.exitStatus, 1)
        put(block, words: [0x20024, 7])
        call(ArmSemihosting.Op.exitExtended, block)
        XCTAssertEqual(system.exitStatus, 1)
    }

    func testExitWithBadBlockDoesNotExit() {
        XCTAssertEqual(call(ArmSemihosting.Op.exit, 0x7000_0000), UInt64.max)
        XCTAssertNil(system.exitStatus)
    }

    func testUnknownOperationStopsTheRun() {
        cpu.faultPC = 0x4008_0010   // the engine sets it to the HLT's address
        XCTAssertEqual(call(0x42, 0), UInt64.max)
        XCTAssertEqual(system.exitStatus, 1)
        XCTAssertEqual(system.fatalMessage, "unsupported semihosting operation 0x42 (PC 0x40080010)")
    }

    /// `-d semihosting`: one line per call through `System.log`, strace-like.
    func testTrace() {
        var lines: [String] = []
        system.logger = MachineLog(items: [.semihosting]) { _, line in lines.append(line) }
        call(ArmSemihosting.Op.tickfreq, 0)
        put(buffer, string: "hi\n")
        call(ArmSemihosting.Op.write0, buffer)
        let h = open(":tt", mode: 4)
        put(block, words: [h, buffer, 3])
        call(ArmSemihosting.Op.write, block)
        put(block, words: [h])
        call(ArmSemihosting.Op.close, block)
        call(ArmSemihosting.Op.close, block)   // already closed: -1, EBADF
        put(buffer, string: "A")
        call(ArmSemihosting.Op.writec, buffer)
        put(block, words: [ArmSemihosting.applicationExit, 3])
        call(ArmSemihosting.Op.exitExtended, block)
        XCTAssertEqual(lines, [
            "semihosting: SYS_TICKFREQ() = 1000000000",
            "semihosting: SYS_WRITE0(\"hi\\n\")",
            "semihosting: SYS_OPEN(\":tt\", \"w\", 3) = \(h)",
            "semihosting: SYS_WRITE(\(h), \"hi\\n\", 3) = 0",
            "semihosting: SYS_CLOSE(\(h)) = 0",
            "semihosting: SYS_CLOSE(\(h)) = -1 (errno 9: Bad file descriptor)",
            "semihosting: SYS_WRITEC('A')",
            "semihosting: SYS_EXIT_EXTENDED(ADP_Stopped_ApplicationExit, 3) = 0",
        ])
        XCTAssertEqual(tc.output.drainString(), "hi\nhi\nA")
    }

    func testNoTraceWithoutTheItem() {
        var lines: [String] = []
        system.logger = MachineLog(items: [.guestErrors]) { _, line in lines.append(line) }
        call(ArmSemihosting.Op.tickfreq, 0)
        XCTAssertEqual(lines, [])
    }
}

/// Collects `System.log` lines for the given items.
final class LogCollector {
    var lines: [String] = []
    func logger(items: [LogItem]) -> MachineLog {
        MachineLog(items: items) { [unowned self] _, line in self.lines.append(line) }
    }
}
