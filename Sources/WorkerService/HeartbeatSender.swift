package import Logging
import ServiceLifecycle
import Synchronization
import Core
package import RPC

/// Registers the worker with the coordinator and proves it is alive, every interval.
package final class HeartbeatSender: Service, Sendable {
    private let client: GRPCClient
    private let runner: TaskRunner
    private let coordinatorClock: CoordinatorClock
    private let configuration: WorkerConfiguration
    private let advertisedAddress: @Sendable () async throws -> String
    private let logger: Logger
    private let acknowledged = Mutex(false)

    /// `advertisedAddress` resolves once the worker's server is bound; `coordinatorClock`
    /// learns the coordinator's time from every reply.
    package init(
        client: GRPCClient, runner: TaskRunner, coordinatorClock: CoordinatorClock, configuration: WorkerConfiguration,
        advertisedAddress: @escaping @Sendable () async throws -> String, logger: Logger
    ) {
        self.client = client
        self.runner = runner
        self.coordinatorClock = coordinatorClock
        self.configuration = configuration
        self.advertisedAddress = advertisedAddress
        self.logger = logger
    }

    /// Whether the coordinator acknowledged the last heartbeat (the worker is registered).
    package var isRegistered: Bool { acknowledged.withLock { $0 } }

    package func run() async throws {
        let address = try await cancelWhenGracefulShutdown { try await self.advertisedAddress() }
        let nextHeartbeat = PeriodicLoop { [runner, configuration] in
            await runner.waitForIntakeChange(timeout: configuration.heartbeatInterval)
        }
        // The state last logged: a new kind of failure (the coordinator is up now but refuses
        // the token) is logged too, not only the first one.
        _ = await nextHeartbeat.run(from: String?.none) { logged in
            let failure = await self.send(address: address)
            self.acknowledged.withLock { $0 = failure == nil }
            let state = failure?.kind ?? "delivered"
            guard state != logged else { return logged }
            if let failure {
                self.logger.warning(
                    "the coordinator does not take heartbeats, retrying", metadata: [LogKey.error: "\(failure.description)"])
            } else {
                self.logger.info("heartbeats reach the coordinator", metadata: [LogKey.address: "\(address)"])
            }
            return state
        }
        acknowledged.withLock { $0 = false }
    }

    /// Why a heartbeat was not acknowledged: `kind` tells failures apart for the log (a status
    /// code), `description` says it all.
    private struct Failure {
        var kind: String
        var description: String
    }

    /// Sends one heartbeat; returns why it was not acknowledged, or nil when it was.
    private func send(address: String) async -> Failure? {
        let held = runner.heartbeatState
        let request = HeartbeatRequest(
            workerID: configuration.workerID, address: address, capacity: UInt32(configuration.capacity),
            freeSlots: UInt32(held.freeSlots), draining: held.draining, heldTaskIDs: held.heldTaskIDs,
            prefetch: UInt32(held.prefetch), executor: configuration.executor.rawValue)
        do {
            let sentAt = coordinatorClock.localTime()
            let response: HeartbeatResponse = try await client.unary(
                GRPCAPIMethods.sendHeartbeat, request: request, timeout: configuration.heartbeatInterval)
            coordinatorClock.heard(
                coordinatorTime: response.coordinatorTimeMicros, sentAt: sentAt, receivedAt: coordinatorClock.localTime())
            return response.acknowledged ? nil : Failure(kind: "not acknowledged", description: "not acknowledged")
        } catch {
            logger.debug("heartbeat failed", metadata: [LogKey.error: "\(error)"])
            return Failure(kind: (error as? GRPCStatus).map { "\($0.code)" } ?? "\(type(of: error))", description: "\(error)")
        }
    }
}
