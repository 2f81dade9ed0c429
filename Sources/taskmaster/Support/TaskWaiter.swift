import APIModels
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
    /// How many seconds the scheduler may stay unreachable or unavailable before the wait gives up.
    private static let outagePatienceSeconds = 60

    /// `id`: a whole task id.
    func wait(for id: String) async throws -> Never {
        let clock = ContinuousClock()
        let start = clock.now
        var lastStatus: String?
        var outageStart: ContinuousClock.Instant?
        var frame = 0
        while true {
            let reply: Result<Data, CLIFailure>
            do {
                reply = .success(try await api.send(.GET, "/tasks/\(id)"))
            } catch {
                reply = .failure(error)
            }
            let elapsed = clock.now - start
            if let timeout, elapsed > .seconds(timeout.value) {
                if output.isTerminal, !output.json { output.line() }
                throw CLIFailure.other(
                    "timed out: task \(id) \(lastStatus.map { "is still \($0)" } ?? "has not ended") after \(timeout.value)s")
            }
            let line: String
            switch reply {
            case .failure(let failure):
                guard failure.isTransient, clock.now - (outageStart ?? clock.now) < .seconds(Self.outagePatienceSeconds) else {
                    if output.isTerminal, !output.json { output.line() }
                    throw failure
                }
                if outageStart == nil, !output.isTerminal, !output.json {
                    output.line("\(failure); retrying for up to \(Self.outagePatienceSeconds)s")
                }
                outageStart = outageStart ?? clock.now
                lastStatus = nil
                line = "\(failure); retrying  \(seconds(elapsed))"
            case .success(let body):
                outageStart = nil
                let task = try decode(TaskStatusResponse.self, from: body)
                if task.hasEnded {
                    if output.isTerminal, !output.json { output.write("\r\u{1B}[2K") }
                    finish(task, body: body, elapsed: elapsed)
                    throw ExitCode(task.processExitCode)
                }
                if !output.isTerminal, !output.json, task.status != lastStatus { output.line(progress(task, elapsed)) }
                lastStatus = task.status
                line = progress(task, elapsed)
            }
            if output.isTerminal, !output.json {
                output.write("\r\u{1B}[2K\(Self.spinner[frame % Self.spinner.count]) \(line)")
                frame += 1
            }
            try await Task.sleep(for: Self.interval)
        }
    }

    /// "running  attempt 1/3  2.4s".
    private func progress(_ task: TaskStatusResponse, _ elapsed: Duration) -> String {
        "\(output.status(task.status))  attempt \(task.attemptText)  \(seconds(elapsed))"
    }

    private func finish(_ task: TaskStatusResponse, body: Data, elapsed: Duration) {
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
