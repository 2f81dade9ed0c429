import ClusterKit
import Foundation
import Testing

@testable import Core

/// Health, readiness, metrics and the workers view, on real processes.
@Suite(.serialized) struct ObservabilityTests {
    @Test func countersMoveWhenTasksRun() async throws {
        let cluster = try await Cluster.create()
        do {
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker()
            var taskIDs: [String] = []
            for index in 0..<3 {
                taskIDs.append(try await cluster.schedule(command: "task \(index)", at: .now()))
            }
            for taskID in taskIDs {
                _ = try await cluster.waitForStatus(of: taskID, "completed")
            }

            let coordinator = try await eventually("the coordinator to count 3 completed tasks") {
                let scrape = try await scrapeMetrics(port: cluster.coordinatorAdminPort)
                return (scrape.value(MetricNames.tasksCompleted) ?? 0) >= 3 ? scrape : nil
            }
            #expect((coordinator.value(MetricNames.tasksDispatched) ?? 0) >= 3)
            #expect((coordinator.value(MetricNames.taskStartDelay + "_count") ?? 0) >= 3)
            #expect(coordinator.value(MetricNames.tasksFailed) == nil)
            let heartbeats = ["method": "grpcapi.CoordinatorService/SendHeartbeat", "code": "OK"]
            #expect((coordinator.value(MetricNames.rpcServerDuration + "_count", labels: heartbeats) ?? 0) >= 1)
            // Tasks go to workers in batches: at least one call carried the three.
            let submits = ["method": "grpcapi.WorkerService/SubmitTasks", "code": "OK"]
            #expect((coordinator.value(MetricNames.rpcClientDuration + "_count", labels: submits) ?? 0) >= 1)
            let gauges = try await eventually("the coordinator's sampled gauges") {
                let scrape = try await scrapeMetrics(port: cluster.coordinatorAdminPort)
                return scrape.value(MetricNames.workersLive) == 1 ? scrape : nil
            }
            #expect(gauges.value(MetricNames.queueDepth) == 0)
            #expect(gauges.value(MetricNames.databaseConnectionsInUse) != nil)
            #expect(gauges.value(MetricNames.databaseConnectionsWaiting) != nil)

            let scheduler = try await scrapeMetrics(port: cluster.schedulerPort)
            #expect((scheduler.value(MetricNames.tasksScheduled) ?? 0) >= 3)
            let posts = ["route": "/schedule", "method": "POST", "status": "200"]
            #expect((scheduler.value(MetricNames.httpRequestDuration + "_count", labels: posts) ?? 0) >= 3)

            let worker = try await scrapeMetrics(port: cluster.workerAdminPorts[0])
            #expect((worker.value(MetricNames.rpcServerDuration + "_count", labels: submits) ?? 0) >= 1)
        } catch {
            Issue.record("\(error)\n\(cluster.logs)")
        }
        let statuses = await cluster.stop()
        #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses)")
    }

    @Test func healthAndReadinessOnEveryService() async throws {
        let cluster = try await Cluster.create()
        do {
            try await cluster.startScheduler()
            try await cluster.startWorker(waitForRegistration: false)
            let workerAdmin = cluster.workerAdminPorts[0]
            let notRegistered = try await eventually("the worker's admin server") {
                let reply = try await curl(["http://127.0.0.1:\(workerAdmin)/readyz"])
                return reply.status == 0 ? nil : reply
            }
            #expect(notRegistered.status == 503)
            #expect(try notRegistered.json["status"] as? String == "unavailable")
            #expect(try await curl(["http://127.0.0.1:\(workerAdmin)/healthz"]).status == 200)

            try await cluster.startCoordinator()
            try await eventually("the worker to be ready once the coordinator is up") {
                try await curl(["http://127.0.0.1:\(workerAdmin)/readyz"]).status == 200 ? true : nil
            }
            for port in [cluster.schedulerPort, cluster.coordinatorAdminPort] {
                let health = try await curl(["http://127.0.0.1:\(port)/healthz"])
                #expect(health.status == 200)
                #expect(try health.json["status"] as? String == "ok")
                let ready = try await eventually("/readyz on port \(port)") {
                    let reply = try await curl(["http://127.0.0.1:\(port)/readyz"])
                    return reply.status == 200 ? reply : nil
                }
                #expect(try ready.json["status"] as? String == "ready")
            }
            let checks = try await curl(["http://127.0.0.1:\(cluster.coordinatorAdminPort)/readyz"]).json["checks"]
            #expect(checks as? [String: String] == ["database": "ok", "grpc": "ok"])
            let wrongMethod = try await curl(["-X", "POST", "http://127.0.0.1:\(cluster.coordinatorAdminPort)/metrics"])
            #expect(wrongMethod.status == 405)
        } catch {
            Issue.record("\(error)\n\(cluster.logs)")
        }
        let statuses = await cluster.stop()
        #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses)")
    }

