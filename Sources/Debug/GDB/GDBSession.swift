import Machine
import Engine

/// One debugger's conversation with the stopped machine: answers each packet
/// (registers, memory, breakpoints, queries, threads, monitor commands) and
/// says how the CPUs must run again. No I/O: `GDBServer` moves the packets.
///
/// Each CPU is a thread (ids from 1, in CPU order, as QEMU's stub; with
/// gdb's `multiprocess+` spelled `p01.NN`). Registers and memory are those of
/// the thread `Hg` selected, `c`/`s` resume the one `Hc` selected; a stop
/// selects the thread that stopped for both.
public final class GDBSession {
    public let control: DebugControl
    private let cpus: [CPU]
    /// The CPU whose registers and memory the packets read and write (`Hg`).
    public var cpu: CPU { cpus[registerCPU] }
    private var registerCPU = 0
    /// The CPU `c`/`s` resume (`Hc`); nil: the one that stopped.
    private var resumeCPU: Int?
    /// The CPU whose stop the debugger was last told of.
    public private(set) var stoppedCPU = 0
    /// Set after `QStartNoAckMode`: no `+`/`-` any more.
    public private(set) var noAck = false
    /// The debugger offered `multiprocess+`: thread ids are `pPID.TID`.
    public private(set) var multiprocess = false
    /// The next CPU `qsThreadInfo` reports.
    private var nextListed = 0
    /// Why the CPU last stopped (the reply to `?`).
    public var lastStop: DebugStopReason = .initial
    /// Breakpoints by the packet that set them (Z0 software, Z1 hardware): both
    /// are PC compares before each instruction; the kind only changes the stop reply.
    private var softwareBreakpoints: Set<UInt64> = []
    private var hardwareBreakpoints: Set<UInt64> = []

    /// What answering a packet produced.
    public struct Outcome: Equatable {
        /// Packets to send, in order (payloads, not yet framed).
        public var replies: [String] = []
        /// Run the CPU again (no stop reply now: it comes when the CPU stops).
        public var resume: DebugResume? = nil
        /// The debugger detached (`D`): the CPU runs on without it.
        public var detached = false

        public init(replies: [String] = [], resume: DebugResume? = nil, detached: Bool = false) {
            self.replies = replies
            self.resume = resume
            self.detached = detached
        }
        static func reply(_ s: String) -> Outcome { Outcome(replies: [s]) }
    }

    /// Most breakpoints and watchpoints a debugger may set (more get ENOSPC).
    public static let maxBreakpoints = 4096
    public static let maxWatchpoints = 256

    public static let supported = "PacketSize=4000;qXfer:features:read+;swbreak+;hwbreak+;vContSupported+;QStartNoAckMode+"

    /// `cpu` is the CPU selected first; every CPU of its machine is a thread.
    public init(cpu: CPU, control: DebugControl) {
        self.control = control
        cpus = cpu.system.cpus.isEmpty ? [cpu] : cpu.system.cpus
        registerCPU = cpus.firstIndex { $0 === cpu } ?? 0
        stoppedCPU = registerCPU
    }

    /// Forgets the previous debugger's settings (a new connection).
    public func reset() {
        noAck = false
        multiprocess = false
    }

    /// The machine stopped on `cpu`: it becomes the selected thread.
    public func stopped(on cpu: CPU) {
        stoppedCPU = cpus.firstIndex { $0 === cpu } ?? 0
        registerCPU = stoppedCPU
        resumeCPU = nil
    }

    // MARK: Threads

    /// How a thread id is written in replies.
    func threadID(_ index: Int) -> String {
        let tid = GDBPacket.hexByte(UInt8(truncatingIfNeeded: index + 1))
        return multiprocess ? "p01." + tid : tid
    }

    /// What a thread id in a packet names.
    enum ThreadSelector: Equatable {
        case all, any
        case cpu(Int)
    }

    /// `TID`, `-1`, `0`, `pPID`, `pPID.TID` (hex; PID 1, -1 or 0). Nil: no
    /// such thread, or malformed.
    func thread(_ s: Substring) -> ThreadSelector? {
        var tid = s
        if s.hasPrefix("p") {
            let parts = s.dropFirst().split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == "-1" || GDBPacket.number(parts[0]).map({ $0 <= 1 }) == true else { return nil }
            guard parts.count == 2 else { return .all }   // every thread of the process
            tid = parts[1]
        }
        if tid == "-1" { return .all }
        guard let n = GDBPacket.number(tid) else { return nil }
        if n == 0 { return .any }
        guard n <= UInt64(cpus.count) else { return nil }
        return .cpu(Int(n) - 1)
    }

