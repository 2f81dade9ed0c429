/// The body of `GET /summary`: the tasks not finished, and what finished in each interval of the
/// last window.
package struct SummaryResponse: Codable, Sendable {
    package struct Unfinished: Codable, Sendable {
        package var scheduled: Int
        package var due: Int
        package var dispatched: Int
        package var running: Int

        package init(scheduled: Int, due: Int, dispatched: Int, running: Int) {
            self.scheduled = scheduled
            self.due = due
            self.dispatched = dispatched
            self.running = running
        }
    }

    package struct Finished: Codable, Sendable {
        package var completed: Int
        package var failed: Int
        package var cancelled: Int

        package init(completed: Int, failed: Int, cancelled: Int) {
            self.completed = completed
            self.failed = failed
            self.cancelled = cancelled
        }
    }

    /// One interval; the start delays are absent when no task started in it.
    package struct Interval: Codable, Sendable {
        package var start: String
        package var completed: Int
        package var failed: Int
        package var cancelled: Int
        package var startDelayMedian: Double?
        package var startDelay95thPercentile: Double?
        package var startDelayMaximum: Double?

        enum CodingKeys: String, CodingKey {
            case start, completed, failed, cancelled
            case startDelayMedian = "start_delay_p50_ms"
            case startDelay95thPercentile = "start_delay_p95_ms"
            case startDelayMaximum = "start_delay_max_ms"
        }

        package init(
            start: String, completed: Int, failed: Int, cancelled: Int, startDelayMedian: Double?,
            startDelay95thPercentile: Double?, startDelayMaximum: Double?
        ) {
            self.start = start
            self.completed = completed
            self.failed = failed
            self.cancelled = cancelled
            self.startDelayMedian = startDelayMedian
            self.startDelay95thPercentile = startDelay95thPercentile
            self.startDelayMaximum = startDelayMaximum
        }
    }

    package var generatedAt: String
    package var windowSeconds: Int
    package var intervalSeconds: Int
    package var tasks: Unfinished
    package var finished: Finished
    package var intervals: [Interval]

    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case windowSeconds = "window_seconds"
        case intervalSeconds = "interval_seconds"
        case tasks, finished, intervals
    }

    package init(
        generatedAt: String, windowSeconds: Int, intervalSeconds: Int, tasks: Unfinished, finished: Finished,
        intervals: [Interval]
    ) {
        self.generatedAt = generatedAt
        self.windowSeconds = windowSeconds
        self.intervalSeconds = intervalSeconds
        self.tasks = tasks
        self.finished = finished
        self.intervals = intervals
    }
}
