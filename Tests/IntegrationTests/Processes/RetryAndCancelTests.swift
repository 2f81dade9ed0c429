import ClusterKit
import Foundation
import Testing

@testable import Core

/// Retries and cancellation with the shell executor, through the real processes.
@Suite(.serialized) struct RetryAndCancelTests {
    @Test func aFlakyCommandSucceedsOnItsSecondAttempt() async throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("flaky-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: marker) }
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let command = "if [ -e \(marker) ]; then echo second; else touch \(marker); echo first; exit 1; fi"
            let taskID = try await cluster.schedule(command: command, at: .now(), maxAttempts: 3)
            let done = try await cluster.waitForStatus(of: taskID, "completed")
            #expect(done["attempts"] as? Int == 2)
            #expect(done["exit_code"] as? Int == 0)
            #expect((done["output"] as? String)?.contains("second") == true)
        }
    }

    @Test func aFailingCommandFailsAfterExactlyMaxAttempts() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let taskID = try await cluster.schedule(command: "echo broken >&2; exit 3", at: .now(), maxAttempts: 3)
            let failed = try await cluster.waitForStatus(of: taskID, "failed", timeout: .seconds(60))
            #expect(failed["attempts"] as? Int == 3)
            #expect(failed["exit_code"] as? Int == 3)
            #expect(failed["failed_at"] != nil)
            #expect((failed["error"] as? String)?.contains("exit status 3") == true)
            #expect((failed["output"] as? String)?.contains("broken") == true)
        }
    }

    @Test func cancellingARunningTaskStopsItAndAFinishedOneIsAConflict() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("cancel-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let worker = try await cluster.startWorker(executor: "shell")
            let base = "http://127.0.0.1:\(cluster.schedulerPort)"
            let running = try await cluster.schedule(command: "echo $$ > \(pidFile); sleep 60", at: .now())
            _ = try await cluster.waitForStatus(of: running, "running")
            let shell = try await eventually("the shell to write its pid") {
                (try? String(contentsOfFile: pidFile, encoding: .utf8)).flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            }
            let cancelled = try await curl(["-X", "POST", "\(base)/cancel?task_id=\(running)"])
            #expect(cancelled.status == 200, "\(cancelled.body)")
            #expect(try cancelled.json["status"] as? String == "cancelled")
            try await eventually("the task's shell to be killed") { kill(shell, 0) != 0 ? true : nil }
            try await eventually("the worker to report the cancellation") {
                worker.log.contains("cancelled") ? true : nil
            }
            #expect(try await cluster.status(of: running)["status"] as? String == "cancelled")

            let again = try await curl(["-X", "POST", "\(base)/tasks/\(running)/cancel"])
            #expect(again.status == 409 && again.errorCode == "already_finished", "\(again.body)")

            let later = try await cluster.schedule(command: "echo never", at: .now().advanced(bySeconds: 1))
            let deleted = try await curl(["-X", "POST", "\(base)/tasks/\(later)/cancel"])
            #expect(deleted.status == 200)
            try await Task.sleep(for: .seconds(2))
            let status = try await cluster.status(of: later)
            #expect(status["status"] as? String == "cancelled" && status["started_at"] == nil)
            let unknown = try await curl(["-X", "POST", "\(base)/cancel?task_id=\(UUID().uuidString)"])
            #expect(unknown.status == 404)
        }
    }
}
