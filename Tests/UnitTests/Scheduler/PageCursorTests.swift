import Foundation
import Testing
@testable import Core
@testable import TaskStorage

@Suite struct PageCursorTests {
    @Test func tokenRoundTrips() throws {
        let id = try #require(UUID(uuidString: "3f2b8c1e-9d4a-4e7b-8a51-6c0d2e9f1a37"))
        let cursor = PageCursor(createdAt: Timestamp(microsecondsSinceEpoch: 1_703_523_840_123_456), id: id)
        #expect(cursor.token == "00060d588d5b6240" + "3f2b8c1e9d4a4e7b8a516c0d2e9f1a37")
        #expect(PageCursor(token: cursor.token) == cursor)
        #expect(PageCursor(token: cursor.token.uppercased()) == cursor)
    }

    @Test(arguments: [
        "", "abc", String(repeating: "0", count: 47), String(repeating: "0", count: 49),
        "+" + String(repeating: "0", count: 47), String(repeating: "0", count: 16) + "3f2b8c1e-9d4a-4e7b-8a51-6c0d2e9f1a",
        String(repeating: "g", count: 48), String(repeating: "０", count: 48),
    ])
    func malformedTokensAreRefused(token: String) {
        #expect(PageCursor(token: token) == nil)
    }

    @Test func everyWellFormedTokenIsAPositionWithinYears1To9999() throws {
        let late = try #require(PageCursor(token: "7fffffffffffffff" + String(repeating: "a", count: 32)))
        #expect(late.createdAt == (try Timestamp(rfc3339: "9999-12-31T23:59:59.999999Z")))
        let early = try #require(PageCursor(token: "8000000000000000" + String(repeating: "b", count: 32)))
        #expect(early.createdAt == (try Timestamp(rfc3339: "0001-01-01T00:00:00Z")))
    }
}
