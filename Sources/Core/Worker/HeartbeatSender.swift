public import Logging
public import ServiceLifecycle
import Synchronization

/// Registers the worker with the coordinator and proves it is alive, every interval.
public final class HeartbeatSender: Service, Sendable {
    private let client: GRPCClient
    private let runner: TaskRunner
    private let configuration: WorkerConfiguration
    private let advertisedAddress: @Sendable () async throws -> String
    private let logger: Logger
    private let acknowledged = Mutex(false)

    /// `advertisedAddress` resolves once the worker's server is bound.
    public init(
        client: GRPCClient, runner: TaskRunner, configuration: WorkerConfiguration,
        advertisedAddress: @escaping @Sendable () async throws -> String, logger: Logger
    ) {
        self.client = client
        self.runner = runner
        self.configuration = configuration
        self.advertisedAddress = advertisedAddress
        self.logger = logger
    }

    /// Whether the coordinator acknowledged the last heartbeat (the worker is registered).
    public var isRegistered: Bool { acknowledged.withLock { $0 } }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            let address = try await self.advertisedAddress()
            var connected: Bool?
            while !Task.isCancelled {
                let failure = await self.send(address: address)
                let delivered = failure == nil
                self.acknowledged.withLock { $0 = delivered }
                if delivered != connected {
                    if let failure {
                        self.logger.warning("coordinator unreachable, retrying", metadata: [LogKey.error: "\(failure)"])
                    } else {
                        self.logger.info("heartbeats reach the coordinator", metadata: [LogKey.address: "\(address)"])
                    }
                    connected = delivered
                }
                // Cancelled on graceful shutdown, which ends the wait and the loop.
                await self.runner.waitForIntakeChange(timeout: self.configuration.heartbeatInterval)
            }
            self.acknowledged.withLock { $0 = false }
        }
    }

    /// Sends one heartbeat; returns why it was not acknowledged, or nil when it was.
    private func send(address: String) async -> String? {
        let held = runner.heartbeatState
        let request = HeartbeatRequest(
            workerID: configuration.workerID, address: address, capacity: UInt32(configuration.capacity),
            freeSlots: UInt32(held.freeSlots), draining: held.draining, heldTaskIDs: held.heldTaskIDs,
            prefetch: UInt32(held.prefetch), executor: configuration.executor.rawValue)
        do {
            let response: HeartbeatResponse = try await client.unary(
                GRPCAPIMethods.sendHeartbeat, request: request, timeout: configuration.heartbeatInterval)
            return response.acknowledged ? nil : "not acknowledged"
        } catch {
            logger.debug("heartbeat failed", metadata: [LogKey.error: "\(error)"])
            return "\(error)"
        }
    }
}
