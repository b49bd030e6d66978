import Glibc
import XCTest
import IR
import Machine
import Engine
import Board
import A64
@testable import Debug

/// `-d` / `-dfilter` parsing and the text of every log item (Sources/Debug).
final class DebugLogTests: XCTestCase {
    // MARK: -d items

    func testParseItems() throws {
        XCTAssertEqual(try LogSelection.parseItems("in_asm,exec,stats"), [.inAsm, .exec, .stats])
        XCTAssertEqual(try LogSelection.parseItems("int,int"), [.int])
        XCTAssertEqual(Set(try LogSelection.parseItems("all")), Set(TraceItem.allCases))
        XCTAssertThrowsError(try LogSelection.parseItems("in_asm,bogus")) {
            XCTAssertEqual("\($0)", "-d in_asm,bogus: unknown log item 'bogus' (use -d help)")
        }
        XCTAssertThrowsError(try LogSelection.parseItems("int,")) {
            XCTAssertEqual("\($0)", "-d int,: empty log item")
        }
        XCTAssertThrowsError(try LogSelection.parseItems("trace:foo*")) {
            XCTAssertTrue("\($0)".contains("trace:foo*"))
        }
        // Several -d options add up.
        let s = try LogSelection(logValues: ["in_asm", "exec,int"])
        XCTAssertEqual(s.items, [.inAsm, .exec, .int])
        XCTAssertNil(s.filter)
    }

    func testHelpListsEveryItem() {
        let help = LogSelection.help
        for item in TraceItem.allCases {
            let line = help.split(separator: "\n").first { $0.hasPrefix(item.rawValue + " ") }
            XCTAssertNotNil(line, "-d help lists \(item.rawValue)")
            XCTAssertTrue(line?.contains(item.help) ?? false)
            XCTAssertFalse(item.help.isEmpty)
        }
        XCTAssertTrue(help.contains("-dfilter"))
        XCTAssertTrue(help.contains("mec ") && help.contains("MECID used vs stored"), "mec names its events")
        XCTAssertTrue(help.contains("gpc ") && help.contains("granule protection faults"), "gpc names its events")
        XCTAssertFalse(help.contains("no events until"), "mec and gpc are not placeholders")
    }

    // MARK: -dfilter (QEMU's semantics, from its tests/unit/test-logging.c)

    func testAddressRanges() throws {
        var r = try AddressRanges(parsing: "0x1000+0x100")
        XCTAssertFalse(r.contains(0xFFF)); XCTAssertTrue(r.contains(0x1000))
        XCTAssertTrue(r.contains(0x10FF)); XCTAssertFalse(r.contains(0x1100))
        r = try AddressRanges(parsing: "0x1000-0x100")
        XCTAssertFalse(r.contains(0x1001)); XCTAssertTrue(r.contains(0x1000))
        XCTAssertTrue(r.contains(0xF01)); XCTAssertFalse(r.contains(0xF00))
        r = try AddressRanges(parsing: "0x1000..0x1100")
        XCTAssertFalse(r.contains(0xFFF)); XCTAssertTrue(r.contains(0x1000))
        XCTAssertTrue(r.contains(0x1100)); XCTAssertFalse(r.contains(0x1101))
        r = try AddressRanges(parsing: "0x1000..0x1000")
        XCTAssertTrue(r.contains(0x1000)); XCTAssertFalse(r.contains(0x1001))
        r = try AddressRanges(parsing: "0x40080000..0x40090000,0x1000+0x100")
        XCTAssertTrue(r.contains(0x4008_0000)); XCTAssertTrue(r.contains(0x4009_0000))
        XCTAssertTrue(r.contains(0x1080)); XCTAssertFalse(r.contains(0x2000))
        r = try AddressRanges(parsing: "0..0xffffffffffffffff")
        XCTAssertTrue(r.contains(0)); XCTAssertTrue(r.contains(.max))
        r = try AddressRanges(parsing: "4096+16,0x40080000")   // decimal; a bare address
        XCTAssertTrue(r.contains(4111)); XCTAssertFalse(r.contains(4112))
        XCTAssertTrue(r.contains(0x4008_0000)); XCTAssertFalse(r.contains(0x4008_0004))
        XCTAssertEqual(try AddressRanges(parsing: "010+1").ranges, [8...8], "leading 0: octal, as strtoull")
        for bad in ["2..1", "0x1000+onehundred", "0x1000+0", "0x1000-0", "0x10-0x20", "", "0x1000.0x2000",
                    "zz", "0xffffffffffffff00+0x1000", "1,,2"] {
            XCTAssertThrowsError(try AddressRanges(parsing: bad), "'\(bad)' is rejected") {
                XCTAssertTrue("\($0)".hasPrefix("-dfilter \(bad):"), "\($0)")
            }
        }
        let s = try LogSelection(logValues: ["exec"], filterValues: ["0x1000+0x10", "0x2000..0x2000"])
        XCTAssertTrue(s.logsBlock(at: 0x1004)); XCTAssertTrue(s.logsBlock(at: 0x2000))
        XCTAssertFalse(s.logsBlock(at: 0x1010))
        XCTAssertTrue(try LogSelection(logValues: ["exec"]).logsBlock(at: 0x1234), "no filter: every block")
    }

