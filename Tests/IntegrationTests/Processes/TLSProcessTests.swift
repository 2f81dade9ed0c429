import ClusterKit
import Foundation
import Testing

@testable import Core

/// TLS on every link, with a certificate authority made by openssl for each test: the scheduler's
/// API, the coordinator and the workers all require client certificates it signed.
@Suite(.serialized) struct TLSProcessTests {
    @Test func aTaskRunsEndToEndOverMutualTLS() async throws {
        let authority = try await ThrowawayCertificateAuthority.create()
        defer { authority.remove() }
        let cluster = try await Cluster.create()
        cluster.tls = try await authority.issue("node")
        try await withCluster(cluster) { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let task = try await cluster.schedule(command: "echo over tls", at: .now())
            let done = try await cluster.waitForStatus(of: task, "completed")
            #expect(done["output"] as? String == "over tls\n")

            let identity = try #require(cluster.tls)
            for (offer, chosen) in [("--http2", "2"), ("--http1.1", "1.1")] {
                let version = try await runCommand(
                    ["curl", "-s", "--max-time", "10", "-o", "/dev/null", "-w", "%{http_version}", offer] + identity.curlArguments
                        + ["https://localhost:\(cluster.schedulerPort)/healthz"])
                #expect(version.output == chosen, "ALPN gives HTTP/\(chosen) to a client offering \(offer): \(version)")
            }
            let admin = try await cluster.request(port: cluster.coordinatorAdminPort, "/readyz")
            #expect(admin.status == 200, "the admin port serves HTTPS too: \(admin.body)")
        }
    }

    @Test func aWorkerWithACertificateFromAnotherAuthorityIsRefusedAndNeverRegisters() async throws {
        let authority = try await ThrowawayCertificateAuthority.create()
        let stranger = try await ThrowawayCertificateAuthority.create(name: "Another CA")
        defer {
            authority.remove()
            stranger.remove()
        }
        let cluster = try await Cluster.create()
        cluster.tls = try await authority.issue("node")
        try await withCluster(cluster) { cluster in
            try await cluster.startCoordinator()
            // Trusts the coordinator, but shows a certificate the coordinator's authority did not sign.
            var outsider = try await stranger.issue("outsider")
            outsider.authority = authority.certificate
            cluster.tls = outsider
            let worker = try await cluster.startWorker(waitForRegistration: false)
            let coordinator = try #require(cluster.coordinator)
            try await eventually("the coordinator to log the refused handshake\n\(coordinator.log)") {
                coordinator.log.contains("refused a caller: TLS handshake failed") ? true : nil
            }
            #expect(coordinator.log.contains("address=127.0.0.1"), "the log line names the peer: \(coordinator.log)")
            // The worker keeps trying every 200 ms; many heartbeats later it is still not registered.
            try await eventually("several refused heartbeats\n\(worker.log)") {
                worker.log.components(separatedBy: "the coordinator does not take heartbeats").count > 1 ? true : nil
            }
            cluster.tls = try await authority.issue("node")
            let workers = try await cluster.request(port: cluster.coordinatorAdminPort, "/workers").json["workers"] as? [[String: Any]]
            #expect(workers?.isEmpty == true, "\(String(describing: workers))")
            #expect(!worker.log.contains("heartbeats reach the coordinator"))
            #expect(!coordinator.log.contains("worker registered"))
        }
    }

    @Test func workersWhoseCertificateNamesNoAddressAreCheckedAgainstTheCoordinatorsWorkerName() async throws {
        let authority = try await ThrowawayCertificateAuthority.create()
        defer { authority.remove() }
        let cluster = try await Cluster.create()
        cluster.tls = try await authority.issue("node")
        try await withCluster(cluster) { cluster in
            try await cluster.startCoordinator(extraArguments: ["--tls_worker_name=taskmaster-worker"])
            try await cluster.startScheduler()
            // As in a container or a pod: the worker is dialled at an address its certificate
            // does not name.
            cluster.tls = try await authority.issue("worker", subjectAlternativeNames: ["DNS:taskmaster-worker"])
            try await cluster.startWorker(executor: "shell")
            cluster.tls = try await authority.issue("node")
            let task = try await cluster.schedule(command: "echo handed over", at: .now())
            let done = try await cluster.waitForStatus(of: task, "completed")
            #expect(done["output"] as? String == "handed over\n")
        }
    }

