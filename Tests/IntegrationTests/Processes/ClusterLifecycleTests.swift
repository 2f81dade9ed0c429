import Foundation
import Testing

@testable import Core
@testable import RPC

/// The whole cluster as real processes: the life of a task, worker loss, fair dispatch.
@Suite(.serialized) struct ClusterLifecycleTests {
    @Test func aTaskPostedLikeTheReadmeRunsOnTimeAndCompletes() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker()
            let due = Timestamp.now().advanced(bySeconds: 2)
            let taskID = try await cluster.schedule(command: "echo hello", at: due)

            let early = try await cluster.status(of: taskID)
            #expect(early["status"] as? String == "scheduled")
            #expect(early["picked_at"] == nil && early["started_at"] == nil && early["completed_at"] == nil)

            let done = try await cluster.waitForStatus(of: taskID, "completed")
            let scheduledAt = try #require(Timestamp(field: done["scheduled_at"]))
            let pickedAt = try #require(Timestamp(field: done["picked_at"]))
            let startedAt = try #require(Timestamp(field: done["started_at"]))
            let completedAt = try #require(Timestamp(field: done["completed_at"]))
            #expect(pickedAt >= scheduledAt, "picked before it was due")
            #expect(startedAt >= scheduledAt, "started before it was due")
            #expect(completedAt >= startedAt)
            #expect(startedAt.microsecondsSinceEpoch - scheduledAt.microsecondsSinceEpoch < 1_500_000, "started too late")
            #expect(done["failed_at"] == nil)
            #expect(done["attempts"] as? Int == 1)
        }
    }

    @Test func submitTaskWithoutWorkersSaysNoWorkersAvailable() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            let client = GRPCClient(
                configuration: GRPCClientConfiguration(host: "127.0.0.1", port: cluster.coordinatorPort), logger: TestDatabase.logger)
            defer { Task { await client.close() } }
            await #expect {
                let _: ClientTaskResponse = try await client.unary(
                    GRPCAPIMethods.coordinatorSubmitTask, request: ClientTaskRequest(data: "x"))
            } throws: { error in
                (error as? GRPCStatus)?.code == .unavailable && (error as? GRPCStatus)?.message == "no workers available"
            }
        }
    }

    @Test func eightSubmitTasksOverFourIdleWorkersGiveTwoEach() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            for _ in 0..<4 {
                try await cluster.startWorker(executor: "sleep", extraArguments: ["--task_duration=100ms"])
            }
            let client = GRPCClient(
                configuration: GRPCClientConfiguration(host: "127.0.0.1", port: cluster.coordinatorPort), logger: TestDatabase.logger)
            defer { Task { await client.close() } }
            var taskIDs: [String] = []
            for index in 0..<8 {
                let response: ClientTaskResponse = try await client.unary(
                    GRPCAPIMethods.coordinatorSubmitTask, request: ClientTaskRequest(data: "task \(index)"))
                taskIDs.append(response.taskID)
            }
            var perWorker: [Int: Int] = [:]
            for taskID in taskIDs {
                let done = try await cluster.waitForStatus(of: taskID, "completed")
                let workerID = try #require(done["worker_id"] as? Int)
                perWorker[workerID, default: 0] += 1
            }
            #expect(perWorker.count == 4)
            #expect(perWorker.values.allSatisfy { $0 == 2 }, "\(perWorker)")
        }
    }

    @Test func tasksCompleteOnTheSurvivorAfterAWorkerIsKilled() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let doomed = try await cluster.startWorker()
            try await cluster.startWorker()
            await cluster.kill(doomed)
            // Scheduled while the coordinator still believes the killed worker is alive.
            var taskIDs: [String] = []
            for index in 0..<10 {
                taskIDs.append(try await cluster.schedule(command: "job \(index)", at: .now()))
            }
            for taskID in taskIDs {
                _ = try await cluster.waitForStatus(of: taskID, "completed")
            }
        }
    }
}
