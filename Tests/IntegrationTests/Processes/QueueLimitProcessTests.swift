import ClusterKit
import Foundation
import Testing

@testable import Core

/// Queues' limits on a real cluster of release executables, measured from the commands' own
/// start and end marks, not from the database's view: what ran at once, and when.
@Suite(.serialized) struct QueueLimitProcessTests {
    @Test func concurrencyAndKeyLimitsHoldWhileACoordinatorIsKilled() async throws {
        let marks = RunMarks()
        defer { marks.remove() }
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            let other = try await cluster.startAnotherCoordinator()
            try await cluster.startScheduler()
            let (first, second) = ("127.0.0.1:\(cluster.coordinatorPort)", "127.0.0.1:\(other.port)")
            for servers in ["\(first),\(second)", "\(second),\(first)"] {
                try await cluster.startWorker(executor: "shell", extraArguments: ["--coordinator=\(servers)", "--capacity=10"])
            }
            try await cluster.putQueue("imports", #"{"concurrency_limit": 4, "key_concurrency_limit": 1}"#)
            let tasks = (0..<24).map { index in
                ["command": marks.command(task: index, key: "k\(index % 6)", seconds: 0.4), "scheduled_at": Timestamp.now().rfc3339,
                 "queue": "imports", "concurrency_key": "k\(index % 6)", "max_attempts": 3] as [String: Any]
            }
            let ids = try await cluster.scheduleBatch(tasks)
            try await eventually("tasks running") { marks.runs.count >= 4 ? true : nil }
            await cluster.kill(try #require(cluster.coordinator))
            for id in ids { _ = try await cluster.waitForStatus(of: id, "completed", timeout: .seconds(60)) }
            let runs = marks.runs
            #expect(Set(runs.map(\.task)) == Set(0..<24), "every task ran")
            #expect(runs.allSatisfy { $0.end != nil }, "no command was cut short")
            #expect(RunMarks.mostAtOnce(runs) == 4, "at most 4 at once, and the limit was used")
            for key in Set(runs.map(\.key)) {
                #expect(RunMarks.mostAtOnce(runs.filter { $0.key == key }) == 1, "one run of \(key) at a time")
            }
        }
    }

    @Test func aKeyHeldByAKilledWorkerIsFreeOnceItsTaskIsRequeued() async throws {
        let marks = RunMarks()
        defer { marks.remove() }
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let doomed = try await cluster.startWorker(executor: "shell", extraArguments: ["--capacity=2"])
            try await cluster.putQueue("one", #"{"key_concurrency_limit": 1}"#)
            let tasks = (0..<3).map { index in
                ["command": marks.command(task: index, key: "k", seconds: 2), "scheduled_at": Timestamp.now().rfc3339,
                 "queue": "one", "concurrency_key": "k", "max_attempts": 3] as [String: Any]
            }
            let ids = try await cluster.scheduleBatch(tasks)
            try await eventually("the first task to start") { marks.runs.isEmpty ? nil : true }
            try await cluster.startWorker(executor: "shell", extraArguments: ["--capacity=2"])
            await cluster.kill(doomed)
            let killedAt = Int64(Date().timeIntervalSince1970 * 1_000_000_000)
            for id in ids { _ = try await cluster.waitForStatus(of: id, "completed", timeout: .seconds(60)) }
            let runs = marks.runs
            #expect(runs.count == 4, "three tasks, one of them run twice")
            let cut = runs.filter { $0.end == nil }
            #expect(cut.count == 1, "the killed worker's shell died with it and wrote no end mark")
            let closed = runs.map { run in run.end == nil ? RunMarks.Run(task: run.task, key: run.key, start: run.start, end: killedAt) : run }
            #expect(RunMarks.mostAtOnce(closed) == 1, "never two runs of the key at once")
        }
    }

    @Test func aRateLimitSpacesStartsInEveryWindow() async throws {
        let marks = RunMarks()
        defer { marks.remove() }
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell", extraArguments: ["--capacity=5"])
            try await cluster.putQueue("mail", #"{"rate_limit": {"limit": 3, "period_seconds": 2}}"#)
            let tasks = (0..<9).map { index in
                ["command": marks.command(task: index, key: "m", seconds: 0), "scheduled_at": Timestamp.now().rfc3339, "queue": "mail"]
                    as [String: Any]
            }
            let ids = try await cluster.scheduleBatch(tasks)
            for id in ids { _ = try await cluster.waitForStatus(of: id, "completed", timeout: .seconds(60)) }
            let starts = marks.runs.map(\.start).sorted()
            #expect(starts.count == 9)
            // A command marks its start once its shell runs, a few milliseconds after the worker
            // started it; a window 20 ms short of the period leaves room for that difference.
            let window: Int64 = 1_980_000_000
            let busiest = starts.map { start in starts.filter { $0 >= start && $0 < start + window }.count }.max() ?? 0
            #expect(busiest == 3, "three starts in the busiest 2-second window, no more")
            #expect(starts[8] - starts[0] >= 2 * window, "nine starts took three windows")
        }
    }

    @Test func workersServeTheirQueuesAndAPausedQueueWaits() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(extraArguments: ["--queues=mail"])
            try await cluster.startWorker(extraArguments: ["--queues=default,reports"])
            let workers = try await cluster.workersByQueues()
            #expect(Set(workers.keys) == [["mail"], ["default", "reports"]])
            #expect(try await cluster.curlJSON("POST", "/queues/mail/pause")["paused"] as? Bool == true)
            let mail = try await cluster.scheduleBatch((0..<3).map { _ in ["command": "x", "scheduled_at": Timestamp.now().rfc3339, "queue": "mail"] })
            let plain = try await cluster.scheduleBatch((0..<3).map { _ in ["command": "x", "scheduled_at": Timestamp.now().rfc3339] })
            for id in plain {
                let done = try await cluster.waitForStatus(of: id, "completed")
                #expect(done["worker_id"] as? Int == workers[["default", "reports"]])
            }
            try await Task.sleep(for: .seconds(1))
            for id in mail { #expect(try await cluster.status(of: id)["status"] as? String == "scheduled") }
            let paused = try await cluster.curlJSON("GET", "/queues/mail")
            #expect((paused["held_back"] as? [String: Any])?["limit"] as? String == "paused")
            let metrics = "http://127.0.0.1:\(cluster.coordinatorAdminPort)/metrics"
            try await eventually("the coordinator's metrics to show the paused queue") {
                let scrape = try PrometheusScrape(parsing: try await curl([metrics]).body)
                return scrape.value("taskmaster_queue_held_back", labels: ["queue": "mail", "limit": "paused"]) == 3
                    && scrape.value("taskmaster_queue_tasks", labels: ["queue": "mail", "state": "due"]) == 3 ? true : nil
            }
            _ = try await cluster.curlJSON("POST", "/queues/mail/resume")
            for id in mail {
                let done = try await cluster.waitForStatus(of: id, "completed")
                #expect(done["worker_id"] as? Int == workers[["mail"]])
            }
        }
    }
}

