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
}

/// Runs the work a task describes.
public protocol TaskExecutor: Sendable {
    func execute(_ task: TaskRequest) async -> ExecutionOutcome
}

/// Completes every task at once.
public struct NoopExecutor: TaskExecutor {
    public init() {}

    public func execute(_ task: TaskRequest) async -> ExecutionOutcome {
        ExecutionOutcome(succeeded: true)
    }
}

/// Simulates work by waiting a fixed time, as the original workers did.
public struct SleepExecutor: TaskExecutor {
    public var duration: Duration

    public init(duration: Duration) {
        self.duration = duration
    }

    public func execute(_ task: TaskRequest) async -> ExecutionOutcome {
        do {
            try await Task.sleep(for: duration)
            return ExecutionOutcome(succeeded: true)
        } catch {
            return ExecutionOutcome(succeeded: false, error: "cancelled")
        }
    }
}

/// The executors a worker can be started with.
public enum ExecutorKind: String, Sendable, CaseIterable {
    case noop
    case sleep

    public func makeExecutor(taskDuration: Duration) -> any TaskExecutor {
        switch self {
        case .noop: NoopExecutor()
        case .sleep: SleepExecutor(duration: taskDuration)
        }
    }
}
