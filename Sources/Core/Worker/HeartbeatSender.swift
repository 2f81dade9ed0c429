public import Logging
public import ServiceLifecycle

/// Registers the worker with the coordinator and proves it is alive, every interval.
public final class HeartbeatSender: Service, Sendable {
    private let client: GRPCClient
    private let runner: TaskRunner
    private let configuration: WorkerConfiguration
    private let advertisedAddress: @Sendable () async throws -> String
    private let logger: Logger

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

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            let address = try await self.advertisedAddress()
            var connected: Bool?
            while !Task.isCancelled {
                let delivered = await self.send(address: address)
                if delivered != connected {
                    if delivered {
                        self.logger.info("heartbeats reach the coordinator", metadata: [LogKey.address: "\(address)"])
                    } else {
                        self.logger.warning("coordinator unreachable, retrying")
                    }
                    connected = delivered
                }
                // Cancelled on graceful shutdown; an interrupted sleep ends the loop, not the process.
                try? await Task.sleep(for: self.configuration.heartbeatInterval)
            }
        }
    }

    private func send(address: String) async -> Bool {
        let request = HeartbeatRequest(
            workerID: configuration.workerID, address: address, capacity: UInt32(configuration.capacity),
            freeSlots: UInt32(runner.freeSlots), draining: runner.isDraining)
        do {
            let response: HeartbeatResponse = try await client.unary(
                GRPCAPIMethods.sendHeartbeat, request: request, timeout: configuration.heartbeatInterval)
            return response.acknowledged
        } catch {
            logger.debug("heartbeat failed", metadata: [LogKey.error: "\(error)"])
            return false
        }
    }
}
