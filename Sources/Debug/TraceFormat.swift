import A64
import IR
import Machine
import Engine

/// The security state a CPU executes in, as `-d exec` and `-d cpu` show it.
public enum SecurityState: String, Sendable {
    case secure = "S"
    case nonSecure = "NS"
    case root = "RT"
    case realm = "RL"

    public var name: String {
        switch self {
        case .secure: return "Secure"
        case .nonSecure: return "Non-secure"
        case .root: return "Root"
        case .realm: return "Realm"
        }
    }

    /// The Machine's `CPU.securityState`: without EL3 the `virt` CPU runs
    /// Non-secure (as QEMU's); at EL3 it is Secure, or Root with RME; below
    /// EL3, SCR_EL3.{NSE,NS} pick Secure, Non-secure or Realm.
    public init(cpu: CPU) {
        switch cpu.securityState {
        case .secure: self = .secure
        case .nonSecure: self = .nonSecure
        case .root: self = .root
        case .realm: self = .realm
        }
    }
}

/// The registers `-d cpu` prints, copied out of a CPU.
public struct RegisterSnapshot: Sendable, Equatable {
    /// X0...X30.
    public var x: [UInt64]
    /// SP_EL0...SP_ELn for the implemented ELs.
    public var spEL: [UInt64]
    public var pc: UInt64
    /// PSTATE as SPSR would record it (NZCV, DAIF, EL, SPSel, ...).
    public var pstate: UInt64
    public var el: Int
    public var spSel: Int
    public var security: SecurityState
    /// Whether EL3 exists (QEMU then shows the security state on the PSTATE line).
    public var hasEL3: Bool

    public init(cpu: CPU) {
        x = (0..<31).map { cpu.x($0) }
        spEL = (0...cpu.highestEL).map { cpu.x(StateLayout.spEL0Id + $0) }
        pc = cpu.pc
        pstate = cpu.pstateForSPSR
        el = cpu.el
        spSel = Int(cpu.spSel)
        security = SecurityState(cpu: cpu)
        hasEL3 = cpu.config.hasEL3
    }

    /// The current stack pointer.
    public var sp: UInt64 { spSel == 0 ? spEL[0] : spEL[el] }
}

/// The text of each `-d` item. Pure functions: the tests call them directly.
public enum TraceFormat {
    /// Lower-case hex digits, zero-padded to `digits`.
    public static func hex(_ v: UInt64, digits: Int) -> String {
        let s = String(v, radix: 16)
        return s.count >= digits ? s : String(repeating: "0", count: digits - s.count) + s
    }

    /// `0x` and at least 8 hex digits, as QEMU prints guest addresses in in_asm.
    public static func address(_ v: UInt64) -> String { "0x" + hex(v, digits: 8) }

    // MARK: in_asm

    /// A newly translated block, as QEMU prints it:
    ///
    ///     ----------------
    ///     IN: _start
    ///     0x40080000:  d2800020  mov x0, #0x1
    ///     <blank line>
    public static func inAsm(pc: UInt64, words: [UInt32], symbol: String? = nil) -> String {
        var s = "----------------\nIN:" + (symbol.map { " " + $0 } ?? "") + "\n"
        var a = pc
        for w in words {
            s += address(a) + ":  " + hex(UInt64(w), digits: 8) + "  " + A64Disassembler.disassemble(w, pc: a) + "\n"
            a &+= 4
        }
        return s + "\n"
    }

    // MARK: op, op_opt

    public static let opTitle = "OP:"
    public static let opOptTitle = "OP after optimization:"

    /// A block's IR under a title, each line indented by one space, then a blank line.
    public static func ir(title: String, _ block: IRBlock) -> String {
        var s = title + "\n"
        for line in IRPrinter.print(block).split(separator: "\n") {
            s += " " + line + "\n"
        }
        return s + "\n"
    }

    // MARK: out_asm

