import Dispatch
import XCTest
@testable import Engine
import Machine

/// Several CPUs on their own host threads (`EngineOptions.multiThread`,
/// ThreadedRun.swift) hammering the shared translation structures: every
/// CPU rewrites a function in a page of code and calls it, thousands of
/// times, so blocks are translated, chained, looked up through jump
/// caches and invalidated by one thread while others run them.
final class ThreadedDispatchTests: XCTestCase {
    static let cpus = 4
    static let ram: UInt64 = 0x4000_0000
    static let code: UInt64 = 0x4008_0000
    static let function: UInt64 = 0x4008_0100   // same page as the loop
    static let data: UInt64 = 0x4010_0000

    /// x19 = CPU index, x20 = the function, x21 = the data (a done counter,
    /// then each CPU's error count), w24 = "movz x0, #(index + 1)".
    static let program: [UInt32] = [
        0xD280_FA17, // 0:  mov x23, #2000
        0xB900_0298, // 4:  str w24, [x20]         (rewrites the function)
        0xD63F_0280, // 8:  blr x20
        0xD100_0401, // c:  sub x1, x0, #1
        0xF100_103F, // 10: cmp x1, #4
        0x9A96_36D6, // 14: cinc x22, x22, hs      (an error: not a value any CPU wrote)
        0xF100_06F7, // 18: subs x23, x23, #1
        0x54FF_FF41, // 1c: b.ne 0x4
        0xD280_0021, // 20: mov x1, #1
        0xF8E1_02A2, // 24: ldaddal x1, x2, [x21]
        0x8B13_0EA2, // 28: add x2, x21, x19, lsl #3
        0xF900_0456, // 2c: str x22, [x2, #8]
        0xB500_00B3, // 30: cbnz x19, 0x44
        0xC8DF_FEA1, // 34: ldar x1, [x21]
        0xF100_103F, // 38: cmp x1, #4
        0x54FF_FFC1, // 3c: b.ne 0x34
        0xD45E_0000, // 40: hlt #0xf000             (CPU 0, once all are done)
        0xD503_207F, // 44: wfi
        0x17FF_FFFF, // 48: b 0x44
    ]

    final class Halt: SemihostingHandler {
        func semihostingCall(cpu: CPU) -> UInt64 {
            cpu.system.requestExit(status: 0)
            return 0
        }
    }

    func run(_ kind: EngineKind, multiThread: Bool) throws -> (System, Dispatcher) {
        let memory = AddressSpace()
        try memory.addRAM(name: "ram", base: Self.ram, size: 2 << 20)
        let system = System(memory: memory)
        let halt = Halt()
        system.semihosting = halt
        Self.program.withUnsafeBytes { _ = memory.writePhysical(pa: Self.code, bytes: $0) }
        [UInt32(0xD280_0020), 0xD65F_03C0].withUnsafeBytes { _ = memory.writePhysical(pa: Self.function, bytes: $0) }
        for i in 0..<Self.cpus {
            let cpu = system.addCPU(config: CPUConfig())
            cpu.setEL(1)
            cpu.pc = Self.code
            cpu.setX(19, UInt64(i))
            cpu.setX(20, Self.function)
            cpu.setX(21, Self.data)
            cpu.setX(24, 0xD280_0000 | UInt64(i + 1) << 5)
        }
        var options = EngineOptions()
        options.kind = kind
        options.multiThread = multiThread
        let dispatcher = try Dispatcher(system: system, options: options)
        XCTAssertEqual(dispatcher.threaded, multiThread)
        let watchdog = DispatchWorkItem { [system] in system.requestExit(status: 3) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 120, execute: watchdog)
        _ = dispatcher.run()
        watchdog.cancel()
        withExtendedLifetime(halt) {}
        return (system, dispatcher)
    }

    func check(_ kind: EngineKind, multiThread: Bool) throws {
        let (system, dispatcher) = try run(kind, multiThread: multiThread)
        let what = "\(kind) \(multiThread ? "multi" : "single")"
        XCTAssertNil(system.fatalMessage, what)
        XCTAssertEqual(system.exitStatus, 0, "\(what): the run ended with hlt (3: the watchdog)")
        let data = system.memory.readPhysical(pa: Self.data, count: 8 * (Self.cpus + 1)) ?? []
        let words = stride(from: 0, to: data.count, by: 8).map { o in (0..<8).reduce(UInt64(0)) { $0 | UInt64(data[o + $1]) << (8 * $1) } }
        XCTAssertEqual(words.first, UInt64(Self.cpus), "\(what): every CPU finished")
        XCTAssertEqual(Array(words.dropFirst()), [UInt64](repeating: 0, count: Self.cpus), "\(what): calls returned a value no CPU wrote")
        XCTAssertGreaterThan(dispatcher.statistics.blocksInvalidated, 1000, what)
    }

    func testJITOnThreads() throws { try check(.jit, multiThread: true) }
    func testInterpreterOnThreads() throws { try check(.interp, multiThread: true) }
    func testJITOnOneThread() throws { try check(.jit, multiThread: false) }
}