    // MARK: Formats

    func testInAsm() {
        let text = TraceFormat.inAsm(pc: 0x4008_0000, words: [0xD280_0020, 0xD400_0001, 0x17FF_FFFE], symbol: "_start")
        func d(_ w: UInt32, _ pc: UInt64) -> String { A64Disassembler.disassemble(w, pc: pc) }
        XCTAssertEqual(d(0xD400_0001, 0), "svc #0")
        XCTAssertEqual(d(0x17FF_FFFE, 0x4008_0008), "b 0x40080000")
        XCTAssertEqual(text, """
            ----------------
            IN: _start
            0x40080000:  d2800020  \(d(0xD280_0020, 0x4008_0000))
            0x40080004:  d4000001  svc #0
            0x40080008:  17fffffe  b 0x40080000


            """)
        XCTAssertTrue(d(0xD280_0020, 0).hasPrefix("mov x0, #0x1"))
        XCTAssertTrue(TraceFormat.inAsm(pc: 0x1000, words: [0xD503_201F]).hasPrefix("----------------\nIN:\n0x00001000:  d503201f  nop\n"))
    }

    func testIR() {
        var b = IRBuilder(guestPC: 0x4008_0000)
        b.insnStart(pc: 0x4008_0000)
        let one = b.const_(1)
        b.setReg(0, one)
        b.exitJump(0x4008_0004)
        XCTAssertEqual(TraceFormat.ir(title: TraceFormat.opTitle, b.block), """
            OP:
             ; insn 0x40080000
             v1 = const.i64 0x1
             set x0, v1
             exit.jump 0x40080004


            """)
        XCTAssertTrue(TraceFormat.ir(title: TraceFormat.opOptTitle, b.block).hasPrefix("OP after optimization:\n ; insn"))
    }

    func testExec() {
        XCTAssertEqual(TraceFormat.exec(cpu: 0, pc: 0x4008_0000, el: 1, security: .nonSecure),
                       "Trace 0: cpu0 pc=0x40080000 EL1 NS")
        XCTAssertEqual(TraceFormat.exec(cpu: 0, pc: 0x4008_0010, el: 3, security: .secure, symbol: "main+0x10"),
                       "Trace 0: cpu0 pc=0x40080010 EL3 S main+0x10")
    }

    func testSecurityState() throws {
        var o = VirtOptions()
        XCTAssertEqual(SecurityState(cpu: try VirtMachine(options: o).cpu), .nonSecure, "no EL3: Non-secure")
        o.secure = true
        let vm = try VirtMachine(options: o)
        XCTAssertEqual(SecurityState(cpu: vm.cpu), .secure, "EL3 is Secure (Root with RME, later)")
        vm.cpu.setEL(1)
        XCTAssertEqual(SecurityState(cpu: vm.cpu), .secure, "SCR_EL3.NS = 0")
        vm.cpu.setSysreg(SysRegTable.scrEL3, 1)
        XCTAssertEqual(SecurityState(cpu: vm.cpu), .nonSecure, "SCR_EL3.NS = 1")
        XCTAssertEqual(SecurityState.nonSecure.name, "Non-secure")
    }

