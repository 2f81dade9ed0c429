package import struct Foundation.UUID
import Glibc
package import Logging
import ServiceLifecycle
import Core
package import TaskStorage

/// Keeps this coordinator's row of the `coordinators` table fresh (about once a second: its
/// address and how many workers it has) so that `GET /coordinators` lists it and the other
/// coordinators know it is alive, and marks the row stopped when the coordinator stops.
package final class CoordinatorPresence: Service, Sendable {
    private let id: UUID
    private let store: CoordinatorStore
    private let registry: WorkerRegistry
    private let record: PresenceRecord
    private let address: @Sendable () async throws -> String
    private let interval: Duration
    private let logger: Logger

    /// `address` is the `host:port` to list, known once the gRPC server has bound its port;
    /// `record` learns of every write that succeeded.
    package init(
        id: UUID, store: CoordinatorStore, registry: WorkerRegistry, record: PresenceRecord, interval: Duration = .seconds(1),
        logger: Logger, address: @escaping @Sendable () async throws -> String
    ) {
        self.id = id
        self.store = store
        self.registry = registry
        self.record = record
        self.address = address
        self.interval = interval
        self.logger = logger
    }

    package func run() async throws {
        let address = try await self.address()
        await PeriodicLoop(every: interval).run {
            do {
                let sentAt = ContinuousClock.now
                try await self.store.beat(id: self.id, address: address, workers: self.registry.workers.count)
                self.record.wrote(sentAt: sentAt)
            } catch {
                self.logger.debug("cannot update the coordinators table", metadata: [LogKey.error: "\(error)"])
            }
        }
        do {
            try await store.markStopped(id: id)
        } catch {
            logger.debug("cannot mark the coordinators row stopped at shutdown", metadata: [LogKey.error: "\(error)"])
        }
    }

    /// The host to list for a coordinator listening on `host`: `advertised` when set, else
    /// `host`, or this machine's name when `host` is every interface.
    package static func listedHost(advertised: String?, listening host: String) -> String {
        if let advertised { return advertised }
        guard host == "0.0.0.0" || host == "::" || host.isEmpty else { return host }
        var name = [CChar](repeating: 0, count: 256)
        guard gethostname(&name, name.count) == 0 else { return host }
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