    public static let outAsmEntryMarker = "  -- entry: exit-request check"
    public static let outAsmStubsMarker = "  -- out-of-line: softmmu slow paths, exception and exit stubs"

    /// The host code the JIT made for a block: QEMU's `OUT: [size=N]` header,
    /// then each x86-64 instruction (host address, bytes, Intel syntax), with a
    /// `  -- guest 0x...: <instruction>` line where each guest instruction's
    /// code starts and the out-of-line code after its own marker, then a blank
    /// line. `guestWord` gives the guest instruction at a PC (nil: unreadable).
    /// Without a disassembler the bytes are shown alone.
    public static func outAsm(_ info: HostCodeInfo, disassembler: HostDisassembler?,
                              guestWord: (UInt64) -> UInt32? = { _ in nil }) -> String {
        var s = "OUT: [size=\(info.code.count)] guest " + address(info.guestPC) + "\n"
        let body = min(max(info.bodySize, 0), info.code.count)
        var starts = info.instructionStarts[...]
        func guestLine(_ pc: UInt64) -> String {
            var line = "  -- guest " + address(pc)
            if let w = guestWord(pc) { line += ": " + A64Disassembler.disassemble(w, pc: pc) }
            return line + "\n"
        }
        func emit(_ range: Range<Int>) {
            var lines: [(offset: Int, text: String)] = []
            if let d = disassembler {
                for insn in d.disassemble(info.code, address: info.hostAddress, range: range) {
                    lines.append((Int(insn.address &- info.hostAddress), hostLine(insn.address, insn.bytes, insn.text)))
                }
            } else {
                var i = range.lowerBound
                while i < range.upperBound {
                    let n = min(16, range.upperBound - i)
                    lines.append((i, hostLine(info.hostAddress &+ UInt64(i), Array(info.code[i..<(i + n)]), nil)))
                    i += n
                }
            }
            for (offset, text) in lines {
                // Markers go before the first host instruction at or after their offset.
                while let f = starts.first, f.hostOffset <= offset {
                    s += guestLine(f.guestPC)
                    starts = starts.dropFirst()
                }
                s += text
            }
        }
        if starts.first.map({ $0.hostOffset > 0 }) ?? (body > 0) { s += outAsmEntryMarker + "\n" }
        emit(0..<body)
        while let f = starts.first {   // instructions with no code of their own at the end of the body
            s += guestLine(f.guestPC)
            starts = starts.dropFirst()
        }
        if body < info.code.count {
            s += outAsmStubsMarker + "\n"
            emit(body..<info.code.count)
        }
        return s + "\n"
    }

    /// `0x00007f0000001000:  48 8b 43 08                    mov rax, qword ptr [rbx + 8]`
    /// (bytes padded for eleven; without text, the bytes alone).
    static func hostLine(_ address: UInt64, _ bytes: [UInt8], _ text: String?) -> String {
        let hexBytes = bytes.map { hex(UInt64($0), digits: 2) }.joined(separator: " ")
        var s = "0x" + hex(address, digits: 12) + ":  " + hexBytes
        if let text {
            s += String(repeating: " ", count: max(1, 34 - hexBytes.count)) + text
        }
        return s + "\n"
    }

    // MARK: exec

    /// `Trace 0: cpu0 pc=0x40080000 EL1 NS`, and the symbol when one is known.
    public static func exec(cpu: Int, pc: UInt64, el: Int, security: SecurityState, symbol: String? = nil) -> String {
        "Trace \(cpu): cpu\(cpu) pc=0x" + String(pc, radix: 16) + " EL\(el) " + security.rawValue
            + (symbol.map { " " + $0 } ?? "")
    }

    // MARK: cpu

