import Foundation
import XCTest
import A64
import Engine
import EngineTestSupport
import TestReferences

/// Unicorn (QEMU's AArch64 translator) as an oracle for user-level instruction
/// sequences: scripts/unicorn-oracle.py runs as a co-process, one JSON line per
/// snippet each way. Optional: set up by scripts/setup-unicorn.sh (a venv in
/// .build/unicorn-venv, or ARMATURE_UNICORN_PYTHON naming a Python that has
/// `unicorn`); without it the test is skipped, or fails under
/// ARMATURE_STRICT_REFERENCES (scripts/test.sh).
final class UnicornOracle {
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static var python: String? {
        if let p = ProcessInfo.processInfo.environment["ARMATURE_UNICORN_PYTHON"] { return p }
        let venv = packageRoot.appendingPathComponent(".build/unicorn-venv/bin/python").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private var buffer = Data()

    init(python: String) throws {
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [UnicornOracle.packageRoot.appendingPathComponent("scripts/unicorn-oracle.py").path]
        process.standardInput = input
        process.standardOutput = output
        try process.run()
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: dataPath)
        try? FileManager.default.removeItem(atPath: dataPath + ".out")
    }

    static func hex(_ bytes: [UInt8]) -> String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
    }

    /// Where the data area goes to and comes back from the oracle.
    private let dataPath = NSTemporaryDirectory() + "armature-unicorn-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).bin"

    /// Runs the program under Unicorn; the state holds X0-X30, SP (as SP_EL1),
    /// NZCV, PC and the data area.
    func run(_ p: FuzzProgram) -> SnippetState {
        let s = p.snippet()
        var codeBytes: [UInt8] = []
        for w in s.code { for i in 0..<4 { codeBytes.append(UInt8(truncatingIfNeeded: w >> (8 * UInt32(i)))) } }
        let stop = s.codeAddress + UInt64(4 * (s.code.count - 1))
        var request: [String: Any] = [
            "code": UnicornOracle.hex(codeBytes), "start": NSNumber(value: s.codeAddress), "x": s.x.map { NSNumber(value: $0) },
            "sp": NSNumber(value: s.spEL1), "nzcv": NSNumber(value: s.nzcv),
            "data": dataPath, "stop": NSNumber(value: stop),
            "count": 16 * s.code.count + 256,
        ]
        if p.fpEnabled {
            request["v"] = p.v.map { NSNumber(value: $0) }
            request["fpcr"] = NSNumber(value: p.fpcr)
        }
        var data = s.data
        if data.count < Snippet.dataSize { data += [UInt8](repeating: 0, count: Snippet.dataSize - data.count) }
        FileManager.default.createFile(atPath: dataPath, contents: Data(data))
        var line = try! JSONSerialization.data(withJSONObject: request)
        line.append(0x0A)
        input.fileHandleForWriting.write(line)
        guard let reply = readLine(),
              let obj = try? JSONSerialization.jsonObject(with: reply) as? [String: Any] else {
            return SnippetState(exit: .fatal("unicorn-oracle.py did not answer"))
        }
        var st = SnippetState()
        if let e = obj["error"] as? String { st.exit = .fatal("unicorn: " + e) }
        st.x = (obj["x"] as? [NSNumber] ?? []).map { $0.uint64Value }
        st.spEL1 = (obj["sp"] as? NSNumber)?.uint64Value ?? 0
        st.nzcv = (obj["nzcv"] as? NSNumber)?.uint64Value ?? 0
        st.pc = (obj["pc"] as? NSNumber)?.uint64Value ?? 0
        st.data = [UInt8]((try? Data(contentsOf: URL(fileURLWithPath: dataPath + ".out"))) ?? Data())
        st.dataChecksum = SnippetRunner.checksum(st.data)
        st.v = (obj["v"] as? [NSNumber] ?? []).map { $0.uint64Value }
        st.fpsr = (obj["fpsr"] as? NSNumber)?.uint64Value ?? 0
        st.fpcr = (obj["fpcr"] as? NSNumber)?.uint64Value ?? 0
        st.el = 1
        st.spSel = 1
        return st
    }

    private func readLine() -> Data? {
        while true {
            if let nl = buffer.firstIndex(of: 0x0A) {
                let line = buffer[buffer.startIndex..<nl]
                buffer = Data(buffer[(nl + 1)...])
                return Data(line)
            }
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { return nil }
            buffer.append(chunk)
        }
    }

    /// The fields Unicorn reports: X0-X30, SP, NZCV, PC, the data area, and
    /// whether the run ended normally.
    static func userDifferences(_ a: SnippetState, _ b: SnippetState) -> [String] {
        var x = a, y = b
        // Compare only what both sides have.
        for s in [\SnippetState.spEL0, \SnippetState.daif, \SnippetState.pstateMisc] {
            x[keyPath: s] = 0
            y[keyPath: s] = 0
        }
        x.sysregs = []
        y.sysregs = []
        if x.v.isEmpty || y.v.isEmpty {               // a program without FP/SIMD state
            x.v = []; y.v = []; x.fpsr = 0; y.fpsr = 0; x.fpcr = 0; y.fpcr = 0
        }
        if case .fatal = x.exit {} else { x.exit = .halted }
        if case .fatal = y.exit {} else { y.exit = .halted }
        return x.differences(from: y)
    }
}

