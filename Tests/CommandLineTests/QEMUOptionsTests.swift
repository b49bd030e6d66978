import XCTest
import Engine
import Board
import Options
@testable import armature

final class QEMUOptionsTests: XCTestCase {
    func testParseSize() {
        XCTAssertEqual(QEMUOptions.parseSize("128"), 128 << 20, "a plain number is MiB")
        XCTAssertEqual(QEMUOptions.parseSize("512M"), 512 << 20)
        XCTAssertEqual(QEMUOptions.parseSize("2G"), 2 << 30)
        XCTAssertEqual(QEMUOptions.parseSize("2g"), 2 << 30)
        XCTAssertEqual(QEMUOptions.parseSize("65536K"), 64 << 20)
        XCTAssertEqual(QEMUOptions.parseSize("1T"), 1 << 40)
        XCTAssertEqual(QEMUOptions.parseSize("1.5G"), 3 << 29)
        XCTAssertEqual(QEMUOptions.parseSize("4096B"), 4096)
        for bad in ["", "G", "12X", "-1", "1.5", "0x10", "1,5G", "1..5G", "1.G", "99999999999999999999", "20000000T"] {
            XCTAssertNil(QEMUOptions.parseSize(bad), bad)
        }
    }

    func testMemoryOption() throws {
        var o = VirtOptions()
        try QEMUOptions.applyMemory("2G", to: &o)
        XCTAssertEqual(o.ramSize, 2 << 30)
        try QEMUOptions.applyMemory("size=256M", to: &o)
        XCTAssertEqual(o.ramSize, 256 << 20)
        try QEMUOptions.applyMemory("1001K", to: &o)
        XCTAssertEqual(o.ramSize, 1_032_192, "rounded up to 8 KiB as QEMU does")
        XCTAssertThrowsError(try QEMUOptions.applyMemory("12X", to: &o)) {
            XCTAssertEqual("\($0)", "-m 12X: invalid RAM size (use e.g. 512, 512M or 2G)")
        }
        XCTAssertThrowsError(try QEMUOptions.applyMemory("0", to: &o))
        XCTAssertThrowsError(try QEMUOptions.applyMemory("1G,maxmem=4G", to: &o))
    }

    func testMachine() throws {
        var o = VirtOptions()
        try QEMUOptions.applyMachine("virt,secure=on,virtualization=on,gic-version=3,mec=on", to: &o)
        XCTAssertTrue(o.secure)
        XCTAssertTrue(o.virtualization)
        XCTAssertTrue(o.mec)
        XCTAssertEqual(o.gicVersion, "3")
        try QEMUOptions.applyMachine("secure=off", to: &o)
        XCTAssertFalse(o.secure)
        try QEMUOptions.applyMachine("type=virt,highmem=off,acpi=off,its=on", to: &o)
        XCTAssertFalse(o.highmem)
        try QEMUOptions.applyMachine("virt-7.2", to: &o)
        XCTAssertEqual(try QEMUOptions.applyMachine("virt,accel=interp", to: &o), .interp)

        XCTAssertThrowsError(try QEMUOptions.applyMachine("virt,foo=on", to: &o)) {
            XCTAssertEqual("\($0)", "-M virt,foo=on: unknown machine property 'foo'")
        }
        XCTAssertThrowsError(try QEMUOptions.applyMachine("virt,secure=maybe", to: &o)) {
            XCTAssertEqual("\($0)", "-M virt,secure=maybe: bad value 'maybe' for machine property 'secure' (use on or off)")
        }
        XCTAssertThrowsError(try QEMUOptions.applyMachine("raspi3b", to: &o)) {
            XCTAssertTrue("\($0)".contains("unsupported machine type 'raspi3b'"))
        }
        XCTAssertThrowsError(try QEMUOptions.applyMachine("virt,secure", to: &o))
        XCTAssertThrowsError(try QEMUOptions.applyMachine("virt,gic-version=5", to: &o))
        XCTAssertThrowsError(try QEMUOptions.applyMachine("virt,mte=on", to: &o)) {
            XCTAssertTrue("\($0)".contains("not modelled yet"))
        }
    }

