import Testing

@testable import Core
@testable import WorkerService

@Suite struct OutputTailTests {
    @Test func keepsEverythingBelowTheLimit() {
        var tail = OutputTail(limit: 8)
        tail.append(contentsOf: Array("abc".utf8))
        tail.append(contentsOf: Array("de".utf8))
        #expect(tail.text == "abcde")
        #expect(tail.droppedByteCount == 0)
    }

    @Test func keepsOnlyTheLastBytesAcrossManyAppends() {
        var tail = OutputTail(limit: 5)
        for chunk in ["ab", "cde", "fghi", "j", "klmnopq", "r"] {
            tail.append(contentsOf: Array(chunk.utf8))
        }
        #expect(tail.text == "nopqr")
        #expect(tail.bytes.count == 5)
        #expect(tail.droppedByteCount == 13)
    }

    @Test func aChunkLargerThanTheLimitKeepsItsEnd() {
        var tail = OutputTail(limit: 4)
        tail.append(contentsOf: Array("xy".utf8))
        tail.append(contentsOf: Array("0123456789".utf8))
        #expect(tail.text == "6789")
    }

    @Test func aCharacterCutByTheStartIsLeftOutAndInvalidBytesAreReplaced() {
        var tail = OutputTail(limit: 4)
        // "é" is 0xC3 0xA9: keeping 4 of "aé€" (61 C3 A9 E2 82 AC) starts inside "é".
        tail.append(contentsOf: Array("aé€".utf8))
        #expect(tail.text == "€")
        var invalid = OutputTail(limit: 16)
        invalid.append(contentsOf: [0x6F, 0x6B, 0xFF])
        #expect(invalid.text == "ok\u{FFFD}")
    }
}
