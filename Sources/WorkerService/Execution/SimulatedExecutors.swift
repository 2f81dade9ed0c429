package import RPC

/// Completes every task at once.
package struct NoopExecutor: TaskExecutor {
    package init() {}

    package func execute(_ task: TaskRequest) async -> ExecutionOutcome {
        ExecutionOutcome(succeeded: true)
    }
}

/// Simulates work by waiting a fixed time, as the original workers did.
package struct SleepExecutor: TaskExecutor {
    package var duration: Duration

    package init(duration: Duration) {
        self.duration = duration
    }

    package func execute(_ task: TaskRequest) async -> ExecutionOutcome {
        do {
            try await Task.sleep(for: duration)
            return ExecutionOutcome(succeeded: true)
        } catch {
            return .cancelled
        }
    }
}