    func testCPU() throws {
        var o = VirtOptions()
        try QEMUOptions.applyCPU("max", to: &o)
        try QEMUOptions.applyCPU("max,x-rme=off", to: &o)
        XCTAssertFalse(o.rme)
        try QEMUOptions.applyCPU("max,x-rme=on", to: &o)
        XCTAssertTrue(o.rme)
        XCTAssertThrowsError(try QEMUOptions.applyCPU("max,x-rme=maybe", to: &o))
        XCTAssertTrue(o.pauth)
        XCTAssertFalse(o.pauthImpdef)
        try QEMUOptions.applyCPU("max,pauth=off,pauth-impdef=on", to: &o)
        XCTAssertFalse(o.pauth)
        XCTAssertTrue(o.pauthImpdef)
        XCTAssertThrowsError(try QEMUOptions.applyCPU("max,pauth=maybe", to: &o)) {
            XCTAssertEqual("\($0)", "-cpu max,pauth=maybe: bad value for CPU property 'pauth' (use on or off)")
        }
        XCTAssertThrowsError(try QEMUOptions.applyCPU("max,sve=off", to: &o)) {
            XCTAssertEqual("\($0)", "-cpu max,sve=off: CPU property 'sve' is not modelled yet")
        }
        try QEMUOptions.applyCPU("cortex-a57", to: &o)
        XCTAssertEqual(o.cpuModel, "cortex-a57")
        XCTAssertThrowsError(try QEMUOptions.applyCPU("cortex-a57,x-rme=on", to: &o)) {
            XCTAssertEqual("\($0)", "-cpu cortex-a57,x-rme=on: CPU property 'x-rme' is not modelled yet")
        }
        XCTAssertThrowsError(try QEMUOptions.applyCPU("cortex-a72", to: &o)) {
            XCTAssertTrue("\($0)".hasPrefix("-cpu cortex-a72: unsupported CPU model"))
        }
    }

    func testSMP() throws {
        var o = VirtOptions()
        try QEMUOptions.applySMP("1", to: &o)
        XCTAssertEqual(o.cpuCount, 1)
        try QEMUOptions.applySMP("cpus=1,sockets=1,cores=1,threads=1", to: &o)
        XCTAssertEqual(o.cpuCount, 1)
        try QEMUOptions.applySMP("4", to: &o)
        XCTAssertEqual(o.cpuCount, 4)
        XCTAssertEqual([o.topology.sockets, o.topology.clusters, o.topology.cores, o.topology.threads, o.topology.maxCPUs],
                       [1, 1, 4, 1, 4], "QEMU 7.2 prefers cores over sockets")
        try QEMUOptions.applySMP("sockets=2,cores=2", to: &o)
        XCTAssertEqual(o.cpuCount, 4)
        XCTAssertEqual([o.topology.sockets, o.topology.cores], [2, 2])
        try QEMUOptions.applySMP("8,threads=2", to: &o)
        XCTAssertEqual([o.cpuCount, o.topology.cores, o.topology.threads], [8, 4, 2])
        try QEMUOptions.applySMP("cpus=2,maxcpus=4", to: &o)
        XCTAssertEqual([o.cpuCount, o.topology.cores, o.topology.maxCPUs], [2, 4, 4])
        try QEMUOptions.applySMP("sockets=2,clusters=2,cores=2,threads=2", to: &o)
        XCTAssertEqual([o.cpuCount, o.topology.clusters], [16, 2])
        XCTAssertThrowsError(try QEMUOptions.applySMP("3,sockets=2", to: &o)) {
            XCTAssertEqual("\($0)", "-smp 3,sockets=2: Invalid CPU topology: product of the hierarchy must match maxcpus: "
                + "sockets (2) * clusters (1) * cores (1) * threads (1) != maxcpus (3)")
        }
        XCTAssertThrowsError(try QEMUOptions.applySMP("cpus=5,maxcpus=4", to: &o)) {
            XCTAssertEqual("\($0)", "-smp cpus=5,maxcpus=4: Invalid CPU topology: maxcpus must be equal to or greater than smp: "
                + "sockets (1) * clusters (1) * cores (4) * threads (1) == maxcpus (4) < smp_cpus (5)")
        }
        XCTAssertThrowsError(try QEMUOptions.applySMP("17", to: &o)) {
            XCTAssertEqual("\($0)", "-smp 17: Armature supports 1 to 16 CPUs")
        }
        XCTAssertThrowsError(try QEMUOptions.applySMP("2,dies=2", to: &o)) {
            XCTAssertEqual("\($0)", "-smp 2,dies=2: dies not supported by this machine's CPU topology")
        }
        XCTAssertThrowsError(try QEMUOptions.applySMP("1,cores=2", to: &o))
        XCTAssertThrowsError(try QEMUOptions.applySMP("x", to: &o))
        XCTAssertThrowsError(try QEMUOptions.applySMP("0", to: &o))
        XCTAssertThrowsError(try QEMUOptions.applySMP("2,bogus=1", to: &o))
    }

