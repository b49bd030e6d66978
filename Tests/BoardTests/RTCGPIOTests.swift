import XCTest
import Machine
@testable import Devices

final class PL031Tests: XCTestCase {
    var clock: UInt64 = 1_700_000_000

    func testCounterFollowsTheClock() {
        let rtc = PL031(now: { [unowned self] in self.clock })
        XCTAssertEqual(rtc.read(offset: PL031.Reg.dr, size: 4), 1_700_000_000)
        clock += 5
        XCTAssertEqual(rtc.read(offset: PL031.Reg.dr, size: 4), 1_700_000_005)
        // RTCLR sets the counter; it keeps counting from there.
        rtc.write(offset: PL031.Reg.lr, size: 4, value: 100)
        XCTAssertEqual(rtc.read(offset: PL031.Reg.dr, size: 4), 100)
        clock += 3
        XCTAssertEqual(rtc.read(offset: PL031.Reg.dr, size: 4), 103)
        XCTAssertEqual(rtc.read(offset: PL031.Reg.cr, size: 4), 1, "always running")
        XCTAssertEqual(rtc.read(offset: 0xFE0, size: 4), 0x31)
        XCTAssertEqual(rtc.read(offset: 0xFFC, size: 4), 0xB1)
    }

    func testMatchInterrupt() {
        let rtc = PL031(now: { [unowned self] in self.clock })
        var levels: [Bool] = []
        rtc.irq.connect { levels.append($0) }
        rtc.write(offset: PL031.Reg.mr, size: 4, value: 1_700_000_002)
        rtc.write(offset: PL031.Reg.imsc, size: 4, value: 1)
        XCTAssertEqual(rtc.read(offset: PL031.Reg.ris, size: 4), 0)
        clock += 2
        rtc.poll()
        XCTAssertEqual(rtc.read(offset: PL031.Reg.ris, size: 4), 1)
        XCTAssertEqual(rtc.read(offset: PL031.Reg.mis, size: 4), 1)
        XCTAssertEqual(levels, [true])
        rtc.write(offset: PL031.Reg.icr, size: 4, value: 1)
        XCTAssertEqual(rtc.read(offset: PL031.Reg.ris, size: 4), 0)
        XCTAssertEqual(levels, [true, false])
        clock += 10
        XCTAssertEqual(rtc.read(offset: PL031.Reg.ris, size: 4), 0, "fires once")
        // A match in the past does not fire.
        rtc.write(offset: PL031.Reg.mr, size: 4, value: 5)
        XCTAssertEqual(rtc.read(offset: PL031.Reg.ris, size: 4), 0)
    }

    func testAlarmTime() {
        let rtc = PL031(now: { [unowned self] in self.clock })
        var alarms: [UInt64?] = []
        rtc.onAlarmChange = { alarms.append($0) }
        rtc.write(offset: PL031.Reg.lr, size: 4, value: 1000)
        rtc.write(offset: PL031.Reg.mr, size: 4, value: 1003)
        XCTAssertEqual(alarms, [1_700_000_003], "due three seconds on, on the host's clock")
        _ = rtc.read(offset: PL031.Reg.dr, size: 4)
        XCTAssertEqual(alarms.count, 1, "told only when it changes")
        clock += 3
        rtc.poll()
        XCTAssertEqual(alarms, [1_700_000_003, nil], "fired: none due")
        XCTAssertEqual(rtc.read(offset: PL031.Reg.ris, size: 4), 1)
        rtc.write(offset: PL031.Reg.mr, size: 4, value: 1010)
        rtc.write(offset: PL031.Reg.lr, size: 4, value: 1005)
        XCTAssertEqual(alarms, [1_700_000_003, nil, 1_700_000_010, 1_700_000_008], "RTCLR moves it")
    }
}

final class PL061Tests: XCTestCase {
    func testDataMaskAndDirection() {
        let g = PL061()
        g.write(offset: PL061.Reg.dir, size: 4, value: 0x0F)            // lines 0-3 outputs
        g.write(offset: 0x3FC, size: 4, value: 0xFF)                      // all lines through the mask
        XCTAssertEqual(g.read(offset: 0x3FC, size: 4), 0x0F, "inputs read low")
        g.write(offset: 0x3FC, size: 4, value: 0x00)
        g.write(offset: 0x01 << 2, size: 4, value: 0xFF)                  // only line 0
        XCTAssertEqual(g.read(offset: 0x3FC, size: 4), 0x01)
        g.setInput(5, true)
        XCTAssertEqual(g.read(offset: 0x3FC, size: 4), 0x21)
        XCTAssertEqual(g.read(offset: 0x20 << 2, size: 4), 0x20, "read through the mask")
        XCTAssertEqual(g.read(offset: 0xFE0, size: 4), 0x61)
    }

    func testPowerButtonEdge() {
        let g = PL061()
        var levels: [Bool] = []
        g.irq.connect { levels.append($0) }
        // Line 3: rising edge (IS = 0, IBE = 0, IEV = 1), unmasked.
        g.write(offset: PL061.Reg.iev, size: 4, value: 0x08)
        g.write(offset: PL061.Reg.ie, size: 4, value: 0x08)
        g.setInput(3, true)
        XCTAssertEqual(g.read(offset: PL061.Reg.ris, size: 4), 0x08)
        XCTAssertEqual(g.read(offset: PL061.Reg.mis, size: 4), 0x08)
        g.setInput(3, false)
        XCTAssertEqual(g.read(offset: PL061.Reg.ris, size: 4), 0x08, "latched")
        g.write(offset: PL061.Reg.ic, size: 4, value: 0x08)
        XCTAssertEqual(g.read(offset: PL061.Reg.ris, size: 4), 0)
        XCTAssertEqual(levels, [true, false])
        // Falling edge only: the press does not interrupt, the release does.
        g.write(offset: PL061.Reg.iev, size: 4, value: 0)
        g.setInput(3, true)
        XCTAssertEqual(g.read(offset: PL061.Reg.ris, size: 4), 0)
        g.setInput(3, false)
        XCTAssertEqual(g.read(offset: PL061.Reg.ris, size: 4), 0x08)
    }

    func testLevelAndBothEdges() {
        let g = PL061()
        g.write(offset: PL061.Reg.isense, size: 4, value: 0x01)   // line 0 level
        g.write(offset: PL061.Reg.iev, size: 4, value: 0x01)      // high
        g.write(offset: PL061.Reg.ibe, size: 4, value: 0x02)      // line 1 both edges
        g.write(offset: PL061.Reg.ie, size: 4, value: 0x03)
        g.setInput(0, true)
        XCTAssertEqual(g.read(offset: PL061.Reg.ris, size: 4), 0x01)
        g.write(offset: PL061.Reg.ic, size: 4, value: 0x01)
        XCTAssertEqual(g.read(offset: PL061.Reg.ris, size: 4), 0x01, "a level cannot be cleared")
        g.setInput(0, false)
        XCTAssertEqual(g.read(offset: PL061.Reg.ris, size: 4), 0)
        g.setInput(1, true)
        XCTAssertEqual(g.read(offset: PL061.Reg.ris, size: 4), 0x02)
        g.write(offset: PL061.Reg.ic, size: 4, value: 0x02)
        g.setInput(1, false)
        XCTAssertEqual(g.read(offset: PL061.Reg.ris, size: 4), 0x02)
        XCTAssertTrue(g.irq.level)
    }
}
