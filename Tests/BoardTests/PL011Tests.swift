import XCTest
import Machine
@testable import Devices

final class PL011Tests: XCTestCase {
    var tc: TestConsole!
    var uart: PL011!

    override func setUp() {
        tc = TestConsole()
        uart = PL011(console: tc.console)
    }

    func testTransmitGoesToConsole() {
        for c in "Hi!\n".utf8 { uart.write(offset: PL011.Reg.dr, size: 4, value: UInt64(c)) }
        uart.write(offset: PL011.Reg.dr, size: 1, value: 0x141)   // only the low byte is sent
        XCTAssertEqual(tc.output.drainString(), "Hi!\nA")
    }

    func testFlagsAtReset() {
        let fr = UInt32(uart.read(offset: PL011.Reg.fr, size: 4))
        XCTAssertEqual(fr & PL011.Flag.txfe, PL011.Flag.txfe, "TXFE set")
        XCTAssertEqual(fr & PL011.Flag.txff, 0, "TXFF clear")
        XCTAssertEqual(fr & PL011.Flag.busy, 0, "BUSY clear")
        XCTAssertEqual(fr & PL011.Flag.rxfe, PL011.Flag.rxfe, "RXFE set: nothing received")
        XCTAssertEqual(fr, 0x90)
    }

    func testPrimeCellIDs() {
        let expected: [UInt64] = [0x11, 0x10, 0x14, 0x00, 0x0D, 0xF0, 0x05, 0xB1]
        for (i, v) in expected.enumerated() {
            XCTAssertEqual(uart.read(offset: 0xFE0 + UInt64(4 * i), size: 4), v, "ID register \(i)")
        }
        uart.write(offset: 0xFE0, size: 4, value: 0)   // read-only
        XCTAssertEqual(uart.read(offset: 0xFE0, size: 4), 0x11)
    }

    func testRegistersAreStored() {
        let regs: [(UInt64, UInt64)] = [
            (PL011.Reg.ibrd, 0x27), (PL011.Reg.fbrd, 0x4), (PL011.Reg.lcrH, 0x70),
            (PL011.Reg.cr, 0x301), (PL011.Reg.ifls, 0x24), (PL011.Reg.imsc, 0x50), (PL011.Reg.ilpr, 0x3),
        ]
        for (off, v) in regs { uart.write(offset: off, size: 4, value: v) }
        for (off, v) in regs { XCTAssertEqual(uart.read(offset: off, size: 4), v, "offset \(hex(off))") }
        XCTAssertEqual(uart.read(offset: PL011.Reg.cr, size: 4) & 0x300, 0x300)
        // Reset values.
        uart.reset()
        XCTAssertEqual(uart.read(offset: PL011.Reg.cr, size: 4), 0x300)
        XCTAssertEqual(uart.read(offset: PL011.Reg.ifls, size: 4), 0x12)
        XCTAssertEqual(uart.read(offset: PL011.Reg.imsc, size: 4), 0)
    }

    func testByteAndHalfwordReads() {
        XCTAssertEqual(uart.read(offset: 0xFE0, size: 1), 0x11)
        uart.write(offset: PL011.Reg.cr, size: 4, value: 0x0301)
        XCTAssertEqual(uart.read(offset: PL011.Reg.cr + 1, size: 1), 0x03)
        XCTAssertEqual(uart.read(offset: PL011.Reg.cr, size: 2), 0x0301)
    }

    func testReceiveFromConsoleInput() {
        XCTAssertEqual(uart.read(offset: PL011.Reg.dr, size: 4), 0, "empty FIFO reads 0")
        tc.input.send("ok")
        let fr = UInt32(uart.read(offset: PL011.Reg.fr, size: 4))
        XCTAssertEqual(fr & PL011.Flag.rxfe, 0, "RXFE clear once input is there")
        XCTAssertEqual(fr & PL011.Flag.rxff, PL011.Flag.rxff, "FIFO off: one entry fills it")
        XCTAssertEqual(uart.read(offset: PL011.Reg.dr, size: 4), UInt64(UInt8(ascii: "o")))
        XCTAssertEqual(uart.read(offset: PL011.Reg.dr, size: 4), UInt64(UInt8(ascii: "k")))
        XCTAssertEqual(UInt32(uart.read(offset: PL011.Reg.fr, size: 4)) & PL011.Flag.rxfe, PL011.Flag.rxfe)
    }

