import APIModels
import Postgres

extension QueueRecord {
    /// The select list `init(row:)` decodes, in its order.
    static let sqlColumns = "name, concurrency_limit, key_concurrency_limit, rate_limit, rate_period_seconds, paused"

    /// How many columns `sqlColumns` selects: where a query's own columns after them begin.
    static let columnCount = 6

    /// Decodes a row selected with `sqlColumns`.
    init(row: PostgresRow) throws {
        guard let name = row.string(0), let paused = try row.bool(5) else {
            throw TaskStoreError(code: .invalidColumn, message: "queues: unexpected NULL name or paused")
        }
        let rateLimit = try row.int(3).flatMap { limit in
            try row.int(4).map { QueueSettings.RateLimit(limit: limit, periodSeconds: $0) }
        }
        self.init(
            name: name,
            settings: QueueSettings(
                concurrencyLimit: try row.int(1), keyConcurrencyLimit: try row.int(2), rateLimit: rateLimit, paused: paused))
    }
}
