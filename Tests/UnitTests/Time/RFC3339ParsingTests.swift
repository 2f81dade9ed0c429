import Testing
@testable import Core

@Suite struct RFC3339ParsingTests {
    /// 2023-12-25T17:04:00Z in seconds since the epoch.
    static let christmasUTC: Int64 = 1_703_523_840

    static func seconds(_ text: String) throws -> Int64 {
        let timestamp = try Timestamp(rfc3339: text)
        #expect(timestamp.microsecondsSinceEpoch % 1_000_000 == 0)
        return timestamp.microsecondsSinceEpoch / 1_000_000
    }

    @Test(arguments: [
        "2023-12-25T17:04:00Z",
        "2023-12-25T17:04:00z",
        "2023-12-25t17:04:00Z",
        "2023-12-25 17:04:00Z",
        "2023-12-25T22:34:00+05:30",
        "2023-12-25T22:34:00+0530",
        "2023-12-25T12:04:00-05:00",
        "2023-12-25T12:04:00-05",
        "2023-12-25T17:04:00+00:00",
        "2023-12-25T17:04:00-00:00",
        "2023-12-26T01:49:00+08:45",
        "2023-12-25T03:04:00-14:00",
    ])
    func offsetsNameTheSameInstant(text: String) throws {
        #expect(try Self.seconds(text) == Self.christmasUTC)
    }

    @Test func offsetCrossesTheDateLine() throws {
        #expect(try Self.seconds("2024-01-01T00:30:00+01:00") == Self.seconds("2023-12-31T23:30:00Z"))
    }

    @Test(arguments: [
        ("2023-12-25T17:04:00.5Z", 500_000),
        ("2023-12-25T17:04:00.123Z", 123_000),
        ("2023-12-25T17:04:00.123456Z", 123_456),
        ("2023-12-25T17:04:00.1234569Z", 123_456),
        ("2023-12-25T17:04:00.000001Z", 1),
        ("2023-12-25T17:04:00.999999999999999999999Z", 999_999),
        ("2023-12-25T22:34:00.25+05:30", 250_000),
    ] as [(String, Int64)])
    func fractionalSecondsKeepMicrosecondsAndTruncateTheRest(text: String, microseconds: Int64) throws {
        let timestamp = try Timestamp(rfc3339: text)
        #expect(timestamp.microsecondsSinceEpoch == Self.christmasUTC * 1_000_000 + microseconds)
    }

    @Test func datesAroundTheEpochAndTheLimits() throws {
        #expect(try Self.seconds("1970-01-01T00:00:00Z") == 0)
        #expect(try Self.seconds("1969-12-31T23:59:59Z") == -1)
        #expect(try Timestamp(rfc3339: "1969-12-31T23:59:59.5Z").microsecondsSinceEpoch == -500_000)
        #expect(try Self.seconds("0001-01-01T00:00:00Z") == -62_135_596_800)
        #expect(try Self.seconds("9999-12-31T23:59:59Z") == 253_402_300_799)
    }

    @Test func leapYears() throws {
        #expect(try Self.seconds("2000-02-29T00:00:00Z") == 951_782_400)
        #expect(try Self.seconds("2024-02-29T00:00:00Z") + 86_400 == 1_709_251_200)
        for text in ["2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2100-02-29T00:00:00Z"] {
            #expect(throws: TimestampParseError.self, "\(text)") { try Timestamp(rfc3339: text) }
        }
    }

    @Test func leapSecondRollsIntoTheNextMinute() throws {
        #expect(try Self.seconds("2016-12-31T23:59:60Z") == Self.seconds("2017-01-01T00:00:00Z"))
    }

    @Test(arguments: [
        "2023-02-30T00:00:00Z",
        "2023-04-31T00:00:00Z",
        "2023-13-01T00:00:00Z",
        "2023-00-10T00:00:00Z",
        "2023-12-00T00:00:00Z",
        "2023-12-32T00:00:00Z",
        "2023-12-25T24:00:00Z",
        "2023-12-25T23:60:00Z",
        "2023-12-25T23:59:61Z",
        "0000-01-01T00:00:00Z",
        "2023-12-25T17:04:00+24:00",
        "2023-12-25T17:04:00+05:60",
    ])
    func impossibleFieldsAreOutOfRange(text: String) {
        do {
            _ = try Timestamp(rfc3339: text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.code == .outOfRange, "\(error)")
        }
    }

    @Test(arguments: [
        "",
        "2023-12-25",
        "2023-12-25T17:04Z",
        "2023-12-25T17:04:00.Z",
        "2023-12-25X17:04:00Z",
        "23-12-25T17:04:00Z",
        "12023-12-25T17:04:00Z",
        "2023-1-25T17:04:00Z",
        "2023/12/25T17:04:00Z",
        "2023-12-25T17:04:00+5:30",
        "2023-12-25T17:04:00+05:3",
        "2023-12-25T17:04:00ZZ",
        "2023-12-25T17:04:00Z ",
        " 2023-12-25T17:04:00Z",
        "2023-12-25T17:04:00 UTC",
        "2023-12-25T17:04:00,5Z",
        "２０２３-12-25T17:04:00Z",
        "tomorrow",
    ])
    func malformedTextIsRejected(text: String) {
        do {
            _ = try Timestamp(rfc3339: text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.code == .malformed, "\(text): \(error)")
        }
    }

    @Test(arguments: ["2023-12-25T17:04:00", "2023-12-25T17:04:00.123", "2023-12-25 17:04:00"])
    func aMissingOffsetIsRejectedAsAmbiguous(text: String) {
        do {
            _ = try Timestamp(rfc3339: text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.code == .missingOffset)
            #expect(error.reason.contains("offset"))
        }
    }

    @Test func errorsSayWhereTheProblemIs() {
        do {
            _ = try Timestamp(rfc3339: "2023-12-25T17-04:00Z")
            Issue.record("accepted")
        } catch {
            #expect(error.reason == "expected ':' after the hour at position 14")
        }
        do {
            _ = try Timestamp(rfc3339: "2023-02-30T00:00:00Z")
            Issue.record("accepted")
        } catch {
            #expect(error.reason == "day 30 does not exist in month 2 of year 2023, which has 28 days")
        }
    }
}
