import XCTest
import Glibc
@testable import Devices

final class HostConsoleTests: XCTestCase {
    func testCtrlAEscapes() {
        var quits = 0, entered = 0
        var typed: [UInt8] = []
        let c = HostConsole(outputFD: -1, inputFD: -1)
        c.startReader(escapes: nil, onInput: {})   // no input: does not start
        let monitor = HostConsole.Monitor(entered: { entered += 1 }, input: { typed += $0 })
        c.setEscapesForTesting(HostConsole.Escapes(quit: { quits += 1 }, monitor: monitor))
        XCTAssertEqual(c.filterEscapes([0x41, 0x01, 0x61, 0x42]), [0x41, 0x01, 0x42], "Ctrl-A a sends Ctrl-A")
        XCTAssertEqual(c.filterEscapes([0x01, 0x01]), [0x01], "so does Ctrl-A Ctrl-A")
        XCTAssertEqual(c.filterEscapes([0x01]), [], "an escape split across reads")
        XCTAssertEqual(c.filterEscapes([0x78, 0x43]), [0x43])
        XCTAssertEqual(quits, 1)
        XCTAssertEqual(c.filterEscapes([0x45, 0x01, 0x63, 0x69, 0x0D, 0x01, 0x7A]), [0x45],
                       "c gives the terminal to the monitor, unknown keys are dropped")
        XCTAssertEqual(entered, 1)
        XCTAssertEqual(typed, [0x69, 0x0D], "the monitor gets what is typed after Ctrl-A c")
        XCTAssertEqual(c.filterEscapes([0x6A, 0x01, 0x63, 0x44]), [0x44], "Ctrl-A c again: back to the guest")
        XCTAssertEqual(typed, [0x69, 0x0D, 0x6A])
        XCTAssertEqual(entered, 1)
    }

    func testNoMonitor() {
        let c = HostConsole(outputFD: -1, inputFD: -1)
        c.setEscapesForTesting(HostConsole.Escapes(quit: {}))
        XCTAssertEqual(c.filterEscapes([0x01, 0x63, 0x44]), [0x44], "Ctrl-A c without a monitor keeps the guest's terminal")
    }

    func testReaderThreadDeliversInput() throws {
        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let c = HostConsole(outputFD: -1, inputFD: fds[0])
        let arrived = DispatchSemaphoreLite()
        XCTAssertTrue(c.startReader(escapes: nil, onInput: { arrived.signal() }))
        _ = "hi".withCString { write(fds[1], $0, 2) }
        arrived.wait()
        XCTAssertEqual(c.pollByte(), 0x68)
        XCTAssertEqual(c.readBlocking(max: 4), [0x69])
        close(fds[1])
        arrived.wait()
        XCTAssertEqual(c.readBlocking(max: 4), [], "end of file")
        XCTAssertTrue(c.inputClosed)
        close(fds[0])
    }
}

/// A counting semaphore on pthreads (no Foundation in the test's imports).
final class DispatchSemaphoreLite: @unchecked Sendable {
    private var m = pthread_mutex_t()
    private var cv = pthread_cond_t()
    private var count = 0
    init() { pthread_mutex_init(&m, nil); pthread_cond_init(&cv, nil) }
    func signal() { pthread_mutex_lock(&m); count += 1; pthread_cond_signal(&cv); pthread_mutex_unlock(&m) }
    func wait() { pthread_mutex_lock(&m); while count == 0 { pthread_cond_wait(&cv, &m) }; count -= 1; pthread_mutex_unlock(&m) }
}
