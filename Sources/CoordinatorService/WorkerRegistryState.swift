import struct Foundation.UUID
import RPC
import TaskStorage
import Core

/// Live workers, their free slots and the round-robin order in which they receive tasks, as a
/// value: every change is a mutating method, and those the dispatcher acts on return what to act
/// on (the workers chosen, what a heartbeat changed, the workers gone silent). `WorkerRegistry`
/// shares one behind a lock.
///
/// A hand-off whose call failed or timed out may still have been taken by the worker before its
/// deadline, the answer lost: its task stays with the worker until the worker's heartbeats tell.
/// A worker sends one heartbeat at a time, each after the reply to the one before, so the second
/// heartbeat heard after the deadline passed was sent after it had: from then on the worker takes
/// no such hand-off, and lists every task it holds. A task that heartbeat does not list goes back
/// in the queue; a listed one is the worker's.
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
        worker.awaitsHeartbeat = false
        worker.executor = request.executor.isEmpty ? nil : request.executor
        worker.speaksOriginalContract = !advertises
        worker.queues = request.queues.isEmpty ? nil : Array(Set(request.queues)).sorted()
        if advertises {
            // The worker's own count is the truth; it also repairs reports that were lost.
            worker.inFlight = max(0, worker.capacity + worker.prefetch - Int(request.freeSlots))
        }
        let unheld = worker.settleUnansweredHandOffs(holding: request.heldTaskIDs, at: now)
        workers[request.workerID] = worker
        if known == nil { order.append(request.workerID) }
        return WorkerRegistry.HeartbeatOutcome(
            registeredWorker: known == nil, freedSlots: worker.freeSlots > (known?.freeSlots ?? 0), unheldHandOffs: unheld)
    }

    /// Records hand-offs to `workerID` that went unanswered, whose deadline passes at `deadline`;
    /// returns those to put back in the queue at once: none for a worker no longer registered
    /// (its tasks are taken back with it once their deadlines passed), all of them for a worker of
    /// the original contract, whose heartbeats do not list its tasks.
    mutating func handOffsUnanswered(
        _ tasks: [ClaimedTask], by workerID: UInt32, deadline: ContinuousClock.Instant
    ) -> [ClaimedTask] {
        guard var worker = workers[workerID] else { return [] }
        guard !worker.speaksOriginalContract else { return tasks }
        worker.unanswered += tasks.map { UnansweredHandOff(task: $0, deadline: deadline) }
        workers[workerID] = worker
        return []
    }

    func isRegistered(_ workerID: UInt32) -> Bool { workers[workerID] != nil }

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

    /// Gives back reserved slots that went unused, in the order `reserveSlots` returned them, so
    /// the round-robin order goes on from the first of them as if they had never been taken.
    mutating func cancelReservations(_ unused: [RegisteredWorker]) {
        for reserved in unused { releaseSlot(of: reserved.id) }
        if let first = unused.first, let index = order.firstIndex(of: first.id) {
            cursor = index
        }
    }

    /// Offers `workerID` no task until its next heartbeat: a hand-off to it failed or was refused.
    mutating func holdUntilHeartbeat(_ workerID: UInt32) {
        workers[workerID]?.awaitsHeartbeat = true
    }

    /// Gives back a slot of `workerID`: its task finished or its hand-off failed.
    mutating func releaseSlot(of workerID: UInt32) {
        guard var worker = workers[workerID] else { return }
        worker.inFlight = max(0, worker.inFlight - 1)
        workers[workerID] = worker
    }
}

extension RegisteredWorker {
    /// Counts a heartbeat listing `held`, heard at `now`, against the unanswered hand-offs whose
    /// deadline passed; returns the tasks of those it settles that the worker does not hold.
    fileprivate mutating func settleUnansweredHandOffs(holding held: [String], at now: ContinuousClock.Instant) -> [ClaimedTask] {
        guard !unanswered.isEmpty else { return [] }
        let heldIDs = Set(held.compactMap(UUID.init(text:)))
        var unheld: [ClaimedTask] = []
        unanswered = unanswered.compactMap { pending in
            var pending = pending
            guard now >= pending.deadline else { return pending }
            pending.heartbeatsHeard += 1
            guard pending.heartbeatsHeard >= 2 else { return pending }
            if !heldIDs.contains(pending.task.id) { unheld.append(pending.task) }
            return nil
        }
        return unheld
    }
}
