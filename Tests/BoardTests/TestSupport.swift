import Glibc
import XCTest
@testable import Devices

/// A pipe pair for capturing console output or feeding console input.
final class Pipe {
    let readFD: Int32
    private(set) var writeFD: Int32
    init() {
        var fds: [Int32] = [0, 0]
        precondition(pipe(&fds) == 0)
        readFD = fds[0]
        writeFD = fds[1]
        // Non-blocking read end, so draining never hangs a test.
        _ = fcntl(readFD, F_SETFL, fcntl(readFD, F_GETFL) | O_NONBLOCK)
        // 1 MiB of buffer (F_SETPIPE_SZ, Linux): a test may write more than the
        // default 64 KiB before it drains, and must not block in write(2).
        _ = fcntl(writeFD, 1031 /* F_SETPIPE_SZ */, 1 << 20)
    }
    deinit {
        close(readFD)
        if writeFD >= 0 { close(writeFD) }
    }
    func closeWrite() {
        if writeFD >= 0 { close(writeFD); writeFD = -1 }
    }
    /// Everything written so far (non-blocking).
    func drain() -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return out
    }
    func drainString() -> String { String(decoding: drain(), as: UTF8.self) }
    func send(_ s: String) {
        var s = s
        s.withUTF8 { p in _ = write(writeFD, p.baseAddress, p.count) }
    }
}

/// A console whose output and input are pipes.
final class TestConsole {
    let output = Pipe()
    let input = Pipe()
    let console: HostConsole
    init() {
        console = HostConsole(outputFD: output.writeFD, inputFD: input.readFD, pollIntervalNanos: 0)
    }
}

/// A temporary directory removed at deinit.
final class TempDir {
    let path: String
    init() {
        var template = Array("/tmp/armature-test-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        path = String(cString: p!)
    }
    deinit {
        _ = Glibc.system("rm -rf '\(path)'")
    }
    func write(_ name: String, _ bytes: [UInt8]) -> String {
        let full = path + "/" + name
        let fd = open(full, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        precondition(fd >= 0)
        _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        return full
    }
}
