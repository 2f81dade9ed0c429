import NIOCore
import Testing

@testable import Core
@testable import RPC

@Suite struct GRPCFramingTests {
    @Test func framesWithFlagAndBigEndianLength() {
        let framed = GRPCMessageFraming.frame([0xAA, 0xBB, 0xCC])
        #expect(Array(framed.readableBytesView) == [0, 0, 0, 0, 3, 0xAA, 0xBB, 0xCC])
    }

    @Test func readsMessagesSplitAnywhere() throws {
        var stream = GRPCMessageFraming.frame(Array("hello".utf8))
        stream.writeImmutableBuffer(GRPCMessageFraming.frame([]))
        stream.writeImmutableBuffer(GRPCMessageFraming.frame(Array(repeating: 7, count: 300)))
        let bytes = Array(stream.readableBytesView)
        for split in 0...bytes.count {
            for chunkSize in [1, 2, 7, bytes.count] {
                var deframer = GRPCMessageDeframer(maxMessageBytes: 1000)
                var messages: [[UInt8]] = []
                var offset = 0
                deframer.append(ByteBuffer(bytes: bytes[..<split]))
                while let message = try deframer.nextMessage() { messages.append(Array(message.readableBytesView)) }
                offset = split
                while offset < bytes.count {
                    let end = min(offset + chunkSize, bytes.count)
                    deframer.append(ByteBuffer(bytes: bytes[offset..<end]))
                    offset = end
                    while let message = try deframer.nextMessage() { messages.append(Array(message.readableBytesView)) }
                }
                #expect(messages == [Array("hello".utf8), [], Array(repeating: 7, count: 300)])
                #expect(!deframer.hasPartialMessage)
            }
        }
    }

    @Test func keepsPartialMessage() throws {
        var deframer = GRPCMessageDeframer(maxMessageBytes: 100)
        deframer.append(ByteBuffer(bytes: [0, 0, 0, 0, 4, 1, 2]))
        #expect(try deframer.nextMessage() == nil)
        #expect(deframer.hasPartialMessage)
    }

    @Test func refusesOversizedMessageFromItsPrefix() {
        var deframer = GRPCMessageDeframer(maxMessageBytes: 10)
        deframer.append(ByteBuffer(bytes: [0, 0, 0, 0, 11]))
        #expect(throws: GRPCFramingError.messageTooLarge(length: 11, limit: 10)) { try deframer.nextMessage() }
    }

    @Test func refusesCompressedAndInvalidFlags() {
        var compressed = GRPCMessageDeframer(maxMessageBytes: 10)
        compressed.append(ByteBuffer(bytes: [1, 0, 0, 0, 1, 9]))
        #expect(throws: GRPCFramingError.compressedWithoutEncoding) { try compressed.nextMessage() }
        var invalid = GRPCMessageDeframer(maxMessageBytes: 10)
        invalid.append(ByteBuffer(bytes: [2, 0, 0, 0, 0]))
        #expect(throws: GRPCFramingError.invalidFlag(2)) { try invalid.nextMessage() }
    }
}

@Suite struct GRPCTimeoutTests {
    @Test(arguments: [
        ("1S", Duration.seconds(1)), ("250m", .milliseconds(250)), ("99999999n", .nanoseconds(99_999_999)),
        ("3H", .seconds(3 * 3600)), ("2M", .seconds(120)), ("5u", .microseconds(5)), ("0m", .zero),
    ])
    func parses(value: String, expected: Duration) {
        #expect(GRPCTimeout.parse(value) == expected)
    }

    @Test(arguments: ["", "S", "1", "123456789S", "1s", "-1S", " 1S", "1.5S", "１S"])
    func rejectsMalformed(value: String) {
        #expect(GRPCTimeout.parse(value) == nil)
    }

    @Test func formatsInTheFinestUnitThatFits() {
        #expect(GRPCTimeout.format(.milliseconds(250)) == "250000u")
        #expect(GRPCTimeout.format(.nanoseconds(99_999_999)) == "99999999n")
        #expect(GRPCTimeout.format(.milliseconds(100)) == "100000u")
        #expect(GRPCTimeout.format(.seconds(100)) == "100000m")
        #expect(GRPCTimeout.format(.seconds(1_000_000)) == "1000000S")
        #expect(GRPCTimeout.format(.seconds(1_000_000_000)) == "16666667M")
        #expect(GRPCTimeout.format(.zero) == "0n")
        #expect(GRPCTimeout.format(.seconds(-5)) == "0n")
        #expect(GRPCTimeout.format(.seconds(Int64.max)).hasSuffix("H"))
    }

    @Test func roundsUpAndRoundTrips() {
        for duration: Duration in [.nanoseconds(1), .milliseconds(1), .seconds(3), .seconds(86400 * 400), .nanoseconds(123_456_789_123)] {
            let formatted = GRPCTimeout.format(duration)
            #expect(formatted.utf8.count <= 9)
            let parsed = try! #require(GRPCTimeout.parse(formatted))
            #expect(parsed >= duration)
        }
    }
}

@Suite struct GRPCStatusMessageEncodingTests {
    @Test func leavesPrintableASCIIAlone() {
        #expect(GRPCStatusMessageEncoding.encode("no workers available") == "no workers available")
    }

    @Test func escapesPercentControlAndNonASCII() {
        #expect(GRPCStatusMessageEncoding.encode("100% ✓\n") == "100%25 %E2%9C%93%0A")
    }

    @Test func escapesSpacesAtTheEdges() {
        #expect(GRPCStatusMessageEncoding.encode(" unknown service ") == "%20unknown service%20")
    }

    @Test func decodesAndKeepsMalformedEscapes() {
        #expect(GRPCStatusMessageEncoding.decode("100%25 %E2%9C%93%0A") == "100% ✓\n")
        #expect(GRPCStatusMessageEncoding.decode("50%") == "50%")
        #expect(GRPCStatusMessageEncoding.decode("%zz%4") == "%zz%4")
        #expect(GRPCStatusMessageEncoding.decode("%FF") == "\u{FFFD}")
    }

    @Test func roundTrips() {
        for message in ["", " ", "plain", " edges ", "%%%", "tab\there", "日本語", "emoji 🎉 and % sign"] {
            #expect(GRPCStatusMessageEncoding.decode(GRPCStatusMessageEncoding.encode(message)) == message)
        }
    }
}
