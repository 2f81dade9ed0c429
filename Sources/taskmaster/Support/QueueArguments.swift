import APIModels

/// Parsers of the queue options' values: each checks a value the way the API would, so a bad one
/// is a usage error (exit 2) whose first line says what a good one looks like.
enum QueueArgument {
    /// What was wrong with a value, shown after ArgumentParser's "The value '…' is invalid for …".
    struct Invalid: Error, CustomStringConvertible {
        var description: String
    }

    @Sendable static func name(_ text: String) throws(Invalid) -> String {
        guard QueueRules.isValidName(text) else { throw Invalid(description: "a queue name is \(QueueRules.nameRule)") }
        return text
    }

    @Sendable static func priority(_ text: String) throws(Invalid) -> Int {
        guard let priority = Int(text), QueueRules.priorityRange.contains(priority) else {
            throw Invalid(description: "a priority is \(QueueRules.priorityRule)")
        }
        return priority
    }

    @Sendable static func concurrencyKey(_ text: String) throws(Invalid) -> String {
        guard QueueRules.isValidConcurrencyKey(text) else {
            throw Invalid(description: "a concurrency key is \(QueueRules.concurrencyKeyRule)")
        }
        return text
    }

    /// A limit on tasks at once: a whole number from 1.
    @Sendable static func limit(_ text: String) throws(Invalid) -> Int {
        guard let limit = Int(text), limit >= 1 else { throw Invalid(description: "a limit is a whole number from 1") }
        return limit
    }

    /// `LIMIT/DURATION`: at most LIMIT tasks start in any window of DURATION (`100/60s`, `5/1m`).
    @Sendable static func rate(_ text: String) throws(Invalid) -> QueueSettings.RateLimit {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let limit = Int(parts[0]), limit >= 1, let period = Seconds(argument: String(parts[1])) else {
            throw Invalid(description: "a rate is LIMIT/DURATION: at most LIMIT tasks start in any DURATION, such as 100/60s, 10/1m or 500/1h")
        }
        return QueueSettings.RateLimit(limit: limit, periodSeconds: period.value)
    }
}
