import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TaskStorage
import Testing

/// `POST /tasks/{id}/retry`: another attempt of the same task, for failed and cancelled tasks only.
@Suite(.timeLimit(.minutes(1))) struct TaskRetryAPITests {
    @Test func aFailedTaskGetsOneMoreAttemptAndKeepsItsLastOutcomeUntilThen() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, database in
            let taskID = try await client.schedule(command: "exit 3", at: "2020-01-01T00:00:00Z")
            let store = TaskStore(client: database)
            let claimed = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            _ = try await store.record(
                TaskStatusReport(
                    taskID: claimed.id, outcome: .failed, attempt: 1, handoff: claimed.handoff, exitCode: 3,
                    output: "last words", error: "exit status 3"))
            #expect(try await client.get("/tasks/\(taskID)").jsonObject()["status"] as? String == "failed")

            let retried = try await client.post("/tasks/\(taskID)/retry", json: "")
            #expect(retried.status == .ok)
            let task = try retried.jsonObject()
            #expect(task["task_id"] as? String == taskID, "the same task, not a copy")
            #expect(task["status"] as? String == "scheduled")
            #expect(task["attempts"] as? Int == 1)
            #expect(task["max_attempts"] as? Int == 2)
            #expect(task["failed_at"] == nil && task["started_at"] == nil && task["picked_at"] == nil)
            #expect(task["output"] as? String == "last words")
            #expect(task["exit_code"] as? Int == 3)
            let next = try #require(Timestamp(field: task["next_attempt_at"]))
            #expect(next.microsecondsSinceEpoch <= Timestamp.now().microsecondsSinceEpoch + 1_000_000, "due now")

            let again = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(again.id == claimed.id)
            #expect(again.handoff != claimed.handoff, "a report of the ended attempt cannot touch the new one")
            let stale = try await store.record(
                TaskStatusReport(taskID: claimed.id, outcome: .completed, attempt: 1, handoff: claimed.handoff, exitCode: 0))
            #expect(stale == .ignored)
        }
    }

    @Test func aCancelledTaskCanBeRetried() async throws {
        try await withSchedulerApplication { client, _ in
            let taskID = try await client.schedule(command: "echo later", at: "2030-01-01T00:00:00Z")
            try await client.post("/tasks/\(taskID)/cancel", json: "")
            let task = try await client.post("/tasks/\(taskID)/retry", json: "").jsonObject()
            #expect(task["status"] as? String == "scheduled")
            #expect(task["cancelled_at"] == nil)
            #expect(task["max_attempts"] as? Int == 1)
        }
    }

    @Test func onlyFailedOrCancelledTasksCanBeRetried() async throws {
        try await withSchedulerApplication { client, _ in
            let taskID = try await client.schedule(command: "echo later", at: "2030-01-01T00:00:00Z")
            let message = try await client.post("/tasks/\(taskID)/retry", json: "").expectAPIError(.conflict, "not_retryable")
            #expect(message.contains("scheduled"))
            #expect(try await client.get("/tasks/\(taskID)").jsonObject()["status"] as? String == "scheduled")
            try await client.post("/tasks/\(UUID().uuidString)/retry", json: "").expectAPIError(.notFound, "not_found")
            try await client.post("/tasks/not-a-uuid/retry", json: "").expectAPIError(.badRequest, "invalid_task_id")
            try await client.get("/tasks/\(taskID)/retry").expectAPIError(.methodNotAllowed, "method_not_allowed")
        }
    }
}
