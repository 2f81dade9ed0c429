import ArgumentParser

/// The executors a worker can be started with.
package enum ExecutorKind: String, Sendable, CaseIterable {
    case noop
    case sleep
    case shell

    /// The executor, limited to `taskTimeout` for tasks that do not bring a timeout of their own;
    /// a shell keeps `outputLimit` bytes of each task's output and shows it live on `liveOutput`.
    package func makeExecutor(
        taskDuration: Duration, taskTimeout: Duration?, outputLimit: Int, liveOutput: LiveOutputBoard
    ) -> any TaskExecutor {
        let executor: any TaskExecutor =
            switch self {
            case .noop: NoopExecutor()
            case .sleep: SleepExecutor(duration: taskDuration)
            case .shell: ShellExecutor(outputLimit: outputLimit, liveOutput: liveOutput)
            }
        return TimeLimitedExecutor(executor, defaultTimeout: taskTimeout)
    }
}

extension ExecutorKind: ExpressibleByArgument {}
