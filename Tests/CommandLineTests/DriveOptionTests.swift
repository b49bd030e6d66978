import XCTest
import Options

/// `-drive` and `-device` values as QEMU 7.2 reads them, with its messages.
final class DriveOptionTests: XCTestCase {
    func parse(_ s: String) throws -> DriveOption { try DriveOption.parse(s) }
    func error(_ s: String) -> String? {
        do { _ = try DriveOption.parse(s); return nil } catch { return error.description }
    }

    func testFullDrive() throws {
        let d = try parse("file=disk.img,format=raw,if=virtio,id=d0,index=1,bus=0,unit=0,readonly=on,cache=unsafe,media=disk,serial=ABC,discard=unmap,aio=threads")
        XCTAssertEqual(d.file, "disk.img")
        XCTAssertEqual(d.format, "raw")
        XCTAssertEqual(d.interface, .virtio)
        XCTAssertEqual(d.id, "d0")
        XCTAssertEqual(d.index, 1)
        XCTAssertEqual(d.unit, 0)
        XCTAssertTrue(d.readOnly)
        XCTAssertEqual(d.cache, .unsafe)
        XCTAssertTrue(d.cache.ignoresFlush)
        XCTAssertEqual(d.serial, "ABC")
        XCTAssertTrue(d.discardUnmap)
    }

    func testDefaults() throws {
        let d = try parse("file=a,,b.img")
        XCTAssertEqual(d.file, "a,b.img")
        XCTAssertNil(d.format)
        XCTAssertEqual(d.interface, .virtio, "virt's default block interface")
        XCTAssertFalse(d.readOnly)
        XCTAssertEqual(d.cache, .writeback)
        XCTAssertTrue(d.cache.writeback)
        XCTAssertFalse(d.discardUnmap)
        XCTAssertEqual(try parse("if=none,id=x").interface, .none)
        XCTAssertEqual(try parse("if=pflash,file=f,format=raw").interface, .pflash)
        XCTAssertTrue(try parse("file=f,readonly").readOnly)
        XCTAssertFalse(try parse("file=f,readonly=off").readOnly)
    }

    func testQEMUErrors() {
        XCTAssertEqual(error("file=f,format=raw,foo=bar"), "-drive file=f,format=raw,foo=bar: Block format 'raw' does not support the option 'foo'")
        XCTAssertEqual(error("file=f,format=bogus"), "-drive file=f,format=bogus: Unknown driver 'bogus'")
        XCTAssertEqual(error("file=f,format=qcow2"),
                       "-drive file=f,format=qcow2: format 'qcow2' is not supported: Armature reads raw images only (convert with qemu-img convert -O raw)")
        XCTAssertEqual(error("file=f,if=bogus"), "-drive file=f,if=bogus: unsupported bus type 'bogus'")
        XCTAssertEqual(error("file=f,if=ide"), "-drive file=f,if=ide: machine type does not support if=ide,bus=0,unit=0")
        XCTAssertEqual(error("file=f,readonly=maybe"), "-drive file=f,readonly=maybe: Parameter 'read-only' expects 'on' or 'off'")
        XCTAssertEqual(error("file=f,cache=bogus"), "-drive file=f,cache=bogus: invalid cache option")
        XCTAssertEqual(error("file=f,media=bogus"), "-drive file=f,media=bogus: 'bogus' invalid media")
        XCTAssertEqual(error("file=f,index=x"), "-drive file=f,index=x: Parameter 'index' expects a number")
        XCTAssertEqual(error("format=raw,if=virtio"), "-drive format=raw,if=virtio: A block device must be specified for \"file\"")
        XCTAssertNotNil(error("file=f,id=9x"))
        XCTAssertNotNil(error("file=f,snapshot=on"))
    }

    func testDeviceOption() throws {
        let d = try DeviceOption.parse("virtio-blk-device,drive=d0,serial=a,,b")
        XCTAssertEqual(d.driver, "virtio-blk-device")
        XCTAssertEqual(d.value("drive"), .some("d0"))
        XCTAssertEqual(d.value("serial"), .some("a,b"))
        XCTAssertNil(d.value("nope"))
        XCTAssertEqual(try DeviceOption.parse("driver=virtio-rng-device").driver, "virtio-rng-device")
        XCTAssertThrowsError(try DeviceOption.parse(""))
        XCTAssertThrowsError(try DeviceOption.parse("drive=x"))
    }
}
