/// One field of a cron expression: which values in `range` it allows, as a bit set.
struct CronField: Sendable, Hashable {
    /// What the field is, for errors and parsing: its name, its values and the names it accepts.
    struct Kind: Sendable, Hashable {
        var name: String
        var range: ClosedRange<Int>
        /// Names for values, e.g. `JAN` for 1 (upper case).
        var names: [String: Int] = [:]
        /// A value to read as another: day-of-week 7 is Sunday, 0.
        var aliases: [Int: Int] = [:]

        static let second = Kind(name: "second", range: 0...59)
        static let minute = Kind(name: "minute", range: 0...59)
        static let hour = Kind(name: "hour", range: 0...23)
        static let dayOfMonth = Kind(name: "day-of-month", range: 1...31)
        static let month = Kind(
            name: "month", range: 1...12,
            names: Dictionary(
                uniqueKeysWithValues: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
                    .enumerated().map { ($1, $0 + 1) }))
        static let dayOfWeek = Kind(
            name: "day-of-week", range: 0...7,
            names: Dictionary(
                uniqueKeysWithValues: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"].enumerated().map { ($1, $0) }),
            aliases: [7: 0])
    }

    private(set) var bits: UInt64 = 0
    let kind: Kind

    /// Whether every value of the field is allowed (`*`, `*/1`, `0-59`…).
    var allowsEveryValue: Bool {
        let values = kind.range.filter { kind.aliases[$0] == nil }
        return values.allSatisfy(contains)
    }

    func contains(_ value: Int) -> Bool {
        value >= 0 && value < 64 && bits & (1 << UInt64(value)) != 0
    }

    /// The smallest allowed value at or above `value`, if any.
    func first(atOrAbove value: Int) -> Int? {
        guard value <= kind.range.upperBound else { return nil }
        let remaining = bits >> UInt64(max(value, 0))
        return remaining == 0 ? nil : max(value, 0) + remaining.trailingZeroBitCount
    }

    /// Parses `text`: `*`, a value or name, a range `a-b`, a step `*/n`, `a-b/n` or `a/n` (from
    /// `a` to the field's end), or a comma-separated list of those.
    init(parsing text: String, as kind: Kind) throws(RecurrenceError) {
        self.kind = kind
        guard !text.isEmpty else { throw RecurrenceError(field: kind.name, text: text, reason: "it is empty") }
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            try add(String(part), whole: text)
        }
    }

    private mutating func add(_ part: String, whole: String) throws(RecurrenceError) {
        let pieces = part.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        var step = 1
        if pieces.count == 2 {
            guard let parsed = Int(pieces[1]), parsed > 0 else {
                throw error(whole, "the step \"\(pieces[1])\" is not a whole number above 0")
            }
            step = parsed
        }
        let span = String(pieces[0])
        let bounds: ClosedRange<Int>
        if span == "*" {
            bounds = kind.range
        } else if let dash = span.firstIndex(of: "-") {
            let low = try value(String(span[..<dash]), whole: whole)
            let high = try value(String(span[span.index(after: dash)...]), whole: whole)
            guard low <= high else { throw error(whole, "the range \(span) runs backwards") }
            bounds = low...high
        } else {
            let start = try value(span, whole: whole)
            bounds = pieces.count == 2 ? start...kind.range.upperBound : start...start
        }
        for candidate in stride(from: bounds.lowerBound, through: bounds.upperBound, by: step) {
            bits |= 1 << UInt64(kind.aliases[candidate] ?? candidate)
        }
    }

    private func value(_ text: String, whole: String) throws(RecurrenceError) -> Int {
        if let named = kind.names[text.uppercased()] { return named }
        guard !text.isEmpty, text.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let number = Int(text) else {
            throw error(whole, "\"\(text)\" is not a number\(kind.names.isEmpty ? "" : " or a name")")
        }
        guard kind.range.contains(number) else {
            throw error(whole, "\(number) is outside \(kind.range.lowerBound)–\(kind.range.upperBound)")
        }
        return number
    }

    private func error(_ text: String, _ reason: String) -> RecurrenceError {
        RecurrenceError(field: kind.name, text: text, reason: reason)
    }
}
