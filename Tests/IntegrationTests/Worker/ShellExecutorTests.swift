import ClusterKit
import Foundation
import Testing

@testable import Core
@testable import RPC
@testable import TracePropagation
@testable import WorkerService

@Suite struct ShellExecutorTests {
    private func run(_ command: String, timeoutSeconds: UInt32 = 0) async -> ExecutionOutcome {
        await TimeLimitedExecutor(ShellExecutor()).execute(
            TaskRequest(taskID: "t", data: command, attempt: 1, timeoutSeconds: timeoutSeconds))
    }

    @Test func recordsOutputOfBothStreamsAndExitCodeZero() async {
        let outcome = await run("echo hello; echo oops >&2; printf 'caf\\303\\251'")
        #expect(outcome == ExecutionOutcome(succeeded: true, exitCode: 0, output: .whole("hello\noops\ncafé")))
    }

    @Test func aTracedAttemptRunsInItsSpanWithTheWorkersEnvironment() async throws {
        let attempt = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
        let task = TaskRequest(
            taskID: "t", data: #"echo "$TRACEPARENT"; echo "$TRACESTATE"; echo "$PATH""#, attempt: 1, traceParent: attempt,
            traceState: "rojo=1")
        let printed = await ShellExecutor().execute(task).output.split(separator: "\n").map(String.init)
        try #require(printed.count == 3, "\(printed)")
        #expect(printed[0] == attempt, "the command continues the attempt's span")
        #expect(printed[1] == "rojo=1")
        #expect(printed[2] == ProcessInfo.processInfo.environment["PATH"], "the rest of the environment is the worker's")
    }

