package import APIModels

/// Why a queue's due tasks wait, if a limit of the queue holds them: the first of its pause, its
/// concurrency limit, its rate limit and its per-key limit that does, and how many due tasks it
/// holds (for the per-key limit, those whose key is at its limit).
package struct QueueHold: Sendable, Hashable {
    package enum Limit: String, Sendable, Hashable, CaseIterable {
        case paused
        case concurrency = "concurrency_limit"
        case rate = "rate_limit"
        case key = "key_concurrency_limit"
    }

    package var limit: Limit
    package var tasks: Int

    /// The hold on `due` due tasks of a queue with `settings` that holds `usage`, when
    /// `dueWithKeysAtLimit` of them have a key at its limit; nil when nothing holds them.
    static func of(settings: QueueSettings, usage: QueueUsage, due: Int, dueWithKeysAtLimit: Int) -> QueueHold? {
        guard due > 0 else { return nil }
        if settings.paused { return QueueHold(limit: .paused, tasks: due) }
        if let limit = settings.concurrencyLimit, usage.held >= limit { return QueueHold(limit: .concurrency, tasks: due) }
        if let rate = settings.rateLimit, usage.rateClaims >= rate.limit { return QueueHold(limit: .rate, tasks: due) }
        if settings.keyConcurrencyLimit != nil, dueWithKeysAtLimit > 0 { return QueueHold(limit: .key, tasks: dueWithKeysAtLimit) }
        return nil
    }
}
