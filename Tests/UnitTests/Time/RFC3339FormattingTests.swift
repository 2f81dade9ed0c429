import Testing
@testable import Core

@Suite struct RFC3339FormattingTests {
    @Test func formatsUTCWithMilliseconds() throws {
        #expect(try Timestamp(rfc3339: "2023-12-25T22:34:00+05:30").rfc3339 == "2023-12-25T17:04:00.000Z")
        #expect(Timestamp(microsecondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(microsecondsSinceEpoch: 1_703_523_840_123_456).rfc3339 == "2023-12-25T17:04:00.123Z")
    }

    @Test func truncatesBelowTheMillisecondAndBeforeTheEpoch() {
        #expect(Timestamp(microsecondsSinceEpoch: 999).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(microsecondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
        #expect(Timestamp(microsecondsSinceEpoch: -1_000_000).rfc3339 == "1969-12-31T23:59:59.000Z")
    }

    @Test func padsSmallYearsAndFormatsTheLimits() throws {
        #expect(try Timestamp(rfc3339: "0001-01-01T00:00:00Z").rfc3339 == "0001-01-01T00:00:00.000Z")
        #expect(try Timestamp(rfc3339: "0999-03-04T05:06:07.089Z").rfc3339 == "0999-03-04T05:06:07.089Z")
        #expect(try Timestamp(rfc3339: "9999-12-31T23:59:59.999999Z").rfc3339 == "9999-12-31T23:59:59.999Z")
    }

    @Test func roundTripsEveryDayOfALeapYearAndTheCenturies() throws {
        let dayMicroseconds: Int64 = 86_400_000_000
        let start = try Timestamp(rfc3339: "2024-01-01T13:14:15.678Z").microsecondsSinceEpoch
        for day in Int64(0)..<366 {
            let timestamp = Timestamp(microsecondsSinceEpoch: start + day * dayMicroseconds)
            #expect(try Timestamp(rfc3339: timestamp.rfc3339) == timestamp)
        }
        for year in stride(from: 1, through: 9999, by: 97) {
            let text = "\(String(repeating: "0", count: 4 - String(year).count))\(year)-02-28T23:59:59.999Z"
            #expect(try Timestamp(rfc3339: text).rfc3339 == text)
        }
    }

    @Test func nowIsCurrent() throws {
        let now = Timestamp.now()
        #expect(now > (try Timestamp(rfc3339: "2024-01-01T00:00:00Z")))
        #expect(now < (try Timestamp(rfc3339: "2200-01-01T00:00:00Z")))
    }
}
