import APIModels
import TaskStorage

extension SummaryResponse {
    init(_ summary: TaskSummary) {
        self.init(
            generatedAt: summary.generatedAt.rfc3339,
            windowSeconds: TaskSummary.windowSeconds,
            intervalSeconds: TaskSummary.intervalSeconds,
            tasks: Unfinished(
                scheduled: summary.unfinished.scheduled, due: summary.unfinished.due,
                dispatched: summary.unfinished.dispatched, running: summary.unfinished.running),
            finished: Finished(
                completed: summary.intervals.reduce(0) { $0 + $1.completed },
                failed: summary.intervals.reduce(0) { $0 + $1.failed },
                cancelled: summary.intervals.reduce(0) { $0 + $1.cancelled }),
            intervals: summary.intervals.map { interval in
                Interval(
                    start: interval.start.rfc3339, completed: interval.completed, failed: interval.failed,
                    cancelled: interval.cancelled, startDelayMedian: interval.startDelayMedian,
                    startDelay95thPercentile: interval.startDelay95thPercentile,
                    startDelayMaximum: interval.startDelayMaximum)
            })
    }
}
