import RPC

/// Live workers, their free slots and the round-robin order in which they receive tasks, as a
/// value: every change is a mutating method, and those the dispatcher acts on return what to act
/// on (the workers chosen, what a heartbeat changed, the workers gone silent). `WorkerRegistry`
/// shares one behind a lock.
struct WorkerRegistryState {
    private var workers: [UInt32: RegisteredWorker] = [:]
    /// Registration order; `cursor` points at the worker that gets the next task.
    private var order: [UInt32] = []
    private var cursor = 0
    /// Capacity assumed for a worker that does not advertise one (the original contract).
    private let defaultCapacity: Int

    init(defaultCapacity: Int) {
        self.defaultCapacity = defaultCapacity
    }

    @discardableResult
    mutating func heartbeat(_ request: HeartbeatRequest, at now: ContinuousClock.Instant = .now) -> WorkerRegistry.HeartbeatOutcome {
        let advertises = request.capacity > 0
        let known = workers[request.workerID]
        var worker =
            known ?? RegisteredWorker(id: request.workerID, address: request.address, capacity: 0, inFlight: 0, lastHeartbeat: now)
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
        workers[request.workerID] = worker
        if known == nil { order.append(request.workerID) }
        return WorkerRegistry.HeartbeatOutcome(registeredWorker: known == nil, freedSlots: worker.freeSlots > (known?.freeSlots ?? 0))
    }

    /// Removes and returns the workers whose last heartbeat is older than `deadline`.
    mutating func removeWorkers(silentSince deadline: ContinuousClock.Instant) -> [RegisteredWorker] {
        let expired = workers.values.filter { $0.lastHeartbeat < deadline }
        for worker in expired {
            remove(workerID: worker.id)
        }
        return expired
    }

    mutating func remove(workerID: UInt32) {
        guard workers.removeValue(forKey: workerID) != nil, let index = order.firstIndex(of: workerID) else { return }
        order.remove(at: index)
        if index < cursor { cursor -= 1 }
    }

    var isEmpty: Bool { workers.isEmpty }

    /// The live workers in registration order.
    var registered: [RegisteredWorker] { order.compactMap { workers[$0] } }

    var originalContractWorkerIDs: [UInt32] { workers.values.filter(\.speaksOriginalContract).map(\.id) }

    var freeSlots: Int { workers.values.reduce(0) { $0 + $1.freeSlots } }

    /// Takes up to `count` free slots, one at a time in round-robin order, and returns the worker
    /// chosen for each. Idle slots go first; prefetch places only once no worker has an idle slot,
    /// so a task waits in a worker's queue only when it could not start anywhere at once.
    mutating func reserveSlots(_ count: Int) -> [RegisteredWorker] {
        var chosen = reserve(count, where: \.hasIdleSlot)
        chosen += reserve(count - chosen.count) { $0.freeSlots > 0 }
        return chosen
    }

    /// Up to `count` slots, round-robin over the workers that `qualifies`.
    private mutating func reserve(_ count: Int, where qualifies: (RegisteredWorker) -> Bool) -> [RegisteredWorker] {
        var chosen: [RegisteredWorker] = []
        var idleRounds = 0
        while chosen.count < count, !order.isEmpty, idleRounds < order.count {
            cursor %= order.count
            let id = order[cursor]
            cursor += 1
            guard var worker = workers[id], qualifies(worker) else {
                idleRounds += 1
                continue
            }
            idleRounds = 0
            worker.inFlight += 1
            workers[id] = worker
            chosen.append(worker)
        }
        return chosen
    }

    /// Gives back reserved slots that went unused — the tail of what `reserveSlots` returned —
    /// so the round-robin order goes on as if they had never been taken.
    mutating func cancelReservations(_ unused: ArraySlice<RegisteredWorker>) {
        for reserved in unused { releaseSlot(of: reserved.id) }
        if let first = unused.first, let index = order.firstIndex(of: first.id) {
            cursor = index
        }
    }

    /// Gives back a slot of `workerID`: its task finished or its hand-off failed.
    mutating func releaseSlot(of workerID: UInt32) {
        guard var worker = workers[workerID] else { return }
        worker.inFlight = max(0, worker.inFlight - 1)
        workers[workerID] = worker
    }
}
