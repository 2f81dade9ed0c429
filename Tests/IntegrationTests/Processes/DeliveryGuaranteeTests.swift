import ClusterKit
import Foundation
import Testing

@testable import Core

/// Faults injected into a real cluster: no task is lost, none runs early, none exceeds capacity.
@Suite(.serialized) struct DeliveryGuaranteeTests {
    @Test func tasksOfAKilledWorkerAllComplete() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let doomed = try await cluster.startWorker(executor: "sleep", extraArguments: ["--task_duration=2s"])
            var taskIDs: [String] = []
            for index in 0..<6 {
                taskIDs.append(try await cluster.schedule(command: "job \(index)", at: .now(), maxAttempts: 3))
            }
            try await eventually("tasks running on the first worker") {
                try await cluster.status(of: taskIDs[0])["status"] as? String == "running" ? true : nil
            }
            try await cluster.startWorker(executor: "sleep", extraArguments: ["--task_duration=200ms"])
            await cluster.kill(doomed)
            for taskID in taskIDs {
                let done = try await cluster.waitForStatus(of: taskID, "completed")
                #expect((done["attempts"] as? Int ?? 0) <= 3)
            }
        }
    }

    @Test func tasksCompleteWhenTheCoordinatorIsKilledAndRestarted() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator(extraArguments: ["--lease_duration=3s"])
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "sleep", extraArguments: ["--task_duration=1s"])
            var taskIDs: [String] = []
            for index in 0..<8 {
                taskIDs.append(try await cluster.schedule(command: "job \(index)", at: .now(), maxAttempts: 3))
            }
            try await eventually("a task to run") {
                try await cluster.status(of: taskIDs[0])["status"] as? String == "running" ? true : nil
            }
            await cluster.kill(try #require(cluster.coordinator))
            try await Task.sleep(for: .milliseconds(500))
            try await cluster.startCoordinator(extraArguments: ["--lease_duration=3s"])
            for taskID in taskIDs {
                _ = try await cluster.waitForStatus(of: taskID, "completed", timeout: .seconds(60))
            }
        }
    }

    @Test func aWorkerNeverRunsMoreThanItsCapacity() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "sleep", extraArguments: ["--capacity=2", "--task_duration=300ms"])
            var taskIDs: [String] = []
            for index in 0..<8 {
                taskIDs.append(try await cluster.schedule(command: "job \(index)", at: .now()))
            }
            var intervals: [(start: Timestamp, end: Timestamp)] = []
            for taskID in taskIDs {
                let done = try await cluster.waitForStatus(of: taskID, "completed")
                intervals.append((try #require(Timestamp(field: done["started_at"])), try #require(Timestamp(field: done["completed_at"]))))
            }
            let mostAtOnce = intervals.map { interval in
                intervals.filter { $0.start <= interval.start && interval.start < $0.end }.count
            }.max() ?? 0
            #expect(mostAtOnce == 2, "at most 2 at once, and the slots were used")
        }
    }

    @Test func aDueTaskNeverStartsEarly() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(extraArguments: ["--capacity=20"])
            let base = Timestamp.now().advanced(bySeconds: 1)
            var taskIDs: [String] = []
            for index in 0..<20 {
                taskIDs.append(try await cluster.schedule(command: "at \(index)", at: base.advanced(bySeconds: Double(index) * 0.05)))
            }
            for taskID in taskIDs {
                let done = try await cluster.waitForStatus(of: taskID, "completed")
                let scheduledAt = try #require(Timestamp(field: done["scheduled_at"]))
                let pickedAt = try #require(Timestamp(field: done["picked_at"]))
                let startedAt = try #require(Timestamp(field: done["started_at"]))
                #expect(pickedAt >= scheduledAt && startedAt >= scheduledAt)
            }
        }
    }

    /// The lines of a ledger file that shell tasks append their number to.
    private static func runs(in ledger: URL) -> [Int] {
        ((try? String(contentsOf: ledger, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int($0) }
    }

    @Test func aStoppedWorkerNeverRunsAHandOffTheCoordinatorGaveUpOn() async throws {
        let ledger = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: ledger) }
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let stopped = try await cluster.startWorker(executor: "shell")
            try await cluster.startWorker(executor: "shell")
            stopped.signal(SIGSTOP)
            let taskIDs = try await cluster.scheduleBatch(
                commands: (0..<10).map { "echo \($0) >> \(ledger.path)" }, at: .now(), maxAttempts: 3)
            try await Task.sleep(for: .seconds(8))
            stopped.signal(SIGCONT)
            for taskID in taskIDs {
                _ = try await cluster.waitForStatus(of: taskID, "completed", timeout: .seconds(30))
            }
            // What the stopped worker read when it woke up was past its deadline: refused, not run.
            try await Task.sleep(for: .seconds(2))
            #expect(Self.runs(in: ledger).sorted() == Array(0..<10), "every task ran exactly once")
        }
    }

    @Test func tasksThatFinishWhileTheirCoordinatorIsDownAreCompletedNotRunAgain() async throws {
        let ledger = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: ledger) }
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let taskIDs = try await cluster.scheduleBatch(
                commands: (0..<6).map { "sleep 1; echo \($0) >> \(ledger.path)" }, at: .now())
            try await eventually("the tasks to run") {
                try await cluster.status(of: taskIDs[0])["status"] as? String == "running" ? true : nil
            }
            await cluster.kill(try #require(cluster.coordinator))
            try await Task.sleep(for: .seconds(3))
            try await cluster.startCoordinator()
            let restarted = ContinuousClock.now
            for taskID in taskIDs {
                let done = try await cluster.waitForStatus(of: taskID, "completed", timeout: .seconds(20))
                #expect(done["attempts"] as? Int == 1, "\(done)")
            }
            #expect(ContinuousClock.now - restarted < .seconds(15), "well within the 30 s lease")
            #expect(Self.runs(in: ledger).sorted() == Array(0..<6), "every task ran exactly once")
        }
    }
}
