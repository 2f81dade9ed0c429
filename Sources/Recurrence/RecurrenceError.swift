/// Why a schedule's recurrence cannot be used: which part, what it said, and why.
package struct RecurrenceError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A cron field (`minute`, `day-of-week`…), `cron` for the expression as a whole, `@every`
    /// or `timezone`.
    package var field: String
    package var text: String
    package var reason: String

    package var description: String {
        switch field {
        case "cron", "@every": "\"\(text)\": \(reason)"
        case "timezone": "the time zone \"\(text)\": \(reason)"
        default: "the \(field) field \"\(text)\": \(reason)"
        }
    }
}