    func testRegisters() throws {
        let cpu = try VirtMachine(options: VirtOptions()).cpu
        for i in 0..<31 { cpu.setX(i, UInt64(i) * 0x1_0000_0001) }
        cpu.setX(StateLayout.spEL0Id, 0x1111)
        cpu.setX(StateLayout.spEL0Id + 1, 0x4010_0000)
        cpu.pc = 0x4008_0000
        cpu.nzcv = 0x6000_0000
        cpu.daif = 0x80   // I masked
        let text = TraceFormat.registers(RegisterSnapshot(cpu: cpu))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        XCTAssertEqual(lines.count, 14)
        XCTAssertEqual(lines[0], " PC=0000000040080000 X00=0000000000000000 X01=0000000100000001")
        XCTAssertEqual(lines[1], "X02=0000000200000002 X03=0000000300000003 X04=0000000400000004")
        XCTAssertEqual(lines[10], "X29=0000001d0000001d X30=0000001e0000001e  SP=0000000040100000")
        XCTAssertEqual(lines[11], "PSTATE=60000085 -ZC- EL1h")
        XCTAssertEqual(lines[12], "SP_EL0=0000000000001111 SP_EL1=0000000040100000 SPSel=1 DAIF=--I-")
        XCTAssertEqual(lines[13], "")
        cpu.spSel = 0
        let t = TraceFormat.registers(RegisterSnapshot(cpu: cpu))
        XCTAssertTrue(t.contains(" SP=0000000000001111\nPSTATE=60000084 -ZC- EL1t\n"), t)

        var o = VirtOptions()
        o.secure = true
        let s = try VirtMachine(options: o).cpu
        let st = TraceFormat.registers(RegisterSnapshot(cpu: s))
        XCTAssertTrue(st.contains("PSTATE=000003cd ---- S EL3h\n"), "with EL3, the security state as QEMU shows it: \(st)")
        XCTAssertTrue(st.contains("SP_EL0=0000000000000000 SP_EL1=0000000000000000 SP_EL2=0000000000000000 SP_EL3="))
    }

    func testException() {
        let svc = ExceptionEvent(kind: .taken(.sync), fromEL: 0, toEL: 1, esr: 0x5600_1234, elr: 0x4008_001C,
                                 spsr: 0x6000_0000, pc: 0x4008_0400)
        XCTAssertEqual(TraceFormat.exception(svc, cpu: 0),
                       "Taking exception: cpu0 sync EL0->EL1 EC 0x15 [SVC] ESR 0x56001234 ELR 0x4008001c SPSR 0x60000000 PC 0x40080400")
        let abort = ExceptionEvent(kind: .taken(.sync), fromEL: 1, toEL: 1, esr: 0x9600_0061, elr: 0x4008_0010,
                                   far: 0x4008_3001, spsr: 0x3C5, pc: 0x4008_0200)
        XCTAssertEqual(TraceFormat.exception(abort, cpu: 0),
                       "Taking exception: cpu0 sync EL1->EL1 EC 0x25 [Data abort, same EL: alignment fault, write] ESR 0x96000061 FAR 0x40083001 ELR 0x40080010 SPSR 0x3c5 PC 0x40080200")
        let iabt = ExceptionEvent(kind: .taken(.sync), fromEL: 1, toEL: 1, esr: 0x8600_0010, elr: 0xF00_0000,
                                  far: 0xF00_0000, spsr: 0x3C5, pc: 0x200)
        XCTAssertTrue(TraceFormat.exception(iabt, cpu: 0).contains("EC 0x21 [Instruction abort, same EL: synchronous external abort] ESR 0x86000010 FAR 0xf000000"))
        let irq = ExceptionEvent(kind: .taken(.irq), fromEL: 1, toEL: 1, elr: 0x4008_0010, spsr: 0x5, pc: 0x280)
        XCTAssertEqual(TraceFormat.exception(irq, cpu: 1),
                       "Taking exception: cpu1 irq EL1->EL1 ELR 0x40080010 SPSR 0x5 PC 0x280")
        let eret = ExceptionEvent(kind: .returned(illegal: false), fromEL: 1, toEL: 0, elr: 0x4008_0020,
                                  spsr: 0, pc: 0x4008_0020)
        XCTAssertEqual(TraceFormat.exception(eret, cpu: 0), "Exception return: cpu0 EL1->EL0 PC 0x40080020 SPSR 0x0")
        let illegal = ExceptionEvent(kind: .returned(illegal: true), fromEL: 1, toEL: 1, elr: 0x4008_0020,
                                     spsr: 0x8, pc: 0x4008_0020)
        XCTAssertEqual(TraceFormat.exception(illegal, cpu: 0),
                       "Exception return: cpu0 EL1->EL1 PC 0x40080020 SPSR 0x8 (illegal return: PSTATE.IL set)")
    }