    /// `qThreadExtraInfo`: what `info threads` shows after the id, as QEMU.
    private func threadDescription(_ index: Int) -> String {
        let c = cpus[index]
        let halted = c.powerState != .on || c.waiting != nil
        return "CPU#\(c.index) [\(halted ? "halted " : "running")]"
    }

    // MARK: Stop replies

    /// The `T` packet for a stop: signal, thread, PC and SP, and why.
    public func stopReply(_ reason: DebugStopReason) -> String {
        let signal: UInt8 = reason == .interrupt ? 2 : 5
        let cpu = cpus[stoppedCPU]
        var s = "T" + GDBPacket.hexByte(signal)
        s += "20:" + GDBPacket.littleEndianHex(cpu.pc, bytes: 8) + ";"
        s += "1f:" + GDBPacket.littleEndianHex(cpu.sp, bytes: 8) + ";"
        s += "thread:" + threadID(stoppedCPU) + ";"
        switch reason {
        case .breakpoint:
            if hardwareBreakpoints.contains(cpu.pc) && !softwareBreakpoints.contains(cpu.pc) {
                s += "hwbreak:;"
            } else {
                s += "swbreak:;"
            }
        case .watchpoint(let w, let address):
            let name: String
            switch w.kind {
            case .write: name = "watch"
            case .read: name = "rwatch"
            case .access: name = "awatch"
            }
            s += "\(name):\(String(address, radix: 16));"
        case .initial, .step, .interrupt, .guestError: break
        }
        return s
    }

    /// The packet that tells the debugger the guest ended.
    public static func exitReply(status: Int32) -> String {
        "W" + GDBPacket.hexByte(UInt8(truncatingIfNeeded: status))
    }

    // MARK: Packets

    public func handle(_ packet: [UInt8]) -> Outcome {
        guard let first = packet.first else { return .reply("") }
        // Only X carries binary data: split it off before making text.
        if first == UInt8(ascii: "X") { return writeBinary(packet) }
        let text = String(decoding: packet, as: UTF8.self)
        let rest = text.dropFirst()
        switch Character(UnicodeScalar(first)) {
        case "?": return .reply(stopReply(lastStop))
        case "g": return .reply(GDBRegisters.allHex(cpu: cpu))
        case "G": return .reply(GDBRegisters.writeAll(hex: rest, cpu: cpu) ? "OK" : "E01")
        case "p":
            // The number is any 64-bit value: compared before it becomes an Int.
            guard let n = GDBPacket.number(rest), n < UInt64(GDBRegisters.all.count),
                  let h = GDBRegisters.hex(Int(n), cpu: cpu) else { return .reply("E01") }
            return .reply(h)
        case "P":
            let parts = rest.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let n = GDBPacket.number(parts[0]), n < UInt64(GDBRegisters.all.count),
                  let bytes = GDBPacket.bytes(fromHex: parts[1]) else { return .reply("E01") }
            GDBRegisters.write(Int(n), bytes: bytes, cpu: cpu)
            return .reply("OK")
        case "m": return readMemory(rest)
        case "M": return writeMemory(rest)
        case "Z", "z": return breakpoint(insert: first == UInt8(ascii: "Z"), rest)
        case "c", "C": return resume(.continue, address: addressAfterSignal(rest, hasSignal: first == UInt8(ascii: "C")))
        case "s", "S": return resume(.step, address: addressAfterSignal(rest, hasSignal: first == UInt8(ascii: "S")))
        case "D":
            control.removeAll()
            softwareBreakpoints.removeAll()
            hardwareBreakpoints.removeAll()
            return Outcome(replies: ["OK"], resume: .continue, detached: true)
        case "k": return Outcome(resume: .kill)
        case "H": return selectThread(rest)
        case "T": return .reply(thread(rest) == nil ? "E22" : "OK")   // every CPU is alive
        case "q": return query(text)
        case "Q": return set(text)
        case "v": return vPacket(text)
        default: return .reply("")             // not supported
        }
    }

    /// `c [addr]`, `C sig[;addr]` (the signal is not delivered: there are none).
    private func addressAfterSignal(_ rest: Substring, hasSignal: Bool) -> UInt64? {
        if hasSignal {
            guard let semi = rest.firstIndex(of: ";") else { return nil }
            return GDBPacket.number(rest[rest.index(after: semi)...])
        }
        return rest.isEmpty ? nil : GDBPacket.number(rest)
    }

