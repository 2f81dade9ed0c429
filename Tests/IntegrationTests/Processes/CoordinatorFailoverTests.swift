import ClusterKit
import Foundation
import Testing

@testable import Core

/// Several coordinators on one database, one of them SIGKILLed: its workers move to another one,
/// which adopts their tasks; what no live worker holds is back in the queue within the heartbeat
/// timeout (3s here); the work every coordinator does is done once.
@Suite(.serialized) struct CoordinatorFailoverTests {
    @Test func killingACoordinatorMidDrainMovesItsWorkersAndRunsEveryTaskOnce() async throws {
        let runs = FileManager.default.temporaryDirectory.appendingPathComponent("failover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: runs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: runs) }
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            let other = try await cluster.startAnotherCoordinator()
            try await cluster.startScheduler()
            let (first, second) = ("127.0.0.1:\(cluster.coordinatorPort)", "127.0.0.1:\(other.port)")
            for servers in ["\(first),\(second)", "\(first),\(second)", "\(second),\(first)"] {
                try await cluster.startWorker(executor: "shell", extraArguments: ["--coordinator=\(servers)", "--capacity=4"])
            }
            try await cluster.waitForCoordinatorWorkers([1, 2])
            let count = 24
            let ids = try await cluster.scheduleBatch(
                commands: (0..<count).map { "sleep 1; echo ran >> \(runs.path)/\($0)" }, at: .now(), maxAttempts: 3)
            try await eventually("tasks running on both coordinators' workers") {
                try await cluster.tasks(status: "running").count >= 8 ? true : nil
            }
            let killedAt = ContinuousClock.now
            await cluster.kill(try #require(cluster.coordinator))
            try await eventually("the other coordinator to have every worker") {
                let workers = try await curl(["http://127.0.0.1:\(other.adminPort)/workers"]).json["workers"] as? [Any]
                return workers?.count == 3 ? true : nil
            }
            let failover = killedAt.duration(to: .now)
            print("coordinator failover: its workers heartbeat to the other coordinator \(failover) after the SIGKILL")
            #expect(failover < .seconds(6), "within twice the heartbeat timeout")

            for id in ids { _ = try await cluster.waitForStatus(of: id, "completed", timeout: .seconds(60)) }
            for index in 0..<count {
                let lines = try String(contentsOf: runs.appendingPathComponent("\(index)"), encoding: .utf8)
                #expect(lines == "ran\n", "task \(index) ran once: its worker lived")
            }
            let moved = cluster.workers.filter { $0.log.contains("moving to another coordinator") }
            #expect(moved.count == 2, "the killed coordinator's two workers moved")
            let adopted = try await cluster.status(of: ids[0])
            #expect(adopted["attempts"] as? Int == 1)
        }
    }

    /// A coordinator stopped (SIGSTOP) for 15 s while its hand-off to a worker is on its way (the
    /// worker was stopped too, and continued at once): the worker takes the hand-off in time and
    /// moves with its tasks to the other coordinator, which takes over what is left; when the
    /// stopped coordinator continues, it takes back nothing and hands out nothing twice.
    @Test func aCoordinatorStoppedWithHandOffsInFlightLosesAndRepeatsNothing() async throws {
        let ledger = Ledger()
        defer { ledger.remove() }
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            let other = try await cluster.startAnotherCoordinator()
            try await cluster.startScheduler()
            let servers = "127.0.0.1:\(cluster.coordinatorPort),127.0.0.1:\(other.port)"
            let slow = try await cluster.startWorker(executor: "shell", extraArguments: ["--coordinator=\(servers)", "--capacity=5"])
            try await cluster.startWorker(executor: "shell", extraArguments: ["--coordinator=\(servers)", "--capacity=5"])
            try await cluster.waitForCoordinatorWorkers([2])
            let coordinator = try #require(cluster.coordinator)
            slow.signal(SIGSTOP)
            let taskIDs = try await cluster.scheduleBatch(
                commands: (0..<20).map { "\(ledger.append($0)); sleep 1" }, at: .now(), maxAttempts: 3)
            try await Task.sleep(for: .milliseconds(500))
            coordinator.signal(SIGSTOP)
            slow.signal(SIGCONT)
            try await Task.sleep(for: .seconds(15))
            coordinator.signal(SIGCONT)
            for taskID in taskIDs {
                _ = try await cluster.waitForStatus(of: taskID, "completed", timeout: .seconds(60))
            }
            try await Task.sleep(for: .seconds(3))
            #expect(ledger.runs.sorted() == Array(0..<20), "every task ran exactly once")
            #expect(cluster.workers.allSatisfy { $0.log.contains("moving to another coordinator") })
        }
    }

