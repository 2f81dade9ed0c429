import Foundation
import Logging
import NIOPosix
import Synchronization
import Testing

@testable import CoordinatorService
@testable import Core
@testable import Postgres
@testable import RPC
@testable import TaskStorage

/// An in-process WorkerService that records every task it is handed. Without `servesBatches`
/// it serves only the original SubmitTask; `failsBatches` makes every SubmitTasks call fail, and
/// `refuses` makes it answer no to every task.
final class RecordingWorker: Sendable {
    private let received = Mutex((tasks: [TaskRequest](), batchCalls: 0, singleCalls: 0))
    private let servesBatches: Bool
    private let failsBatches: Bool
    private let refuses: Bool

    init(servesBatches: Bool = true, failsBatches: Bool = false, refuses: Bool = false) {
        self.servesBatches = servesBatches
        self.failsBatches = failsBatches
        self.refuses = refuses
    }

    var tasks: [TaskRequest] { received.withLock { $0.tasks } }
    var batchCalls: Int { received.withLock { $0.batchCalls } }
    var singleCalls: Int { received.withLock { $0.singleCalls } }

    func router() -> GRPCRouter {
        var router = GRPCRouter()
        router.register(GRPCAPIMethods.workerSubmitTask) { (task: TaskRequest, _) in
            self.received.withLock {
                $0.tasks.append(task)
                $0.singleCalls += 1
            }
            return TaskResponse(taskID: task.taskID, success: true)
        }
        if servesBatches {
            router.register(GRPCAPIMethods.workerSubmitTasks) { (batch: TaskBatchRequest, _) in
                if self.failsBatches { throw GRPCStatus(code: .internalError, message: "worker broke") }
                self.received.withLock {
                    $0.tasks += batch.tasks
                    $0.batchCalls += 1
                }
                return TaskBatchResponse(results: batch.tasks.map { TaskResponse(taskID: $0.taskID, success: !self.refuses) })
            }
        }
        return router
    }
}

/// The dispatcher against a real PostgreSQL and in-process workers.
@Suite struct DispatcherHandOffTests {
    /// A dispatcher of a coordinator that knows the workers listening on `ports` (10 slots each).
    private func makeDispatcher(
        _ taskStore: TaskStore, ports: [Int], handOffTimeout: Duration = .seconds(5)
    ) -> (Dispatcher, WorkerRegistry) {
        let registry = WorkerRegistry(defaultCapacity: 5)
        for (index, port) in ports.enumerated() {
            registry.heartbeat(HeartbeatRequest(workerID: UInt32(index + 1), address: "127.0.0.1:\(port)", capacity: 10, freeSlots: 10))
        }
        var configuration = CoordinatorConfiguration()
        configuration.handOffTimeout = handOffTimeout
        let clients = WorkerClientPool(eventLoopGroup: MultiThreadedEventLoopGroup.singleton, logger: rpcTestLogger)
        let restrictions = QueueRestrictions(store: QueueStore(client: taskStore.client), logger: rpcTestLogger)
        return (
            Dispatcher(
                store: taskStore, registry: registry, restrictions: restrictions, clients: clients, configuration: configuration,
                logger: rpcTestLogger),
            registry
        )
    }

    private func scheduleDue(_ taskStore: TaskStore, count: Int) async throws -> [UUID] {
        var ids: [UUID] = []
        for _ in 0..<count { ids.append(try await taskStore.scheduleTestTask().id) }
        return ids
    }

    private func statuses(_ client: PostgresClient) async throws -> [String: Int] {
        var statuses: [String: Int] = [:]
        for row in try await client.query("SELECT status, count(*) FROM tasks GROUP BY status") {
            statuses[row.string(0) ?? "?"] = try row.int(1)
        }
        return statuses
    }

    @Test func eachWorkerGetsItsTasksInOneCall() async throws {
        try await IsolatedDatabase.withTaskStore { taskStore, client in
            let first = RecordingWorker()
            let second = RecordingWorker()
            try await withTestServer(router: first.router()) { _, firstPort in
                try await withTestServer(router: second.router()) { _, secondPort in
                    let ids = try await scheduleDue(taskStore, count: 12)
                    let (dispatcher, _) = makeDispatcher(taskStore, ports: [firstPort, secondPort])
                    await dispatcher.dispatchDueTasks()
                    #expect(first.batchCalls == 1 && second.batchCalls == 1 && first.singleCalls + second.singleCalls == 0)
                    #expect(first.tasks.count == 6 && second.tasks.count == 6)
                    #expect(Set((first.tasks + second.tasks).map(\.taskID)) == Set(ids.map { $0.uuidString.lowercased() }))
                    let holders = try await client.query("SELECT worker_id, count(*) FROM tasks WHERE status = 'dispatched' GROUP BY worker_id ORDER BY worker_id")
                    #expect(try holders.map { [try $0.int(0), try $0.int(1)] } == [[1, 6], [2, 6]])
                }
            }
        }
    }

    /// The coordinator's CoordinatorService beside `dispatcher`, its row just written.
    private func makeService(_ taskStore: TaskStore, _ registry: WorkerRegistry, _ dispatcher: Dispatcher) -> CoordinatorRPCService {
        let presence = PresenceRecord()
        presence.wrote(sentAt: .now)
        return CoordinatorRPCService(
            store: taskStore, registry: registry, dispatcher: dispatcher, leaseDuration: .seconds(30), heartbeatTimeout: .seconds(5),
            presence: presence, leaseRecovery: LeaseRecoveryGate(grace: .seconds(5)),
            restrictions: QueueRestrictions(store: QueueStore(client: taskStore.client), logger: rpcTestLogger), logger: rpcTestLogger)
    }

