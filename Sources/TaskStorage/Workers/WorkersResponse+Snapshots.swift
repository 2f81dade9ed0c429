import APIModels

extension WorkersResponse {
    /// The list ordered by worker id, whoever serves it.
    init(_ workers: [WorkerSnapshot]) {
        self.init(
            workers: workers.sorted { $0.id < $1.id }.map { worker in
                Worker(
                    workerID: worker.id, address: worker.address, capacity: worker.capacity,
                    prefetch: worker.prefetch, inFlight: worker.inFlight, freeSlots: worker.freeSlots,
                    executor: worker.executor, queues: worker.queues, lastHeartbeat: worker.lastHeartbeat.rfc3339)
            })
    }
}
