public import RPC

/// How one attempt of a task ended.
public struct ExecutionOutcome: Sendable, Hashable {
    public var succeeded: Bool
    public var exitCode: Int32?
    /// Tail of what the task printed.
    public var output: String
    /// Why it failed; empty on success.
    public var error: String

    public init(succeeded: Bool, exitCode: Int32? = nil, output: String = "", error: String = "") {
        self.succeeded = succeeded
        self.exitCode = exitCode
        self.output = output
        self.error = error
    }

    /// The attempt was stopped before it finished.
    public static let cancelled = ExecutionOutcome(succeeded: false, error: "cancelled")
}

/// Runs the work a task describes.
///
/// An executor honours the cancellation of the calling Task: it stops the work at once and
/// returns a failed outcome (for example `.cancelled`).
public protocol TaskExecutor: Sendable {
    func execute(_ task: TaskRequest) async -> ExecutionOutcome
}
