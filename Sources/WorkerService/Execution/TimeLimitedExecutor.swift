package import RPC

/// Stops an executor's attempt at its deadline: the task's own `timeoutSeconds`, or
/// `defaultTimeout` when the task has none (nil: no limit).
///
/// The attempt is cancelled at the deadline (a shell task's process group is killed) and fails
/// with "timed out after …", keeping the output it produced.
package struct TimeLimitedExecutor: TaskExecutor {
    package var base: any TaskExecutor
    package var defaultTimeout: Duration?

    package init(_ base: any TaskExecutor, defaultTimeout: Duration? = nil) {
        self.base = base
        self.defaultTimeout = defaultTimeout
    }

    /// The time `task` may run, or nil when it has no limit.
    package func timeLimit(for task: TaskRequest) -> Duration? {
        task.timeoutSeconds > 0 ? .seconds(task.timeoutSeconds) : defaultTimeout
    }

    package func execute(_ task: TaskRequest) async -> ExecutionOutcome {
        guard let limit = timeLimit(for: task) else { return await base.execute(task) }
        enum Event: Sendable {
            case finished(ExecutionOutcome)
            case deadlinePassed
            case timerStopped
        }
        return await withTaskGroup(of: Event.self) { group in
            group.addTask { .finished(await base.execute(task)) }
            group.addTask {
                do {
                    try await Task.sleep(for: limit)
                    return .deadlinePassed
                } catch {
                    return .timerStopped
                }
            }
            var timedOut = false
            while let event = await group.next() {
                switch event {
                case .finished(var outcome):
                    group.cancelAll()
                    if timedOut, !outcome.succeeded {
                        outcome.error = "timed out after \(limit.flagText)"
                    }
                    return outcome
                case .deadlinePassed:
                    timedOut = true
                    group.cancelAll()
                case .timerStopped:
                    continue
                }
            }
            return .cancelled
        }
    }
}
