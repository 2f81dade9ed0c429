import Testing
@testable import Core

@Suite struct HTTPDateFormattingTests {
    @Test func formatsIMFFixdate() throws {
        #expect(try Timestamp(rfc3339: "1994-11-06T08:49:37Z").httpDate == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(Timestamp(microsecondsSinceEpoch: 0).httpDate == "Thu, 01 Jan 1970 00:00:00 GMT")
        #expect(try Timestamp(rfc3339: "2024-02-29T23:59:59.999Z").httpDate == "Thu, 29 Feb 2024 23:59:59 GMT")
        #expect(try Timestamp(rfc3339: "1969-12-31T23:59:59.5Z").httpDate == "Wed, 31 Dec 1969 23:59:59 GMT")
    }

    @Test func namesEveryWeekday() throws {
        let names = try (1...7).map { try Timestamp(rfc3339: "2026-11-0\($0)T12:00:00Z").httpDate.prefix(3) }
        #expect(names == ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"])
    }
}