    @Test func anUntracedTaskGetsNoTraceparent() async {
        let outcome = await run(#"echo "[${TRACEPARENT-unset}]""#)
        #expect(outcome.output == "[unset]\n")
    }

    @Test func nonZeroExitFailsWithItsCode() async {
        let outcome = await run("echo before; exit 7")
        #expect(outcome == ExecutionOutcome(succeeded: false, exitCode: 7, output: .whole("before\n"), error: "exit status 7"))
    }

    @Test func aShellKilledBySignalFailsWithTheSignal() async {
        let outcome = await run("kill -TERM $$")
        #expect(outcome == ExecutionOutcome(succeeded: false, error: "killed by signal 15"))
    }

    @Test func signalsTheWorkerIgnoresAreRestoredForTheTask() async throws {
        signal(SIGPIPE, SIG_IGN)
        let outcome = await run("grep SigIgn /proc/self/status")
        let mask = try #require(outcome.output.split(separator: "\t").last.flatMap { UInt64($0.dropLast(), radix: 16) })
        // Signals 1 to 31; the C library keeps two real-time signals of its own ignored.
        #expect(mask & 0x7FFF_FFFF == 0, "ignored: \(outcome.output)")
    }

    @Test func theShellLeadsAProcessGroupOfItsOwn() async throws {
        // Field 5 of /proc/PID/stat is the process group id.
        let outcome = await run("echo $$; cut -d' ' -f5 /proc/$$/stat")
        let ids = ProcessProbe.processIDs(in: outcome.output)
        try #require(ids.count == 2, "\(outcome)")
        #expect(ids[0] == ids[1])
        #expect(ids[0] != getpgrp())
    }

    @Test func outputOverTheLimitKeepsItsHeadAndTail() async {
        // `seq 1 300000` prints 1,988,895 bytes.
        let outcome = await run("seq 1 300000")
        #expect(outcome.succeeded)
        #expect(outcome.outputByteCount == 1_988_895 && outcome.outputTruncated)
        #expect(outcome.output.utf8.count <= ShellExecutor.defaultOutputLimit)
        #expect(outcome.output.hasPrefix("1\n2\n3\n"))
        #expect(outcome.output.contains(" bytes omitted ...]\n"))
        #expect(outcome.output.hasSuffix("\n299999\n300000\n"))
    }

    @Test func binaryOutputIsStoredAsTextWithoutNULBytes() async {
        let outcome = await run("printf 'a\\000b\\377c'")
        #expect(outcome.output == "a\u{FFFD}b\u{FFFD}c")
        #expect(outcome.outputByteCount == 5 && !outcome.outputTruncated)
    }

    @Test func aBackgroundJobKeepsTheTaskRunningUntilItEnds() async {
        let outcome = await run("(sleep 0.3; echo late) & echo early")
        #expect(outcome == ExecutionOutcome(succeeded: true, exitCode: 0, output: .whole("early\nlate\n")))
    }

    @Test func aTaskOverItsTimeoutIsKilledWithItsWholeProcessGroup() async throws {
        let clock = ContinuousClock()
        let start = clock.now
        let outcome = await run("echo $$; sleep 60 & echo $!; sleep 60", timeoutSeconds: 1)
        let elapsed = clock.now - start
        #expect(outcome.succeeded == false)
        #expect(outcome.error == "timed out after 1s")
        #expect(outcome.exitCode == nil)
        // About a second; the bound is generous because the whole suite shares two cores.
        #expect(elapsed >= .seconds(1) && elapsed < .seconds(30), "took \(elapsed)")
        let ids = ProcessProbe.processIDs(in: outcome.output)
        try #require(ids.count == 2, "the output tail is kept: \(outcome.output)")
        for pid in ids {
            #expect(!ProcessProbe.isAlive(pid), "process \(pid) survived the timeout")
        }
    }

    @Test func theWorkerTimeoutAppliesWhenTheTaskHasNone() async {
        let executor = TimeLimitedExecutor(ShellExecutor(), defaultTimeout: .milliseconds(300))
        let outcome = await executor.execute(TaskRequest(taskID: "t", data: "sleep 30"))
        #expect(outcome.error == "timed out after 300ms")
    }

    @Test func cancellingTheTaskKillsTheProcessGroupAtOnce() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("shell-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let command = "sleep 60 & echo $! > \(pidFile.path); echo $$ >> \(pidFile.path); sleep 60"
        let execution = Task { await ShellExecutor().execute(TaskRequest(taskID: "t", data: command)) }
        let ids = try await eventually("the shell to write its pids") {
            let ids = ProcessProbe.processIDs(in: (try? String(contentsOf: pidFile, encoding: .utf8)) ?? "")
            return ids.count == 2 ? ids : nil
        }
        #expect(ids.allSatisfy(ProcessProbe.isAlive))
        let clock = ContinuousClock()
        let start = clock.now
        execution.cancel()
        let outcome = await execution.value
        // At once in practice; generous because the whole suite shares two cores.
        #expect(clock.now - start < .seconds(30))
        #expect(outcome == .cancelled)
        for pid in ids {
            #expect(!ProcessProbe.isAlive(pid), "process \(pid) survived the cancellation")
        }
    }

    @Test func anAlreadyCancelledTaskDoesNotStartTheShell() async {
        let outcome = await withTaskGroup(of: ExecutionOutcome.self) { group in
            group.cancelAll()
            group.addTask { await ShellExecutor().execute(TaskRequest(taskID: "t", data: "echo ran")) }
            return await group.next() ?? .cancelled
        }
        #expect(outcome == .cancelled)
    }

    @Test func theSleepExecutorHonoursTheTimeoutToo() async {
        let executor = TimeLimitedExecutor(SleepExecutor(duration: .seconds(30)))
        let outcome = await executor.execute(TaskRequest(taskID: "t", data: "", timeoutSeconds: 1))
        #expect(outcome == ExecutionOutcome(succeeded: false, error: "timed out after 1s"))
    }
}

extension CapturedOutput {
    /// All of `text`, printed as it is.
    static func whole(_ text: String) -> CapturedOutput {
        CapturedOutput(text: text, byteCount: text.utf8.count, isTruncated: false)
    }
}
