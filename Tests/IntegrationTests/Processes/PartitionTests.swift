import ClusterKit
import Foundation
import Testing

@testable import Core

/// A worker cut off from its coordinator: it runs in a network namespace of its own, joined to
/// this host by a veth pair whose link the test takes down and up again.
@Suite(.serialized) struct PartitionTests {
    @Test func aCutOffWorkerLosesItsTaskAndItsLateReportChangesNothingWhenItRejoins() async throws {
        let network = try await NetworkNamespace.create()
        let token = String(repeating: "5e", count: 32)
        let environment = [ClusterToken.environmentVariable: token]
        do {
            try await withCluster { cluster in
                try await cluster.startCoordinator(host: "0.0.0.0", environment: environment)
                try await cluster.startScheduler()
                try await cluster.startWorker(
                    executor: "shell",
                    extraArguments: [
                        "--worker_port=\(network.inside):0", "--admin_port=\(network.inside):0",
                        "--coordinator=\(network.outside):\(cluster.coordinatorPort)",
                    ],
                    environment: environment.merging(["WORKER_ADDRESS": network.inside]) { $1 },
                    launcher: ["/usr/bin/env", "ip", "netns", "exec", network.name])
                let id = try await cluster.schedule(command: "sleep 6; echo first", at: .now(), maxAttempts: 2)
                _ = try await cluster.waitForStatus(of: id, "running")
                try await cluster.startWorker(executor: "shell", environment: environment)

                try await network.setLink(up: false)
                let cutAt = ContinuousClock.now
                let rerun = try await eventually("the task to run again elsewhere", timeout: .seconds(20)) {
                    let status = try await cluster.status(of: id)
                    return status["attempts"] as? Int == 2 && status["status"] as? String == "running" ? status : nil
                }
                print("partition: the cut-off worker's task runs elsewhere \(cutAt.duration(to: .now)) after the link went down")
                #expect(cutAt.duration(to: .now) < .seconds(8), "the heartbeat timeout (3s) and a round")
                try await network.setLink(up: true)

                // The cut-off worker finishes its attempt and reports it: nothing changes.
                let coordinator = try #require(cluster.coordinator)
                try await eventually("the late report to arrive and be ignored", timeout: .seconds(20)) {
                    coordinator.log.contains("status report ignored") ? true : nil
                }
                let done = try await cluster.waitForStatus(of: id, "completed", timeout: .seconds(30))
                #expect(done["attempts"] as? Int == 2)
                #expect(done["worker_id"] as? Int == rerun["worker_id"] as? Int, "the attempt that ran to the end is the one recorded")
                #expect((done["output"] as? String)?.contains("first") == true)
                // It rejoins: registered again and listed.
                try await eventually("the cut-off worker to register again") {
                    coordinator.log.components(separatedBy: "worker registered").count - 1 == 3 ? true : nil
                }
                let listed = try await curl(["http://127.0.0.1:\(cluster.schedulerPort)/workers"]).json["workers"] as? [Any]
                #expect(listed?.count == 2)
            }
        } catch {
            try? await network.remove()
            throw error
        }
        try await network.remove()
    }
}

/// A network namespace joined to this host by a veth pair: `outside` is the host's end, `inside`
/// the namespace's.
struct NetworkNamespace {
    let name: String
    let hostLink: String
    let outside: String
    let inside: String

    static func create() async throws -> NetworkNamespace {
        let suffix = String(UInt32.random(in: 0...0xFFFF), radix: 16)
        let subnet = Int.random(in: 1...250)
        let namespace = NetworkNamespace(
            name: "taskmaster-\(suffix)", hostLink: "tmh\(suffix)", outside: "10.213.\(subnet).1", inside: "10.213.\(subnet).2")
        let peer = "tmn\(suffix)"
        for command in [
            ["netns", "add", namespace.name],
            ["link", "add", namespace.hostLink, "type", "veth", "peer", "name", peer],
            ["link", "set", peer, "netns", namespace.name],
            ["addr", "add", "\(namespace.outside)/30", "dev", namespace.hostLink],
            ["link", "set", namespace.hostLink, "up"],
            ["netns", "exec", namespace.name, "ip", "addr", "add", "\(namespace.inside)/30", "dev", peer],
            ["netns", "exec", namespace.name, "ip", "link", "set", peer, "up"],
            ["netns", "exec", namespace.name, "ip", "link", "set", "lo", "up"],
        ] {
            try await namespace.ip(command)
        }
        return namespace
    }

    func setLink(up: Bool) async throws {
        try await ip(["link", "set", hostLink, up ? "up" : "down"])
    }

    /// Deletes the namespace, and the veth pair with it.
    func remove() async throws {
        try await ip(["netns", "del", name])
    }

    private func ip(_ arguments: [String]) async throws {
        let result = try await runCommand(["ip"] + arguments)
        guard result.status == 0 else {
            throw TimedOut(description: "ip \(arguments.joined(separator: " ")) failed: \(result.errors)")
        }
    }
}
