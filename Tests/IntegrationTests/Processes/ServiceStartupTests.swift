import ClusterKit
import Foundation
import NIOCore
import NIOPosix
import Testing

@testable import Core

/// How the executables start, as users and supervisors see them: the default executor, and one
/// clear line and a non-zero exit when they cannot start.
@Suite(.serialized) struct ServiceStartupTests {
    @Test func aWorkerRunsTheRealCommandByDefaultAndSaysSoInWorkers() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let worker = try await cluster.startWorker(executor: nil)
            let marker = FileManager.default.temporaryDirectory.appendingPathComponent("ran-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: marker) }
            let taskID = try await cluster.schedule(command: "echo hi > \(marker.path)", at: .now())
            _ = try await cluster.waitForStatus(of: taskID, "completed")
            #expect(try String(contentsOf: marker, encoding: .utf8) == "hi\n")
            let listed = try await eventually("the worker in /workers") {
                let reply = try await curl(["http://127.0.0.1:\(cluster.schedulerPort)/workers"])
                return (try reply.json["workers"] as? [[String: Any]])?.first
            }
            #expect(listed["executor"] as? String == "shell", "\(listed)\n\(worker.log)")
            let admin = try await curl(["http://127.0.0.1:\(cluster.coordinatorAdminPort)/workers"])
            #expect((try admin.json["workers"] as? [[String: Any]])?.first?["executor"] as? String == "shell")
        }
    }

    @Test func aTakenPortStopsEachServiceAtOnceWithOneLine() async throws {
        let database = try await IsolatedDatabase.create()
        let taken = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(taken.localAddress?.port)
        let data = "--data_dir=\(TestEnvironment.dataDirectory)"
        let cases: [(executable: String, arguments: [String])] = [
            ("coordinator", ["--coordinator_port=127.0.0.1:\(port)", "--admin_port=127.0.0.1:0", data]),
            ("coordinator", ["--coordinator_port=127.0.0.1:0", "--admin_port=127.0.0.1:\(port)", data]),
            ("scheduler", ["--scheduler_port=127.0.0.1:\(port)", data]),
            ("worker", ["--worker_port=127.0.0.1:\(port)", "--admin_port=127.0.0.1:0"]),
            ("worker", ["--worker_port=127.0.0.1:0", "--admin_port=127.0.0.1:\(port)"]),
        ]
        for (executable, arguments) in cases {
            let process = try ServiceProcess(
                executablePath: try TestEnvironment.executable(executable), arguments: arguments,
                environment: ["DATABASE_URL": database.url])
            let status = await process.waitForExit(timeout: .seconds(20))
            if status == nil { await process.stop(timeout: .seconds(1)) }
            #expect(status == 1, "\(executable) \(arguments): \(process.log)")
            let lastLine = process.log.split(separator: "\n").last.map(String.init)
            #expect(lastLine == "error: cannot listen on 127.0.0.1:\(port): address already in use", "\(process.log)")
        }
        try await taken.close()
        await database.drop()
    }

    @Test func aBadFlagIsOneLineAndTheUsageExitCode() async throws {
        for (executable, flag, message) in [
            ("worker", "--capacity=abc", "error: The value 'abc' is invalid for '--capacity <capacity>'"),
            ("worker", "--capacity=0", "error: --capacity must be between 1 and 10000"),
            ("coordinator", "--bogus", "error: Unknown option '--bogus'"),
            ("scheduler", "--scheduler_port=nowhere", "error: The value 'nowhere' is invalid for '--scheduler_port <scheduler_port>'"),
        ] {
            let process = try ServiceProcess(executablePath: try TestEnvironment.executable(executable), arguments: [flag])
            #expect(await process.waitForExit(timeout: .seconds(10)) == 64, "\(executable) \(flag)")
            #expect(process.log == message + "\n", "\(executable) \(flag)")
        }
    }

    @Test func helpShowsDurationsAsTheyAreTyped() async throws {
        let process = try ServiceProcess(executablePath: try TestEnvironment.executable("coordinator"), arguments: ["--help"])
        #expect(await process.waitForExit(timeout: .seconds(10)) == 0)
        for text in ["(default: 7d)", "(default: 5s)", "(default: 30s)"] {
            #expect(process.log.contains(text), "\(text) in \(process.log)")
        }
        #expect(!process.log.contains(".0s)"), "no seconds as a floating-point number")
    }

    @Test func checkTellsWhetherTheServiceOnThisHostIsReady() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker()
            let probes: [(executable: String, flag: String)] = [
                ("scheduler", "--scheduler_port=:\(cluster.schedulerPort)"),
                ("coordinator", "--admin_port=127.0.0.1:\(cluster.coordinatorAdminPort)"),
                ("worker", "--admin_port=:\(cluster.workerAdminPorts[0])"),
            ]
            for (executable, flag) in probes {
                let check = try ServiceProcess(executablePath: try TestEnvironment.executable(executable), arguments: ["--check", flag])
                #expect(await check.waitForExit(timeout: .seconds(10)) == 0, "\(executable) \(flag): \(check.log)")
                #expect(check.log.hasPrefix("ready: "), "\(check.log)")
            }
            let closed = try await freePort()
            let check = try ServiceProcess(
                executablePath: try TestEnvironment.executable("worker"), arguments: ["--check", "--admin_port=:\(closed)"])
            #expect(await check.waitForExit(timeout: .seconds(10)) == 1)
            #expect(check.log.hasPrefix("not ready: "), "\(check.log)")
        }
    }

    @Test func aWorkerSaysWhenTheCoordinatorRefusesItsToken() async throws {
        try await withCluster { cluster in
            let worker = try await cluster.startWorker(waitForRegistration: false)
            try await eventually("the worker to find no coordinator") {
                worker.log.contains("the coordinator does not take heartbeats") ? true : nil
            }
            try await cluster.startCoordinator(environment: ["TASKMASTER_CLUSTER_TOKEN": "the-cluster-token"])
            try await eventually("the worker to log the refusal") { worker.log.contains("UNAUTHENTICATED") ? true : nil }
        }
    }
}
