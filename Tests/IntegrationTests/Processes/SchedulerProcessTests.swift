import Foundation
import Testing

@testable import Core

/// Bad input against the real scheduler process: the right error each time, and it keeps serving.
@Suite(.serialized) struct SchedulerProcessTests {
    @Test func badInputGetsClearErrorsAndTheSchedulerKeepsServing() async throws {
        try await withCluster { cluster in
            try await cluster.startScheduler()
            let base = "http://127.0.0.1:\(cluster.schedulerPort)"
            // Over the 1 MiB default limit; in a file because one argument may not exceed 128 KiB.
            let oversized = FileManager.default.temporaryDirectory.appendingPathComponent("oversized-\(UUID().uuidString)")
            try Data(#"{"command":"\#(String(repeating: "x", count: 2 << 20))","scheduled_at":"2030-01-01T00:00:00Z"}"#.utf8)
                .write(to: oversized)
            defer { try? FileManager.default.removeItem(at: oversized) }
            let cases: [(arguments: [String], status: Int, code: String)] = [
                (["-X", "POST", "\(base)/schedule", "-d", "{not json"], 400, "invalid_json"),
                (["-X", "POST", "\(base)/schedule", "-d", #"{"command": 5, "scheduled_at": "2030-01-01T00:00:00Z"}"#], 400, "invalid_field"),
                (["-X", "POST", "\(base)/schedule", "-d", #"{"scheduled_at": "2030-01-01T00:00:00Z"}"#], 400, "invalid_field"),
                (["-X", "POST", "\(base)/schedule", "-d", #"{"command": "x", "scheduled_at": "2030-02-30T00:00:00Z"}"#], 400, "invalid_date"),
                (["-X", "POST", "\(base)/schedule", "-d", #"{"command": "x", "scheduled_at": "tomorrow"}"#], 400, "invalid_date"),
                (["-X", "POST", "\(base)/schedule", "-d", ""], 400, "invalid_field"),
                (["-X", "POST", "\(base)/schedule", "-H", "Content-Type: application/json", "--data-binary", "@\(oversized.path)"], 413, "payload_too_large"),
                (["\(base)/status"], 400, "invalid_task_id"),
                (["\(base)/status?task_id=not-a-uuid"], 400, "invalid_task_id"),
                (["\(base)/status?task_id=00000000-0000-0000-0000-000000000000"], 404, "not_found"),
                (["\(base)/schedule"], 405, "method_not_allowed"),
                (["-X", "DELETE", "\(base)/status?task_id=00000000-0000-0000-0000-000000000000"], 405, "method_not_allowed"),
                (["\(base)/nowhere"], 404, "not_found"),
            ]
            for testCase in cases {
                let reply = try await curl(testCase.arguments)
                #expect(reply.status == testCase.status, "\(testCase.arguments.prefix(4)) -> \(reply.status) \(reply.body.prefix(200))")
                #expect(reply.errorCode == testCase.code, "\(testCase.arguments.prefix(4)) -> \(reply.body.prefix(200))")
            }
            let wrongMethod = try await curl(["\(base)/schedule"])
            #expect(wrongMethod.headers["allow"] == "POST")

            let taskID = try await cluster.schedule(command: "still serving", at: .now().advanced(bySeconds: 3600))
            #expect(try await cluster.status(of: taskID)["command"] as? String == "still serving")
            #expect(cluster.scheduler?.isRunning == true)
        }
    }
}
