import Core
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TaskStorage
import Testing

/// `GET /tasks/{id}/output`: the output as text, and its errors as JSON.
@Suite(.timeLimit(.minutes(1))) struct TaskOutputAPITests {
    @Test func answersTheOutputAsTextAndAFinishedTaskAtOnceWhenFollowed() async throws {
        try await withSchedulerApplication(isolatedDatabase: true) { client, database in
            let taskID = try await client.schedule(command: "printf 'a\\nb'", at: "2020-01-01T00:00:00Z")
            let store = TaskStore(client: database)
            let claimed = try #require(try await store.claimDueTasks(limit: 1, lease: .seconds(30)).first)
            #expect(try await client.get("/tasks/\(taskID)/output").body.readableBytes == 0, "nothing printed yet")
            _ = try await store.record(
                TaskStatusReport(taskID: claimed.id, outcome: .completed, attempt: 1, handoff: claimed.handoff, exitCode: 0, output: "a\nb"))
            for query in ["", "?follow=false", "?follow=true"] {
                let response = try await client.get("/tasks/\(taskID)/output\(query)")
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(String(buffer: response.body) == "a\nb", "\(query)")
            }
            let status = try await client.get("/tasks/\(taskID)").jsonObject()
            #expect(status["output_bytes"] as? Int == 3 && status["output_truncated"] as? Bool == false)
        }
    }

    @Test func anUnknownTaskIsA404AndABadParameterA400() async throws {
        try await withSchedulerApplication { client, _ in
            _ = try await client.get("/tasks/\(UUID().uuidString)/output").expectAPIError(.notFound, "not_found")
            _ = try await client.get("/tasks/not-a-uuid/output").expectAPIError(.badRequest, "invalid_task_id")
            let taskID = try await client.schedule(command: "true", at: "2099-01-01T00:00:00Z")
            let message = try await client.get("/tasks/\(taskID)/output?follow=yes").expectAPIError(.badRequest, "invalid_parameter")
            #expect(message.contains("follow"))
            _ = try await client.execute(uri: "/tasks/\(taskID)/output", method: .post) { $0 }.expectAPIError(
                .methodNotAllowed, "method_not_allowed")
        }
    }
}