    func testExceptionNames() {
        XCTAssertEqual(ExceptionClass.name(ofEC: 0x15), "SVC")
        XCTAssertEqual(ExceptionClass.name(ofEC: 0x3C), "BRK")
        XCTAssertEqual(ExceptionClass.name(ofEC: 0x1E), "Granule protection check")
        XCTAssertEqual(ExceptionClass.name(ofEC: 0x3F), "reserved EC")
        XCTAssertEqual(FaultStatus.name(ofFSC: 0x07), "translation fault, level 3")
        XCTAssertEqual(FaultStatus.name(ofFSC: 0x28), "granule protection fault")
        for ec in ExceptionClass.allKnown { XCTAssertNotEqual(ExceptionClass.name(ofEC: ec.rawValue), "reserved EC") }
    }

    func testStats() {
        var s = TraceFormat.Statistics()
        s.guestInstructions = 2_000_000
        s.elapsedSeconds = 0.5
        s.engine.blocksTranslated = 12
        s.engine.blocksExecuted = 3456
        s.engine.blocksInvalidated = 1
        s.exceptionsTaken = 5
        s.exceptionReturns = 4
        XCTAssertEqual(TraceFormat.stats(s), """
            guest-instructions: 2000000
            elapsed-seconds: 0.500000
            mips: 4.00
            blocks-translated: 12
            blocks-executed: 3456
            blocks-invalidated: 1
            instructions-translated: 0
            translation-seconds: 0.000000
            translation-microseconds-per-block: 0.00
            exceptions-taken: 5
            exception-returns: 4
            tlb-hits: not counted (fast path)
            tlb-data-misses: 0
            tlb-code-misses: 0
            tlb-walks: 0
            tlb-flushes: 0
            tlb-stage2-walks: 0
            tlb-stage2-walk-cache-hits: 0
            mecid-mismatches: 0

            """)
        s.engine.jitCompiledBlocks = 10
        s.engine.jitFallbackBlocks = 2
        s.engine.jitDeferredBlocks = 3
        s.engine.hostCodeBytes = 4096
        s.engine.chainsMade = 7
        s.engine.codeCacheFlushes = 0
        s.engine.jumpCacheSwitches = 5
        s.engine.jumpCacheEvictions = 1
        s.engine.guestInstructionsTranslated = 99
        s.engine.translationNanoseconds = 250_000_000
        s.tlb.dataMisses = 11
        s.tlb.codeMisses = 12
        s.tlb.walks = 13
        s.tlbFlushes = 14
        s.tlb.stage2Walks = 15
        s.tlb.stage2CacheHits = 16
        let text = TraceFormat.stats(s)
        XCTAssertTrue(text.contains("instructions-translated: 99\ntranslation-seconds: 0.250000\ntranslation-microseconds-per-block: 20833.33\n"), text)
        XCTAssertTrue(text.contains("tlb-data-misses: 11\ntlb-code-misses: 12\ntlb-walks: 13\ntlb-flushes: 14\ntlb-stage2-walks: 15\ntlb-stage2-walk-cache-hits: 16\n"), text)
        XCTAssertTrue(text.hasSuffix("jit-compiled-blocks: 10\njit-fallback-blocks: 2\njit-deferred-blocks: 3\nhost-code-bytes: 4096\nhost-bytes-per-instruction: 41.37\nchains-made: 7\ncode-cache-flushes: 0\njump-cache-switches: 5\njump-cache-evictions: 1\n"), text)
        // The benchmark harness takes the last line naming guest instructions: only the first may.
        let guestLines = text.split(separator: "\n").filter { $0.lowercased().contains("guest") }
        XCTAssertEqual(guestLines, ["guest-instructions: 2000000"])
    }

