import Testing

@testable import WorkerService

@Suite struct OutputCaptureTests {
    private static func capture(_ chunks: [[UInt8]], limit: Int = 1024) -> OutputCapture {
        var capture = OutputCapture(limit: limit)
        for chunk in chunks { capture.append(contentsOf: chunk) }
        return capture
    }

    /// `count` printable bytes that say where they are: "0123456789" over and over.
    private static func digits(_ count: Int, from start: Int = 0) -> [UInt8] {
        (start..<(start + count)).map { UInt8(ascii: "0") + UInt8($0 % 10) }
    }

    @Test func keepsEverythingUpToTheLimit() {
        let bytes = Self.digits(1024)
        let output = Self.capture([Array(bytes[..<100]), Array(bytes[100...])]).output
        #expect(output == CapturedOutput(text: String(decoding: bytes, as: UTF8.self), byteCount: 1024, isTruncated: false))
    }

    @Test func oneByteOverTheLimitKeepsTheHeadAndTailWithAMarker() throws {
        let bytes = Self.digits(1025)
        let output = Self.capture([bytes]).output
        #expect(output.isTruncated && output.byteCount == 1025)
        #expect(output.text.utf8.count <= 1024)
        let (head, omitted, tail) = try Self.parts(of: output.text)
        #expect(head == String(decoding: bytes[..<512], as: UTF8.self))
        #expect(tail == String(decoding: bytes.suffix(tail.utf8.count), as: UTF8.self))
        #expect(head.utf8.count + omitted + tail.utf8.count == 1025)
    }

    @Test func fiftyMegabytesWithoutANewlineStayWithinTheLimit() throws {
        var capture = OutputCapture(limit: 4096)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        for _ in 0..<800 { capture.append(contentsOf: chunk) }
        capture.append(contentsOf: Array("END".utf8))
        let output = capture.output
        #expect(output.byteCount == 800 * 64 * 1024 + 3 && output.isTruncated)
        #expect(output.text.utf8.count <= 4096)
        let (head, omitted, tail) = try Self.parts(of: output.text)
        #expect(head == String(repeating: "x", count: 2048))
        #expect(tail.hasSuffix("xxxEND") && tail.utf8.count > 2000)
        #expect(head.utf8.count + omitted + tail.utf8.count == output.byteCount)
    }

    @Test func binaryBytesBecomeReplacementCharactersWithinTheLimit() {
        // NUL, bytes that start no character, a character cut short.
        let output = Self.capture([[0x61, 0x00, 0x62, 0xFF, 0xFE, 0x63, 0xE2, 0x82]]).output
        #expect(output.text == "a\u{FFFD}b\u{FFFD}\u{FFFD}c\u{FFFD}")
        #expect(output.byteCount == 8 && !output.isTruncated)
        let random = Self.capture([(0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919 &+ 13) }]).output
        #expect(random.isTruncated && random.text.utf8.count <= 1024 && !random.text.utf8.contains(0))
    }

    @Test func aCharacterCutByTheHeadIsLeftOutOfIt() {
        // 511 digits then "€" (3 bytes) straddles the end of the 512-byte head.
        let bytes = Self.digits(511) + Array("€".utf8) + Self.digits(600)
        let output = Self.capture([bytes]).output
        #expect(output.text.hasPrefix(String(decoding: bytes[..<511], as: UTF8.self) + "\n[... "))
        #expect(!output.text.contains("\u{FFFD}"))
    }

    @Test func liveOutputIsTheHeadUpToTheLastCompleteCharacter() {
        var capture = OutputCapture(limit: 1024)
        #expect(capture.liveOutput(from: 0, maxBytes: 100) == nil)
        capture.append(contentsOf: Array("ab".utf8) + [0xE2, 0x82])
        #expect(capture.liveOutput(from: 0, maxBytes: 100).map { [$0.byteCount] } == [2])
        #expect(capture.liveOutput(from: 0, maxBytes: 100)?.text == "ab")
        capture.append(contentsOf: [0xAC] + Array("cd".utf8))
        #expect(capture.liveOutput(from: 2, maxBytes: 100)?.text == "€cd")
        #expect(capture.liveOutput(from: 2, maxBytes: 2) == nil)
        #expect(capture.liveOutput(from: 7, maxBytes: 100) == nil)
        capture.append(contentsOf: Self.digits(2000))
        let live = capture.liveOutput(from: 7, maxBytes: 10_000)
        #expect(live?.byteCount == 512 - 7)
        #expect(capture.output.text.hasPrefix("ab€cd" + (live?.text ?? "")))
    }

    /// The head, the count of omitted bytes the marker states, and the tail of a truncated output.
    private static func parts(of text: String) throws -> (head: Substring, omitted: Int, tail: Substring) {
        let opening = try #require(text.firstRange(of: "\n[... "))
        let closing = try #require(text.firstRange(of: " bytes omitted ...]\n"))
        let omitted = try #require(Int(text[opening.upperBound..<closing.lowerBound]))
        return (text[..<opening.lowerBound], omitted, text[closing.upperBound...])
    }
}
