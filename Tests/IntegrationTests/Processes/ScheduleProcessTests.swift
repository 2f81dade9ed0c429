import ClusterKit
import Foundation
import Testing

@testable import Core

/// Recurring schedules through the real processes: fires on time with real shell tasks, exactly
/// one task per fire while coordinators are killed and restarted, catch-up within the window and
/// misses beyond it, and the skip policy.
@Suite(.serialized) struct ScheduleProcessTests {
    @Test func aScheduleRunsItsCommandEverySecondOnTime() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let id = try await cluster.createSchedule(#"{"cron": "* * * * * *", "command": "echo tick", "overlap": "allow"}"#)
            let tasks = try await eventually("five completed fires", timeout: .seconds(30)) {
                let tasks = try await cluster.tasks(ofSchedule: id)
                return tasks.filter { $0["status"] as? String == "completed" }.count >= 5 ? tasks : nil
            }
            let fires = tasks.compactMap { Timestamp(field: $0["nominal_time"]) }.sorted()
            #expect(Self.isOneTaskPerSecond(fires), "\(fires.map(\.rfc3339))")
            for task in tasks where task["status"] as? String == "completed" {
                let nominal = try #require(Timestamp(field: task["nominal_time"]))
                let started = try #require(Timestamp(field: task["started_at"]))
                #expect(started >= nominal, "never early")
                #expect(started.microsecondsSinceEpoch - nominal.microsecondsSinceEpoch < 1_000_000, "on time")
                #expect((task["output"] as? String)?.contains("tick") == true)
            }
            let counts = try await cluster.schedule(id)["counts"] as? [String: Int]
            #expect((counts?["fired"] ?? 0) >= tasks.count)
        }
    }

    @Test func killingAndRestartingCoordinatorsNeitherDoublesNorDropsAFire() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            let second = try await cluster.startAnotherCoordinator().process
            try await cluster.startScheduler()
            try await cluster.startWorker()
            let id = try await cluster.createSchedule(
                #"{"cron": "* * * * * *", "command": "true", "overlap": "allow", "catchup_window_seconds": 60}"#)
            try await Task.sleep(for: .seconds(3))
            await cluster.kill(second)
            try await Task.sleep(for: .seconds(2))
            // Every coordinator down for three seconds, then back: the fires in between catch up.
            await cluster.kill(try #require(cluster.coordinator))
            try await Task.sleep(for: .seconds(3))
            try await cluster.startCoordinator()
            try await Task.sleep(for: .seconds(2))
            let fires = try await eventually("the fires to catch up") {
                let fires = try await cluster.tasks(ofSchedule: id).compactMap { Timestamp(field: $0["nominal_time"]) }.sorted()
                return fires.count >= 9 ? fires : nil
            }
            #expect(Self.isOneTaskPerSecond(fires), "\(fires.map(\.rfc3339))")
            let schedule = try await cluster.schedule(id)
            let counts = try #require(schedule["counts"] as? [String: Int])
            #expect(counts["missed"] == 0)
            #expect(counts["skipped"] == 0)
            #expect((counts["fired"] ?? 0) >= fires.count)
        }
    }

    @Test func firesOlderThanTheWindowAreMissedWhenTheCoordinatorComesBack() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker()
            let id = try await cluster.createSchedule(
                #"{"cron": "* * * * * *", "command": "true", "overlap": "allow", "catchup_window_seconds": 2}"#)
            try await Task.sleep(for: .seconds(2))
            await cluster.kill(try #require(cluster.coordinator))
            try await Task.sleep(for: .seconds(6))
            try await cluster.startCoordinator()
            let schedule = try await eventually("the missed fires to be counted") {
                let schedule = try await cluster.schedule(id)
                return ((schedule["counts"] as? [String: Int])?["missed"] ?? 0) > 0 ? schedule : nil
            }
            let counts = try #require(schedule["counts"] as? [String: Int])
            #expect((2...6).contains(counts["missed"] ?? 0), "\(counts)")
            let fires = try await cluster.tasks(ofSchedule: id).compactMap { Timestamp(field: $0["nominal_time"]) }.sorted()
            let first = try #require(fires.first), last = try #require(fires.last)
            let span = Int((last.microsecondsSinceEpoch - first.microsecondsSinceEpoch) / 1_000_000) + 1
            // Every second from the first fire to the last either made a task or was missed.
            #expect(Set(fires).count == fires.count, "no fire twice")
            #expect(fires.count + (counts["missed"] ?? 0) >= span, "\(fires.map(\.rfc3339)) \(counts)")
            try await eventually("the coordinator to log a miss") {
                cluster.coordinator?.log.contains("schedule fire missed") == true ? true : nil
            }
        }
    }

    @Test func skipNeverRunsTwoTasksOfAScheduleAtOnce() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let id = try await cluster.createSchedule(#"{"cron": "* * * * * *", "command": "sleep 2.5"}"#)
            let tasks = try await eventually("two finished tasks", timeout: .seconds(30)) {
                let tasks = try await cluster.tasks(ofSchedule: id).filter { $0["status"] as? String == "completed" }
                return tasks.count >= 2 ? tasks : nil
            }
            let runs = tasks.compactMap { task -> (Timestamp, Timestamp)? in
                guard let started = Timestamp(field: task["started_at"]), let ended = Timestamp(field: task["completed_at"])
                else { return nil }
                return (started, ended)
            }.sorted { $0.0 < $1.0 }
            #expect(zip(runs, runs.dropFirst()).allSatisfy { $1.0 >= $0.1 }, "no overlap")
            let counts = try #require(try await cluster.schedule(id)["counts"] as? [String: Int])
            #expect((counts["skipped"] ?? 0) >= 2, "\(counts)")
            let metrics = try await scrapeMetrics(port: cluster.coordinatorAdminPort)
            #expect((metrics.value("taskmaster_schedule_fires_total", labels: ["outcome": "created"]) ?? 0) >= 2)
            #expect((metrics.value("taskmaster_schedule_fires_total", labels: ["outcome": "skipped"]) ?? 0) >= 2)
            try await eventually("the active schedules gauge") {
                try await scrapeMetrics(port: cluster.coordinatorAdminPort).value("taskmaster_schedules_active") == 1 ? true : nil
            }
            #expect(cluster.coordinator?.log.contains("schedule fire skipped") == true)
        }
    }

    @Test func cancelPreviousStopsTheRunningCommandForTheNewFire() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let id = try await cluster.createSchedule(
                #"{"cron": "*/2 * * * * *", "command": "sleep 30", "overlap": "cancel_previous"}"#)
            let tasks = try await eventually("two fires cancelled by newer ones", timeout: .seconds(30)) {
                let tasks = try await cluster.tasks(ofSchedule: id)
                return tasks.filter { $0["status"] as? String == "cancelled" }.count >= 2 ? tasks : nil
            }
            for task in tasks where task["status"] as? String == "cancelled" {
                #expect((task["error"] as? String)?.contains("cancel_previous") == true)
            }
            let unfinished = tasks.filter { ["scheduled", "dispatched", "running"].contains($0["status"] as? String ?? "") }
            #expect(unfinished.count <= 1, "at most the newest fire runs")
        }
    }

    @Test func bufferOneRunsOneWaitingFireWhenThePreviousEnds() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let id = try await cluster.createSchedule(#"{"cron": "* * * * * *", "command": "sleep 3", "overlap": "buffer_one"}"#)
            let runs = try await eventually("two finished tasks", timeout: .seconds(30)) {
                let done = try await cluster.tasks(ofSchedule: id).filter { $0["status"] as? String == "completed" }
                return done.count >= 2 ? done : nil
            }.compactMap { task -> (nominal: Timestamp, started: Timestamp, ended: Timestamp)? in
                guard let nominal = Timestamp(field: task["nominal_time"]), let started = Timestamp(field: task["started_at"]),
                    let ended = Timestamp(field: task["completed_at"])
                else { return nil }
                return (nominal, started, ended)
            }.sorted { $0.nominal < $1.nominal }
            let (first, second) = (runs[0], runs[1])
            // The buffered fire is the one right after the first, and starts once the first ended.
            #expect(second.nominal.microsecondsSinceEpoch - first.nominal.microsecondsSinceEpoch == 1_000_000)
            #expect(second.started >= first.ended)
            let counts = try #require(try await cluster.schedule(id)["counts"] as? [String: Int])
            #expect((counts["skipped"] ?? 0) >= 1, "\(counts)")
        }
    }

    @Test func pauseResumeTriggerAndBackfill() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let base = "http://127.0.0.1:\(cluster.schedulerPort)"
            let createdAt = Timestamp.now()
            let id = try await cluster.createSchedule(#"{"cron": "* * * * * *", "command": "echo fire", "paused": true}"#)
            try await Task.sleep(for: .seconds(2))
            #expect(try await cluster.tasks(ofSchedule: id).isEmpty, "a paused schedule fires nothing")

            let triggered = try await curl(["-X", "POST", "\(base)/schedules/\(id)/trigger"])
            #expect(triggered.status == 201, "\(triggered.body)")
            let taskID = try #require(try triggered.json["task_id"] as? String)
            let done = try await cluster.waitForStatus(of: taskID, "completed")
            #expect((done["output"] as? String)?.contains("fire") == true)

            let range = #"{"start": "2026-01-01T00:00:00Z", "end": "2026-01-01T00:00:05Z"}"#
            let first = try await curl(["-X", "POST", "\(base)/schedules/\(id)/backfill", "-d", range])
            #expect(try first.json["created"] as? Int == 5)
            let again = try await curl(["-X", "POST", "\(base)/schedules/\(id)/backfill", "-d", range])
            #expect(try again.json["created"] as? Int == 0)

            let resumed = try await curl(["-X", "PATCH", "\(base)/schedules/\(id)", "-d", #"{"paused": false}"#])
            #expect(resumed.status == 200)
            let resumedAt = Timestamp.now()
            try await eventually("fires after the resume") {
                let fires = try await cluster.tasks(ofSchedule: id).compactMap { Timestamp(field: $0["nominal_time"]) }
                return fires.filter { $0 > resumedAt }.count >= 2 ? true : nil
            }
            let duringPause = try await cluster.tasks(ofSchedule: id).filter { task in
                guard let nominal = Timestamp(field: task["nominal_time"]) else { return false }
                return task["task_id"] as? String != taskID && nominal > createdAt && nominal < resumedAt
            }
            #expect(duringPause.isEmpty, "fires during the pause are not caught up")

            let refused = try await curl(["-X", "POST", "\(base)/schedules", "-d", #"{"cron": "61 * * * *", "command": "true"}"#])
            #expect(refused.status == 400)
            #expect(refused.errorCode == "invalid_schedule")
        }
    }

    /// Whether `fires` are distinct whole seconds with none missing between the first and the last.
    static func isOneTaskPerSecond(_ fires: [Timestamp]) -> Bool {
        zip(fires, fires.dropFirst()).allSatisfy { $1.microsecondsSinceEpoch - $0.microsecondsSinceEpoch == 1_000_000 }
            && fires.allSatisfy { $0.microsecondsSinceEpoch % 1_000_000 == 0 }
    }
}

extension Cluster {
    /// `POST /schedules`; returns the schedule id.
    func createSchedule(_ json: String) async throws -> String {
        let reply = try await curl(["-X", "POST", "http://127.0.0.1:\(schedulerPort)/schedules", "-d", json])
        guard reply.status == 201, let id = try reply.json["schedule_id"] as? String else {
            throw TimedOut(description: "POST /schedules failed: \(reply.status) \(reply.body)")
        }
        return id
    }

    func schedule(_ id: String) async throws -> [String: Any] {
        try await curl(["http://127.0.0.1:\(schedulerPort)/schedules/\(id)"]).json
    }

    /// The schedule's tasks (the newest thousand).
    func tasks(ofSchedule id: String) async throws -> [[String: Any]] {
        let reply = try await curl(["http://127.0.0.1:\(schedulerPort)/tasks?schedule_id=\(id)&limit=1000"])
        return try reply.json["tasks"] as? [[String: Any]] ?? []
    }
}
