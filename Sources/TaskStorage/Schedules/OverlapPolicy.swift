/// What a fire does when the schedule's previous task has not finished.
package enum OverlapPolicy: String, Sendable, Hashable, CaseIterable {
    /// No task for the fire; it counts as skipped.
    case skip
    /// At most one fire waits and starts when the previous task ends; later ones are skipped.
    case bufferOne = "buffer_one"
    /// The fire's task runs alongside.
    case allow
    /// The running task is cancelled and the fire's task runs.
    case cancelPrevious = "cancel_previous"
}
