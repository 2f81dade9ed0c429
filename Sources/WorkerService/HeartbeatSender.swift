package import Logging
import ServiceLifecycle
import Synchronization
import Core
package import RPC

/// Registers the worker with the coordinator and proves it is alive, every interval.
///
/// When the coordinator stops answering — two heartbeats in a row fail (one, while this
/// coordinator never answered) — the worker moves to the next coordinator and sends a heartbeat
/// there at once. Its tasks keep running: that heartbeat lists them, and the new coordinator takes
/// them over (renews their leases, takes their reports), so a coordinator's death costs the
/// worker about two heartbeat intervals and none of its work.
package final class HeartbeatSender: Service, Sendable {
    private let client: FailoverGRPCClient
    private let runner: TaskRunner
    private let configuration: WorkerConfiguration
    private let advertisedAddress: @Sendable () async throws -> String
    private let logger: Logger
    private let acknowledged = Mutex(false)

    /// `advertisedAddress` resolves once the worker's server is bound. Every acknowledgement
    /// updates the runner's standing with its coordinator.
    package init(
        client: FailoverGRPCClient, runner: TaskRunner, configuration: WorkerConfiguration,
        advertisedAddress: @escaping @Sendable () async throws -> String, logger: Logger
    ) {
        self.client = client
        self.runner = runner
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
        _ = await nextHeartbeat.run(from: Progress()) { progress in
            var progress = progress
            var failure = await self.send(address: address)
            if let failed = failure {
                progress.failuresInRow += 1
                if progress.failuresInRow >= (progress.heardFromServer ? Self.failuresBeforeMoving : 1) {
                    await self.moveToNextCoordinator(after: failed)
                    progress = Progress(logged: progress.logged)
                    failure = await self.send(address: address)
                }
            }
            if failure == nil { (progress.failuresInRow, progress.heardFromServer) = (0, true) }
            self.acknowledged.withLock { $0 = failure == nil }
            self.runner.standingChanged()
            let state = failure?.kind ?? "delivered"
            guard state != progress.logged else { return progress }
            progress.logged = state
            if let failure {
                self.logger.warning(
                    "the coordinator does not take heartbeats, retrying", metadata: [LogKey.error: "\(failure.description)"])
            } else {
                self.logger.info(
                    "heartbeats reach the coordinator",
                    metadata: [LogKey.address: "\(address)", LogKey.grpcPeer: "\(self.client.server.map(\.description) ?? "")"])
            }
            return progress
        }
        acknowledged.withLock { $0 = false }
    }

    /// Heartbeats failed in a row before the worker moves to another coordinator.
    private static let failuresBeforeMoving = 2

    /// What the heartbeat loop carries from one heartbeat to the next.
    private struct Progress {
        /// The state last logged.
        var logged: String?
        var failuresInRow = 0
        /// Whether the current coordinator answered a heartbeat since the worker moved to it.
        var heardFromServer = false
    }

    private func moveToNextCoordinator(after failure: Failure) async {
        runner.standing.leave()
        let previous = client.server
        do {
            let next = try await client.failOver()
            guard next != previous else { return }
            logger.warning(
                "moving to another coordinator",
                metadata: [LogKey.grpcPeer: "\(next)", LogKey.error: "\(failure.description)"])
        } catch {
            logger.debug("no coordinator to move to", metadata: [LogKey.error: "\(error)"])
        }
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
            prefetch: UInt32(held.prefetch), executor: configuration.executor.rawValue, queues: configuration.queues ?? [])
        do {
            let sentAt = ContinuousClock.now
            let response: HeartbeatResponse = try await client.unary(
                GRPCAPIMethods.sendHeartbeat, request: request, timeout: configuration.heartbeatInterval)
            guard response.acknowledged else { return Failure(kind: "not acknowledged", description: "not acknowledged") }
            runner.standing.acknowledged(response, sentAt: sentAt, receivedAt: .now)
            return nil
        } catch {
            logger.debug("heartbeat failed", metadata: [LogKey.error: "\(error)"])
            return Failure(kind: (error as? GRPCStatus).map { "\($0.code)" } ?? "\(type(of: error))", description: "\(error)")
        }
    }
}
