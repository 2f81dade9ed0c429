package import Logging
import ServiceLifecycle
import struct Foundation.UUID
import Core
import RPC
package import TaskStorage

/// Tells the worker holding a cancelled task to stop it (WorkerService.CancelTask). A Service:
/// the cancellations `request(taskID:)` queues are forwarded by its `run()`, each in a child
/// task, until graceful shutdown.
package final class CancellationForwarder: Service, Sendable {
    private let store: TaskStore
    private let registry: WorkerRegistry
    private let clients: WorkerClientPool
    private let logger: Logger
    private let requests: AsyncStream<String>
    private let requestsContinuation: AsyncStream<String>.Continuation

    package init(store: TaskStore, registry: WorkerRegistry, clients: WorkerClientPool, logger: Logger) {
        self.store = store
        self.registry = registry
        self.clients = clients
        self.logger = logger
        (requests, requestsContinuation) = AsyncStream.makeStream()
    }

    /// Queues the cancellation of `taskID` for forwarding; never waits.
    package func request(taskID: String) {
        requestsContinuation.yield(taskID)
    }

    package func run() async throws {
        await cancelWhenGracefulShutdown {
            await withDiscardingTaskGroup { group in
                for await taskID in self.requests {
                    group.addTask { await self.forward(taskID: taskID) }
                }
            }
        }
    }

    /// Forwards the cancellation of `taskID` to its worker, when this coordinator knows it.
    private func forward(taskID: String) async {
        var logger = logger
        logger[metadataKey: LogKey.taskID] = "\(taskID)"
        do {
            guard let id = UUID(text: taskID), let task = try await store.find(id: id),
                let workerID = task.workerID,
                let worker = registry.workers.first(where: { $0.id == workerID })
            else { return }
            let response: CancelTaskResponse = try await clients.client(for: worker.address).unary(
                GRPCAPIMethods.workerCancelTask, request: CancelTaskRequest(taskID: taskID), timeout: .seconds(5))
            logger.info("cancellation forwarded", metadata: [LogKey.workerID: "\(workerID)", LogKey.found: "\(response.found)"])
        } catch {
            logger.warning("forwarding a cancellation failed", metadata: [LogKey.error: "\(error)"])
        }
    }
}
