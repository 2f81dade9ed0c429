import Testing

@testable import Core
@testable import Recurrence

@Suite struct FireCalendarTests {
    private func calendar(
        _ cron: String, zone: String = "UTC", anchor: String = "2026-01-01T00:00:00Z", start: String? = nil,
        end: String? = nil
    ) throws -> FireCalendar {
        FireCalendar(
            recurrence: try Recurrence(parsing: cron), timeZone: try ScheduleTimeZone(identifier: zone),
            anchor: try Timestamp(rfc3339: anchor), start: try start.map(Timestamp.init(rfc3339:)),
            end: try end.map(Timestamp.init(rfc3339:)))
    }

    /// The first `count` fires after `instant`, as RFC 3339 in UTC.
    private func fires(_ cron: String, zone: String = "UTC", after instant: String, count: Int) throws -> [String] {
        try calendar(cron, zone: zone).fires(after: Timestamp(rfc3339: instant), count: count).map(\.rfc3339)
    }

    @Test func stepsAndSeconds() throws {
        #expect(
            try fires("*/15 * * * *", after: "2026-11-02T10:07:30Z", count: 3) == [
                "2026-11-02T10:15:00.000Z", "2026-11-02T10:30:00.000Z", "2026-11-02T10:45:00.000Z",
            ])
        #expect(
            try fires("*/20 * * * * *", after: "2026-11-02T10:00:05Z", count: 3) == [
                "2026-11-02T10:00:20.000Z", "2026-11-02T10:00:40.000Z", "2026-11-02T10:01:00.000Z",
            ])
        #expect(try fires("0 * * * *", after: "2026-11-02T10:00:00Z", count: 1) == ["2026-11-02T11:00:00.000Z"])
        #expect(try fires("0 * * * *", after: "2026-11-02T09:59:59.999Z", count: 1) == ["2026-11-02T10:00:00.000Z"])
    }

    @Test func eitherDayFieldMatchesWhenBothAreRestricted() throws {
        // The 10th of the month or a Monday; 2026-11-01 is a Sunday.
        #expect(
            try fires("0 0 10 * 1", after: "2026-11-01T00:00:00Z", count: 4) == [
                "2026-11-02T00:00:00.000Z", "2026-11-09T00:00:00.000Z", "2026-11-10T00:00:00.000Z",
                "2026-11-16T00:00:00.000Z",
            ])
        // Only the weekday counts when the day of the month is `*`, and the reverse.
        #expect(
            try fires("0 0 * * MON", after: "2026-11-01T00:00:00Z", count: 2) == [
                "2026-11-02T00:00:00.000Z", "2026-11-09T00:00:00.000Z",
            ])
        #expect(try fires("0 0 10 * *", after: "2026-11-01T00:00:00Z", count: 1) == ["2026-11-10T00:00:00.000Z"])
        #expect(try fires("0 0 * * 7", after: "2026-11-02T00:00:00Z", count: 1) == ["2026-11-08T00:00:00.000Z"])
    }

    @Test func endsOfMonthsAndLeapYears() throws {
        #expect(
            try fires("0 0 31 * *", after: "2026-11-01T00:00:00Z", count: 3) == [
                "2026-12-31T00:00:00.000Z", "2027-01-31T00:00:00.000Z", "2027-03-31T00:00:00.000Z",
            ])
        #expect(
            try fires("0 0 29 2 *", after: "2026-03-01T00:00:00Z", count: 2) == [
                "2028-02-29T00:00:00.000Z", "2032-02-29T00:00:00.000Z",
            ])
        #expect(
            try fires("0 0 29 2 *", after: "2096-03-01T00:00:00Z", count: 1) == ["2104-02-29T00:00:00.000Z"])
        #expect(
            try fires("0 12 28-31 2 *", after: "2027-02-01T00:00:00Z", count: 3) == [
                "2027-02-28T12:00:00.000Z", "2028-02-28T12:00:00.000Z", "2028-02-29T12:00:00.000Z",
            ])
        #expect(
            try fires("@yearly", after: "2026-06-01T00:00:00Z", count: 2) == [
                "2027-01-01T00:00:00.000Z", "2028-01-01T00:00:00.000Z",
            ])
        #expect(try fires("@weekly", after: "2026-11-02T00:00:00Z", count: 1) == ["2026-11-08T00:00:00.000Z"])
    }

    @Test func aSkippedWallClockTimeFiresOnceAtTheJumpWithFixedHours() throws {
        // Europe/Berlin springs from 02:00 CET to 03:00 CEST at 2027-03-28T01:00Z.
        #expect(
            try fires("30 2 * * *", zone: "Europe/Berlin", after: "2027-03-26T12:00:00Z", count: 3) == [
                "2027-03-27T01:30:00.000Z", "2027-03-28T01:00:00.000Z", "2027-03-29T00:30:00.000Z",
            ])
        // Every quarter of the skipped hour collapses into that one fire.
        #expect(
            try fires("*/15 2 * * *", zone: "Europe/Berlin", after: "2027-03-27T23:00:00Z", count: 2) == [
                "2027-03-28T01:00:00.000Z", "2027-03-29T00:00:00.000Z",
            ])
        // America/New_York springs from 02:00 EST to 03:00 EDT at 2027-03-14T07:00Z.
        #expect(
            try fires("30 2 * * *", zone: "America/New_York", after: "2027-03-13T12:00:00Z", count: 2) == [
                "2027-03-14T07:00:00.000Z", "2027-03-15T06:30:00.000Z",
            ])
    }

    @Test func aRepeatedWallClockTimeFiresOnceAtItsFirstOccurrenceWithFixedHours() throws {
        // Europe/Berlin falls from 03:00 CEST back to 02:00 CET at 2027-10-31T01:00Z.
        #expect(
            try fires("30 2 * * *", zone: "Europe/Berlin", after: "2027-10-29T12:00:00Z", count: 3) == [
                "2027-10-30T00:30:00.000Z", "2027-10-31T00:30:00.000Z", "2027-11-01T01:30:00.000Z",
            ])
        #expect(
            try fires("*/30 2 * * *", zone: "Europe/Berlin", after: "2027-10-30T23:00:00Z", count: 3) == [
                "2027-10-31T00:00:00.000Z", "2027-10-31T00:30:00.000Z", "2027-11-01T01:00:00.000Z",
            ])
        // Asked from inside the repeated hour, the second pass is not a fire either.
        #expect(
            try fires("30 2 * * *", zone: "Europe/Berlin", after: "2027-10-31T01:10:00Z", count: 1) == [
                "2027-11-01T01:30:00.000Z"
            ])
    }

    @Test func everyHourFiresAtEveryRealInstantThatMatches() throws {
        #expect(
            try fires("30 * * * *", zone: "Europe/Berlin", after: "2027-03-28T00:00:00Z", count: 2) == [
                "2027-03-28T00:30:00.000Z", "2027-03-28T01:30:00.000Z",
            ])
        #expect(
            try fires("30 * * * *", zone: "Europe/Berlin", after: "2027-10-30T23:00:00Z", count: 4) == [
                "2027-10-30T23:30:00.000Z", "2027-10-31T00:30:00.000Z", "2027-10-31T01:30:00.000Z",
                "2027-10-31T02:30:00.000Z",
            ])
        #expect(
            try fires("@hourly", zone: "Europe/Berlin", after: "2027-10-31T00:30:00Z", count: 2) == [
                "2027-10-31T01:00:00.000Z", "2027-10-31T02:00:00.000Z",
            ])
    }

    @Test func theSouthernHemisphereShiftsTheOtherWay() throws {
        // Australia/Sydney springs from 02:00 AEST to 03:00 AEDT at 2027-10-02T16:00Z …
        #expect(
            try fires("30 2 * * *", zone: "Australia/Sydney", after: "2027-10-01T18:00:00Z", count: 2) == [
                "2027-10-02T16:00:00.000Z", "2027-10-03T15:30:00.000Z",
            ])
        // … and falls from 03:00 AEDT back to 02:00 AEST at 2027-04-03T16:00Z.
        #expect(
            try fires("30 2 * * *", zone: "Australia/Sydney", after: "2027-04-02T18:00:00Z", count: 2) == [
                "2027-04-03T15:30:00.000Z", "2027-04-04T16:30:00.000Z",
            ])
        #expect(
            try fires("30 * * * *", zone: "Australia/Sydney", after: "2027-04-03T15:00:00Z", count: 3) == [
                "2027-04-03T15:30:00.000Z", "2027-04-03T16:30:00.000Z", "2027-04-03T17:30:00.000Z",
            ])
    }

    @Test func aZoneWithoutDaylightSavingIsAFixedOffset() throws {
        #expect(
            try fires("0 9 * * *", zone: "Asia/Kolkata", after: "2027-03-28T00:00:00Z", count: 2) == [
                "2027-03-28T03:30:00.000Z", "2027-03-29T03:30:00.000Z",
            ])
    }

    @Test func everyCountsFromItsAnchor() throws {
        let every = try calendar("@every 90s", anchor: "2026-01-01T00:00:00Z")
        let anchor = try Timestamp(rfc3339: "2026-01-01T00:00:00Z")
        #expect(every.next(after: Timestamp(microsecondsSinceEpoch: anchor.microsecondsSinceEpoch - 1)) == anchor)
        #expect(every.next(after: try Timestamp(rfc3339: "2025-06-01T00:00:00Z")) == anchor)
        #expect(every.next(after: anchor)?.rfc3339 == "2026-01-01T00:01:30.000Z")
        #expect(every.next(after: try Timestamp(rfc3339: "2026-01-01T00:01:40Z"))?.rfc3339 == "2026-01-01T00:03:00.000Z")
    }

    @Test func startAndEndBoundTheFires() throws {
        let bounded = try calendar(
            "0 * * * *", start: "2026-11-02T11:00:00Z", end: "2026-11-02T13:00:00Z")
        #expect(
            bounded.fires(after: try Timestamp(rfc3339: "2026-11-01T00:00:00Z"), count: 5).map(\.rfc3339) == [
                "2026-11-02T11:00:00.000Z", "2026-11-02T12:00:00.000Z",
            ])
        let fromHalfPast = try calendar("0 * * * *", start: "2026-11-02T10:30:00Z")
        #expect(fromHalfPast.next(after: try Timestamp(rfc3339: "2026-11-02T09:00:00Z"))?.rfc3339 == "2026-11-02T11:00:00.000Z")
    }

    @Test func listsARangeOrRefusesOneTooLong() throws {
        let everySecond = try calendar("* * * * * *")
        let from = try Timestamp(rfc3339: "2026-11-02T10:00:00Z")
        let to = try Timestamp(rfc3339: "2026-11-02T10:01:00Z")
        let minute = try #require(everySecond.fires(from: from, to: to, limit: 60))
        #expect(minute.count == 60)
        #expect(minute.first == from)
        #expect(minute.last?.rfc3339 == "2026-11-02T10:00:59.000Z")
        #expect(everySecond.fires(from: from, to: to, limit: 59) == nil)
        let thousand = everySecond.fires(after: from, count: 1000)
        #expect(zip(thousand, thousand.dropFirst()).allSatisfy { $1.microsecondsSinceEpoch - $0.microsecondsSinceEpoch == 1_000_000 })
    }
}
