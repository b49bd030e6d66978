import Glibc
import XCTest
import IR
import Machine
import Engine
import Board
import A64
@testable import Debug

/// `-d out_asm` (Capstone), `-trace-blocks` files and `armature trace`, and
/// the `-d stats` counters (Sources/Debug).
final class DebugTraceTests: XCTestCase {
    // MARK: out_asm

    func testHostDisassemblerKnownBytes() throws {
        let d = try XCTUnwrap(HostDisassembler(), "Capstone opens an x86-64 disassembler")
        let code: [UInt8] = [
            0x48, 0x8B, 0x43, 0x08,              // mov rax, qword ptr [rbx + 8]
            0x49, 0x83, 0xC7, 0x01,              // add r15, 1
            0xE9, 0x00, 0x00, 0x00, 0x00,        // jmp to the next instruction
            0x06,                                // not an instruction in 64-bit mode
            0xC3,                                // ret
        ]
        let insns = d.disassemble(code, address: 0x1000)
        XCTAssertEqual(insns.map(\.text), ["mov rax, qword ptr [rbx + 8]", "add r15, 1", "jmp 0x100d", ".byte 0x06", "ret"])
        XCTAssertEqual(insns.map(\.address), [0x1000, 0x1004, 0x1008, 0x100D, 0x100E])
        XCTAssertEqual(insns[2].bytes, [0xE9, 0, 0, 0, 0])
        // A range: only those bytes, at their own addresses.
        XCTAssertEqual(d.disassemble(code, address: 0x1000, range: 4..<8).map(\.text), ["add r15, 1"])
    }

    /// The text for a made-up block: entry check, two guest instructions (the
    /// second with no code of its own), a body end and a stub.
    func testOutAsmMarksGuestBoundaries() throws {
        let code: [UInt8] = [
            0x48, 0x83, 0xBB, 0x68, 0x01, 0x00, 0x00, 0x00,   // cmp qword ptr [rbx + 0x168], 0
            0x48, 0x8B, 0x43, 0x08,                           // mov rax, qword ptr [rbx + 8]
            0x49, 0x83, 0xC7, 0x01,                           // add r15, 1
            0xC3,                                             // ret
            0x31, 0xC0,                                       // xor eax, eax   (out of line)
        ]
        let info = HostCodeInfo(guestPC: 0x4008_0000, code: code, hostAddress: 0x7F00_0000_1000,
                                instructionStarts: [.init(hostOffset: 8, guestPC: 0x4008_0000),
                                                    .init(hostOffset: 12, guestPC: 0x4008_0004),
                                                    .init(hostOffset: 12, guestPC: 0x4008_0008)],
                                bodySize: 17)
        let words: [UInt64: UInt32] = [0x4008_0000: 0xD280_0020, 0x4008_0004: 0xD503_201F]
        let text = TraceFormat.outAsm(info, disassembler: HostDisassembler()) { words[$0] }
        let mov = A64Disassembler.disassemble(0xD280_0020, pc: 0x4008_0000)
        XCTAssertEqual(text, """
            OUT: [size=19] guest 0x40080000
              -- entry: exit-request check
            0x7f0000001000:  48 83 bb 68 01 00 00 00           cmp qword ptr [rbx + 0x168], 0
              -- guest 0x40080000: \(mov)
            0x7f0000001008:  48 8b 43 08                       mov rax, qword ptr [rbx + 8]
              -- guest 0x40080004: nop
              -- guest 0x40080008
            0x7f000000100c:  49 83 c7 01                       add r15, 1
            0x7f0000001010:  c3                                ret
              -- out-of-line: softmmu slow paths, exception and exit stubs
            0x7f0000001011:  31 c0                             xor eax, eax


            """)
        // Without a disassembler: the bytes, 16 a line, with the same markers.
        let hex = TraceFormat.outAsm(info, disassembler: nil)
        XCTAssertTrue(hex.contains("0x7f0000001000:  48 83 bb 68 01 00 00 00 48 8b 43 08 49 83 c7 01\n  -- guest 0x40080000\n  -- guest 0x40080004\n  -- guest 0x40080008\n0x7f0000001010:  c3\n"), hex)
    }