    /// `c`/`s`: the `Hc` thread (else the one that stopped) resumes at
    /// `address` if given; `s` steps it while the other CPUs run too.
    private func resume(_ how: DebugResume, address: UInt64?) -> Outcome {
        let target = resumeCPU ?? stoppedCPU
        if let address { cpus[target].pc = address }
        if how == .step { return Outcome(resume: resumeAction(step: [target], held: [])) }
        return Outcome(resume: how)
    }

    /// The plainest `DebugResume` for per-CPU actions.
    private func resumeAction(step: Set<Int>, held: Set<Int>) -> DebugResume {
        if step.isEmpty && held.isEmpty { return .continue }
        if step == [stoppedCPU] && held.isEmpty { return .step }
        return .threads(step: step, held: held)
    }

    /// `Hg TID` (registers and memory), `Hc TID` (`c`/`s`).
    private func selectThread(_ rest: Substring) -> Outcome {
        guard let op = rest.first, let t = thread(rest.dropFirst()) else { return .reply("E22") }
        switch (op, t) {
        case ("g", .cpu(let i)): registerCPU = i
        case ("g", _): registerCPU = 0   // any or all: the first, as QEMU
        case ("c", .cpu(let i)): resumeCPU = i
        case ("c", _): resumeCPU = nil
        default: return .reply("E22")
        }
        return .reply("OK")
    }

    /// `addr,length` at the start of a memory packet.
    private func addressAndLength(_ s: Substring) -> (UInt64, Int)? {
        let parts = s.split(separator: ",", maxSplits: 1)
        guard parts.count == 2, let a = GDBPacket.number(parts[0]), let n = GDBPacket.number(parts[1]),
              n <= 1 << 20 else { return nil }
        return (a, Int(n))
    }

    private func readMemory(_ rest: Substring) -> Outcome {
        guard let (addr, length) = addressAndLength(rest) else { return .reply("E01") }
        if let bytes = cpu.readVirtual(addr, count: length) { return .reply(GDBPacket.hex(bytes)) }
        // Part of the range is not readable: what can be read, from the start.
        var bytes: [UInt8] = []
        while bytes.count < length, let b = cpu.readVirtual(addr &+ UInt64(bytes.count), count: 1) {
            bytes += b
        }
        return .reply(bytes.isEmpty ? "E14" : GDBPacket.hex(bytes))
    }

    private func writeMemory(_ rest: Substring) -> Outcome {
        guard let colon = rest.firstIndex(of: ":"), let (addr, length) = addressAndLength(rest[..<colon]),
              let bytes = GDBPacket.bytes(fromHex: rest[rest.index(after: colon)...]), bytes.count == length
        else { return .reply("E01") }
        return .reply(length == 0 || cpu.writeVirtual(addr, bytes: bytes) ? "OK" : "E14")
    }

    /// `X addr,length:binary`: the data is raw bytes (already unescaped).
    private func writeBinary(_ packet: [UInt8]) -> Outcome {
        guard let colon = packet.firstIndex(of: UInt8(ascii: ":")) else { return .reply("E01") }
        let header = String(decoding: packet[1..<colon], as: UTF8.self)
        guard let (addr, length) = addressAndLength(header[...]) else { return .reply("E01") }
        let data = Array(packet[(colon + 1)...])
        guard data.count == length else { return .reply("E01") }
        return .reply(length == 0 || cpu.writeVirtual(addr, bytes: data) ? "OK" : "E14")
    }

    /// `Z type,addr,kind` / `z type,addr,kind`.
    private func breakpoint(insert: Bool, _ rest: Substring) -> Outcome {
        let parts = rest.split(separator: ",")
        guard parts.count >= 3, let type = Int(parts[0]), let addr = GDBPacket.number(parts[1]),
              let kind = GDBPacket.number(parts[2].split(separator: ";").first ?? "") else { return .reply("E01") }
        switch type {
        case 0, 1:
            if insert {
                // A bound on what a debugger can make the stub hold (ENOSPC).
                guard softwareBreakpoints.count + hardwareBreakpoints.count < GDBSession.maxBreakpoints
                        || softwareBreakpoints.contains(addr) || hardwareBreakpoints.contains(addr) else { return .reply("E1c") }
                if type == 0 { softwareBreakpoints.insert(addr) } else { hardwareBreakpoints.insert(addr) }
                control.insertBreakpoint(addr)
            } else {
                if type == 0 { softwareBreakpoints.remove(addr) } else { hardwareBreakpoints.remove(addr) }
                if !softwareBreakpoints.contains(addr) && !hardwareBreakpoints.contains(addr) {
                    control.removeBreakpoint(addr)
                }
            }
            return .reply("OK")
        case 2, 3, 4:
            // The watched range may not wrap past 2^64.
            guard kind <= 1 << 20, !addr.addingReportingOverflow(max(kind, 1) - 1).overflow else { return .reply("E16") }
            let w = Watchpoint(address: addr, length: kind, kind: WatchKind(rawValue: type)!)
            if insert {
                guard control.watchpoints.count < GDBSession.maxWatchpoints || control.watchpoints.contains(w) else { return .reply("E1c") }
                control.insertWatchpoint(w)
            } else {
                control.removeWatchpoint(w)
            }
            return .reply("OK")
        default:
            return .reply("")
        }
    }

