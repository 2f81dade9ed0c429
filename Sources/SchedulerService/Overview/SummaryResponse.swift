import TaskStorage

/// The body of `GET /summary`.
struct SummaryResponse: Encodable, Sendable {
    struct Unfinished: Encodable, Sendable {
        var scheduled: Int
        var due: Int
        var dispatched: Int
        var running: Int
    }

    struct Finished: Encodable, Sendable {
        var completed: Int
        var failed: Int
        var cancelled: Int
    }

    struct Interval: Encodable, Sendable {
        var start: String
        var completed: Int
        var failed: Int
        var cancelled: Int
        var startDelayMedian: Double?
        var startDelay95thPercentile: Double?
        var startDelayMaximum: Double?

        enum CodingKeys: String, CodingKey {
            case start, completed, failed, cancelled
            case startDelayMedian = "start_delay_p50_ms"
            case startDelay95thPercentile = "start_delay_p95_ms"
            case startDelayMaximum = "start_delay_max_ms"
        }
    }

    var generatedAt: String
    var windowSeconds: Int
    var intervalSeconds: Int
    var tasks: Unfinished
    var finished: Finished
    var intervals: [Interval]

    enum CodingKeys: String, CodingKey {
        case generatedAt = "generated_at"
        case windowSeconds = "window_seconds"
        case intervalSeconds = "interval_seconds"
        case tasks, finished, intervals
    }

    init(_ summary: TaskSummary) {
        generatedAt = summary.generatedAt.rfc3339
        windowSeconds = TaskSummary.windowSeconds
        intervalSeconds = TaskSummary.intervalSeconds
        tasks = Unfinished(
            scheduled: summary.unfinished.scheduled, due: summary.unfinished.due,
            dispatched: summary.unfinished.dispatched, running: summary.unfinished.running)
        finished = Finished(
            completed: summary.intervals.reduce(0) { $0 + $1.completed },
            failed: summary.intervals.reduce(0) { $0 + $1.failed },
            cancelled: summary.intervals.reduce(0) { $0 + $1.cancelled })
        intervals = summary.intervals.map { interval in
            Interval(
                start: interval.start.rfc3339, completed: interval.completed, failed: interval.failed,
                cancelled: interval.cancelled, startDelayMedian: interval.startDelayMedian,
                startDelay95thPercentile: interval.startDelay95thPercentile, startDelayMaximum: interval.startDelayMaximum)
        }
    }
}
