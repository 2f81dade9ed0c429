/// Where a task is in its lifecycle: the `status` the API reports, and the value stored in
/// `tasks.status`.
package enum TaskState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting for `scheduled_at` (or for a retry).
    case scheduled
    /// Claimed by a coordinator and handed to a worker.
    case dispatched
    /// A worker reported that it started the task.
    case running
    case completed
    case failed
    case cancelled

    /// A task in a terminal state never changes again.
    package var isTerminal: Bool {
        switch self {
        case .completed, .failed, .cancelled: true
        case .scheduled, .dispatched, .running: false
        }
    }
}