    // MARK: Queries

    private func query(_ text: String) -> Outcome {
        if text.hasPrefix("qSupported") {
            multiprocess = text.split(separator: ";").contains { $0.hasSuffix("multiprocess+") }
            return .reply(GDBSession.supported + (multiprocess ? ";multiprocess+" : ""))
        }
        if text == "qAttached" || text.hasPrefix("qAttached:") { return .reply("1") }
        if text == "qC" { return .reply("QC" + threadID(registerCPU)) }
        // The thread list, one per reply (as QEMU).
        if text == "qfThreadInfo" { nextListed = 0 }
        if text == "qfThreadInfo" || text == "qsThreadInfo" {
            guard nextListed < cpus.count else { return .reply("l") }
            nextListed += 1
            return .reply("m" + threadID(nextListed - 1))
        }
        if text.hasPrefix("qThreadExtraInfo,") {
            guard case .cpu(let i) = thread(text.dropFirst("qThreadExtraInfo,".count)) else { return .reply("E22") }
            return .reply(GDBPacket.hex(threadDescription(i)))
        }
        if text.hasPrefix("qSymbol") { return .reply("OK") }
        if text.hasPrefix("qXfer:features:read:") { return readFeatures(text.dropFirst("qXfer:features:read:".count)) }
        if text.hasPrefix("qRcmd,") {
            guard let bytes = GDBPacket.bytes(fromHex: text.dropFirst("qRcmd,".count)) else { return .reply("E01") }
            let output = GDBMonitor.run(String(decoding: bytes, as: UTF8.self), cpu: cpu)
            var replies: [String] = []
            // Console output in pieces well under the packet size.
            var rest = Substring(output)
            while !rest.isEmpty {
                let piece = rest.prefix(1024)
                replies.append("O" + GDBPacket.hex(String(piece)))
                rest = rest.dropFirst(piece.count)
            }
            replies.append("OK")
            return Outcome(replies: replies)
        }
        return .reply("")
    }

    /// `annex:offset,length` of the target description.
    private func readFeatures(_ s: Substring) -> Outcome {
        guard let colon = s.lastIndex(of: ":") else { return .reply("E01") }
        let annex = s[..<colon]
        guard annex == "target.xml" else { return .reply("E00") }
        guard let (offset, length) = addressAndLength(s[s.index(after: colon)...]) else { return .reply("E01") }
        let xml = Array(GDBRegisters.targetXML.utf8)
        guard offset <= UInt64(xml.count) else { return .reply("E01") }
        let start = Int(offset)
        let end = min(xml.count, start + length)
        let chunk = String(decoding: xml[start..<end], as: UTF8.self)
        return .reply((end == xml.count ? "l" : "m") + chunk)
    }

    private func set(_ text: String) -> Outcome {
        if text == "QStartNoAckMode" {
            noAck = true
            return .reply("OK")
        }
        return .reply("")
    }

    private func vPacket(_ text: String) -> Outcome {
        if text == "vCont?" { return .reply("vCont;c;C;s;S") }
        if text.hasPrefix("vCont;") {
            // Per CPU, the leftmost action whose thread names it applies; a
            // CPU no action names stays stopped.
            var step: Set<Int> = [], held = Set(cpus.indices), any = false
            for action in text.dropFirst("vCont;".count).split(separator: ";") {
                let parts = action.split(separator: ":", maxSplits: 1)
                guard let kind = parts.first?.first, "cCsS".contains(kind) else { return .reply("E01") }
                var named = Set(cpus.indices)
                if parts.count == 2 {
                    switch thread(parts[1]) {
                    case .cpu(let i)?: named = [i]
                    case .all?, .any?: break
                    case nil: continue   // no such thread
                    }
                }
                for i in named where held.contains(i) {
                    held.remove(i)
                    any = true
                    if kind == "s" || kind == "S" { step.insert(i) }
                }
            }
            guard any else { return .reply("E01") }
            return Outcome(resume: resumeAction(step: step, held: held))
        }
        if text == "vMustReplyEmpty" { return .reply("") }
        if text.hasPrefix("vKill") { return Outcome(replies: ["OK"], resume: .kill) }
        return .reply("")
    }
}
