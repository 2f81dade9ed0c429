import Synchronization
public import RPC

/// A worker known to the coordinator through its heartbeats.
public struct RegisteredWorker: Sendable, Hashable {
    public var id: UInt32
    /// `host:port` of its WorkerService.
    public var address: String
    /// Tasks it runs at once.
    public var capacity: Int
    /// Tasks it takes beyond `capacity` now, queued to start when a slot frees.
    public var prefetch = 0
    /// Tasks handed to it and not yet reported finished.
    public var inFlight: Int
    public var lastHeartbeat: ContinuousClock.Instant
    /// Shutting down: it gets no new tasks.
    public var draining = false
    /// How it runs tasks, when it says (`shell`, `sleep`, `noop`).
    public var executor: String?
    /// Built from the original contract: its heartbeats say nothing of its capacity, and its
    /// reports nothing of who sends them or which attempt they are about.
    public var speaksOriginalContract = false

    /// Tasks it can take now: free slots and free prefetch places.
    public var freeSlots: Int { draining ? 0 : max(0, capacity + prefetch - inFlight) }

    /// Whether one of its slots is idle (a task sent now starts at once).
    var hasIdleSlot: Bool { !draining && inFlight < capacity }
}

/// Live workers, their free slots, and the round-robin order in which they receive tasks.
///
/// Every method is atomic; dispatch reserves slots here before it hands tasks over, so the
/// coordinator never gives a worker more tasks than it has free slots.
public final class WorkerRegistry: Sendable {
    private struct State {
        var workers: [UInt32: RegisteredWorker] = [:]
        /// Registration order; `cursor` points at the worker that gets the next task.
        var order: [UInt32] = []
        var cursor = 0
    }

    private let state = Mutex(State())
    /// Capacity assumed for a worker that does not advertise one (the original contract).
    private let defaultCapacity: Int

    public init(defaultCapacity: Int) {
        self.defaultCapacity = defaultCapacity
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
        state.withLock { state in
            let advertises = request.capacity > 0
            let isNew = state.workers[request.workerID] == nil
            let freeSlotsBefore = state.workers[request.workerID]?.freeSlots ?? 0
            var worker =
                state.workers[request.workerID]
                ?? RegisteredWorker(id: request.workerID, address: request.address, capacity: 0, inFlight: 0, lastHeartbeat: now)
            worker.address = request.address
            worker.capacity = advertises ? Int(request.capacity) : defaultCapacity
            worker.prefetch = Int(request.prefetch)
            worker.lastHeartbeat = now
            worker.draining = request.draining
            worker.executor = request.executor.isEmpty ? nil : request.executor
            worker.speaksOriginalContract = !advertises
            if advertises {
                // The worker's own count is the truth; it also repairs reports that were lost.
                worker.inFlight = max(0, worker.capacity + worker.prefetch - Int(request.freeSlots))
            }
            state.workers[request.workerID] = worker
            if isNew { state.order.append(request.workerID) }
            return HeartbeatOutcome(registeredWorker: isNew, freedSlots: worker.freeSlots > freeSlotsBefore)
        }
    }

    /// Removes and returns the workers whose last heartbeat is older than `deadline`.
    public func removeWorkers(silentSince deadline: ContinuousClock.Instant) -> [RegisteredWorker] {
        state.withLock { state in
            let expired = state.workers.values.filter { $0.lastHeartbeat < deadline }
            for worker in expired {
                Self.remove(worker.id, from: &state)
            }
            return expired
        }
    }

    /// Forgets a worker (it will register again with its next heartbeat if it is alive).
    public func remove(workerID: UInt32) {
        state.withLock { Self.remove(workerID, from: &$0) }
    }

    public var isEmpty: Bool { state.withLock { $0.workers.isEmpty } }

    public var workers: [RegisteredWorker] {
        state.withLock { state in state.order.compactMap { state.workers[$0] } }
    }

    /// The live workers built from the original contract.
    public var originalContractWorkerIDs: [UInt32] {
        state.withLock { $0.workers.values.filter(\.speaksOriginalContract).map(\.id) }
    }

    /// Free slots over all live workers.
    public var freeSlots: Int {
        state.withLock { $0.workers.values.reduce(0) { $0 + $1.freeSlots } }
    }

    /// Takes up to `count` free slots, one at a time in round-robin order, and returns the worker
    /// chosen for each. Idle slots go first; prefetch places only once no worker has an idle slot,
    /// so a task waits in a worker's queue only when it could not start anywhere at once.
    public func reserveSlots(_ count: Int) -> [RegisteredWorker] {
        state.withLock { state in
            var chosen = Self.reserve(count, in: &state, where: \.hasIdleSlot)
            chosen += Self.reserve(count - chosen.count, in: &state) { $0.freeSlots > 0 }
            return chosen
        }
    }

    /// Up to `count` slots, round-robin over the workers that `qualifies`.
    private static func reserve(
        _ count: Int, in state: inout State, where qualifies: (RegisteredWorker) -> Bool
    ) -> [RegisteredWorker] {
        var chosen: [RegisteredWorker] = []
        var idleRounds = 0
        while chosen.count < count, !state.order.isEmpty, idleRounds < state.order.count {
            state.cursor %= state.order.count
            let id = state.order[state.cursor]
            state.cursor += 1
            guard var worker = state.workers[id], qualifies(worker) else {
                idleRounds += 1
                continue
            }
            idleRounds = 0
            worker.inFlight += 1
            state.workers[id] = worker
            chosen.append(worker)
        }
        return chosen
    }

    /// Gives back reserved slots that went unused — the tail of what `reserveSlots` returned —
    /// so the round-robin order goes on as if they had never been taken.
    public func cancelReservations(_ unused: ArraySlice<RegisteredWorker>) {
        state.withLock { state in
            for reserved in unused { Self.releaseSlot(of: reserved.id, in: &state) }
            if let first = unused.first, let index = state.order.firstIndex(of: first.id) {
                state.cursor = index
            }
        }
    }

    /// Gives back a slot of `workerID`: its task finished or its hand-off failed.
    public func releaseSlot(of workerID: UInt32) {
        state.withLock { Self.releaseSlot(of: workerID, in: &$0) }
    }

    private static func releaseSlot(of workerID: UInt32, in state: inout State) {
        guard var worker = state.workers[workerID] else { return }
        worker.inFlight = max(0, worker.inFlight - 1)
        state.workers[workerID] = worker
    }

    private static func remove(_ id: UInt32, from state: inout State) {
        guard state.workers.removeValue(forKey: id) != nil, let index = state.order.firstIndex(of: id) else { return }
        state.order.remove(at: index)
        if index < state.cursor { state.cursor -= 1 }
    }
}
