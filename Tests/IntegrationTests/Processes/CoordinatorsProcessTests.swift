import ClusterKit
import Foundation
import Testing

@testable import Core

/// `GET /coordinators` with two coordinator processes sharing one database.
@Suite(.serialized) struct CoordinatorsProcessTests {
    @Test func everyRunningCoordinatorIsListedWithItsWorkers() async throws {
        try await withCluster { cluster in
            try await cluster.startCoordinator(environment: ["COORDINATOR_ADDRESS": "coordinator-a"])
            let second = try await cluster.startAnotherCoordinator().process
            try await cluster.startScheduler()
            try await cluster.startWorker()
            try await cluster.startWorker()
            let url = "http://127.0.0.1:\(cluster.schedulerPort)/coordinators"
            let listed = try await eventually("both coordinators, the first with its two workers") {
                let coordinators = try await curl([url]).json["coordinators"] as? [[String: Any]] ?? []
                let workers = coordinators.map { $0["workers"] as? Int ?? -1 }.sorted()
                return coordinators.count == 2 && workers == [0, 2] ? coordinators : nil
            }
            let first = try #require(listed.first { $0["workers"] as? Int == 2 })
            #expect(first["address"] as? String == "coordinator-a:\(cluster.coordinatorPort)")
            #expect(UUID(uuidString: first["coordinator_id"] as? String ?? "") != nil)
            // A coordinator that stops is no longer listed.
            #expect(await second.stop() == 0)
            let remaining = try await curl([url]).json["coordinators"] as? [[String: Any]] ?? []
            #expect(remaining.count == 1)
            #expect(remaining.first?["address"] as? String == "coordinator-a:\(cluster.coordinatorPort)")
        }
    }
}
