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

    /// One of two shell workers (capacity 5) is stopped (SIGSTOP) as a batch of 10 tasks arrives
    /// and continued `stopSeconds` later: before, between and after the hand-off's deadline (5 s)
    /// and the coordinator's heartbeat timeout (3 s, and 5 s, the default, in a second cluster
    /// at the same time). Every task runs exactly once.
    @Test(arguments: [2, 4, 8, 15])
    func aStoppedWorkerNeverRunsAHandOffTheCoordinatorGaveUpOn(stopSeconds: Int) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for heartbeatTimeout in ["3s", "5s"] {
                group.addTask { try await Self.stopAWorker(for: stopSeconds, heartbeatTimeout: heartbeatTimeout) }
            }
            try await group.waitForAll()
        }
    }

    private static func stopAWorker(for stopSeconds: Int, heartbeatTimeout: String) async throws {
        let ledger = Ledger()
        defer { ledger.remove() }
        try await withCluster { cluster in
            try await cluster.startCoordinator(heartbeatTimeout: heartbeatTimeout)
            try await cluster.startScheduler()
            let stopped = try await cluster.startWorker(executor: "shell", extraArguments: ["--capacity=5"])
            try await cluster.startWorker(executor: "shell", extraArguments: ["--capacity=5"])
            stopped.signal(SIGSTOP)
            let taskIDs = try await cluster.scheduleBatch(
                commands: (0..<10).map { "\(ledger.append($0)); sleep 1" }, at: .now(), maxAttempts: 3)
            try await Task.sleep(for: .seconds(stopSeconds))
            stopped.signal(SIGCONT)
            for taskID in taskIDs {
                _ = try await cluster.waitForStatus(of: taskID, "completed", timeout: .seconds(60))
            }
            // Whatever the continued worker still held has run or been handed back by then.
            try await cluster.waitUntilWorkersAreIdle()
            #expect(
                ledger.runs.sorted() == Array(0..<10),
                "every task ran exactly once (stopped \(stopSeconds) s, heartbeat timeout \(heartbeatTimeout))")
        }
    }

    @Test func tasksThatFinishWhileTheirCoordinatorIsDownAreCompletedNotRunAgain() async throws {
        let ledger = Ledger()
        defer { ledger.remove() }
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let taskIDs = try await cluster.scheduleBatch(
                commands: (0..<6).map { "sleep 1; \(ledger.append($0))" }, at: .now())
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
            #expect(ledger.runs.sorted() == Array(0..<6), "every task ran exactly once")
        }
    }
}
