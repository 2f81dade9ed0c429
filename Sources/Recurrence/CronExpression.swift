import Core

/// A cron expression read on a wall clock: `minute hour day-of-month month day-of-week`, or six
/// fields with a leading `second`. Wall-clock times are counted as seconds since 1970-01-01
/// 00:00 of that clock, with no time zone.
package struct CronExpression: Sendable, Hashable {
    let seconds: CronField
    let minutes: CronField
    let hours: CronField
    let daysOfMonth: CronField
    let months: CronField
    let daysOfWeek: CronField

    /// The macros and what they stand for.
    static let macros = [
        "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
        "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
    ]

    /// How far ahead a match is looked for: beyond any gap between two leap days (2096 to 2104).
    static let searchDays: Int64 = 9 * 366

    package init(parsing text: String) throws(RecurrenceError) {
        let expanded = Self.macros[text.lowercased()] ?? text
        let fields = expanded.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        guard fields.count == 5 || fields.count == 6 else {
            throw RecurrenceError(
                field: "cron", text: text,
                reason: "a cron has 5 fields (minute hour day-of-month month day-of-week) or 6 with a leading second; this has \(fields.count)")
        }
        let offset = fields.count - 5
        seconds = try offset == 1 ? CronField(parsing: fields[0], as: .second) : CronField(parsing: "0", as: .second)
        minutes = try CronField(parsing: fields[offset], as: .minute)
        hours = try CronField(parsing: fields[offset + 1], as: .hour)
        daysOfMonth = try CronField(parsing: fields[offset + 2], as: .dayOfMonth)
        months = try CronField(parsing: fields[offset + 3], as: .month)
        daysOfWeek = try CronField(parsing: fields[offset + 4], as: .dayOfWeek)
        guard canMatchSomeDay else {
            throw RecurrenceError(field: "cron", text: text, reason: "no date has this day of the month in these months; it can never fire")
        }
    }

    /// Whether the hour field allows every hour: such a cron fires at every real instant whose
    /// wall-clock time matches, while one with fixed hours fires once for a wall-clock time that a
    /// time zone skips or repeats.
    package var everyHour: Bool { hours.allowsEveryValue }

    /// Classic cron: when both day fields are restricted a day matches if either does.
    func matches(daysSinceEpoch days: Int64, dayOfMonth: Int) -> Bool {
        let byDate = daysOfMonth.contains(dayOfMonth)
        let byWeekday = daysOfWeek.contains(CivilCalendar.weekday(daysSinceEpoch: days))
        switch (daysOfMonth.allowsEveryValue, daysOfWeek.allowsEveryValue) {
        case (false, false): return byDate || byWeekday
        case (false, true): return byDate
        case (true, false): return byWeekday
        case (true, true): return true
        }
    }

    /// The first wall-clock time after `wallClock` that matches, within `searchDays`.
    func nextMatch(after wallClock: Int64) -> Int64? {
        let start = CivilCalendar.floorDivide(wallClock + 1, by: CivilCalendar.secondsPerDay)
        var day = start.quotient
        var earliest = start.remainder
        while day - start.quotient <= Self.searchDays {
            let date = CivilCalendar.date(daysSinceEpoch: day)
            guard months.contains(Int(date.month)) else {
                day += CivilCalendar.daysInMonth(year: date.year, month: date.month) - date.day + 1
                earliest = 0
                continue
            }
            if matches(daysSinceEpoch: day, dayOfMonth: Int(date.day)), let second = firstTimeOfDay(atOrAfter: earliest) {
                return day * CivilCalendar.secondsPerDay + second
            }
            day += 1
            earliest = 0
        }
        return nil
    }

    /// The first matching time of a day at or after `secondOfDay`.
    private func firstTimeOfDay(atOrAfter secondOfDay: Int64) -> Int64? {
        let startHour = Int(secondOfDay / 3600)
        var hour = hours.first(atOrAbove: startHour)
        while let currentHour = hour {
            let sameHour = currentHour == startHour
            let startMinute = sameHour ? Int(secondOfDay / 60 % 60) : 0
            var minute = minutes.first(atOrAbove: startMinute)
            while let currentMinute = minute {
                let startSecond = sameHour && currentMinute == startMinute ? Int(secondOfDay % 60) : 0
                if let second = seconds.first(atOrAbove: startSecond) {
                    return Int64(currentHour * 3600 + currentMinute * 60 + second)
                }
                minute = minutes.first(atOrAbove: currentMinute + 1)
            }
            hour = hours.first(atOrAbove: currentHour + 1)
        }
        return nil
    }

    /// Whether some date matches the day fields (`0 0 30 2 *` never does). A restricted day of
    /// the week always matches some day.
    private var canMatchSomeDay: Bool {
        guard daysOfWeek.allowsEveryValue, !daysOfMonth.allowsEveryValue else { return true }
        return (1...12).contains { month in
            // 2024 is a leap year: every month at its longest.
            let longest = Int(CivilCalendar.daysInMonth(year: 2024, month: Int64(month)))
            return months.contains(month) && (1...longest).contains(where: daysOfMonth.contains)
        }
    }
}