/// Start and end marks that shell tasks write with the host's clock, one line each.
struct RunMarks: Sendable {
    struct Run: Sendable, Hashable {
        var task: Int
        var key: String
        /// Unix nanoseconds.
        var start: Int64
        var end: Int64?
    }

    let url = FileManager.default.temporaryDirectory.appendingPathComponent("marks-\(UUID().uuidString)")

    /// A command that marks its start, works `seconds`, and marks its end.
    func command(task: Int, key: String, seconds: Double) -> String {
        let mark = { (kind: String) in #"echo "\#(kind) \#(task) \#(key) $(date +%s%N)" >> \#(url.path)"# }
        return "\(mark("start")); sleep \(seconds); \(mark("end"))"
    }

    /// Every run, each start paired with the next end of the same task.
    var runs: [Run] {
        let lines = ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n")
        var runs: [Run] = []
        for line in lines {
            let fields = line.split(separator: " ")
            guard fields.count == 4, let task = Int(fields[1]), let time = Int64(fields[3]) else { continue }
            if fields[0] == "start" {
                runs.append(Run(task: task, key: String(fields[2]), start: time))
            } else if let open = runs.lastIndex(where: { $0.task == task && $0.end == nil }) {
                runs[open].end = time
            }
        }
        return runs
    }

    /// The most runs under way at one instant; a run without an end counts as going on.
    static func mostAtOnce(_ runs: [Run]) -> Int {
        runs.map { run in runs.filter { $0.start <= run.start && run.start < ($0.end ?? .max) }.count }.max() ?? 0
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}

extension Cluster {
    /// `PUT /queues/{name}` with `settings`; expects 200.
    func putQueue(_ name: String, _ settings: String) async throws {
        let reply = try await curl(["-X", "PUT", "http://127.0.0.1:\(schedulerPort)/queues/\(name)", "-d", settings])
        #expect(reply.status == 200, "\(reply.body)")
    }

    /// `POST /schedule/batch` of `tasks`; returns their ids.
    func scheduleBatch(_ tasks: [[String: Any]]) async throws -> [String] {
        let body = String(decoding: try JSONSerialization.data(withJSONObject: tasks), as: UTF8.self)
        let reply = try await curl(["-X", "POST", "http://127.0.0.1:\(schedulerPort)/schedule/batch", "-d", body])
        let listed = try reply.json["tasks"] as? [[String: Any]] ?? []
        return listed.compactMap { $0["task_id"] as? String }
    }

    /// One request to the scheduler's API; its JSON reply.
    func curlJSON(_ method: String, _ path: String) async throws -> [String: Any] {
        try await curl(["-X", method, "http://127.0.0.1:\(schedulerPort)\(path)"]).json
    }

    /// The live workers' ids by the queues they serve (`GET /workers`).
    func workersByQueues() async throws -> [[String]: Int] {
        try await eventually("every worker listed with its queues") {
            let listed = try await curlJSON("GET", "/workers")["workers"] as? [[String: Any]] ?? []
            let byQueues = Dictionary(
                listed.compactMap { worker in
                    (worker["queues"] as? [String]).flatMap { queues in (worker["worker_id"] as? Int).map { (queues, $0) } }
                }, uniquingKeysWith: { first, _ in first })
            return byQueues.count == workers.count ? byQueues : nil
        }
    }
}