    func testOutAsm() {
        // Without Capstone: the bytes, 16 a line (DebugTraceTests has the disassembled form).
        let code: [UInt8] = Array(0..<20)
        let info = HostCodeInfo(guestPC: 0x4008_0000, code: code, hostAddress: 0x7F00_0000_1000,
                                instructionStarts: [.init(hostOffset: 0, guestPC: 0x4008_0000)], bodySize: 20)
        XCTAssertEqual(TraceFormat.outAsm(info, disassembler: nil), """
            OUT: [size=20] guest 0x40080000
              -- guest 0x40080000
            0x7f0000001000:  00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f
            0x7f0000001010:  10 11 12 13


            """)
    }

    // MARK: Symbols

    func testSymbolTable() {
        let elf = DebugLogTests.elfWithSymbols([
            ("$x", 0x4008_0000, 0, 0x00),          // mapping symbol: skipped
            ("_start", 0x4008_0000, 8, 0x12),      // global FUNC
            ("local_at_start", 0x4008_0000, 0, 0x00),
            ("loop", 0x4008_0010, 0, 0x00),        // local NOTYPE label
            ("table", 0x4009_0000, 16, 0x11),      // global OBJECT
        ])
        let t = SymbolTable(elf: elf)
        XCTAssertFalse(t.isEmpty)
        XCTAssertEqual(t.name(at: 0x4008_0000), "_start", "a function is preferred to a label at the same address")
        XCTAssertEqual(t.name(at: 0x4008_0004), "_start+0x4")
        XCTAssertEqual(t.name(at: 0x4008_0008), "local_at_start+0x8", "past _start's size: the label")
        XCTAssertEqual(t.name(at: 0x4008_0014), "loop+0x4")
        XCTAssertEqual(t.name(at: 0x4009_0008), "table+0x8")
        XCTAssertNil(t.name(at: 0x4009_0010), "past a sized symbol")
        XCTAssertNil(t.name(at: 0x3000_0000))
        XCTAssertTrue(SymbolTable(elf: [1, 2, 3]).isEmpty)
        XCTAssertTrue(SymbolTable(elf: Array(elf.prefix(100))).isEmpty)
    }