    @Test func aFailedBatchStaysWithItsWorkerUntilTheSecondHeartbeatAfterItsDeadlineShowsWhatItHolds() async throws {
        try await IsolatedDatabase.withTaskStore { taskStore, client in
            let broken = RecordingWorker(failsBatches: true)
            try await withTestServer(router: broken.router()) { _, port in
                let ids = try await scheduleDue(taskStore, count: 7)
                let (dispatcher, registry) = makeDispatcher(taskStore, ports: [port], handOffTimeout: .seconds(3))
                await dispatcher.dispatchDueTasks()
                #expect(try await statuses(client) == ["dispatched": 7], "the worker may have taken them before the deadline")
                #expect(registry.freeSlots == 0, "no task for the worker until it heartbeats")

                let service = makeService(taskStore, registry, dispatcher)
                let held = ids.prefix(2).map { $0.uuidString.lowercased() }
                let heartbeat = HeartbeatRequest(
                    workerID: 1, address: "127.0.0.1:\(port)", capacity: 10, freeSlots: 8, heldTaskIDs: held)
                // The call failed at once, but the worker may take the hand-off until its deadline.
                _ = try await service.sendHeartbeat(heartbeat)
                #expect(registry.freeSlots == 8, "offered tasks again after a heartbeat")
                try await Task.sleep(for: .milliseconds(3200))
                _ = try await service.sendHeartbeat(heartbeat)
                #expect(try await statuses(client) == ["dispatched": 7], "the first heartbeat after the deadline may have been sent before it")
                let reply = try await service.sendHeartbeat(heartbeat)
                #expect(reply.acknowledged && reply.heartbeatTimeoutMicros > 0, "what is left of the timeout after the age of the coordinator's row")
                #expect(try await statuses(client) == ["dispatched": 2, "scheduled": 5], "what it does not hold is back")
                let attempts = try await client.query("SELECT sum(attempts) FROM tasks WHERE status = 'scheduled'")
                #expect(try attempts.first?.int(0) == 0, "a failed hand-off is not an attempt")
            }
        }
    }

    @Test func aRefusedTaskIsBackInTheQueueAtOnce() async throws {
        try await IsolatedDatabase.withTaskStore { taskStore, client in
            let worker = RecordingWorker(refuses: true)
            try await withTestServer(router: worker.router()) { _, port in
                _ = try await scheduleDue(taskStore, count: 3)
                let (dispatcher, registry) = makeDispatcher(taskStore, ports: [port])
                await dispatcher.dispatchDueTasks()
                #expect(worker.tasks.count == 3)
                #expect(try await statuses(client) == ["scheduled": 3], "due again at once")
                #expect(registry.freeSlots == 0, "no task for the worker until it heartbeats")
            }
        }
    }

    @Test func tasksSentToAWorkerThatCannotBeReachedAreBackInTheQueueAtOnce() async throws {
        try await IsolatedDatabase.withTaskStore { taskStore, client in
            let closedPort = try await withTestServer(router: RecordingWorker().router()) { _, port in port }
            _ = try await scheduleDue(taskStore, count: 5)
            let (dispatcher, registry) = makeDispatcher(taskStore, ports: [closedPort])
            await dispatcher.dispatchDueTasks()
            #expect(try await statuses(client) == ["scheduled": 5], "the hand-off never left: no worker can have taken them")
            let attempts = try await client.query("SELECT sum(attempts) FROM tasks")
            #expect(try attempts.first?.int(0) == 0)
            #expect(registry.freeSlots == 0, "no task for the worker until it heartbeats")
        }
    }

    @Test func aWorkerOfTheOriginalContractGetsOneCallPerTask() async throws {
        try await IsolatedDatabase.withTaskStore { taskStore, client in
            let original = RecordingWorker(servesBatches: false)
            try await withTestServer(router: original.router()) { _, port in
                _ = try await scheduleDue(taskStore, count: 4)
                let (dispatcher, _) = makeDispatcher(taskStore, ports: [port])
                await dispatcher.dispatchDueTasks()
                _ = try await scheduleDue(taskStore, count: 3)
                await dispatcher.dispatchDueTasks()
                #expect(original.singleCalls == 7 && original.batchCalls == 0)
                #expect(try await statuses(client) == ["dispatched": 7])
            }
        }
    }

    @Test func coordinatorsDispatchingAtOnceHandEachTaskOverOnce() async throws {
        try await IsolatedDatabase.withTaskStore { taskStore, client in
            let worker = RecordingWorker()
            try await withTestServer(router: worker.router()) { _, port in
                let ids = try await scheduleDue(taskStore, count: 300)
                let dispatchers = (0..<3).map { _ in makeDispatcher(taskStore, ports: [port, port, port]) }
                // Each round claims at most the 30 free slots; nothing completes, so free them after each round.
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (dispatcher, registry) in dispatchers {
                        group.addTask {
                            for _ in 0..<200 where try await statuses(client)["scheduled"] != nil {
                                await dispatcher.dispatchDueTasks()
                                for id in 1...3 { for _ in 0..<10 { registry.releaseSlot(of: UInt32(id)) } }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                let received = worker.tasks.map(\.taskID)
                #expect(received.count == 300, "no task handed over twice")
                #expect(Set(received) == Set(ids.map { $0.uuidString.lowercased() }))
                #expect(try await statuses(client) == ["dispatched": 300])
            }
        }
    }
}