    func testAccel() throws {
        XCTAssertEqual(try QEMUOptions.parseAccel("interp"), .interp)
        XCTAssertEqual(try QEMUOptions.parseAccel("jit"), .jit)
        XCTAssertEqual(try QEMUOptions.parseAccel("tcg"), .jit)
        XCTAssertEqual(try QEMUOptions.parseAccel("tcg,thread=single"), .jit)
        XCTAssertEqual(try QEMUOptions.parseAccel("interp,thread=single"), .interp)
        XCTAssertEqual(try QEMUOptions.parseAccel("tcg,thread=multi"), .jit)
        XCTAssertEqual(try QEMUOptions.parseAccel("interp,thread=multi"), .interp)
        XCTAssertEqual(QEMUOptions.parseAccelThreads("tcg,thread=multi"), true)
        XCTAssertEqual(QEMUOptions.parseAccelThreads("tcg,thread=single"), false)
        XCTAssertEqual(QEMUOptions.parseAccelThreads("tcg"), nil)
        XCTAssertThrowsError(try QEMUOptions.parseAccel("tcg,thread=both"))
        XCTAssertThrowsError(try QEMUOptions.parseAccel("kvm"))
        XCTAssertThrowsError(try QEMUOptions.parseAccel("fast"))
        XCTAssertThrowsError(try QEMUOptions.parseAccel("interp,foo=1"))
        // predecode=off: the IR interpreter instead of the threaded one (interp only).
        XCTAssertEqual(try QEMUOptions.parseAccel("interp,predecode=off"), .interp)
        XCTAssertEqual(try QEMUOptions.parseAccel("interp,predecode=on"), .interp)
        XCTAssertTrue(QEMUOptions.parseAccelReferenceInterpreter("interp,predecode=off"))
        XCTAssertFalse(QEMUOptions.parseAccelReferenceInterpreter("interp,predecode=on"))
        XCTAssertFalse(QEMUOptions.parseAccelReferenceInterpreter("interp"))
        XCTAssertThrowsError(try QEMUOptions.parseAccel("interp,predecode=maybe"))
        XCTAssertThrowsError(try QEMUOptions.parseAccel("jit,predecode=off"))
    }