    /// Registers in QEMU's AArch64 layout (three per line, PSTATE with NZCV as
    /// letters and EL with h/t for SP_ELx/SP_EL0), then the stack pointers of
    /// every implemented EL, SPSel and DAIF (masked bits as letters).
    public static func registers(_ r: RegisterSnapshot) -> String {
        var s = " PC=" + hex(r.pc, digits: 16) + " "
        for i in 0..<31 {
            s += "X" + (i < 10 ? "0" : "") + String(i) + "=" + hex(r.x[i], digits: 16)
            s += (i + 2) % 3 == 0 ? "\n" : " "
        }
        s += " SP=" + hex(r.sp, digits: 16) + "\n"
        let p = r.pstate
        let flags = [(31, "N"), (30, "Z"), (29, "C"), (28, "V")].map { p >> UInt64($0.0) & 1 == 1 ? $0.1 : "-" }.joined()
        s += "PSTATE=" + hex(p & 0xFFFF_FFFF, digits: 8) + " " + flags + " "
        if r.hasEL3 { s += r.security.rawValue + " " }
        s += "EL\(r.el)" + (r.spSel == 1 ? "h" : "t") + "\n"
        for (el, v) in r.spEL.enumerated() {
            s += "SP_EL\(el)=" + hex(v, digits: 16) + " "
        }
        let daif = [(9, "D"), (8, "A"), (7, "I"), (6, "F")].map { p >> UInt64($0.0) & 1 == 1 ? $0.1 : "-" }.joined()
        s += "SPSel=\(r.spSel) DAIF=" + daif + "\n"
        return s
    }

    // MARK: int

    /// One line per exception taken or returned from:
    ///
    ///     Taking exception: cpu0 sync EL1->EL1 EC 0x15 [SVC] ESR 0x56001234 ELR 0x4008001c SPSR 0x600003c5 PC 0x40080200
    ///     Exception return: cpu0 EL1->EL1 PC 0x4008001c SPSR 0x600003c5
    ///
    /// Aborts add the fault status and access, and FAR when it was written.
    public static func exception(_ e: ExceptionEvent, cpu: Int) -> String {
        func h(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }
        switch e.kind {
        case .returned(let illegal):
            return "Exception return: cpu\(cpu) EL\(e.fromEL)->EL\(e.toEL) PC \(h(e.pc)) SPSR \(h(e.spsr))"
                + (illegal ? " (illegal return: PSTATE.IL set)" : "")
        case .taken(let kind):
            var s = "Taking exception: cpu\(cpu) \(kindName(kind)) EL\(e.fromEL)->EL\(e.toEL)"
            if let esr = e.esr {
                s += " EC " + h(esr >> 26 & 0x3F) + " [" + syndromeText(esr) + "] ESR " + h(esr)
            }
            if let far = e.far { s += " FAR " + h(far) }
            s += " ELR \(h(e.elr)) SPSR \(h(e.spsr)) PC \(h(e.pc))"
            return s
        }
    }

    public static func kindName(_ k: ExceptionKind) -> String {
        switch k {
        case .sync: return "sync"
        case .irq: return "irq"
        case .fiq: return "fiq"
        case .serror: return "serror"
        }
    }

    /// The EC's name; for aborts also the fault status and (data aborts) the access.
    public static func syndromeText(_ esr: UInt64) -> String {
        let ec = esr >> 26 & 0x3F
        var s = ExceptionClass.name(ofEC: ec)
        if ExceptionClass.isAbort(ec: ec) {
            s += ": " + FaultStatus.name(ofFSC: esr & 0x3F)
            if ec == 0x24 || ec == 0x25 { s += esr >> 6 & 1 == 1 ? ", write" : ", read" }
        }
        return s
    }

    // MARK: stats

