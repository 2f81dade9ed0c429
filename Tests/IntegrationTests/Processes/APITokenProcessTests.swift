import ClusterKit
import Foundation
import Testing

@testable import Core

/// Scoped API tokens from a tokens file, on the release scheduler.
@Suite(.serialized) struct APITokenProcessTests {
    @Test func scopedTokensFromAFileThatChangesWhileTheSchedulerRuns() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tokens-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "# name role token\nviewer read r34d-0nly\nci write ci-t0ken\nci-next write ci-t0ken-2\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        try await withCluster { cluster in
            try await cluster.startScheduler(extraArguments: ["--api_tokens_file=\(file)"])
            let scheduler = try #require(cluster.scheduler)
            let port = cluster.schedulerPort
            func post(_ token: String, command: String) async throws -> HTTPReply {
                let body = #"{"command":"\#(command)","scheduled_at":"2030-01-01T00:00:00Z"}"#
                return try await curl(["-H", "Authorization: Bearer \(token)", "-X", "POST", "http://127.0.0.1:\(port)/schedule", "-d", body])
            }

            let refused = try await post("r34d-0nly", command: "echo from viewer")
            #expect(refused.status == 403 && refused.errorCode == "forbidden", "\(refused)")
            #expect(refused.body.contains("needs the role write"), "\(refused.body)")
            let listed = try await curl(["-H", "Authorization: Bearer r34d-0nly", "http://127.0.0.1:\(port)/tasks?limit=1"])
            #expect(listed.status == 200)

            let first = try await post("ci-t0ken", command: "echo one")
            let second = try await post("ci-t0ken-2", command: "echo two")
            #expect(first.status == 200 && second.status == 200, "\(first) \(second)")
            for (reply, name) in [(first, "ci"), (second, "ci-next")] {
                let id = try #require(try reply.json["task_id"] as? String)
                let status = try await curl(["-H", "Authorization: Bearer r34d-0nly", "http://127.0.0.1:\(port)/status?task_id=\(id)"])
                #expect(try status.json["created_by"] as? String == name, "\(status.body)")
            }
            #expect(scheduler.log.contains("token=ci "), "changes are logged with the token's name: \(scheduler.log)")
            #expect(!scheduler.log.contains("ci-t0ken"), "never the token itself")

            // Rotation: the old token leaves the file; within 10 s it is refused, the new one still works.
            try "viewer read r34d-0nly\nci-next write ci-t0ken-2\n".write(toFile: file, atomically: true, encoding: .utf8)
            let removedAt = ContinuousClock.now
            try await eventually("the removed token to be refused", timeout: .seconds(10)) {
                try await post("ci-t0ken", command: "echo late").status == 401 ? true : nil
            }
            #expect(ContinuousClock.now - removedAt < .seconds(10))
            #expect(try await post("ci-t0ken-2", command: "echo still").status == 200)
        }
    }
}