    @Test func theSchedulersAdminPortServesMetricsWithoutTheAPIToken() async throws {
        try await withCluster { cluster in
            let adminPort = try await freePort()
            try await cluster.startScheduler(
                extraArguments: ["--admin_port=127.0.0.1:\(adminPort)"], environment: ["TASKMASTER_API_TOKEN": "the-api-token"])
            #expect(try await curl(["http://127.0.0.1:\(cluster.schedulerPort)/metrics"]).status == 401, "the API port needs the token")
            let scrape = try await eventually("the admin server's metrics") { try? await scrapeMetrics(port: adminPort) }
            let refused = ["route": "/metrics", "method": "GET", "status": "401"]
            #expect(scrape.value(MetricNames.httpRequests, labels: refused) == 1, "the API port's metrics, through the admin port")
            #expect(try await curl(["http://127.0.0.1:\(adminPort)/readyz"]).status == 200)
            #expect(try await curl(["-X", "POST", "http://127.0.0.1:\(adminPort)/schedule", "-d", "{}"]).status == 404, "no API there")
        }
    }

    @Test func readinessFollowsTheDatabase() async throws {
        let postgres = try await TestEnvironment.startThrowawayPostgres()
        let cluster = Cluster(databaseURL: postgres.url) {}
        do {
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            let probes = [cluster.schedulerPort, cluster.coordinatorAdminPort].map { "http://127.0.0.1:\($0)/readyz" }
            for probe in probes {
                try await eventually("\(probe) to be ready") { try await curl([probe]).status == 200 ? true : nil }
            }

            try await postgres.pause()
            for probe in probes {
                let reply = try await eventually("\(probe) to answer 503 while the database is down") {
                    let reply = try await curl([probe])
                    return reply.status == 503 ? reply : nil
                }
                #expect((try reply.json["checks"] as? [String: String])?["database"] == "failing")
            }
            #expect(try await curl(["http://127.0.0.1:\(cluster.schedulerPort)/healthz"]).status == 200)

            try await postgres.resume()
            for probe in probes {
                try await eventually("\(probe) to be ready again") { try await curl([probe]).status == 200 ? true : nil }
            }
        } catch {
            Issue.record("\(error)\n\(cluster.logs)")
        }
        let statuses = await cluster.stop()
        #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses)")
        try await postgres.stop()
    }

    @Test func workersViewListsLiveWorkers() async throws {
        let cluster = try await Cluster.create()
        do {
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(extraArguments: ["--capacity=3"])
            try await cluster.startWorker(extraArguments: ["--capacity=7"])

            for port in [cluster.schedulerPort, cluster.coordinatorAdminPort] {
                let workers = try await eventually("GET /workers on port \(port) to list both workers") {
                    let reply = try await curl(["http://127.0.0.1:\(port)/workers"])
                    let workers = try reply.json["workers"] as? [[String: Any]] ?? []
                    return workers.count == 2 ? workers : nil
                }
                #expect(Set(workers.compactMap { $0["capacity"] as? Int }) == [3, 7])
                for worker in workers {
                    #expect((worker["address"] as? String)?.hasPrefix("127.0.0.1:") == true)
                    #expect(worker["worker_id"] as? Int != nil)
                    #expect(worker["in_flight"] as? Int == 0)
                    #expect(worker["free_slots"] as? Int == worker["capacity"] as? Int)
                    let heartbeat = try #require(Timestamp(field: worker["last_heartbeat"]))
                    #expect(abs(heartbeat.microsecondsSinceEpoch - Timestamp.now().microsecondsSinceEpoch) < 10_000_000)
                }
            }

            await cluster.workers[1].stop()
            try await eventually("the scheduler to list one worker after the other stopped", timeout: .seconds(15)) {
                let reply = try await curl(["http://127.0.0.1:\(cluster.schedulerPort)/workers"])
                let workers = try reply.json["workers"] as? [[String: Any]] ?? []
                return workers.count == 1 && workers[0]["capacity"] as? Int == 3 ? true : nil
            }
        } catch {
            Issue.record("\(error)\n\(cluster.logs)")
        }
        let statuses = await cluster.stop()
        #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses)")
    }

    @Test func aClusterWithATokenRunsTasksAndRefusesOutsiders() async throws {
        let cluster = try await Cluster.create()
        let token = [ClusterToken.environmentVariable: "s3cret-\(UUID().uuidString)"]
        do {
            try await cluster.startCoordinator(environment: token)
            try await cluster.startScheduler()
            try await cluster.startWorker(environment: token)
            let taskID = try await cluster.schedule(command: "with token", at: .now())
            _ = try await cluster.waitForStatus(of: taskID, "completed")

            let outsider = try await cluster.startWorker(waitForRegistration: false)
            try await eventually("the worker without the token to be refused\n\(outsider.log)") {
                outsider.log.contains("UNAUTHENTICATED") ? true : nil
            }
            let readiness = try await curl(["http://127.0.0.1:\(cluster.workerAdminPorts[1])/readyz"])
            #expect(readiness.status == 503)
            let workers = try await curl(["http://127.0.0.1:\(cluster.coordinatorAdminPort)/workers"]).json["workers"]
            #expect((workers as? [[String: Any]])?.count == 1)
        } catch {
            Issue.record("\(error)\n\(cluster.logs)")
        }
        let statuses = await cluster.stop()
        #expect(statuses.values.allSatisfy { $0 == 0 }, "\(statuses)")
    }
}
