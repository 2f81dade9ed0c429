import Foundation
import Core

/// When a schedule fires: a cron expression on a time zone's wall clock, or a fixed interval.
package enum Recurrence: Sendable, Hashable {
    case cron(CronExpression)
    /// `@every <duration>`: at the anchor and every `microseconds` after it.
    case every(microseconds: Int64)

    /// Parses a cron expression, a macro such as `@daily`, or `@every 90s`.
    package init(parsing text: String) throws(RecurrenceError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard trimmed.lowercased().hasPrefix("@every") else {
            self = .cron(try CronExpression(parsing: trimmed))
            return
        }
        let interval = trimmed.dropFirst("@every".count).trimmingCharacters(in: .whitespaces)
        let duration: Duration
        do {
            duration = try Duration(parsing: interval)
        } catch {
            throw RecurrenceError(field: "@every", text: text, reason: "\"\(interval)\" is not a duration such as 90s, 5m or 1h")
        }
        guard duration >= .seconds(1) else {
            throw RecurrenceError(field: "@every", text: text, reason: "the interval must be at least one second")
        }
        self = .every(microseconds: duration.microseconds)
    }
}
