extension Timestamp {
    /// Parses an RFC 3339 date-time such as `2023-12-25T22:34:00+05:30` or `2023-12-25T17:04:00.5Z`.
    ///
    /// Accepted beyond the strict grammar: `t` or a space instead of `T`, `±HHMM` and `±HH` offsets.
    /// Fractional seconds may have any number of digits; digits past the microsecond are truncated,
    /// so the instant never moves later than written. Second 60 (a leap second) means the first
    /// second of the next minute, as in PostgreSQL.
    ///
    /// Rejected: a missing offset (the instant would be ambiguous), years outside 0001–9999, dates
    /// and times that do not exist (30 February, month 13, hour 24) and any trailing text.
    package init(rfc3339 text: String) throws(TimestampParseError) {
        var text = text
        let parsed = text.withUTF8 { bytes in
            var parser = RFC3339Parser(bytes: bytes)
            return Result { () throws(TimestampParseError) in try parser.parseTimestamp() }
        }
        self = try parsed.get()
    }
}

/// A single pass over the UTF-8 bytes of an RFC 3339 date-time.
private struct RFC3339Parser {
    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    mutating func parseTimestamp() throws(TimestampParseError) -> Timestamp {
        let year = try number(digits: 4, of: "year")
        try expect("-", after: "year")
        let month = try number(digits: 2, of: "month")
        try expect("-", after: "month")
        let day = try number(digits: 2, of: "day")
        try expectDateTimeSeparator()
        let hour = try number(digits: 2, of: "hour")
        try expect(":", after: "hour")
        let minute = try number(digits: 2, of: "minute")
        try expect(":", after: "minute")
        let second = try number(digits: 2, of: "second")
        let microsecond = try fractionIfPresent()
        let offsetSeconds = try utcOffsetSeconds()
        guard position == bytes.count else {
            throw Self.malformed("unexpected text after the UTC offset at position \(position + 1)")
        }

        try Self.check(year, in: 1...9999, "year")
        try Self.check(month, in: 1...12, "month")
        let daysInMonth = CivilCalendar.daysInMonth(year: year, month: month)
        guard (1...daysInMonth).contains(day) else {
            throw TimestampParseError(
                code: .outOfRange,
                reason: "day \(day) does not exist in month \(month) of year \(year), which has \(daysInMonth) days"
            )
        }
        try Self.check(hour, in: 0...23, "hour")
        try Self.check(minute, in: 0...59, "minute")
        try Self.check(second, in: 0...60, "second")

        let days = CivilCalendar.daysSinceEpoch(year: year, month: month, day: day)
        let localSeconds = days * CivilCalendar.secondsPerDay + hour * 3600 + minute * 60 + second
        return Timestamp(microsecondsSinceEpoch: (localSeconds - offsetSeconds) * 1_000_000 + microsecond)
    }

    private var current: UInt8? { position < bytes.count ? bytes[position] : nil }

    private mutating func number(digits count: Int, of field: String) throws(TimestampParseError) -> Int64 {
        var value: Int64 = 0
        for _ in 0..<count {
            guard let digit = current.flatMap(Self.digitValue) else {
                throw Self.malformed("expected \(count) digits for the \(field) at position \(position + 1)")
            }
            value = value * 10 + digit
            position += 1
        }
        return value
    }

    private mutating func expect(_ separator: Unicode.Scalar, after field: String) throws(TimestampParseError) {
        guard current == UInt8(ascii: separator) else {
            throw Self.malformed("expected '\(separator)' after the \(field) at position \(position + 1)")
        }
        position += 1
    }

    private mutating func expectDateTimeSeparator() throws(TimestampParseError) {
        switch current {
        case UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " "):
            position += 1
        case nil:
            throw Self.malformed("missing the time: expected 'T' and a time after the date")
        default:
            throw Self.malformed("expected 'T' between the date and the time at position \(position + 1)")
        }
    }

    /// Microseconds of `.digits`, or 0 when there is no fraction.
    private mutating func fractionIfPresent() throws(TimestampParseError) -> Int64 {
        guard current == UInt8(ascii: ".") else { return 0 }
        position += 1
        var microseconds: Int64 = 0
        var digitCount = 0
        while let digit = current.flatMap(Self.digitValue) {
            if digitCount < 6 {
                microseconds = microseconds * 10 + digit
            }
            digitCount += 1
            position += 1
        }
        guard digitCount > 0 else {
            throw Self.malformed("expected digits after the decimal point at position \(position + 1)")
        }
        for _ in digitCount..<max(digitCount, 6) {
            microseconds *= 10
        }
        return microseconds
    }

    /// Seconds to add to UTC to get the written local time.
    private mutating func utcOffsetSeconds() throws(TimestampParseError) -> Int64 {
        switch current {
        case nil:
            throw TimestampParseError(
                code: .missingOffset,
                reason: "missing UTC offset: add 'Z' for UTC or an offset such as +05:30"
            )
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            position += 1
            return 0
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign: Int64 = current == UInt8(ascii: "-") ? -1 : 1
            position += 1
            let hours = try number(digits: 2, of: "offset hours")
            var minutes: Int64 = 0
            if current == UInt8(ascii: ":") {
                position += 1
                minutes = try number(digits: 2, of: "offset minutes")
            } else if current != nil {
                minutes = try number(digits: 2, of: "offset minutes")
            }
            try Self.check(hours, in: 0...23, "offset hour")
            try Self.check(minutes, in: 0...59, "offset minute")
            return sign * (hours * 3600 + minutes * 60)
        default:
            throw Self.malformed("expected 'Z' or an offset such as +05:30 at position \(position + 1)")
        }
    }

    private static func digitValue(_ byte: UInt8) -> Int64? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int64(byte - UInt8(ascii: "0")) : nil
    }

    private static func check(
        _ value: Int64, in range: ClosedRange<Int64>, _ field: String
    ) throws(TimestampParseError) {
        guard range.contains(value) else {
            throw TimestampParseError(
                code: .outOfRange,
                reason: "\(field) \(value) is out of range \(range.lowerBound)...\(range.upperBound)"
            )
        }
    }

    private static func malformed(_ reason: String) -> TimestampParseError {
        TimestampParseError(code: .malformed, reason: reason)
    }
}