    func testSerial() throws {
        XCTAssertEqual(try SerialOption.parse("stdio"), .stdio)
        XCTAssertEqual(try SerialOption.parse("mon:stdio"), .monStdio)
        XCTAssertEqual(try SerialOption.parse("none"), SerialOption.none)
        XCTAssertEqual(try SerialOption.parse("null"), .null)
        XCTAssertEqual(try SerialOption.parse("file:out.txt"), .file(path: "out.txt"))
        XCTAssertEqual(try SerialOption.parse("chardev:console"), .chardev(id: "console"))
        XCTAssertThrowsError(try SerialOption.parse("pty"))
        XCTAssertThrowsError(try SerialOption.parse("file:"))
        XCTAssertThrowsError(try SerialOption.parse("chardev:"))
    }

    func testChardev() throws {
        XCTAssertEqual(try ChardevOption.parse("stdio,id=console"),
                       ChardevOption(text: "stdio,id=console", id: "console", backend: .stdio, mux: false))
        XCTAssertEqual(try ChardevOption.parse("stdio,id=c,mux=on,signal=off").mux, true)
        XCTAssertEqual(try ChardevOption.parse("null,id=n").backend, .null)
        XCTAssertEqual(try ChardevOption.parse("file,id=f,path=/tmp/x").backend, .file(path: "/tmp/x"))
        XCTAssertEqual(try ChardevOption.parse("socket,id=s,path=/tmp/s,server=on,wait=off").backend,
                       .unix(path: "/tmp/s", server: true, wait: false))
        XCTAssertEqual(try ChardevOption.parse("socket,id=s,host=127.0.0.1,port=4444,server=on").backend,
                       .tcp(host: "127.0.0.1", port: 4444, server: true, wait: true))
        XCTAssertEqual(try ChardevOption.parse("socket,id=s,port=4444,server,wait=no").backend,
                       .tcp(host: "", port: 4444, server: true, wait: false))
        for bad in ["stdio", "stdio,id=1x", "pty,id=p", "bogus,id=b", "file,id=f", "socket,id=s",
                    "socket,id=s,port=abc", "socket,id=s,port=1,wait=off", "socket,id=s,path=/x,port=1",
                    "stdio,id=s,path=/x", "socket,id=s,port=1,server=maybe", ",id=x"] {
            XCTAssertThrowsError(try ChardevOption.parse(bad), bad)
        }
        let a = try ChardevOption.parse("null,id=a")
        XCTAssertThrowsError(try ChardevOption.checkIDs([a, a]))
        XCTAssertNoThrow(try ChardevOption.checkIDs([a, try ChardevOption.parse("null,id=b")]))
    }

    func testSemihostingConfig() throws {
        XCTAssertEqual(try QEMUOptions.parseSemihostingConfig("enable=on,target=native").enable, true)
        XCTAssertEqual(try QEMUOptions.parseSemihostingConfig("enable=off").enable, false)
        XCTAssertEqual(try QEMUOptions.parseSemihostingConfig("on").enable, true)
        let c = try QEMUOptions.parseSemihostingConfig("enable=on,target=native,chardev=serial0,arg=prog,arg=-v")
        XCTAssertEqual(c.args, ["prog", "-v"])
        XCTAssertThrowsError(try QEMUOptions.parseSemihostingConfig("enable=on,target=gdb"))
        XCTAssertThrowsError(try QEMUOptions.parseSemihostingConfig("enable=on,chardev=foo"))
        XCTAssertThrowsError(try QEMUOptions.parseSemihostingConfig("enable=on,bogus=1"))
        XCTAssertThrowsError(try QEMUOptions.parseSemihostingConfig("enable=perhaps"))
    }

    func testSplitList() {
        XCTAssertEqual(QEMUOptions.splitList("a,b=c,,d,e"), ["a", "b=c,d", "e"])
        XCTAssertEqual(QEMUOptions.splitList("virt"), ["virt"])
    }

    func testBase64() {
        XCTAssertEqual(Base64.decode("SGVsbG8="), Array("Hello".utf8))
        XCTAssertEqual(Base64.decode("SGVs\nbG8h"), Array("Hello!".utf8))
        XCTAssertEqual(Base64.decode(""), [])
    }
}
