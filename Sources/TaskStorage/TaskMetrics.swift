import Metrics
import Core

/// Records what happens to tasks. Every task metric goes through here, so each name always
/// carries the same labels.
package enum TaskMetrics {
    /// Fires of schedules decided: tasks created, fires skipped by the overlap policy, fires missed.
    package static func fires(created: Int, skipped: Int, missed: Int) {
        for (outcome, count) in [("created", created), ("skipped", skipped), ("missed", missed)] where count > 0 {
            Counter(label: MetricNames.scheduleFires, dimensions: [(MetricNames.Label.outcome, outcome)])
                .increment(by: count)
        }
    }

    package static func scheduled(count: Int = 1) {
        Counter(label: MetricNames.tasksScheduled).increment(by: count)
    }

    package static func dispatched(count: Int) {
        guard count > 0 else { return }
        Counter(label: MetricNames.tasksDispatched).increment(by: count)
    }

    /// A worker's report that changed the task: its outcome, whether a failure was put back in
    /// the queue for another attempt, and for the report that first marks a task started the delay
    /// since it was due.
    /// Any other outcome counts nothing.
    package static func recorded(_ outcome: TaskStatusReport.Outcome, requeued: Bool, startDelay: Duration?, queue: String) {
        if outcome == .completed {
            Counter(label: MetricNames.tasksCompleted).increment()
        } else if outcome == .failed {
            Counter(label: requeued ? MetricNames.tasksRetried : MetricNames.tasksFailed).increment()
        }
        if let startDelay {
            Timer(label: MetricNames.taskStartDelay, dimensions: [(MetricNames.Label.queue, queue)])
                .record(duration: max(.zero, startDelay))
        }
    }
}
