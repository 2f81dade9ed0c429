package import RPC

/// How one attempt of a task ended.
package struct ExecutionOutcome: Sendable, Hashable {
    package var succeeded: Bool
    package var exitCode: Int32?
    /// Tail of what the task printed.
    package var output: String
    /// Why it failed; empty on success.
    package var error: String

    package init(succeeded: Bool, exitCode: Int32? = nil, output: String = "", error: String = "") {
        self.succeeded = succeeded
        self.exitCode = exitCode
        self.output = output
        self.error = error
    }

    /// The attempt was stopped before it finished.
    package static let cancelled = ExecutionOutcome(succeeded: false, error: "cancelled")
}

/// Runs the work a task describes.
///
/// An executor honours the cancellation of the calling Task: it stops the work at once and
/// returns a failed outcome (for example `.cancelled`).
package protocol TaskExecutor: Sendable {
    func execute(_ task: TaskRequest) async -> ExecutionOutcome
}
