import Synchronization
public import RPC

/// The coordinator's live workers, shared by its tasks: a `WorkerRegistryState` behind a lock.
///
/// Every method is atomic; dispatch reserves slots here before it hands tasks over, so the
/// coordinator never gives a worker more tasks than it has free slots.
public final class WorkerRegistry: Sendable {
    private let state: Mutex<WorkerRegistryState>

    public init(defaultCapacity: Int) {
        state = Mutex(WorkerRegistryState(defaultCapacity: defaultCapacity))
    }

    /// What a heartbeat changed that the dispatcher must hear of.
    public struct HeartbeatOutcome: Sendable, Hashable {
        /// The worker was not registered before.
        public var registeredWorker: Bool
        /// The worker can take more tasks than the registry counted before: it is new, or it
        /// freed slots the registry had not seen freed (a heartbeat that found it full came in
        /// after the reports that freed them).
        public var freedSlots: Bool
    }

    /// Records a heartbeat.
    @discardableResult
    public func heartbeat(_ request: HeartbeatRequest, at now: ContinuousClock.Instant = .now) -> HeartbeatOutcome {
        state.withLock { $0.heartbeat(request, at: now) }
    }

    /// Removes and returns the workers whose last heartbeat is older than `deadline`.
    public func removeWorkers(silentSince deadline: ContinuousClock.Instant) -> [RegisteredWorker] {
        state.withLock { $0.removeWorkers(silentSince: deadline) }
    }

    /// Forgets a worker (it will register again with its next heartbeat if it is alive).
    public func remove(workerID: UInt32) {
        state.withLock { $0.remove(workerID: workerID) }
    }

    public var isEmpty: Bool { state.withLock { $0.isEmpty } }

    public var workers: [RegisteredWorker] { state.withLock { $0.registered } }

    /// The live workers built from the original contract.
    public var originalContractWorkerIDs: [UInt32] { state.withLock { $0.originalContractWorkerIDs } }

    /// Free slots over all live workers.
    public var freeSlots: Int { state.withLock { $0.freeSlots } }

    /// See `WorkerRegistryState.reserveSlots(_:)`.
    public func reserveSlots(_ count: Int) -> [RegisteredWorker] {
        state.withLock { $0.reserveSlots(count) }
    }

    /// See `WorkerRegistryState.cancelReservations(_:)`.
    public func cancelReservations(_ unused: ArraySlice<RegisteredWorker>) {
        state.withLock { $0.cancelReservations(unused) }
    }

    /// Gives back a slot of `workerID`: its task finished or its hand-off failed.
    public func releaseSlot(of workerID: UInt32) {
        state.withLock { $0.releaseSlot(of: workerID) }
    }
}
