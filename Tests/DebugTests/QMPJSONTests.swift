import XCTest
@testable import Debug

final class QMPJSONTests: XCTestCase {
    func parse(_ s: String) throws -> JSONValue { try JSONParser.parse(Array(s.utf8)) }

    func testParsesAndPrintsQMPRequests() throws {
        let v = try parse(#" {"execute": "human-monitor-command", "arguments": {"command-line": "info registers"}, "id": [1, 2.5, true, null]} "#)
        XCTAssertEqual(v["execute"]?.stringValue, "human-monitor-command")
        XCTAssertEqual(v["arguments"]?["command-line"]?.stringValue, "info registers")
        XCTAssertEqual(v.text, #"{"execute": "human-monitor-command", "arguments": {"command-line": "info registers"}, "id": [1, 2.5, true, null]}"#)
        XCTAssertEqual(try parse(#""a\"\\\n\u00e9\ud83d\ude00""#), .string("a\"\\\né😀"))
        XCTAssertEqual(JSONValue.string("\u{1}\n").text, #""\u0001\n""#)
    }

    func testRejectsMalformedInput() {
        for bad in [#"{"execute": }"#, "{", "[1,]", #"{"a" 1}"#, "tru", #""\x""#, "{} {}", "", #""\ud800x""#] {
            XCTAssertThrowsError(try parse(bad), bad)
        }
    }

    func testNestingIsBounded() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try parse(deep))
        let ok = String(repeating: "[", count: 10) + String(repeating: "]", count: 10)
        XCTAssertNoThrow(try parse(ok))
    }

    func testSplitterCutsTheStream() {
        var s = QMPStreamSplitter()
        XCTAssertEqual(s.feed(Array(#"{"a": "}{"#.utf8)), [])
        XCTAssertEqual(s.feed(Array(#""}  {"b"#.utf8)), [.text(Array(#"{"a": "}{"}"#.utf8))])
        XCTAssertEqual(s.feed(Array(#"": [1]}"#.utf8)), [.text(Array(#"{"b": [1]}"#.utf8))])
        XCTAssertEqual(s.feed(Array("garbage\n{}".utf8)).count, 2)
    }

    func testSplitterBoundsLengthAndDepth() {
        var s = QMPStreamSplitter()
        let deep = [UInt8](repeating: UInt8(ascii: "["), count: 10_000) + [UInt8](repeating: UInt8(ascii: "]"), count: 10_000)
        guard case .error = s.feed(deep).first else { return XCTFail("deep input accepted") }
        let long = Array(#"{"a": ""#.utf8) + [UInt8](repeating: 0x61, count: QMPStreamSplitter.maxLength + 10) + Array(#""}"#.utf8)
        guard case .error = s.feed(long).first else { return XCTFail("long input accepted") }
        XCTAssertEqual(s.feed(Array("{}".utf8)), [.text(Array("{}".utf8))])
    }

    func testAddresses() throws {
        XCTAssertEqual(try QMPAddress.parse("unix:/tmp/q.sock,server,wait=off"),
                       QMPAddress(endpoint: .unix(path: "/tmp/q.sock"), wait: false))
        XCTAssertEqual(try QMPAddress.parse("tcp:localhost:4444,server,nowait"),
                       QMPAddress(endpoint: .tcp(host: "localhost", port: 4444), wait: false))
        XCTAssertEqual(try QMPAddress.parse("tcp::4444,server"), QMPAddress(endpoint: .tcp(host: "", port: 4444), wait: true))
        XCTAssertNil(try QMPAddress.parse("none"))
        for bad in ["stdio", "unix:,server", "tcp:host,server", "unix:/x", "unix:/x,server,frob"] {
            XCTAssertThrowsError(try QMPAddress.parse(bad), bad)
        }
    }
}
