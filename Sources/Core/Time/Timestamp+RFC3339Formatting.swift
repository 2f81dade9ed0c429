extension Timestamp {
    /// RFC 3339 in UTC with milliseconds, e.g. `2023-12-25T17:04:00.000Z`; the sub-millisecond
    /// part is truncated, so a formatted time never lies after the instant.
    package var rfc3339: String { rfc3339(utcOffsetSeconds: 0) }

    /// RFC 3339 with milliseconds on a wall clock `utcOffsetSeconds` ahead of UTC, e.g.
    /// `2023-12-25T22:34:00.000+05:30` (`Z` when the offset is zero).
    package func rfc3339(utcOffsetSeconds offset: Int64) -> String {
        let (seconds, microseconds) = CivilCalendar.floorDivide(microsecondsSinceEpoch + offset * 1_000_000, by: 1_000_000)
        let (days, secondOfDay) = CivilCalendar.floorDivide(seconds, by: CivilCalendar.secondsPerDay)
        let date = CivilCalendar.date(daysSinceEpoch: days)

        var utf8: [UInt8] = []
        utf8.reserveCapacity(24)
        if date.year < 0 {
            utf8.append(UInt8(ascii: "-"))
        }
        Self.append(abs(date.year), width: 4, to: &utf8)
        utf8.append(UInt8(ascii: "-"))
        Self.append(date.month, width: 2, to: &utf8)
        utf8.append(UInt8(ascii: "-"))
        Self.append(date.day, width: 2, to: &utf8)
        utf8.append(UInt8(ascii: "T"))
        Self.append(secondOfDay / 3600, width: 2, to: &utf8)
        utf8.append(UInt8(ascii: ":"))
        Self.append(secondOfDay / 60 % 60, width: 2, to: &utf8)
        utf8.append(UInt8(ascii: ":"))
        Self.append(secondOfDay % 60, width: 2, to: &utf8)
        utf8.append(UInt8(ascii: "."))
        Self.append(microseconds / 1000, width: 3, to: &utf8)
        if offset == 0 {
            utf8.append(UInt8(ascii: "Z"))
        } else {
            utf8.append(UInt8(ascii: offset < 0 ? "-" : "+"))
            Self.append(abs(offset) / 3600, width: 2, to: &utf8)
            utf8.append(UInt8(ascii: ":"))
            Self.append(abs(offset) / 60 % 60, width: 2, to: &utf8)
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    /// Appends the decimal digits of a non-negative `value`, zero-padded to at least `width`.
    private static func append(_ value: Int64, width: Int, to utf8: inout [UInt8]) {
        let start = utf8.count
        var remaining = value
        repeat {
            utf8.append(UInt8(ascii: "0") + UInt8(remaining % 10))
            remaining /= 10
        } while remaining > 0 || utf8.count - start < width
        utf8[start...].reverse()
    }
}