    /// What `-d stats` prints at exit: the engine's counters and what the
    /// machine counted.
    public struct Statistics: Sendable {
        /// `guestInstructions` is the run's (the caller's count, not the engine's field).
        public var engine = EngineStatistics()
        public var guestInstructions: UInt64 = 0
        public var elapsedSeconds: Double = 0
        public var exceptionsTaken: UInt64 = 0
        public var exceptionReturns: UInt64 = 0
        /// softmmu slow-path counters (fast-path hits are not counted).
        public var tlb = TLBStatistics()
        public var tlbFlushes: UInt64 = 0
        /// Reads and fetches whose MECID did not match the data's (they saw substitute
        /// data: MECTagStore's substituteReads); 0 without `-M virt,mec=on`.
        public var mecidMismatches: UInt64 = 0
        public init() {}

        public init(_ e: EngineStatistics, guestInstructions: UInt64, elapsedSeconds: Double) {
            engine = e
            self.guestInstructions = guestInstructions
            self.elapsedSeconds = elapsedSeconds
        }
    }

    /// `name: value` lines. The first, `guest-instructions: N`, is what the
    /// benchmark harness reads: keep its format, and keep the word "guest" out
    /// of the other names (the harness takes the last line naming guest instructions).
    public static func stats(_ s: Statistics) -> String {
        let e = s.engine
        let mips = s.elapsedSeconds > 0 ? Double(s.guestInstructions) / s.elapsedSeconds / 1e6 : 0
        let translationSeconds = Double(e.translationNanoseconds) / 1e9
        let perBlockMicroseconds = e.blocksTranslated > 0 ? translationSeconds * 1e6 / Double(e.blocksTranslated) : 0
        // Over every instruction translated (blocks the JIT left to the interpreter, rare, count too).
        let instructionsTranslated = e.guestInstructionsTranslated
        let hostBytesPerInstruction = instructionsTranslated > 0 ? Double(e.hostCodeBytes) / Double(instructionsTranslated) : 0
        var text = """
            guest-instructions: \(s.guestInstructions)
            elapsed-seconds: \(fixed(s.elapsedSeconds, 6))
            mips: \(fixed(mips, 2))
            blocks-translated: \(e.blocksTranslated)
            blocks-executed: \(e.blocksExecuted)
            blocks-invalidated: \(e.blocksInvalidated)
            instructions-translated: \(instructionsTranslated)
            translation-seconds: \(fixed(translationSeconds, 6))
            translation-microseconds-per-block: \(fixed(perBlockMicroseconds, 2))
            exceptions-taken: \(s.exceptionsTaken)
            exception-returns: \(s.exceptionReturns)
            tlb-hits: not counted (fast path)
            tlb-data-misses: \(s.tlb.dataMisses)
            tlb-code-misses: \(s.tlb.codeMisses)
            tlb-walks: \(s.tlb.walks)
            tlb-flushes: \(s.tlbFlushes)
            tlb-stage2-walks: \(s.tlb.stage2Walks)
            tlb-stage2-walk-cache-hits: \(s.tlb.stage2CacheHits)
            mecid-mismatches: \(s.mecidMismatches)

            """
        if e.jitCompiledBlocks + e.jitFallbackBlocks > 0 {
            text += """
                jit-compiled-blocks: \(e.jitCompiledBlocks)
                jit-fallback-blocks: \(e.jitFallbackBlocks)
                jit-deferred-blocks: \(e.jitDeferredBlocks)
                host-code-bytes: \(e.hostCodeBytes)
                host-bytes-per-instruction: \(fixed(hostBytesPerInstruction, 2))
                chains-made: \(e.chainsMade)
                code-cache-flushes: \(e.codeCacheFlushes)
                jump-cache-switches: \(e.jumpCacheSwitches)
                jump-cache-evictions: \(e.jumpCacheEvictions)

                """
        }
        return text
    }

    /// `v` with `digits` digits after the point (no Foundation).
    public static func fixed(_ v: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let n = UInt64((max(0, v) * scale).rounded())
        let whole = n / UInt64(scale)
        var frac = String(n % UInt64(scale))
        while frac.count < digits { frac = "0" + frac }
        return digits > 0 ? "\(whole).\(frac)" : "\(whole)"
    }
}
