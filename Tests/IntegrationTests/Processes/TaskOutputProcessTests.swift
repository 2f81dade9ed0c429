import APIClient
import ClusterKit
import Foundation
import NIOCore
import Synchronization
import Testing

@testable import Core

/// Task output through a whole cluster of release executables: followed live, capped, and
/// without the worker's memory growing with what a command prints.
@Suite(.serialized) struct TaskOutputProcessTests {
    /// Text that arrived on a followed output, with when it arrived.
    private final class Arrivals: Sendable {
        private let parts = Mutex<[(at: Timestamp, text: String)]>([])

        func append(_ text: String) { parts.withLock { $0.append((.now(), text)) } }

        var text: String { parts.withLock { $0.map(\.text).joined() } }

        /// When the text first held `piece`.
        func time(of piece: String) -> Timestamp? {
            parts.withLock { parts in
                var text = ""
                for part in parts {
                    text += part.text
                    if text.contains(piece) { return part.at }
                }
                return nil
            }
        }
    }

    @Test func aFollowedTaskShowsEachLineWithinASecondWhileItRunsAndTheStreamEndsWithTheTask() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            // Followed from before it starts: the stream waits for the task, then shows its lines.
            let task = try await cluster.schedule(command: "echo first; sleep 2; echo middle; sleep 2; echo last", at: .now())
            let arrivals = Arrivals()
            let connection = try await HTTPConnection.connect(host: "127.0.0.1", port: cluster.schedulerPort)
            let answer = try await connection.send(.GET, "/tasks/\(task)/output?follow=true", timeout: .seconds(30)) { part in
                arrivals.append(String(buffer: part))
            }
            let ended = Timestamp.now()
            await connection.close()
            #expect(answer.status == 200)
            #expect(arrivals.text == "first\nmiddle\nlast\n")
            let done = try await cluster.status(of: task)
            #expect(done["status"] as? String == "completed")
            let started = try #require(Timestamp(field: done["started_at"]))
            let completed = try #require(Timestamp(field: done["completed_at"]))
            let first = try #require(arrivals.time(of: "first\n"))
            let middle = try #require(arrivals.time(of: "middle\n"))
            let firstDelay = first.microsecondsSinceEpoch - started.microsecondsSinceEpoch
            // "middle" is printed 2 s after the start, while the follower is already listening.
            let middleLatency = middle.microsecondsSinceEpoch - started.microsecondsSinceEpoch - 2_000_000
            let endDelay = ended.microsecondsSinceEpoch - completed.microsecondsSinceEpoch
            print("output follow: first line \(firstDelay / 1000) ms after the start, a line printed while followed \(middleLatency / 1000) ms after it was printed, the stream ended \(endDelay / 1000) ms after the completion")
            #expect(firstDelay < 2_000_000, "the first line arrived \(firstDelay) µs after the task started")
            #expect(middleLatency < 1_000_000, "a line arrived \(middleLatency) µs after it was printed")
            #expect(middle.microsecondsSinceEpoch < completed.microsecondsSinceEpoch - 1_000_000, "lines arrive while the command runs")
            #expect(endDelay >= 0 && endDelay < 5_000_000, "the stream ended \(endDelay) µs after the task")
        }
    }

    @Test func aSchedulerStoppingEndsItsFollowedOutputsAndExitsCleanly() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            // The worker hands the task back at once when it stops: the task never ends.
            try await cluster.startWorker(executor: "shell", extraArguments: ["--drain_timeout=200ms"])
            let task = try await cluster.schedule(command: "echo started; sleep 60", at: .now())
            let arrivals = Arrivals()
            let connection = try await HTTPConnection.connect(host: "127.0.0.1", port: cluster.schedulerPort)
            let following = Task {
                try await connection.send(.GET, "/tasks/\(task)/output?follow=true", timeout: .seconds(60)) { part in
                    arrivals.append(String(buffer: part))
                }
            }
            try await eventually("the first line") { arrivals.text == "started\n" ? true : nil }
            let stopping = ContinuousClock.now
            let statuses = await cluster.stop()
            #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses)")
            #expect(ContinuousClock.now - stopping < .seconds(10))
            _ = try? await following.value
            await connection.close()
        }
    }

    @Test func fiveMillionBytesAreCappedWithTheirHeadAndTail() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let command = "printf HEAD; head -c 4999992 /dev/zero | tr '\\0' x; printf TAIL"
            let task = try await cluster.schedule(command: command, at: .now())
            let done = try await cluster.waitForStatus(of: task, "completed")
            #expect(done["output_bytes"] as? Int == 5_000_000)
            #expect(done["output_truncated"] as? Bool == true)
            let output = try #require(done["output"] as? String)
            #expect(output.utf8.count <= 1 << 20)
            #expect(output.hasPrefix("HEADxxx") && output.hasSuffix("xxxTAIL"))
            #expect(output.contains(" bytes omitted ...]\n"))
            let stored = try await cluster.request(port: cluster.schedulerPort, "/tasks/\(task)/output")
            #expect(stored.status == 200 && stored.body == output)
        }
    }

    @Test func aWorkersMemoryStaysFlatWhenACommandPrintsFiftyMegabytesWithoutANewline() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let worker = try await cluster.startWorker(executor: "shell")
            // A first task as large as the output limit warms up everything a task's output uses.
            let warmUp = try await cluster.schedule(command: "head -c 2000000 /dev/zero | tr '\\0' w", at: .now())
            _ = try await cluster.waitForStatus(of: warmUp, "completed")
            let before = try Self.peakResidentKilobytes(of: worker.pid)
            let task = try await cluster.schedule(command: "head -c 50000000 /dev/zero | tr '\\0' y", at: .now())
            let done = try await cluster.waitForStatus(of: task, "completed", timeout: .seconds(60))
            let after = try Self.peakResidentKilobytes(of: worker.pid)
            print("worker VmHWM: \(before) kB before, \(after) kB after printing 50 MB")
            #expect(done["output_bytes"] as? Int == 50_000_000)
            #expect(after - before < 8 * 1024, "the worker's peak RSS grew from \(before) kB to \(after) kB")
        }
    }

    /// VmHWM of /proc/PID/status: the process's peak resident set, in kB.
    private static func peakResidentKilobytes(of pid: Int32) throws -> Int {
        let status = try String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)
        let line = try #require(status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") })
        return try #require(Int(line.split(separator: " ", omittingEmptySubsequences: true)[1]))
    }
}
