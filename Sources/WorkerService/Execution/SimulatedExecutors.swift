public import RPC

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
            return .cancelled
        }
    }
}