    /// A minimal ELF64 with sections [null, .symtab, .strtab] (no segments).
    static func elfWithSymbols(_ syms: [(String, UInt64, UInt64, UInt8)]) -> [UInt8] {
        func le(_ v: UInt64, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * UInt64($0))) } }
        var strtab: [UInt8] = [0]
        var symtab = [UInt8](repeating: 0, count: 24)   // the null symbol
        for (name, value, size, info) in syms {
            let off = strtab.count
            strtab += Array(name.utf8) + [0]
            symtab += le(UInt64(off), 4) + [info, 0] + le(1, 2) + le(value, 8) + le(size, 8)
        }
        let symOff = 64, strOff = symOff + symtab.count
        let shOff = strOff + strtab.count
        var h: [UInt8] = [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1] + [UInt8](repeating: 0, count: 9)
        h += le(2, 2) + le(183, 2) + le(1, 4) + le(0x4008_0000, 8) + le(0, 8) + le(UInt64(shOff), 8)
        h += le(0, 4) + le(64, 2) + le(56, 2) + le(0, 2) + le(64, 2) + le(3, 2) + le(0, 2)
        func sh(type: UInt64, off: Int, size: Int, link: UInt64, entsize: UInt64) -> [UInt8] {
            le(0, 4) + le(type, 4) + le(0, 8) + le(0, 8) + le(UInt64(off), 8) + le(UInt64(size), 8)
                + le(link, 4) + le(0, 4) + le(8, 8) + le(entsize, 8)
        }
        var out = h + symtab + strtab
        out += [UInt8](repeating: 0, count: 64)
        out += sh(type: 2, off: symOff, size: symtab.count, link: 2, entsize: 24)
        out += sh(type: 3, off: strOff, size: strtab.count, link: 0, entsize: 0)
        return out
    }

    // MARK: Machine-level items (System.log)

    func testMachineLogItems() throws {
        let vm = try VirtMachine(options: VirtOptions())
        var lines: [(LogItem, String)] = []
        // Successful translations (the walker's lines under mmu) are left out here.
        vm.system.logger = MachineLog(items: [.guestErrors, .unimp, .mmu]) { item, line in
            if !line.contains(" -> pa ") { lines.append((item, line)) }
        }
        vm.system.logger?.disassemble = { w, pc in "text of " + TraceFormat.hex(UInt64(w), digits: 8) }
        let cpu = vm.cpu
        // A write to flash that is no CFI command (the bank is a CFI flash device, as QEMU's).
        cpu.faultPC = 0x4008_0000
        cpu.storeSlow(va: 0x100, size: 4, value: 1, mmuIndex: cpu.mmuIndex)
        XCTAssertEqual(lines.last?.0, .guestErrors)
        XCTAssertEqual(lines.last?.1, "virt.flash0: unimplemented flash command sequence (offset 0x100, cycle 0, command 0x0, value 0x1)")
        // A read where nothing is mapped: guest_errors, then the abort under mmu.
        lines = []
        _ = cpu.loadSlow(va: 0x0F00_0000, size: 8, mmuIndex: cpu.mmuIndex)
        XCTAssertEqual(lines.map(\.0), [.guestErrors, .mmu])
        XCTAssertEqual(lines[0].1, "invalid read of 8 bytes at physical address 0xf000000 (nothing mapped; PC 0x40080000): external abort")
        XCTAssertEqual(lines[1].1, "mmu: read at va 0xf000000 faulted: synchronous external abort (PC 0x40080000, EL1 -> EL1)")
        // An unaligned access with the MMU off (Device memory): an alignment fault.
        lines = []
        cpu.setEL(1)
        _ = cpu.loadSlow(va: 0x4008_1001, size: 4, mmuIndex: cpu.mmuIndex)
        XCTAssertEqual(lines.map(\.1), ["mmu: read at va 0x40081001 faulted: alignment fault (PC 0x40080000, EL1 -> EL1)"])
        // A device register the PL011 does not have.
        lines = []
        _ = cpu.loadSlow(va: 0x0900_0800, size: 4, mmuIndex: cpu.mmuIndex)
        XCTAssertEqual(lines.map(\.0), [.guestErrors])
        XCTAssertTrue(lines[0].1.hasPrefix("pl011: read of unknown register"))
        // MRS of a register Armature does not have (unimp) and of one not accessible at EL0 (guest_errors).
        let mrsUnknown: UInt32 = 0xD53F_F000   // mrs x0, S3_7_C15_C0_0
        withUnsafeBytes(of: mrsUnknown) { _ = vm.memory.writePhysical(pa: 0x4008_2000, bytes: $0) }
        cpu.faultPC = 0x4008_2000
        lines = []
        cpu.logUndefinedSystemInstruction(sysRegKey: 0xFF80)
        XCTAssertEqual(lines.map(\.0), [.unimp])
        XCTAssertEqual(lines[0].1, "unimplemented system register: text of d53ff000 at 0x40082000 (EL1); taking UNDEFINED")
        lines = []
        cpu.setEL(0)
        cpu.logUndefinedSystemInstruction(sysRegKey: sysRegKey(op0: 3, op1: 0, crn: 1, crm: 0, op2: 0))
        XCTAssertEqual(lines.map(\.0), [.guestErrors])
        XCTAssertTrue(lines[0].1.hasSuffix("(EL0): SCTLR_EL1 is not accessible here"), lines[0].1)
        // Not selected: nothing.
        vm.system.logger = MachineLog(items: [.semihosting]) { lines.append(($0, $1)) }
        lines = []
        cpu.setEL(1)
        cpu.storeSlow(va: 0x100, size: 4, value: 1, mmuIndex: cpu.mmuIndex)
        cpu.logUndefinedSystemInstruction()
        XCTAssertTrue(lines.isEmpty)
        XCTAssertFalse(vm.system.isLogging(.unimp))
        XCTAssertTrue(vm.system.isLogging(.semihosting))
    }

    // MARK: The tracer, on a run

    /// A tiny program run by the dispatcher with every block-based item, int and
    /// stats: `mov x0, #1; svc #0` with VBAR_EL1 = 0, so the SVC lands in
    /// (zero-filled) flash, whose `udf #0` at the vector repeats until the run
    /// stops with "guest stuck in an exception loop".
    func testTracerOnARun() throws {
        let vm = try VirtMachine(options: VirtOptions())
        let code: [UInt32] = [0xD280_0020, 0xD400_0001]
        code.withUnsafeBytes { _ = vm.memory.writePhysical(pa: 0x4008_0000, bytes: $0) }
        vm.cpu.pc = 0x4008_0000
        let out = Pipe()
        let writer = LogWriter(fd: out.writeFD, buffered: true)
        let selection = try LogSelection(logValues: ["in_asm,op,op_opt,out_asm,exec,cpu,int,stats,nochain"])
        let tracer = Tracer(selection: selection, writer: writer, system: vm.system)
        var engine = EngineOptions()
        tracer.install(into: &engine)
        XCTAssertFalse(engine.chaining, "nochain")
        XCTAssertNotNil(engine.onTranslate)
        XCTAssertNotNil(engine.onExecute)
        XCTAssertNotNil(vm.system.exceptionObserver)
        XCTAssertNil(vm.system.logger, "no machine-level item selected")
        let dispatcher = try Dispatcher(system: vm.system, options: engine)
        _ = dispatcher.run()
        tracer.finish(statistics: dispatcher.statistics, guestInstructions: vm.cpu.instructionCount, elapsedSeconds: 0.001)
        let log = out.drainString()
        let mov = A64Disassembler.disassemble(0xD280_0020, pc: 0x4008_0000)
        let udf = A64Disassembler.disassemble(0, pc: 0x200)
        XCTAssertTrue(log.contains("IN:\n0x40080000:  d2800020  \(mov)\n0x40080004:  d4000001  svc #0\n"), log)
        XCTAssertTrue(log.contains("OP:\n ; insn 0x40080000\n"))
        XCTAssertTrue(log.contains("OP after optimization:\n"))
        if engine.kind == .jit {
            XCTAssertTrue(log.contains("OUT: [size="), "out_asm under the JIT")
            XCTAssertTrue(log.contains("jit-compiled-blocks: "))
        }
        XCTAssertTrue(log.contains("Trace 0: cpu0 pc=0x40080000 EL1 NS\n PC=0000000040080000 X00="), log)
        XCTAssertTrue(log.contains("Taking exception: cpu0 sync EL1->EL1 EC 0x15 [SVC] ESR 0x56000000 ELR 0x40080008 SPSR 0x3c5 PC 0x200\n"), log)
        XCTAssertTrue(log.contains("Taking exception: cpu0 sync EL1->EL1 EC 0x0 [Unknown reason] ESR 0x2000000 ELR 0x200"), log)
        XCTAssertTrue(log.contains("0x00000200:  00000000  \(udf)\n"), log)
        XCTAssertTrue(log.contains("guest-instructions: 3\n"), log)
        XCTAssertTrue(log.contains("exceptions-taken: 2\n"), log)
        XCTAssertTrue(log.contains("exception-returns: 0\n"), log)
        XCTAssertTrue(log.contains("blocks-translated: 2\n"), log)
        XCTAssertEqual(vm.system.fatalMessage?.hasPrefix("guest stuck in an exception loop"), true)
    }

    func testDfilterLimitsBlockItems() throws {
        let vm = try VirtMachine(options: VirtOptions())
        let code: [UInt32] = [0xD280_0020, 0xD400_0001]
        code.withUnsafeBytes { _ = vm.memory.writePhysical(pa: 0x4008_0000, bytes: $0) }
        vm.cpu.pc = 0x4008_0000
        let out = Pipe()
        let writer = LogWriter(fd: out.writeFD, buffered: false)
        let selection = try LogSelection(logValues: ["in_asm,exec,int"], filterValues: ["0x200+4"])
        let tracer = Tracer(selection: selection, writer: writer, system: vm.system)
        var engine = EngineOptions()
        tracer.install(into: &engine)
        let dispatcher = try Dispatcher(system: vm.system, options: engine)
        _ = dispatcher.run()
        tracer.finish(statistics: dispatcher.statistics, guestInstructions: 0, elapsedSeconds: 0)
        let log = out.drainString()
        XCTAssertFalse(log.contains("0x40080000"), "the block at 0x40080000 is filtered out: \(log)")
        XCTAssertTrue(log.contains("IN:\n0x00000200:  00000000  \(A64Disassembler.disassemble(0, pc: 0x200))\n"), log)
        XCTAssertTrue(log.contains("Trace 0: cpu0 pc=0x200 EL1 NS\n"))
        XCTAssertTrue(log.contains("Taking exception: cpu0 sync EL1->EL1 EC 0x15"), "int is not filtered")
        XCTAssertFalse(log.contains("guest-instructions"), "stats not selected")
    }

    func testNothingInstalledWithoutItems() throws {
        let vm = try VirtMachine(options: VirtOptions())
        let tracer = Tracer(selection: LogSelection(), writer: LogWriter(fd: -1, buffered: false), system: vm.system)
        var engine = EngineOptions()
        tracer.install(into: &engine)
        XCTAssertNil(engine.onTranslate)
        XCTAssertNil(engine.onExecute)
        XCTAssertNil(engine.onCompile)
        XCTAssertTrue(engine.chaining)
        XCTAssertNil(vm.system.exceptionObserver)
        XCTAssertNil(vm.system.logger)
    }

    func testLogWriterBuffersFilesAndFlushes() throws {
        let dir = TempDir()
        let path = dir.path + "/log.txt"
        func contents() -> String { (try? ELFLoader.readFile(path)).map { String(decoding: $0, as: UTF8.self) } ?? "<none>" }
        let w = try LogWriter(path: path)
        XCTAssertTrue(w.buffered)
        w.line("one")
        XCTAssertEqual(contents(), "", "buffered")
        w.write(String(repeating: "x", count: 70_000) + "\n")   // larger than the buffer: written at once
        XCTAssertEqual(contents().count, 4 + 70_001)
        XCTAssertTrue(contents().hasPrefix("one\nxxx"))
        w.line("two")
        w.flush()
        XCTAssertTrue(contents().hasSuffix("x\ntwo\n"))
        w.line("three")
        SignalFlush.attach(fd: w.fd, buffer: w.bufferForTests, count: w.countForTests)
        SignalFlush.flushNow()   // what the signal handler does
        XCTAssertTrue(contents().hasSuffix("two\nthree\n"))
        SignalFlush.detach()

        let out = Pipe()
        let u = LogWriter(fd: out.writeFD, buffered: false)
        u.line("now")
        XCTAssertEqual(out.drainString(), "now\n", "stderr: written at once")
        XCTAssertThrowsError(try LogWriter(path: dir.path + "/missing/log.txt")) {
            XCTAssertTrue("\($0)".hasPrefix("-D \(dir.path)/missing/log.txt: cannot open the log file"))
        }
    }
}

extension ExceptionClass {
    static let allKnown: [ExceptionClass] = [.unknown, .wfx, .illegalState, .svc, .hvc, .smc, .sysRegTrap,
                                              .instructionAbortLower, .instructionAbortSame, .pcAlignment,
                                              .dataAbortLower, .dataAbortSame, .spAlignment, .brk]
}