    /// out_asm on a JIT run: x86-64 mnemonics, a marker for each guest instruction, stubs last.
    func testOutAsmOnAJITRun() throws {
        let vm = try VirtMachine(options: VirtOptions())
        let code: [UInt32] = [0xD280_0020, 0x9100_0400, 0xD400_0001]   // mov x0, #1; add x0, x0, #1; svc #0
        code.withUnsafeBytes { _ = vm.memory.writePhysical(pa: 0x4008_0000, bytes: $0) }
        vm.cpu.pc = 0x4008_0000
        let out = Pipe()
        let tracer = Tracer(selection: try LogSelection(logValues: ["out_asm"]), writer: LogWriter(fd: out.writeFD, buffered: true),
                            system: vm.system)
        var engine = EngineOptions()
        engine.kind = .jit
        tracer.install(into: &engine)
        XCTAssertNotNil(engine.onCompile)
        let dispatcher = try Dispatcher(system: vm.system, options: engine)
        _ = dispatcher.run()
        tracer.finish(statistics: dispatcher.statistics, guestInstructions: vm.cpu.instructionCount, elapsedSeconds: 0)
        let log = out.drainString()
        let first = try XCTUnwrap(log.components(separatedBy: "\n\n").first { $0.hasPrefix("OUT: [size=") && $0.contains("guest 0x40080000\n") }, log)
        let lines = first.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines[1], TraceFormat.outAsmEntryMarker)
        let markers = lines.filter { $0.hasPrefix("  -- guest ") }
        XCTAssertEqual(markers, ["  -- guest 0x40080000: " + A64Disassembler.disassemble(code[0], pc: 0x4008_0000),
                                 "  -- guest 0x40080004: " + A64Disassembler.disassemble(code[1], pc: 0x4008_0004),
                                 "  -- guest 0x40080008: svc #0"])
        let host = lines.filter { $0.hasPrefix("0x") }
        XCTAssertTrue(host.allSatisfy { $0.range(of: #"^0x[0-9a-f]{12}:  ([0-9a-f]{2} )*[0-9a-f]{2} +[a-z]"#, options: .regularExpression) != nil }, first)
        XCTAssertTrue(host.contains { $0.hasSuffix("cmp qword ptr [rbx + 0x\(String(StateLayout.exitRequest, radix: 16))], 0") }, first)
        XCTAssertTrue(host.contains { $0.contains(" jmp 0x") }, "the exit jumps to the epilogue: \(first)")
        XCTAssertTrue(lines.contains(TraceFormat.outAsmStubsMarker), first)
        let stubsAt = lines.firstIndex(of: TraceFormat.outAsmStubsMarker)!
        XCTAssertLessThan(lines.lastIndex { $0.hasPrefix("  -- guest ") }!, stubsAt)
    }

    // MARK: -trace-blocks

    /// 0x40080000: set VBAR_EL1, loop ten times, then a block whose load faults
    /// (nothing at PA 0x1_0000_0000) after two of its five instructions; the
    /// vector at VBAR+0x200 exits through semihosting (SYS_EXIT, ApplicationExit).
    static let roundTripProgram: [(UInt64, [UInt32])] = [
        (0x4008_0000, [0x1000_4009, 0xD518_C009, 0xD503_3FDF, 0xD280_0140,   // adr x9, vectors; msr vbar_el1, x9; isb; mov x0, #10
                       0xF100_0400, 0x54FF_FFE1,                             // loop: subs x0, x0, #1; b.ne loop
                       0xD2C0_0025, 0xD280_0027, 0xF940_00A6, 0xD280_0048,   // mov x5, #1 << 32; mov x7, #1; ldr x6, [x5]; mov x8, #2
                       0x1400_0000]),                                        // b .
        (0x4008_0A00, [0x1000_0081, 0x5280_0300, 0xD45E_0000,                // adr x1, block; mov w0, #0x18; hlt #0xf000
                       0xD503_201F, 0x0002_0026, 0, 0, 0]),                  // block: .quad 0x20026, 0
    ]

    func runRoundTrip(_ kind: EngineKind, path: String, items: [String] = ["stats"]) throws
        -> (trace: BlockTrace, stats: EngineStatistics, cpuInstructions: UInt64, log: String)
    {
        var o = VirtOptions()
        o.semihosting = true
        let vm = try VirtMachine(options: o)
        for (pa, words) in DebugTraceTests.roundTripProgram {
            words.withUnsafeBytes { _ = vm.memory.writePhysical(pa: pa, bytes: $0) }
        }
        vm.cpu.pc = 0x4008_0000
        let out = Pipe()
        let tracer = Tracer(selection: try LogSelection(logValues: items), writer: LogWriter(fd: out.writeFD, buffered: true),
                            system: vm.system)
        tracer.blockTrace = try BlockTraceRecorder(path: path, cpus: vm.system.cpus.count)
        var engine = EngineOptions()
        engine.kind = kind
        tracer.install(into: &engine)
        XCTAssertFalse(engine.chaining, "-trace-blocks forces nochain")
        XCTAssertNotNil(engine.onExecute)
        XCTAssertNotNil(engine.onTranslate)
        let dispatcher = try Dispatcher(system: vm.system, options: engine)
        let status = dispatcher.run()
        XCTAssertEqual(status, 0, "the guest exits through semihosting")
        XCTAssertNil(vm.system.fatalMessage)
        tracer.finish(statistics: dispatcher.statistics, guestInstructions: vm.cpu.instructionCount, elapsedSeconds: 0.001)
        return (try BlockTrace(path: path, keepExecutions: true), dispatcher.statistics, vm.cpu.instructionCount, out.drainString())
    }

    func testBlockTraceRoundTrip() throws {
        let dir = TempDir()
        var files: [[UInt8]] = []
        for kind in EngineKind.allCases {
            let path = dir.path + "/\(kind).trace"
            let (t, stats, insns, log) = try runRoundTrip(kind, path: path)
            // The records add up to the run's count, and to what -d stats says.
            XCTAssertGreaterThan(insns, 25, "\(kind)")
            XCTAssertEqual(t.totalInstructions, insns, "\(kind)")
            XCTAssertEqual(t.endInstructions, insns, "\(kind)")
            XCTAssertTrue(log.contains("guest-instructions: \(t.totalInstructions)\n"), "\(kind): \(log)")
            XCTAssertEqual(UInt64(t.executions.count), stats.blocksExecuted, "\(kind): one record per block entered (nochain)")
            XCTAssertEqual(t.executionCount, stats.blocksExecuted)
            XCTAssertEqual(t.byContext, [BlockTrace.Context(el: 1, security: .nonSecure): t.total])
            XCTAssertEqual(t.bySize.reduce(0) { $0 + $1.executions }, t.executionCount)
            XCTAssertEqual(t.byBlock.values.reduce(0) { $0 + $1.instructions }, insns)
            XCTAssertTrue(t.executions.allSatisfy { $0.el == 1 && $0.security == .nonSecure && $0.mecid == 0 && $0.cpu == 0 })
            XCTAssertTrue(t.executions.allSatisfy { $0.definition != nil }, "every block was defined before it ran")
            // The loop block ran nine times, two instructions each (the first
            // iteration is in the block of `mov x0, #10`).
            let loop = t.executions.filter { $0.pc == 0x4008_0010 }
            XCTAssertEqual(loop.count, 9, "\(kind)")
            XCTAssertTrue(loop.allSatisfy { $0.instructions == 2 })
            XCTAssertEqual(t.definitions[loop[0].definition!].words, [0xF100_0400, 0x54FF_FFE1])
            // The faulting block: two of its instructions retired.
            let faulting = try XCTUnwrap(t.executions.first { $0.pc == 0x4008_0018 })
            XCTAssertEqual(faulting.instructions, 2, "\(kind)")
            XCTAssertEqual(t.definitions[faulting.definition!].words.first, 0xD2C0_0025)
            XCTAssertGreaterThan(t.definitions[faulting.definition!].words.count, 2)
            XCTAssertEqual(t.executions.last?.pc, 0x4008_0A00, "the handler ran last")
            // Each PC defined once: the code never changed.
            XCTAssertEqual(Set(t.definitions.map(\.pc)).count, t.definitions.count)
            files.append((try? ELFLoader.readFile(path)) ?? [])

            let summary = BlockTraceSummary.text(t, name: path, top: 3)
            XCTAssertTrue(summary.contains("instructions:      \(insns) (equal to the run's count)"), summary)
            XCTAssertTrue(summary.contains("EL1 Non-secure"), summary)
            XCTAssertTrue(summary.contains("#1  0x40080010  EL1 NS  9 executions, 18 instructions"), summary)
            XCTAssertTrue(summary.contains("    0x40080010:  f1000400  " + A64Disassembler.disassemble(0xF100_0400, pc: 0x4008_0010) + "\n"), summary)
            XCTAssertTrue(summary.contains("\n  2-3 "), "histogram bucket of the loop: \(summary)")
        }
        XCTAssertEqual(files[0], files[1], "both engines write the same trace")
    }

    /// With RME and MEC: a block at Realm EL2 (MMU off, EMEC = 1) carries
    /// MECID_P0_EL2 in its trace record, and its load of a page tagged with
    /// MECID 0 is a MECID mismatch in -d stats.
    func testBlockTraceMECIDAndMismatchesInRealm() throws {
        for kind in EngineKind.allCases {
            var o = VirtOptions()
            o.secure = true
            o.virtualization = true
            o.rme = true
            o.mec = true
            let vm = try VirtMachine(options: o)
            XCTAssertTrue(vm.cpu.config.hasMEC)
            let code: [UInt32] = [0xD280_0020, 0xF940_0041, 0x1400_0002, 0xD503_201F, 0x1400_0000]   // mov x0, #1; ldr x1, [x2]; b +8; nop; b .
            code.withUnsafeBytes { _ = vm.memory.writePhysical(pa: 0x4008_0000, bytes: $0, mecid: 0x42) }
            let scr = SCRBits.ns | SCRBits.nse | SCRBits.mecEn | SCRBits.sctlr2En | SCRBits.tcr2En | SCRBits.rw | SCRBits.hce
            vm.cpu.setSysreg(SysRegTable.scrEL3, scr)
            vm.cpu.setSysreg(SysRegTable.slot("SCTLR2_EL2"), MECRegisters.emec)
            vm.cpu.setSysreg(SysRegTable.slot("MECID_P0_EL2"), 0x42)
            vm.cpu.setEL(2)
            vm.cpu.flushTLB()
            vm.cpu.setX(2, 0x4009_0000)
            vm.cpu.pc = 0x4008_0000
            XCTAssertEqual(vm.cpu.primaryMECID, 0x42)
            let dir = TempDir()
            let out = Pipe()
            let tracer = Tracer(selection: try LogSelection(logValues: ["stats,exec"]), writer: LogWriter(fd: out.writeFD, buffered: true),
                                system: vm.system)
            tracer.blockTrace = try BlockTraceRecorder(path: dir.path + "/t", cpus: 1)
            var engine = EngineOptions()
            engine.kind = kind
            tracer.install(into: &engine)
            let exec = engine.onExecute!
            engine.onExecute = { cpu, pc in
                exec(cpu, pc)
                if pc == 0x4008_0010 { cpu.system.requestExit(status: 0) }
            }
            let dispatcher = try Dispatcher(system: vm.system, options: engine)
            _ = dispatcher.run()
            tracer.finish(statistics: dispatcher.statistics, guestInstructions: vm.cpu.instructionCount, elapsedSeconds: 0)
            let log = out.drainString()
            let t = try BlockTrace(path: dir.path + "/t", keepExecutions: true)
            XCTAssertEqual(t.executions.first, BlockTrace.Execution(pc: 0x4008_0000, el: 2, security: .realm, cpu: 0, mecid: 0x42,
                                                                    instructions: 3, definition: 0), "\(kind)")
            XCTAssertEqual(t.definitions.first?.words, Array(code[0..<3]))
            XCTAssertEqual(vm.cpu.x(1), UInt64(MECTagStore.substituteWord) * 0x1_0000_0001, "\(kind): substitute data")
            XCTAssertTrue(log.contains("Trace 0: cpu0 pc=0x40080000 EL2 RL\n"), log)
            XCTAssertTrue(log.contains("mecid-mismatches: 1\n"), "\(kind): \(log)")
            XCTAssertTrue(BlockTraceSummary.text(t, name: "t").contains("EL2 Realm"))
            XCTAssertTrue(BlockTraceSummary.text(t, name: "t").contains("MECIDs:            0x42"))
        }
    }

    func testBlockTraceLayout() throws {
        // The header and one record of each kind, byte for byte (TRACE-FORMAT.md).
        let dir = TempDir()
        let path = dir.path + "/x.trace"
        let vm = try VirtMachine(options: VirtOptions())
        let r = try BlockTraceRecorder(path: path, cpus: 1)
        vm.cpu.pc = 0x4008_0000
        r.translated(cpu: vm.cpu, pc: 0x4008_0000, words: [0xD280_0020, 0xD503_201F, 0x1400_0000, 0xD503_201F, 0xD65F_03C0])
        r.translated(cpu: vm.cpu, pc: 0x4008_0000, words: [0xD280_0020, 0xD503_201F, 0x1400_0000, 0xD503_201F, 0xD65F_03C0])
        r.willExecute(cpu: vm.cpu, pc: 0x4008_0000)
        vm.cpu.instructionCount += 5
        r.finish(cpus: [vm.cpu])
        let bytes = try ELFLoader.readFile(path)
        XCTAssertEqual(bytes.count, 16 * (1 + 1 + 2 + 1 + 1), "header, definition (+2 units), execution, end; the repeated definition is not written")
        XCTAssertEqual(Array(bytes[0..<16]), Array("ARMBLKTR".utf8) + [1, 0, 16, 0, 0, 0, 0, 0])
        XCTAssertEqual(Array(bytes[16..<32]), [2, 0b0101, 0, 0, 5, 0, 0, 0, 0x00, 0x00, 0x08, 0x40, 0, 0, 0, 0])
        XCTAssertEqual(Array(bytes[32..<36]), [0x20, 0x00, 0x80, 0xD2])
        XCTAssertEqual(Array(bytes[48..<52]), [0xC0, 0x03, 0x5F, 0xD6])
        XCTAssertEqual(Array(bytes[52..<64]), [UInt8](repeating: 0, count: 12), "padding")
        XCTAssertEqual(Array(bytes[64..<80]), [1, 0b0101, 0, 0, 5, 0, 0, 0, 0x00, 0x00, 0x08, 0x40, 0, 0, 0, 0])
        XCTAssertEqual(Array(bytes[80..<96]), [3, 0, 0, 0, 0, 0, 0, 0] + [5, 0, 0, 0, 0, 0, 0, 0])
    }

    func testBlockTraceReaderRejectsAndSkips() throws {
        func parse(_ b: [UInt8]) throws -> BlockTrace { try b.withUnsafeBytes { try BlockTrace(bytes: $0, keepExecutions: true) } }
        let header = Array("ARMBLKTR".utf8) + [1, 0, 16, 0, 0, 0, 0, 0]
        XCTAssertThrowsError(try parse(Array("ARMBLKTX".utf8) + [1, 0, 16, 0, 0, 0, 0, 0])) {
            XCTAssertTrue("\($0)".contains("not a block trace"))
        }
        XCTAssertThrowsError(try parse(Array("ARMBLKTR".utf8) + [2, 0, 16, 0, 0, 0, 0, 0])) {
            XCTAssertTrue("\($0)".contains("format 2"))
        }
        let exec: [UInt8] = [1, 0b1101, 7, 0, 3, 0, 0, 0, 0x10, 0, 0x08, 0x40, 0, 0, 0, 0]   // EL1 Realm MECID 7, 3 insns
        let ext: [UInt8] = [0x80, 0, 0, 0, 1, 0, 0, 0] + [UInt8](repeating: 0, count: 8) + [UInt8](repeating: 0xFF, count: 16)
        var t = try parse(header + exec + ext + exec + [1, 2, 3])   // an extension record skipped; a torn unit ignored
        XCTAssertEqual(t.executions.count, 2)
        XCTAssertEqual(t.executions[0], BlockTrace.Execution(pc: 0x4008_0010, el: 1, security: .realm, cpu: 0, mecid: 7,
                                                             instructions: 3, definition: nil))
        XCTAssertNil(t.endInstructions)
        XCTAssertEqual(t.totalInstructions, 6)
        XCTAssertEqual(t.records, 3)
        XCTAssertEqual(t.problem, "truncated: a record at offset 80 is cut by the end of the file (83 bytes) after 3 records")
        let end: [UInt8] = [3, 0, 0, 0, 0, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0, 0]
        XCTAssertNil(try parse(header + exec + ext + exec + end).problem)
        XCTAssertEqual(try parse(header + exec).problem, "no end record after 1 records: the run was cut short or the file is truncated")
        XCTAssertEqual(try parse(header + exec + Array(ext.prefix(20))).problem?.hasPrefix("truncated: record kind 128 (1 units) at offset 32"), true)
        let hugeBlock: [UInt8] = [2, 0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 0, count: 8)
        XCTAssertEqual(try parse(header + hugeBlock).problem?.hasPrefix("truncated: the block definition (4294967295 instructions) at offset 16"), true)
        XCTAssertThrowsError(try parse(header + [9] + [UInt8](repeating: 0, count: 15))) {
            XCTAssertTrue("\($0)".contains("unknown record kind 9"))
        }
        // Code that changes at a PC: two definitions, each execution with its own.
        let def1: [UInt8] = [2, 0b0101, 0, 0, 1, 0, 0, 0, 0x10, 0, 0x08, 0x40, 0, 0, 0, 0] + [0x1F, 0x20, 0x03, 0xD5] + [UInt8](repeating: 0, count: 12)
        let def2: [UInt8] = [2, 0b0101, 0, 0, 1, 0, 0, 0, 0x10, 0, 0x08, 0x40, 0, 0, 0, 0] + [0x20, 0x00, 0x80, 0xD2] + [UInt8](repeating: 0, count: 12)
        t = try parse(header + def1 + exec + def2 + exec + def1 + exec)
        XCTAssertEqual(t.definitions.count, 2)
        XCTAssertEqual(t.executions.map(\.definition), [0, 1, 0])
        XCTAssertEqual(BlockTraceSummary.hottest(t).map(\.totals.executions), [2, 1])
        XCTAssertEqual(t.byBlock.count, 2, "one block per code at 0x40080010")
        let text = BlockTraceSummary.text(t, name: "t")
        XCTAssertTrue(text.contains("EL1 Realm"), text)
        XCTAssertTrue(text.contains("MECIDs:            0x7"), text)
        XCTAssertTrue(text.contains("(no end record: the run was cut short)"), text)
    }

    func testHistogramBuckets() {
        XCTAssertEqual([0, 1, 2, 3, 4, 7, 8, 128].map { BlockTraceSummary.bucket($0) }, [0, 1, 2, 2, 3, 3, 4, 8])
        XCTAssertEqual(BlockTraceSummary.bucketName(0), "0")
        XCTAssertEqual(BlockTraceSummary.bucketName(1), "1")
        XCTAssertEqual(BlockTraceSummary.bucketName(3), "4-7")
    }

    // MARK: LogWriter for binary records

    func testLogWriterReserveAndSeveralSignalFlushes() throws {
        let dir = TempDir()
        let a = try LogWriter(file: dir.path + "/a", option: "-trace-blocks", what: "block trace file", capacity: 32)
        let b = try LogWriter(path: dir.path + "/b")
        for i in 0..<3 {   // the third reservation flushes the first two
            let p = a.reserve(16)
            for k in 0..<16 { p.storeBytes(of: UInt8(i), toByteOffset: k, as: UInt8.self) }
        }
        XCTAssertEqual(try ELFLoader.readFile(dir.path + "/a").count, 32)
        b.line("log")
        a.flushOnSignals()
        b.flushOnSignals()
        SignalFlush.flushNow()   // what the signal handler does: both files
        XCTAssertEqual(try ELFLoader.readFile(dir.path + "/a").count, 48)
        XCTAssertEqual(try ELFLoader.readFile(dir.path + "/b"), Array("log\n".utf8))
        SignalFlush.detach()
        XCTAssertThrowsError(try BlockTraceRecorder(path: dir.path + "/missing/x.trace", cpus: 1)) {
            XCTAssertTrue("\($0)".hasPrefix("-trace-blocks \(dir.path)/missing/x.trace: cannot open the block trace file"), "\($0)")
        }
    }

    // MARK: -d stats

    func testStatsCountersOnARun() throws {
        let dir = TempDir()
        for kind in EngineKind.allCases {
            let (_, stats, insns, log) = try runRoundTrip(kind, path: dir.path + "/t")
            XCTAssertTrue(log.contains("guest-instructions: \(insns)\n"), log)
            XCTAssertTrue(log.contains("exceptions-taken: 1\n"), "the data abort: \(log)")
            XCTAssertTrue(log.contains("tlb-hits: not counted (fast path)\n"), log)
            XCTAssertTrue(log.contains("mecid-mismatches: 0\n"), log)
            let values = Dictionary(log.split(separator: "\n").compactMap { l -> (String, Double)? in
                let p = l.split(separator: ":", maxSplits: 1)
                guard p.count == 2, let f = p[1].split(separator: " ").first, let v = Double(f) else { return nil }
                return (String(p[0]), v)
            }, uniquingKeysWith: { $1 })
            XCTAssertGreaterThan(values["tlb-code-misses"] ?? 0, 0, "\(kind): code fetches missed the empty TLB")
            XCTAssertEqual(values["tlb-data-misses"], 1, "\(kind): the faulting load (semihosting reads memory without the TLB)")
            XCTAssertEqual(values["tlb-walks"], 0, "\(kind): the MMU is off")
            XCTAssertGreaterThan(values["translation-microseconds-per-block"] ?? 0, 0)
            if kind == .jit {
                let perInsn = try XCTUnwrap(values["host-bytes-per-instruction"], log)
                XCTAssertEqual(perInsn, Double(stats.hostCodeBytes) / Double(stats.guestInstructionsTranslated), accuracy: 0.01)
            } else {
                XCTAssertNil(values["host-bytes-per-instruction"], "no JIT section under the interpreter")
            }
        }
    }
}
