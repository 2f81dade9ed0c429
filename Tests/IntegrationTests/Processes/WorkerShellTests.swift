import ClusterKit
import Foundation
import Testing

@testable import Core

/// Workers running real shell commands, as processes in a whole cluster.
@Suite(.serialized) struct WorkerShellTests {
    @Test func outputAndExitCodeOfShellTasksShowInStatus() async throws {
        let cluster = try await Cluster.create()
        do {
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell", extraArguments: ["--task_timeout=1s"])
            let now = Timestamp.now()
            let fine = try await cluster.schedule(command: "echo hello", at: now)
            let broken = try await cluster.schedule(command: "echo boom >&2; exit 3", at: now)
            let slow = try await cluster.schedule(command: "echo waiting; sleep 30", at: now)

            let completed = try await cluster.waitForStatus(of: fine, "completed")
            #expect(completed["exit_code"] as? Int == 0)
            #expect(completed["output"] as? String == "hello\n")
            #expect(completed["error"] == nil)

            let failed = try await cluster.waitForStatus(of: broken, "failed")
            #expect(failed["exit_code"] as? Int == 3)
            #expect(failed["output"] as? String == "boom\n")
            #expect(failed["error"] as? String == "exit status 3")

            let timedOut = try await cluster.waitForStatus(of: slow, "failed", timeout: .seconds(15))
            #expect(timedOut["error"] as? String == "timed out after 1s")
            #expect(timedOut["output"] as? String == "waiting\n")
            let startedAt = try #require(Timestamp(field: timedOut["started_at"]))
            let failedAt = try #require(Timestamp(field: timedOut["failed_at"]))
            let ranFor = failedAt.microsecondsSinceEpoch - startedAt.microsecondsSinceEpoch
            #expect(ranFor >= 1_000_000 && ranFor < 10_000_000, "ran for \(ranFor) µs")
        } catch {
            Issue.record("\(error)\n\(cluster.logs)")
        }
        let statuses = await cluster.stop()
        #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses)")
    }

    @Test func sigtermOnABusyWorkerFinishesItsTasksAndExitsZero() async throws {
        let cluster = try await Cluster.create()
        do {
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let worker = try await cluster.startWorker(executor: "shell", extraArguments: ["--capacity=2"])
            let now = Timestamp.now()
            let tasks = [
                try await cluster.schedule(command: "sleep 1; echo first", at: now),
                try await cluster.schedule(command: "sleep 1; echo second", at: now),
            ]
            for task in tasks {
                _ = try await cluster.waitForStatus(of: task, "running")
            }
            worker.signal(SIGTERM)
            let exitStatus = await worker.waitForExit(timeout: .seconds(15))
            #expect(exitStatus == 0, "\(worker.log)")
            #expect(worker.log.contains("draining"))
            for (task, word) in zip(tasks, ["first", "second"]) {
                let done = try await cluster.waitForStatus(of: task, "completed", timeout: .seconds(5))
                #expect(done["output"] as? String == "\(word)\n")
            }
        } catch {
            Issue.record("\(error)\n\(cluster.logs)")
        }
        let statuses = await cluster.stop()
        #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses)")
    }

    @Test func sigtermPastTheDrainTimeoutKillsAndHandsBackTheTaskAndExitsZero() async throws {
        let pidFile = FileManager.default.temporaryDirectory.appendingPathComponent("drain-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: pidFile) }
        let cluster = try await Cluster.create()
        do {
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let worker = try await cluster.startWorker(executor: "shell", extraArguments: ["--drain_timeout=500ms"])
            let task = try await cluster.schedule(command: "echo $$ > \(pidFile.path); sleep 60", at: Timestamp.now())
            _ = try await cluster.waitForStatus(of: task, "running")
            let shell = try await eventually("the shell to write its pid") {
                ProcessProbe.processIDs(in: (try? String(contentsOf: pidFile, encoding: .utf8)) ?? "").first
            }
            worker.signal(SIGTERM)
            let exitStatus = await worker.waitForExit(timeout: .seconds(20))
            #expect(exitStatus == 0, "\(worker.log)")
            #expect(worker.log.contains("task handed back"), "\(worker.log)")
            #expect(!ProcessProbe.isAlive(shell), "the task's shell outlived the worker")
        } catch {
            Issue.record("\(error)\n\(cluster.logs)")
        }
        let statuses = await cluster.stop()
        #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses)")
    }

    /// A command that leaves a process behind (`cmd &`): the worker, a child subreaper as it is
    /// a container's PID 1, becomes that process's parent and reaps it when it exits, so no zombie
    /// stays behind.
    @Test func processesATaskLeavesBehindAreReapedByTheWorker() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let worker = try await cluster.startWorker(executor: "shell")
            let task = try await cluster.schedule(command: "sleep 1 >/dev/null 2>&1 & echo $!", at: .now())
            let done = try await cluster.waitForStatus(of: task, "completed")
            let orphan = try #require(ProcessProbe.processIDs(in: done["output"] as? String ?? "").first)
            #expect(ProcessProbe.parent(of: orphan) == worker.pid, "the worker adopted the process its task left behind")
            try await eventually("the left-behind process to be reaped", timeout: .seconds(10)) {
                ProcessProbe.exists(orphan) ? nil : true
            }
        }
    }
}