    @Test func aWorkerWhoseCertificateDoesNotNameItsAddressGetsNoTask() async throws {
        let authority = try await ThrowawayCertificateAuthority.create()
        defer { authority.remove() }
        let cluster = try await Cluster.create()
        cluster.tls = try await authority.issue("node")
        try await withCluster(cluster) { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            cluster.tls = try await authority.issue("worker", subjectAlternativeNames: ["DNS:taskmaster-worker"])
            try await cluster.startWorker(executor: "shell")
            cluster.tls = try await authority.issue("node")
            let task = try await cluster.schedule(command: "echo never", at: .now())
            try await Task.sleep(for: .seconds(3))
            let status = try await cluster.status(of: task)["status"] as? String
            #expect(status != "running" && status != "completed", "the coordinator did not hand the task to a worker it cannot verify")
            let coordinator = try #require(cluster.coordinator)
            #expect(
                coordinator.log.contains("hand-off failed: UNAVAILABLE (14): TLS handshake failed: the server's certificate does not name the host dialled"),
                "the coordinator says why: \(coordinator.log)")
        }
    }

    @Test func plainTextToTLSPortsFailsCleanlyAndTheServicesLive() async throws {
        let authority = try await ThrowawayCertificateAuthority.create()
        defer { authority.remove() }
        let cluster = try await Cluster.create()
        cluster.tls = try await authority.issue("node")
        try await withCluster(cluster) { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let plainAPI = try await curl(["http://127.0.0.1:\(cluster.schedulerPort)/healthz"])
            #expect(plainAPI.status == 0, "plain HTTP gets no answer: \(plainAPI)")
            let plainGRPC = try await curl(["--http2-prior-knowledge", "-X", "POST", "http://127.0.0.1:\(cluster.coordinatorPort)/grpcapi.CoordinatorService/SendHeartbeat"])
            #expect(plainGRPC.status == 0, "cleartext HTTP/2 gets no answer: \(plainGRPC)")
            let noCertificate = try await curl(["--cacert", authority.certificate, "https://localhost:\(cluster.schedulerPort)/healthz"])
            #expect(noCertificate.status == 0, "a client without a certificate is refused: \(noCertificate)")
            let scheduler = try #require(cluster.scheduler)
            try await eventually("the scheduler to log both refusals\n\(scheduler.log)") {
                scheduler.log.contains("TLS handshake failed: http request")
                    && scheduler.log.contains("TLS handshake failed: peer did not return a certificate") ? true : nil
            }
            try await cluster.startWorker()
            let task = try await cluster.schedule(command: "ignored by noop", at: .now())
            _ = try await cluster.waitForStatus(of: task, "completed")
        }
    }

    @Test func aCertificateReplacedOnDiskReachesNewConnectionsWithoutARestartOrALostTask() async throws {
        let authority = try await ThrowawayCertificateAuthority.create()
        defer { authority.remove() }
        let cluster = try await Cluster.create()
        let original = try await authority.issue("node")
        cluster.tls = original
        try await withCluster(cluster) { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let before = try await original.servedSerial(port: cluster.schedulerPort)
            #expect(before == (try await ThrowawayCertificateAuthority.serial(ofCertificate: original.certificate)))
            let running = try await cluster.schedule(command: "sleep 3; echo survived", at: .now())
            _ = try await cluster.waitForStatus(of: running, "running")

            try await authority.issue("node", atomically: true)
            let renewed = try await ThrowawayCertificateAuthority.serial(ofCertificate: original.certificate)
            #expect(renewed != before)
            let start = ContinuousClock.now
            for port in [cluster.schedulerPort, cluster.coordinatorPort, cluster.coordinatorAdminPort] {
                try await eventually("port \(port) to show the new certificate", timeout: .seconds(10)) {
                    try await original.servedSerial(port: port) == renewed ? true : nil
                }
            }
            #expect(ContinuousClock.now - start < .seconds(10))

            let done = try await cluster.waitForStatus(of: running, "completed")
            #expect(done["output"] as? String == "survived\n")
            #expect(done["attempts"] as? Int == 1, "the task was not run again: \(done)")
            let after = try await cluster.schedule(command: "echo after", at: .now())
            _ = try await cluster.waitForStatus(of: after, "completed")
            for process in [cluster.scheduler, cluster.coordinator].compactMap({ $0 }) + cluster.workers {
                #expect(process.log.contains("TLS certificate reloaded"), "\(process.name) did not reload")
                #expect(process.isRunning, "\(process.name) restarted or stopped")
            }
        }
    }
}
