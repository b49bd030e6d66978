import XCTest
@testable import Machine

/// MMIO accesses carry the requesting CPU, the PA space and the privilege to the device.
final class MMIOAttributesTests: XCTestCase {
    func testAttributesOfAnAccess() {
        let m = TestMachine()
        let cpu = m.cpu
        XCTAssertEqual(cpu.el, 1)
        _ = cpu.loadSlow(va: TestMachine.devBase + 8, size: 4, mmuIndex: 1)
        XCTAssertEqual(m.device.lastAttributes, MMIOAttributes(cpuIndex: cpu.index, paSpace: .nonSecure, privileged: true))
        cpu.storeSlow(va: TestMachine.devBase + 8, size: 4, value: 1, mmuIndex: 0)
        XCTAssertEqual(m.device.lastAttributes, MMIOAttributes(cpuIndex: cpu.index, paSpace: .nonSecure, privileged: false))
    }

    func testSecureAndSecondCPU() {
        let m = TestMachine(config: TestMachine.config(el3: true))
        let second = m.system.addCPU(config: TestMachine.config(el3: true))
        XCTAssertEqual(second.el, 3)
        _ = second.loadSlow(va: TestMachine.devBase, size: 8, mmuIndex: 3)
        // EL3 with the MMU off: Secure without RME.
        XCTAssertEqual(m.device.lastAttributes?.cpuIndex, 1)
        XCTAssertEqual(m.device.lastAttributes?.paSpace, second.securityState(el: 3).paSpace)
        XCTAssertEqual(m.device.lastAttributes?.privileged, true)
    }
}
