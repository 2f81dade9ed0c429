import Testing

@testable import Core
@testable import Recurrence

@Suite struct CronExpressionTests {
    private func values(_ text: String, _ kind: CronField.Kind) throws -> [Int] {
        let field = try CronField(parsing: text, as: kind)
        return kind.range.filter(field.contains)
    }

    @Test func readsEveryFieldForm() throws {
        #expect(try values("*/15", .minute) == [0, 15, 30, 45])
        #expect(try values("1,2,5-7", .hour) == [1, 2, 5, 6, 7])
        #expect(try values("10-50/20", .second) == [10, 30, 50])
        #expect(try values("5/20", .minute) == [5, 25, 45])
        #expect(try values("JAN-mar,Dec", .month) == [1, 2, 3, 12])
        #expect(try values("mon-FRI", .dayOfWeek) == [1, 2, 3, 4, 5])
        #expect(try values("7", .dayOfWeek) == [0])
        #expect(try values("5-7", .dayOfWeek) == [0, 5, 6])
        #expect(try values("*", .dayOfMonth) == Array(1...31))
    }

    @Test func knowsWhichFieldsAllowEveryValue() throws {
        #expect(try CronField(parsing: "*", as: .hour).allowsEveryValue)
        #expect(try CronField(parsing: "*/1", as: .hour).allowsEveryValue)
        #expect(try CronField(parsing: "0-23", as: .hour).allowsEveryValue)
        #expect(try CronField(parsing: "0-6", as: .dayOfWeek).allowsEveryValue)
        #expect(try !CronField(parsing: "*/2", as: .hour).allowsEveryValue)
        #expect(try !CronField(parsing: "1-31", as: .minute).allowsEveryValue)
    }

    @Test func refusesWhatDoesNotParseNamingTheFieldAndWhy() {
        let cases: [(String, String)] = [
            ("* * * *", "\"* * * *\": a cron has 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading second; this has 4"),
            ("61 * * * *", "the minute field \"61\": 61 is outside 0–59"),
            ("* 5-1 * * *", "the hour field \"5-1\": the range 5-1 runs backwards"),
            ("*/0 * * * *", "the minute field \"*/0\": the step \"0\" is not a whole number above 0"),
            ("* * * FOO *", "the month field \"FOO\": \"FOO\" is not a number or a name"),
            ("* * 1,,2 * *", "the day-of-month field \"1,,2\": \"\" is not a number"),
            ("* * * * 8", "the day-of-week field \"8\": 8 is outside 0–7"),
            ("* * 0 * *", "the day-of-month field \"0\": 0 is outside 1–31"),
            ("+5 * * * *", "the minute field \"+5\": \"+5\" is not a number"),
            ("0 0 30 2 *", "\"0 0 30 2 *\": no date has this day of the month in these months; it can never fire"),
            ("0 0 31 4,6,9,11 *", "\"0 0 31 4,6,9,11 *\": no date has this day of the month in these months; it can never fire"),
        ]
        for (text, message) in cases {
            #expect(throws: RecurrenceError.self) { try CronExpression(parsing: text) }
            do {
                _ = try CronExpression(parsing: text)
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func acceptsDaysThatOnlySomeYearsHave() throws {
        _ = try CronExpression(parsing: "0 0 29 2 *")
        _ = try CronExpression(parsing: "0 0 30 2 1")
    }

    @Test func expandsTheMacros() throws {
        #expect(try CronExpression(parsing: "@yearly") == CronExpression(parsing: "0 0 1 1 *"))
        #expect(try CronExpression(parsing: "@ANNUALLY") == CronExpression(parsing: "0 0 1 1 *"))
        #expect(try CronExpression(parsing: "@monthly") == CronExpression(parsing: "0 0 1 * *"))
        #expect(try CronExpression(parsing: "@weekly") == CronExpression(parsing: "0 0 * * 0"))
        #expect(try CronExpression(parsing: "@daily") == CronExpression(parsing: "0 0 * * *"))
        #expect(try CronExpression(parsing: "@midnight") == CronExpression(parsing: "0 0 * * *"))
        #expect(try CronExpression(parsing: "@hourly") == CronExpression(parsing: "0 * * * *"))
        #expect(try CronExpression(parsing: "0 0 * * * *") == CronExpression(parsing: "0 * * * *"))
    }

    @Test func readsEveryAsAnInterval() throws {
        #expect(try Recurrence(parsing: "@every 90s") == .every(microseconds: 90_000_000))
        #expect(try Recurrence(parsing: "@every 5m") == .every(microseconds: 300_000_000))
        #expect(try Recurrence(parsing: "@every 1.5s") == .every(microseconds: 1_500_000))
        let refused = [
            ("@every 0", "\"@every 0\": the interval must be at least one second"),
            ("@every 500ms", "\"@every 500ms\": the interval must be at least one second"),
            ("@every soon", "\"@every soon\": \"soon\" is not a duration such as 90s, 5m or 1h"),
            ("@every -5s", "\"@every -5s\": \"-5s\" is not a duration such as 90s, 5m or 1h"),
            ("@every 1e300s", "\"@every 1e300s\": \"1e300s\" is not a duration such as 90s, 5m or 1h"),
        ]
        for (text, message) in refused {
            do {
                _ = try Recurrence(parsing: text)
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.description == message)
            }
        }
    }

    @Test func refusesAnUnknownTimeZone() {
        do {
            _ = try ScheduleTimeZone(identifier: "Mars/Olympus_Mons")
            Issue.record("an unknown zone was accepted")
        } catch {
            #expect(error.description.hasPrefix("the time zone \"Mars/Olympus_Mons\": it is not an IANA time zone name"))
        }
    }
}
