import ArgumentParser

/// The executors a worker can be started with.
package enum ExecutorKind: String, Sendable, CaseIterable {
    case noop
    case sleep
    case shell

    /// The executor, limited to `taskTimeout` for tasks that do not bring a timeout of their own.
    package func makeExecutor(taskDuration: Duration, taskTimeout: Duration?) -> any TaskExecutor {
        let executor: any TaskExecutor =
            switch self {
            case .noop: NoopExecutor()
            case .sleep: SleepExecutor(duration: taskDuration)
            case .shell: ShellExecutor()
            }
        return TimeLimitedExecutor(executor, defaultTimeout: taskTimeout)
    }
}

extension ExecutorKind: ExpressibleByArgument {}
