import Synchronization
package import RPC
package import TaskStorage

/// The coordinator's live workers, shared by its tasks: a `WorkerRegistryState` behind a lock.
///
/// Every method is atomic; dispatch reserves slots here before it hands tasks over, so the
/// coordinator never gives a worker more tasks than it has free slots.
package final class WorkerRegistry: Sendable {
    private let state: Mutex<WorkerRegistryState>

    package init(defaultCapacity: Int) {
        state = Mutex(WorkerRegistryState(defaultCapacity: defaultCapacity))
    }

    /// What a heartbeat changed that the dispatcher must hear of.
    package struct HeartbeatOutcome: Sendable, Hashable {
        /// The worker was not registered before.
        package var registeredWorker: Bool
        /// The worker can take more tasks than the registry counted before: it is new, or it
        /// freed slots the registry had not seen freed (a heartbeat that found it full came in
        /// after the reports that freed them).
        package var freedSlots: Bool
        /// Tasks of unanswered hand-offs the worker showed it does not hold: back in the queue
        /// with them (see `WorkerRegistryState`).
        package var unheldHandOffs: [ClaimedTask] = []
    }

    /// Records a heartbeat.
    @discardableResult
    package func heartbeat(_ request: HeartbeatRequest, at now: ContinuousClock.Instant = .now) -> HeartbeatOutcome {
        state.withLock { $0.heartbeat(request, at: now) }
    }

    /// Removes and returns the workers whose last heartbeat is older than `deadline`.
    package func removeWorkers(silentSince deadline: ContinuousClock.Instant) -> [RegisteredWorker] {
        state.withLock { $0.removeWorkers(silentSince: deadline) }
    }

    /// Forgets a worker (it will register again with its next heartbeat if it is alive).
    package func remove(workerID: UInt32) {
        state.withLock { $0.remove(workerID: workerID) }
    }

    package var isEmpty: Bool { state.withLock { $0.isEmpty } }

    package var workers: [RegisteredWorker] { state.withLock { $0.registered } }

    /// The live workers built from the original contract.
    package var originalContractWorkerIDs: [UInt32] { state.withLock { $0.originalContractWorkerIDs } }

    /// Free slots over all live workers.
    package var freeSlots: Int { state.withLock { $0.freeSlots } }

    /// See `WorkerRegistryState.reserveSlots(_:)`.
    package func reserveSlots(_ count: Int) -> [RegisteredWorker] {
        state.withLock { $0.reserveSlots(count) }
    }

    /// See `WorkerRegistryState.cancelReservations(_:)`.
    package func cancelReservations(_ unused: [RegisteredWorker]) {
        state.withLock { $0.cancelReservations(unused) }
    }

    /// See `WorkerRegistryState.handOffsUnanswered(_:by:deadline:)`.
    func handOffsUnanswered(_ tasks: [ClaimedTask], by workerID: UInt32, deadline: ContinuousClock.Instant) -> [ClaimedTask] {
        guard !tasks.isEmpty else { return [] }
        return state.withLock { $0.handOffsUnanswered(tasks, by: workerID, deadline: deadline) }
    }

    /// Whether `workerID` is live (registered since it was last removed, if it was).
    package func isRegistered(_ workerID: UInt32) -> Bool {
        state.withLock { $0.isRegistered(workerID) }
    }

    /// See `WorkerRegistryState.holdUntilHeartbeat(_:)`.
    package func holdUntilHeartbeat(_ workerID: UInt32) {
        state.withLock { $0.holdUntilHeartbeat(workerID) }
    }

    /// Gives back a slot of `workerID`: its task finished or its hand-off failed.
    package func releaseSlot(of workerID: UInt32) {
        state.withLock { $0.releaseSlot(of: workerID) }
    }
}
