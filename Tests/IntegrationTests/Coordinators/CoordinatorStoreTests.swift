import ClusterKit
import Foundation
import Logging
import ServiceLifecycle
import Testing

@testable import CoordinatorService
@testable import Core
@testable import Postgres
@testable import TaskStorage

/// The `coordinators` table as each coordinator writes its row and the scheduler reads it.
@Suite(.timeLimit(.minutes(1))) struct CoordinatorStoreTests {
    @Test func beatsListAndStop() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = CoordinatorStore(client: client)
            let (first, second) = (UUID(), UUID())
            try await store.beat(id: first, address: "b-host:8080", workers: 3)
            try await store.beat(id: second, address: "a-host:8080", workers: 0)
            try await store.beat(id: first, address: "b-host:8080", workers: 4)
            var live = try await store.liveCoordinators(staleness: .seconds(10))
            #expect(live.map(\.id) == [second, first], "by address")
            #expect(live.map(\.workers) == [0, 4])
            // A row its coordinator stopped refreshing is left out.
            try await client.query(
                "UPDATE coordinators SET last_heartbeat = now() - interval '1 minute' WHERE coordinator_id = $1", [second])
            live = try await store.liveCoordinators(staleness: .seconds(10))
            #expect(live.map(\.id) == [first])
            try await store.markStopped(id: first)
            #expect(try await store.liveCoordinators(staleness: .seconds(10)).isEmpty, "a stopped coordinator is not listed")
            let rows = try await client.query("SELECT count(*) FROM coordinators WHERE stopped_at IS NOT NULL").first?.int(0)
            #expect(rows == 1, "its row stays until another coordinator takes back what it left")
        }
    }

    @Test func presenceWritesItsRowWhileRunningAndMarksItStoppedOnShutdown() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = CoordinatorStore(client: client)
            let registry = WorkerRegistry(defaultCapacity: 5)
            let id = UUID()
            let record = PresenceRecord()
            #expect(record.registrationTerm(heartbeatTimeout: .seconds(5)) == nil, "no registration before the row is written")
            let presence = CoordinatorPresence(
                id: id, store: store, registry: registry, record: record, interval: .milliseconds(50), logger: TestDatabase.logger
            ) { "coordinator.test:8080" }
            let group = ServiceGroup(services: [presence], logger: TestDatabase.logger)
            let running = Task { try await group.run() }
            let row = try await eventually("the coordinator's row") {
                try await store.liveCoordinators(staleness: .seconds(10)).first
            }
            #expect(row.address == "coordinator.test:8080")
            #expect(row.workers == 0)
            let term = try #require(record.registrationTerm(heartbeatTimeout: .seconds(5)))
            #expect(term > .seconds(4) && term <= .seconds(5), "the timeout less the row's age")
            await group.triggerGracefulShutdown()
            try await running.value
            #expect(try await store.liveCoordinators(staleness: .seconds(10)).isEmpty)
            let stopped = try await client.query("SELECT stopped_at IS NOT NULL FROM coordinators WHERE coordinator_id = $1", [id])
            #expect(try stopped.first?.bool(0) == true)
        }
    }

    @Test func aCoordinatorOnEveryInterfaceIsListedByItsHostName() {
        #expect(CoordinatorPresence.listedHost(advertised: "coord-1", listening: "0.0.0.0") == "coord-1")
        #expect(CoordinatorPresence.listedHost(advertised: nil, listening: "10.0.0.5") == "10.0.0.5")
        let name = CoordinatorPresence.listedHost(advertised: nil, listening: "0.0.0.0")
        #expect(!name.isEmpty && name != "0.0.0.0")
    }
}
