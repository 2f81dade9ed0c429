extension Duration {
    /// Parses a Go-style duration such as `500ms`, `5s`, `1.5s`, `2m`, `1h` or `250us`, plus days
    /// (`7d`, 24 hours each); `0` needs no unit.
    package init(parsing text: String) throws {
        if text == "0" {
            self = .zero
            return
        }
        let units: [(suffix: String, nanoseconds: Double)] = [
            ("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3_600e9),
            ("d", 86_400e9),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            let number = text.dropLast(unit.suffix.count)
            // "5ms" also ends in "s": only accept a suffix whose remainder is a plain number.
            guard let value = Double(number), value.isFinite, value >= 0, !number.hasPrefix("+") else { continue }
            let nanoseconds = (value * unit.nanoseconds).rounded()
            guard nanoseconds < Double(Int64.max) else {
                throw ConfigurationError("'\(text)' is longer than any duration can be (about 292 years)")
            }
            self = .nanoseconds(Int64(nanoseconds))
            return
        }
        throw ConfigurationError("'\(text)' is not a duration (for example 500ms, 5s, 1m, 7d)")
    }

    /// The duration as it is written on the command line, in the largest unit that says it
    /// exactly: `7d`, `36h`, `5s`, `1500ms`, `0s`.
    package var flagText: String {
        let (seconds, attoseconds) = components
        let nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        guard nanoseconds != 0 else { return "0s" }
        let units: [(suffix: String, nanoseconds: Int64)] = [
            ("d", 86_400_000_000_000), ("h", 3_600_000_000_000), ("m", 60_000_000_000), ("s", 1_000_000_000),
            ("ms", 1_000_000), ("us", 1000),
        ]
        for unit in units where nanoseconds % unit.nanoseconds == 0 {
            return "\(nanoseconds / unit.nanoseconds)\(unit.suffix)"
        }
        return "\(nanoseconds)ns"
    }

    /// The duration in whole microseconds (PostgreSQL's interval resolution), rounded down.
    package var microseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }

    /// The duration in seconds as a floating-point number.
    package var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
