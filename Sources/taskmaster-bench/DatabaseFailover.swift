import APIClient
import APIModels
import ClusterKit
import Core
import Foundation
import Logging
import NIOCore
import Postgres

/// The PostgreSQL half of the `failover` scenario, at the default flags: a primary with a
/// synchronous streaming standby of its own, a scheduler, a coordinator and three workers given
/// both hosts in one `DATABASE_URL`, tasks posted one after another; the primary is SIGKILLed
/// and the standby promoted. How long until `/schedule` answers 200 again, how many requests it
/// refused meanwhile, and how many acknowledged tasks were lost (none may be).
enum DatabaseFailover {
    private static let scenario = "failover"
    /// Tasks acknowledged before the kill, and after the first acknowledgement that follows it.
    private static let tasksOnEachSide = 500

    static func run(binDirectory: String) async throws -> [Figure] {
        let script = FileManager.default.currentDirectoryPath + "/scripts/postgres.sh"
        let primary = try await ThrowawayPostgres.start(script: script)
        var standby: ThrowawayPostgres?
        var processes: [ServiceProcess] = []
        do {
            let promoted = try await primary.startStandby()
            standby = promoted
            let figures = try await measure(
                primary: primary, standby: promoted, binDirectory: binDirectory, started: { processes.append($0) })
            for process in processes.reversed() { await process.stop() }
            try await promoted.stop()
            try await primary.stop()
            return figures
        } catch {
            for process in processes.reversed() { await process.stop() }
            try? await standby?.stop()
            try? await primary.stop()
            throw error
        }
    }

    private static func measure(
        primary: ThrowawayPostgres, standby: ThrowawayPostgres, binDirectory: String, started: (ServiceProcess) -> Void
    ) async throws -> [Figure] {
        let url = "postgres://postgres@\(primary.hostAndPort),\(standby.hostAndPort)/taskmaster?target_session_attrs=read-write"
        let environment = ["DATABASE_URL": url]
        let coordinatorPort = try await freePort()
        started(
            try ServiceProcess(
                executablePath: binDirectory + "/coordinator",
                arguments: ["--coordinator_port=127.0.0.1:\(coordinatorPort)", "--admin_port=127.0.0.1:0"],
                environment: environment))
        try await eventually("the coordinator to listen") { await isListening(port: coordinatorPort) ? true : nil }
        let schedulerPort = try await freePort()
        started(
            try ServiceProcess(
                executablePath: binDirectory + "/scheduler", arguments: ["--scheduler_port=127.0.0.1:\(schedulerPort)"],
                environment: environment))
        try await eventually("the scheduler to be ready") { await answersOK(port: schedulerPort, "/readyz") ? true : nil }
        for index in 1...3 {
            started(
                try ServiceProcess(
                    executablePath: binDirectory + "/worker", name: "database-failover-worker-\(index)",
                    arguments: ["--coordinator=127.0.0.1:\(coordinatorPort)", "--executor=noop", "--admin_port=127.0.0.1:0"],
                    environment: ["WORKER_ADDRESS": "127.0.0.1"]))
        }

        var acknowledged: [String] = []
        var refused = 0
        var killedAt: ContinuousClock.Instant?
        var recovery: (after: Duration, acknowledged: Int)?
        let deadline = ContinuousClock.now + .seconds(120)
        var connection = try await HTTPConnection.connect(host: "127.0.0.1", port: schedulerPort)
        while ContinuousClock.now < deadline, acknowledged.count < (recovery?.acknowledged ?? .max - tasksOnEachSide) + tasksOnEachSide {
            var body = ByteBuffer()
            body.writeString(#"{"command": "failover", "scheduled_at": "\#(Timestamp.now().rfc3339)"}"#)
            do {
                let answer = try await connection.send(.POST, "/schedule", body: body, timeout: .seconds(10))
                if answer.status == 200 {
                    let reply = try JSONDecoder().decode(ScheduleResponse.self, from: Data(answer.body.readableBytesView))
                    acknowledged.append(reply.taskID)
                    if let killedAt, recovery == nil { recovery = (killedAt.duration(to: .now), acknowledged.count) }
                } else {
                    refused += 1
                }
            } catch {
                refused += 1
                await connection.close()
                connection = try await HTTPConnection.connect(host: "127.0.0.1", port: schedulerPort)
            }
            if acknowledged.count == tasksOnEachSide, killedAt == nil {
                try primary.kill()
                killedAt = .now
                try await standby.promote()
            }
        }
        await connection.close()
        let switchTime = try require(recovery?.after)

        var logger = Logger(label: "bench")
        logger.logLevel = .warning
        let database = PostgresClient(configuration: try PostgresConfiguration(url: standby.url), logger: logger)
        let ids = acknowledged.compactMap(UUID.init(uuidString:))
        // The acknowledged tasks that complete within two minutes; the others are lost.
        var completed = 0
        let completionDeadline = ContinuousClock.now + .seconds(120)
        while completed < ids.count, ContinuousClock.now < completionDeadline {
            completed = try await database.query(
                "SELECT count(*) FROM tasks WHERE id = ANY($1::uuid[]) AND status = 'completed'", [PostgresArray(ids)]
            ).first?.int(0) ?? 0
            if completed < ids.count { try await Task.sleep(for: .milliseconds(200)) }
        }
        await database.close()
        return [
            Figure(scenario, "database failover: /schedule answers 200 again", switchTime.seconds, "s"),
            Figure(scenario, "database failover: requests refused meanwhile", refused),
            Figure(scenario, "database failover: acknowledged tasks lost", acknowledged.count - completed, target: .equal(0)),
        ]
    }
}
