import Foundation
import Testing

@testable import CoordinatorService
@testable import RPC
@testable import TaskStorage

/// A hand-off whose call failed stays with its worker until the worker's heartbeats tell whether
/// it took it: the second heartbeat heard after the hand-off's deadline settles it.
@Suite struct UnansweredHandOffTests {
    private let start = ContinuousClock.now
    private let task = ClaimedTask(id: UUID(), command: "true", attempt: 1, timeoutSeconds: nil, workerID: 1, handoff: UUID())

    private func heartbeat(holding held: [UUID] = []) -> HeartbeatRequest {
        HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 2, freeSlots: 2, heldTaskIDs: held.map(\.text))
    }

    private func registryWithUnansweredHandOff(deadlineIn: Duration) -> WorkerRegistryState {
        var registry = WorkerRegistryState(defaultCapacity: 5)
        registry.heartbeat(heartbeat(), at: start)
        #expect(registry.handOffsUnanswered([task], by: 1, deadline: start + deadlineIn).isEmpty)
        return registry
    }

    @Test func heartbeatsBeforeTheDeadlineSettleNothing() {
        var registry = registryWithUnansweredHandOff(deadlineIn: .seconds(5))
        for second in 1...4 {
            let outcome = registry.heartbeat(heartbeat(), at: start + .seconds(second))
            #expect(outcome.unheldHandOffs.isEmpty, "the worker may still take the hand-off at \(second) s")
        }
        #expect(registry.heartbeat(heartbeat(), at: start + .seconds(5)).unheldHandOffs.isEmpty, "first heartbeat after")
        #expect(registry.heartbeat(heartbeat(), at: start + .seconds(6)).unheldHandOffs == [task], "second heartbeat after")
    }

    @Test func aTaskTheWorkerListsStaysItsOwn() {
        var registry = registryWithUnansweredHandOff(deadlineIn: .seconds(1))
        registry.heartbeat(heartbeat(holding: [task.id]), at: start + .seconds(2))
        #expect(registry.heartbeat(heartbeat(holding: [task.id]), at: start + .seconds(3)).unheldHandOffs.isEmpty)
        #expect(registry.heartbeat(heartbeat(), at: start + .seconds(4)).unheldHandOffs.isEmpty, "settled once")
    }

    @Test func aWorkerNoLongerRegisteredKeepsItsTasksForTheRecoveryAfterTheDeadline() {
        var registry = WorkerRegistryState(defaultCapacity: 5)
        #expect(registry.handOffsUnanswered([task], by: 1, deadline: start).isEmpty)
        #expect(!registry.isRegistered(1))
    }

    @Test func aWorkerOfTheOriginalContractGetsItsUnansweredTasksBackAtOnce() {
        var registry = WorkerRegistryState(defaultCapacity: 5)
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1"), at: start)
        #expect(registry.handOffsUnanswered([task], by: 1, deadline: start + .seconds(5)) == [task])
    }
}
