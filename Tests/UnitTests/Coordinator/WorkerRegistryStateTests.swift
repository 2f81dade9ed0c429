import Testing

@testable import CoordinatorService
@testable import Core
@testable import RPC

@Suite struct WorkerRegistryStateTests {
    private func registry(workers: Int, capacity: UInt32 = 5) -> WorkerRegistryState {
        var registry = WorkerRegistryState(defaultCapacity: 5)
        for id in 1...UInt32(workers) {
            registry.heartbeat(HeartbeatRequest(workerID: id, address: "w\(id):1", capacity: capacity, freeSlots: capacity))
        }
        return registry
    }

    @Test func eightTasksOverFourIdleWorkersGiveTwoEach() {
        var registry = registry(workers: 4)
        let chosen = registry.reserveSlots(8)
        let perWorker = Dictionary(grouping: chosen, by: \.id).mapValues(\.count)
        #expect(perWorker == [1: 2, 2: 2, 3: 2, 4: 2])
    }

    @Test func singleReservationsRotate() {
        var registry = registry(workers: 3)
        let order = (0..<6).flatMap { _ in registry.reserveSlots(1).map(\.id) }
        #expect(order == [1, 2, 3, 1, 2, 3])
    }

    @Test func cancelledReservationsLeaveTheRotationAsIfNeverTaken() {
        var registry = registry(workers: 3)
        let reserved = registry.reserveSlots(7)
        #expect(reserved.map(\.id) == [1, 2, 3, 1, 2, 3, 1])
        registry.cancelReservations(Array(reserved.dropFirst(2)))
        #expect(registry.registered.map(\.inFlight) == [1, 1, 0])
        #expect((0..<4).flatMap { _ in registry.reserveSlots(1).map(\.id) } == [3, 1, 2, 3])
    }

    @Test func removingAWorkerBeforeTheCursorKeepsTheRotation() {
        var registry = registry(workers: 3)
        #expect(registry.reserveSlots(2).map(\.id) == [1, 2])
        registry.remove(workerID: 1)
        #expect(registry.reserveSlots(2).map(\.id) == [3, 2], "worker 3 was next and still is")
    }

    @Test func neverReservesMoreThanTheFreeSlots() {
        var registry = registry(workers: 2, capacity: 2)
        #expect(registry.reserveSlots(10).count == 4)
        #expect(registry.freeSlots == 0)
        #expect(registry.reserveSlots(1).isEmpty)
        registry.releaseSlot(of: 2)
        #expect(registry.reserveSlots(3).map(\.id) == [2])
    }

    @Test func heartbeatFreeSlotsAreTheTruth() {
        var registry = registry(workers: 1, capacity: 4)
        _ = registry.reserveSlots(4)
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 4, freeSlots: 3))
        #expect(registry.freeSlots == 3)
    }

    @Test func aHeartbeatSaysWhenItFreedSlotsTheRegistryDidNotCount() {
        var registry = registry(workers: 1, capacity: 4)
        let full = registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 4, freeSlots: 0))
        #expect(full == WorkerRegistry.HeartbeatOutcome(registeredWorker: false, freedSlots: false))
        #expect(registry.freeSlots == 0)
        let freed = registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 4, freeSlots: 2))
        #expect(freed.freedSlots, "the dispatcher must hear of slots it counted as taken")
        #expect(!registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 4, freeSlots: 2)).freedSlots)
        #expect(registry.heartbeat(HeartbeatRequest(workerID: 2, address: "w2:1", capacity: 1, freeSlots: 1)).freedSlots)
    }

    @Test func originalWorkersGetTheDefaultCapacity() {
        var registry = WorkerRegistryState(defaultCapacity: 3)
        #expect(registry.heartbeat(HeartbeatRequest(workerID: 9, address: "old:1")).registeredWorker)
        #expect(!registry.heartbeat(HeartbeatRequest(workerID: 9, address: "old:1")).registeredWorker)
        #expect(registry.freeSlots == 3)
    }

    @Test func silentWorkersAreRemoved() {
        var registry = WorkerRegistryState(defaultCapacity: 1)
        let start = ContinuousClock.Instant.now
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "a:1"), at: start)
        registry.heartbeat(HeartbeatRequest(workerID: 2, address: "b:1"), at: start + .seconds(4))
        let removed = registry.removeWorkers(silentSince: start + .seconds(2))
        #expect(removed.map(\.id) == [1])
        #expect(registry.registered.map(\.id) == [2])
        #expect(registry.reserveSlots(2).map(\.id) == [2])
    }

    @Test func idleSlotsGoFirstThenPrefetchPlaces() {
        var registry = WorkerRegistryState(defaultCapacity: 5)
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 2, freeSlots: 6, prefetch: 4))
        registry.heartbeat(HeartbeatRequest(workerID: 2, address: "w2:1", capacity: 2, freeSlots: 2))
        #expect(registry.freeSlots == 8)
        #expect(registry.reserveSlots(4).map(\.id) == [1, 2, 1, 2], "every idle slot before any place")
        #expect(registry.reserveSlots(10).map(\.id) == [1, 1, 1, 1], "then the places of the worker that offers them")
        #expect(registry.freeSlots == 0)
    }

    @Test func heartbeatsCarryPrefetchAndExecutor() {
        var registry = WorkerRegistryState(defaultCapacity: 5)
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 2, freeSlots: 3, prefetch: 4, executor: "shell"))
        let worker = registry.registered[0]
        #expect(worker.prefetch == 4 && worker.executor == "shell")
        #expect(worker.inFlight == 3, "2 slots and 4 places, 3 of them free")
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1"))
        #expect(registry.registered[0].executor == nil && registry.registered[0].prefetch == 0)
    }

    @Test func aWorkerServesTheQueuesItsHeartbeatNames() {
        var registry = WorkerRegistryState(defaultCapacity: 5)
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "h:1", capacity: 2, freeSlots: 2, queues: ["mail", "bulk", "mail"]))
        registry.heartbeat(HeartbeatRequest(workerID: 2, address: "h:2", capacity: 2, freeSlots: 2))
        #expect(registry.registered.map(\.queues) == [["bulk", "mail"], nil])
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "h:1", capacity: 2, freeSlots: 2))
        #expect(registry.registered[0].queues == nil, "a worker may start serving every queue")
    }
}
