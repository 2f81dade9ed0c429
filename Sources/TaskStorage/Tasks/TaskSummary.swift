package import Core

/// The state of the whole queue at a glance: what waits or runs now, and what finished in each
/// interval of the last minutes. What the dashboard's overview draws.
package struct TaskSummary: Sendable, Hashable {
    /// Tasks that have not ended, by state.
    package struct Unfinished: Sendable, Hashable {
        package var scheduled: Int
        /// Of the scheduled tasks, those already due: the dispatch backlog.
        package var due: Int
        package var dispatched: Int
        package var running: Int
    }

    /// The tasks that ended in one interval, and the start delays of those that had started.
    package struct Interval: Sendable, Hashable {
        package var start: Timestamp
        package var completed = 0
        package var failed = 0
        package var cancelled = 0
        /// How long after it was due each task started, in milliseconds.
        package var startDelayMedian: Double?
        package var startDelay95thPercentile: Double?
        package var startDelayMaximum: Double?
    }

    /// The database's clock when the summary was read.
    package var generatedAt: Timestamp
    package var unfinished: Unfinished
    /// Oldest first, `intervalCount` of them; the last one holds `generatedAt`.
    package var intervals: [Interval]

    package static let intervalSeconds = 10
    package static let intervalCount = 30
    package static var windowSeconds: Int { intervalSeconds * intervalCount }
}
