extension Timestamp {
    /// HTTP's `Date` header value (IMF-fixdate), e.g. `Sun, 06 Nov 1994 08:49:37 GMT`.
    package var httpDate: String {
        let (days, secondOfDay) = CivilCalendar.floorDivide(secondsSinceEpoch, by: CivilCalendar.secondsPerDay)
        let date = CivilCalendar.date(daysSinceEpoch: days)
        let weekday = Self.weekdayNames[CivilCalendar.weekday(daysSinceEpoch: days)]
        let month = Self.monthNames[Int(date.month) - 1]
        func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let time = [secondOfDay / 3600, secondOfDay / 60 % 60, secondOfDay % 60].map(twoDigits).joined(separator: ":")
        return "\(weekday), \(twoDigits(date.day)) \(month) \(date.year) \(time) GMT"
    }

    private static let weekdayNames = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let monthNames = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
}
