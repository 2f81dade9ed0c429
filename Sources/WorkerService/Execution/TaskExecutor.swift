package import RPC

/// How one attempt of a task ended.
package struct ExecutionOutcome: Sendable, Hashable {
    package var succeeded: Bool
    package var exitCode: Int32?
    /// What the task printed, within the worker's output limit (head and tail when larger).
    package var output: String
    /// How many bytes the task printed in all.
    package var outputByteCount: Int
    /// Whether `output` leaves part of them out.
    package var outputTruncated: Bool
    /// Why it failed; empty on success.
    package var error: String

    package init(succeeded: Bool, exitCode: Int32? = nil, output: CapturedOutput? = nil, error: String = "") {
        self.succeeded = succeeded
        self.exitCode = exitCode
        self.output = output?.text ?? ""
        self.outputByteCount = output?.byteCount ?? 0
        self.outputTruncated = output?.isTruncated ?? false
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
