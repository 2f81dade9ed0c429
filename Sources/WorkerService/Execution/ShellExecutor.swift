package import RPC
import TracePropagation

/// Runs a task's `data` with `/bin/sh -c` in a process group of its own.
///
/// stdout and stderr are collected together into an `OutputCapture` of `outputLimit` bytes
/// (head and tail when the command prints more). While it runs, the task is on `liveOutput`,
/// which shows the head of its output live. Exit status 0 completes the task; any other status,
/// or a signal, fails it. Cancelling the calling Task kills the whole process group at once. A
/// task with a trace context runs with `TRACEPARENT` (and `TRACESTATE`) naming a new span of
/// that trace for this attempt, so a traced command continues the trace.
package struct ShellExecutor: TaskExecutor {
    package static let defaultOutputLimit = 1 << 20

    package var outputLimit: Int
    package var liveOutput: LiveOutputBoard?

    package init(outputLimit: Int = Self.defaultOutputLimit, liveOutput: LiveOutputBoard? = nil) {
        self.outputLimit = outputLimit
        self.liveOutput = liveOutput
    }

    package func execute(_ task: TaskRequest) async -> ExecutionOutcome {
        guard !Task.isCancelled else { return .cancelled }
        let shell: ShellProcess
        do {
            shell = try ShellProcess.start(command: task.data, environment: task.traceEnvironment, outputLimit: outputLimit)
        } catch {
            return ExecutionOutcome(succeeded: false, error: "cannot start /bin/sh: \(error)")
        }
        liveOutput?.add(shell, running: task)
        defer { liveOutput?.remove(shell) }
        let result = await withTaskCancellationHandler {
            await shell.result()
        } onCancel: {
            shell.killGroup()
        }
        switch result.exit {
        case .exited(status: 0):
            return ExecutionOutcome(succeeded: true, exitCode: 0, output: result.output)
        case .exited(let status):
            return ExecutionOutcome(succeeded: false, exitCode: status, output: result.output, error: "exit status \(status)")
        case .killedBySignal(let signal) where !shell.wasKilled:
            return ExecutionOutcome(succeeded: false, output: result.output, error: "killed by signal \(signal)")
        case .killedBySignal, nil:
            return ExecutionOutcome(succeeded: false, output: result.output, error: ExecutionOutcome.cancelled.error)
        }
    }
}