    func testReceiveFIFOEnabled() {
        uart.write(offset: PL011.Reg.lcrH, size: 4, value: 0x70)   // FEN, 8 bits
        tc.input.send(String(repeating: "x", count: 20))
        XCTAssertEqual(UInt32(uart.read(offset: PL011.Reg.fr, size: 4)) & PL011.Flag.rxff, PL011.Flag.rxff)
        XCTAssertEqual(uart.receiveCount, 16)
        var got = 0
        while UInt32(uart.read(offset: PL011.Reg.fr, size: 4)) & PL011.Flag.rxfe == 0 {
            XCTAssertEqual(uart.read(offset: PL011.Reg.dr, size: 4), UInt64(UInt8(ascii: "x")))
            got += 1
            if got > 100 { break }
        }
        XCTAssertEqual(got, 20, "the rest comes in as the FIFO drains")
    }

    func testNoInputDoesNotBlock() {
        // Nothing written to the input pipe: reads must return at once.
        for _ in 0..<1000 { _ = uart.read(offset: PL011.Reg.fr, size: 4) }
        XCTAssertEqual(uart.read(offset: PL011.Reg.dr, size: 4), 0)
    }

    func testInputAtEndOfFile() {
        tc.input.closeWrite()
        XCTAssertEqual(UInt32(uart.read(offset: PL011.Reg.fr, size: 4)) & PL011.Flag.rxfe, PL011.Flag.rxfe)
        XCTAssertTrue(tc.console.inputClosed)
    }

    func testInterrupts() {
        var levels: [Bool] = []
        uart.irq.connect { levels.append($0) }
        uart.write(offset: PL011.Reg.dr, size: 4, value: 0x41)
        XCTAssertEqual(UInt32(uart.read(offset: PL011.Reg.ris, size: 4)) & PL011.Interrupt.tx, PL011.Interrupt.tx)
        XCTAssertEqual(uart.read(offset: PL011.Reg.mis, size: 4), 0, "masked")
        XCTAssertEqual(levels, [])
        uart.write(offset: PL011.Reg.imsc, size: 4, value: UInt64(PL011.Interrupt.tx | PL011.Interrupt.rx))
        XCTAssertEqual(UInt32(uart.read(offset: PL011.Reg.mis, size: 4)), PL011.Interrupt.tx)
        XCTAssertEqual(levels, [true])
        uart.write(offset: PL011.Reg.icr, size: 4, value: UInt64(PL011.Interrupt.tx))
        XCTAssertEqual(uart.read(offset: PL011.Reg.ris, size: 4) & UInt64(PL011.Interrupt.tx), 0)
        XCTAssertEqual(levels, [true, false])
        uart.receive(0x42)
        XCTAssertEqual(UInt32(uart.read(offset: PL011.Reg.mis, size: 4)), PL011.Interrupt.rx)
        XCTAssertEqual(levels, [true, false, true])
        XCTAssertEqual(uart.read(offset: PL011.Reg.dr, size: 4), 0x42)
        XCTAssertEqual(levels, [true, false, true, false])
    }

    func testGuestErrors() {
        var errors: [String] = []
        uart.onGuestError = { errors.append($0) }
        _ = uart.read(offset: 0x800, size: 4)
        uart.write(offset: 0x900, size: 4, value: 1)
        XCTAssertEqual(errors.count, 2)
    }

    func testThroughTheAddressSpace() throws {
        let mem = AddressSpace()
        try mem.addDevice(uart, base: 0x0900_0000, size: 0x1000)
        let system = System(memory: mem)
        let cpu = system.addCPU(config: CPUConfig())
        cpu.storeSlow(va: 0x0900_0000, size: 4, value: 0x5A, mmuIndex: cpu.mmuIndex)
        XCTAssertEqual(tc.output.drainString(), "Z")
        XCTAssertEqual(cpu.loadSlow(va: 0x0900_0FE0, size: 4, mmuIndex: cpu.mmuIndex), 0x11)
    }
}
