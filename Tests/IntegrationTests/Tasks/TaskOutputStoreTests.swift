import APIModels
import Foundation
import Testing

@testable import CoordinatorService
@testable import Core
@testable import SchedulerService
@testable import TaskStorage

/// A task's output in PostgreSQL: its final report, its live output while it runs, and how a
/// follower reads them.
@Suite(.timeLimit(.minutes(1))) struct TaskOutputStoreTests {
    private static func chunk(_ task: ClaimedTask, at offset: Int64, _ text: String) -> LiveOutputChunk {
        LiveOutputChunk(taskID: task.id, handoff: task.handoff, byteOffset: offset, byteCount: text.utf8.count, text: text)
    }

    @Test func aFinalReportStoresTheOutputWithItsSizeAndTruncation() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            _ = try await store.scheduleTestTask()
            let claimed = try #require(try await store.claimDueTasks(assigningTo: [7], lease: .seconds(30)).first)
            var report = claimed.report(.completed, exitCode: 0, output: "head\n[... 4990 bytes omitted ...]\ntail")
            report.outputBytes = 5000
            report.outputTruncated = true
            _ = try await store.record(report)
            let task = try #require(try await store.find(id: claimed.id))
            #expect(task.outputBytes == 5000 && task.outputTruncated == true)
            let body = TaskStatusResponse(task)
            #expect(body.outputBytes == 5000 && body.outputTruncated == true)
            #expect(try await store.readOutput(of: claimed.id, liveFrom: 0)?.output == report.output)
        }
    }

    @Test func aReportThatDoesNotSayTheSizeCountsItsOutput() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            _ = try await store.scheduleTestTask()
            let claimed = try #require(try await store.claimDueTasks(assigningTo: [7], lease: .seconds(30)).first)
            _ = try await store.record(claimed.report(.failed, exitCode: 1, output: "café"))
            let task = try #require(try await store.find(id: claimed.id))
            #expect(task.outputBytes == 5 && task.outputTruncated == false)
        }
    }

    @Test func liveOutputIsStoredOnlyForTheHolderWhileTheTaskRunsAndFollowedToTheEnd() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            _ = try await store.scheduleTestTask()
            let claimed = try #require(try await store.claimDueTasks(assigningTo: [7], lease: .seconds(30)).first)
            _ = try await store.record(claimed.report(.started))
            var forged = Self.chunk(claimed, at: 0, "forged\n")
            forged.handoff = UUID()
            #expect(try await store.appendLiveOutput([forged]) == 0)
            #expect(try await store.appendLiveOutput([Self.chunk(claimed, at: 0, "first\n")]) == 1)
            #expect(try await store.appendLiveOutput([Self.chunk(claimed, at: 0, "first\n")]) == 0, "a chunk sent again is stored once")

            var follower = OutputFollower()
            let running = try #require(try await store.readOutput(of: claimed.id, liveFrom: 0))
            #expect(!running.hasEnded && running.handoff == claimed.handoff)
            #expect(follower.take(running) == "first\n")
            #expect(follower.nextOffset == 6)
            #expect(try await store.appendLiveOutput([Self.chunk(claimed, at: 6, "sec")]) == 1)
            #expect(follower.take(try #require(try await store.readOutput(of: claimed.id, liveFrom: follower.nextOffset))) == "sec")

            _ = try await store.record(claimed.report(.completed, exitCode: 0, output: "first\nsecond\n"))
            #expect(try await store.appendLiveOutput([Self.chunk(claimed, at: 9, "late")]) == 0, "the task has ended")
            let ended = try #require(try await store.readOutput(of: claimed.id, liveFrom: follower.nextOffset))
            #expect(ended.hasEnded && ended.live.isEmpty)
            #expect(follower.take(ended) == "ond\n", "the rest of the reported output")
            var reader = OutputFollower()
            #expect(reader.take(ended) == "first\nsecond\n", "a new reader gets the whole output")
            #expect(try await store.readOutput(of: UUID(), liveFrom: 0) == nil)
        }
    }

    @Test func liveOutputOfEndedAttemptsIsDeletedAndTasksTakeTheirOutputWithThem() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            for _ in 0..<2 { _ = try await store.scheduleTestTask() }
            let claimed = try await store.claimDueTasks(assigningTo: [7, 7], lease: .seconds(30))
            try #require(claimed.count == 2)
            for task in claimed {
                _ = try await store.record(task.report(.started))
                #expect(try await store.appendLiveOutput([Self.chunk(task, at: 0, "out\n")]) == 1)
            }
            _ = try await store.record(claimed[0].report(.completed, output: "out\n"))
            #expect(try await store.deleteEndedLiveOutput(limit: 100) == 1)
            let left = try await client.query("SELECT task_id FROM task_output").compactMap { try $0.uuid(0) }
            #expect(left == [claimed[1].id], "the running task keeps its live output")

            _ = try await store.record(claimed[1].report(.failed, output: "out\n"))
            _ = try await client.query("UPDATE tasks SET failed_at = now() - interval '2 days' WHERE id = $1", [claimed[1].id])
            _ = try await client.query("INSERT INTO task_output VALUES ($1, gen_random_uuid(), 0, 4, 'out\n')", [claimed[1].id])
            #expect(try await store.deleteFinishedTasks(olderThan: .seconds(3600), limit: 10) == 1)
            #expect(try await client.query("SELECT 1 FROM task_output").count == 0, "deleted with its task")
        }
    }

    @Test func outputRetentionForgetsOldOutputOnceAndKeepsTheTask() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            var tasks: [UUID] = []
            for _ in 0..<5 { _ = try await store.scheduleTestTask() }
            for task in try await store.claimDueTasks(assigningTo: Array(repeating: 7, count: 5), lease: .seconds(30)) {
                _ = try await store.record(task.report(.completed, exitCode: 0, output: "printed"))
                tasks.append(task.id)
            }
            try #require(tasks.count == 5)
            for (index, id) in tasks.enumerated() where index < 4 {
                _ = try await client.query(
                    "UPDATE tasks SET completed_at = now() - interval '2 hours' - $2::int * interval '1 minute' WHERE id = $1",
                    [id, index])
            }
            var configuration = RetentionSweeper.Configuration()
            configuration.retention = .seconds(7 * 24 * 3600)
            configuration.outputRetention = .seconds(3600)
            configuration.batchSize = 3
            configuration.pause = .milliseconds(1)
            let sweeper = RetentionSweeper(
                store: store, outbox: WebhookOutbox(client: store.client), configuration: configuration, logger: TestDatabase.logger)
            #expect(try await sweeper.sweep() == 0, "no task is deleted")
            for (index, id) in tasks.enumerated() {
                let task = try #require(try await store.find(id: id))
                #expect(task.output == (index < 4 ? nil : "printed"), "task \(index)")
                #expect(task.outputBytes == 7)
            }
            _ = try await client.query("UPDATE tasks SET output = 'written again' WHERE id = $1", [tasks[0]])
            _ = try await sweeper.sweep()
            #expect(try await store.find(id: tasks[0])?.output == "written again", "a later sweep goes on from where the last stopped")
        }
    }
}