    @Test func whatNoLiveWorkerHoldsIsBackInTheQueueWithinTheHeartbeatTimeout() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            let other = try await cluster.startAnotherCoordinator()
            try await cluster.startScheduler()
            let doomed = try await cluster.startWorker(executor: "shell", extraArguments: ["--capacity=2"])
            let id = try await cluster.schedule(command: "sleep 5", at: .now(), maxAttempts: 2)
            _ = try await cluster.waitForStatus(of: id, "running")
            // The worker and its coordinator die together; a worker of the other coordinator is left.
            try await cluster.startWorker(executor: "shell", extraArguments: ["--coordinator=127.0.0.1:\(other.port)"])
            await cluster.kill(doomed)
            await cluster.kill(try #require(cluster.coordinator))
            let killedAt = ContinuousClock.now
            try await eventually("the task to run again", timeout: .seconds(20)) {
                try await cluster.status(of: id)["attempts"] as? Int == 2 ? true : nil
            }
            let recovery = killedAt.duration(to: .now)
            print("coordinator and worker lost: the task runs again \(recovery) after the SIGKILLs")
            #expect(recovery < .seconds(8), "the heartbeat timeout (3s) and a round, not the 30s lease")
            #expect(other.process.log.contains("tasks of a lost coordinator requeued"))
            _ = try await cluster.waitForStatus(of: id, "completed")
        }
    }

    @Test func threeCoordinatorsDoEveryDutyOnceAndOneOfThemTakesOverWhatTheKilledOneLeft() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            let others = [try await cluster.startAnotherCoordinator(), try await cluster.startAnotherCoordinator()]
            try await cluster.startScheduler()
            let servers = (["127.0.0.1:\(cluster.coordinatorPort)"] + others.map { "127.0.0.1:\($0.port)" }).joined(separator: ",")
            try await cluster.startWorker(extraArguments: ["--coordinator=\(servers)"])
            let id = try await cluster.createSchedule(
                #"{"cron": "* * * * * *", "command": "true", "overlap": "allow", "catchup_window_seconds": 60}"#)
            try await Task.sleep(for: .seconds(3))
            await cluster.kill(try #require(cluster.coordinator))
            try await eventually("a survivor to remove the killed coordinator's row", timeout: .seconds(15)) {
                others.contains { $0.process.log.contains("coordinator missed its heartbeats") } ? true : nil
            }
            try await Task.sleep(for: .seconds(3))
            let removals = others.map { $0.process.log.components(separatedBy: "coordinator missed its heartbeats").count - 1 }
            #expect(removals.sorted() == [0, 1], "one survivor removed the row, once")
            let fires = try await cluster.tasks(ofSchedule: id).compactMap { Timestamp(field: $0["nominal_time"]) }.sorted()
            #expect(fires.count >= 8)
            #expect(ScheduleProcessTests.isOneTaskPerSecond(fires), "no fire doubled or dropped: \(fires.map(\.rfc3339))")
            // Fires are decided two seconds ahead: those past by then must all have run.
            let past = Timestamp.now().advanced(bySeconds: -3)
            try await eventually("every past fire to complete") {
                try await cluster.tasks(ofSchedule: id).allSatisfy {
                    $0["status"] as? String == "completed" || (Timestamp(field: $0["nominal_time"]).map { $0 > past } ?? false)
                } ? true : nil
            }
        }
    }
}

extension Cluster {
    /// Waits until the running coordinators have, between them, the given numbers of workers
    /// (in any order; coordinators with none left out), as `GET /coordinators` lists them.
    func waitForCoordinatorWorkers(_ counts: [Int]) async throws {
        let url = "http://127.0.0.1:\(schedulerPort)/coordinators"
        try await eventually("coordinators with \(counts) workers") {
            let listed = try await curl([url]).json["coordinators"] as? [[String: Any]] ?? []
            let workers = listed.compactMap { $0["workers"] as? Int }.filter { $0 > 0 }.sorted()
            return workers == counts.sorted() ? true : nil
        }
    }

    /// `GET /tasks?status=` (the first page).
    func tasks(status: String) async throws -> [[String: Any]] {
        let reply = try await curl(["http://127.0.0.1:\(schedulerPort)/tasks?status=\(status)&limit=1000"])
        return try reply.json["tasks"] as? [[String: Any]] ?? []
    }
}
