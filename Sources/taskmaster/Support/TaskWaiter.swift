import ArgumentParser
import FoundationEssentials

/// Follows a task until it has ended (`status --wait`), showing its progress: on a terminal a
/// spinner line redrawn in place, elsewhere a line each time the status changes. Then prints the
/// outcome and the end of the output, and exits with the task's exit code.
struct TaskWaiter {
    var api: SchedulerAPI
    var output: Output
    var timeout: Seconds?

    private static let spinner = Array("⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏")
    private static let interval = Duration.milliseconds(250)
    private static let outputTailLines = 20

    func wait(for id: ResourceID) async throws -> Never {
        let clock = ContinuousClock()
        let start = clock.now
        var lastStatus: String?
        var frame = 0
        while true {
            let body = try await api.send(.GET, "/tasks/\(id)")
            let task = try decode(TaskRecord.self, from: body)
            let elapsed = clock.now - start
            if task.hasEnded {
                if output.isTerminal, !output.json { output.write("\r\u{1B}[2K") }
                finish(task, body: body, elapsed: elapsed)
                throw ExitCode(task.processExitCode)
            }
            if let timeout, elapsed > .seconds(timeout.value) {
                if output.isTerminal, !output.json { output.line() }
                throw CLIFailure.other("timed out: task \(id) is still \(task.status) after \(timeout.value)s")
            }
            if !output.json {
                if output.isTerminal {
                    output.write("\r\u{1B}[2K\(Self.spinner[frame % Self.spinner.count]) \(progress(task, elapsed))")
                    frame += 1
                } else if task.status != lastStatus {
                    output.line(progress(task, elapsed))
                }
            }
            lastStatus = task.status
            try await Task.sleep(for: Self.interval)
        }
    }

    /// "running  attempt 1/3  2.4s".
    private func progress(_ task: TaskRecord, _ elapsed: Duration) -> String {
        "\(output.status(task.status))  attempt \(task.attemptText)  \(seconds(elapsed))"
    }

    private func finish(_ task: TaskRecord, body: Data, elapsed: Duration) {
        if output.json { return output.raw(body) }
        var summary = progress(task, elapsed)
        if let exitCode = task.exitCode { summary += "  exit \(exitCode)" }
        output.line(summary)
        if let error = task.error { output.line(output.styled("error: \(error)", .red)) }
        if let text = task.output, !text.isEmpty {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            let tail = lines.suffix(Self.outputTailLines + (lines.last?.isEmpty == true ? 1 : 0))
            if lines.count > tail.count { output.line(output.styled("… (\(lines.count - tail.count) lines before)", .dim)) }
            output.write(tail.joined(separator: "\n") + (text.hasSuffix("\n") ? "" : "\n"))
        }
    }

    private func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        return "\(whole).\(attoseconds / 100_000_000_000_000_000)s"
    }
}
