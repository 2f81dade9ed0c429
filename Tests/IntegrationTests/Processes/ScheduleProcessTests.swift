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
            let second = try await cluster.startAnotherCoordinator()
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
        }
    }

    /// Whether `fires` are distinct whole seconds with none missing between the first and the last.
    private static func isOneTaskPerSecond(_ fires: [Timestamp]) -> Bool {
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
