/// The `grpc-timeout` header: at most 8 ASCII digits and a unit (H M S m u n).
enum GRPCTimeout {
    private static let maxValue: Int64 = 99_999_999
    private static let units: [(unit: UInt8, nanoseconds: Int64)] = [
        (UInt8(ascii: "n"), 1),
        (UInt8(ascii: "u"), 1_000),
        (UInt8(ascii: "m"), 1_000_000),
        (UInt8(ascii: "S"), 1_000_000_000),
        (UInt8(ascii: "M"), 60_000_000_000),
        (UInt8(ascii: "H"), 3_600_000_000_000),
    ]

    /// Parses a header value; `nil` when malformed.
    static func parse(_ value: String) -> Duration? {
        let bytes = Array(value.utf8)
        guard (2...9).contains(bytes.count),
            let unit = units.first(where: { $0.unit == bytes[bytes.count - 1] })
        else { return nil }
        var amount: Int64 = 0
        for digit in bytes.dropLast() {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            amount = amount * 10 + Int64(digit - UInt8(ascii: "0"))
        }
        return Duration.nanoseconds(amount) * unit.nanoseconds
    }

    /// Formats `duration` in the finest unit that fits in 8 digits, rounding up so the peer
    /// never sees a shorter timeout than asked for. Negative durations become `0n`.
    static func format(_ duration: Duration) -> String {
        let nanoseconds = saturatingNanoseconds(duration)
        guard nanoseconds > 0 else { return "0n" }
        for (unit, scale) in units {
            let value = nanoseconds / scale + (nanoseconds % scale == 0 ? 0 : 1)
            if value <= maxValue {
                return "\(value)\(Character(Unicode.Scalar(unit)))"
            }
        }
        return "\(maxValue)H"
    }

    /// `duration` in whole nanoseconds, rounded up and clamped to `0...Int64.max`.
    static func saturatingNanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, seconds > 0 || attoseconds > 0 else { return 0 }
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        let (total, overflow2) = scaled.addingReportingOverflow((attoseconds + 999_999_999) / 1_000_000_000)
        return overflow || overflow2 ? Int64.max : total
    }
}