final class FuzzUnicornTests: XCTestCase {
    /// Programs without system instructions, faults or CONSTRAINED
    /// UNPREDICTABLE encodings, on SP_EL1.
    static func userProgram(seed: UInt64) -> FuzzProgram {
        var g = FuzzGenerator(seed: seed)
        g.strict = true
        g.faultProbability = 0
        g.userOnly = true
        g.avoidSignedMinMax = true
        g.el0Probability = 0
        let length: Int
        switch g.rng.below(10) {
        case 0: length = g.rng.int(2...15)
        case 1, 2: length = g.rng.int(97...300)
        default: length = g.rng.int(16...96)
        }
        var p = g.program(length: length)
        p.spSel = 1
        return p
    }

    func testInterpreterVersusUnicorn() throws {
        try UnicornOracle.fuzzInterpreter("interp", defaultInstructions: 30_000, seed: 0xA64_0003) {
            FuzzUnicornTests.userProgram(seed: $0)
        }
    }
}

extension UnicornOracle {
    /// Runs `program`'s programs (from their seeds) on the interpreter and on
    /// Unicorn, comparing the user-visible state (`userDifferences`); each
    /// divergence fails the test (`label` names the run in the messages).
    /// Bounded by `defaultInstructions`; ARMATURE_FUZZ_INSTRUCTIONS=N for a long run.
    static func fuzzInterpreter(_ label: String, defaultInstructions: Int, seed: UInt64,
                                program: @escaping (UInt64) -> FuzzProgram,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        guard let python = UnicornOracle.python else {
            throw References.missing("Unicorn is not set up (scripts/setup-unicorn.sh)")
        }
        let oracle = try UnicornOracle(python: python)
        var config = FuzzHarness.Config.fromEnvironment(defaultInstructions: defaultInstructions, seed: seed)
        config.strict = true
        var h = FuzzHarness(config: config,
                            a: FuzzHarness.engine("interp", FuzzHarness.options(.interp, optimize: true)),
                            b: FuzzHarness.Side(name: "unicorn") { oracle.run($0) })
        h.compare = UnicornOracle.userDifferences
        h.countInstructions = false
        h.generator = program
        let summary = h.run()
        print("fuzz \(label) vs unicorn: \(summary.text)")
        for d in summary.divergences {
            XCTFail("\(label) vs unicorn: divergence on program seed 0x\(String(d.programSeed, radix: 16)) (\(d.signature)); the report is printed above",
                    file: file, line: line)
        }
    }
}
