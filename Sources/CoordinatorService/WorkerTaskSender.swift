import Synchronization
import Core
import RPC

/// Hands tasks to one worker: all of them in one `SubmitTasks` call, or, to a worker built from
/// the original contract (it answers UNIMPLEMENTED), one `SubmitTask` call per task.
final class WorkerTaskSender: Sendable {
    private let clients: WorkerClientPool
    /// Addresses of workers that do not serve `SubmitTasks`.
    private let singleTaskWorkers = Mutex<Set<String>>([])

    init(clients: WorkerClientPool) {
        self.clients = clients
    }

    /// The worker's answer to each of `tasks`, in order, given before `deadline` by this host's
    /// clock; a call that failed fails every task it carried.
    func send(_ tasks: [TaskRequest], to address: String, before deadline: Timestamp) async -> [Result<TaskResponse, any Error>] {
        let client: GRPCClient
        do {
            client = try clients.client(for: address)
        } catch {
            return tasks.map { _ in .failure(error) }
        }
        if !singleTaskWorkers.withLock({ $0.contains(address) }) {
            do {
                let response: TaskBatchResponse = try await client.unary(
                    GRPCAPIMethods.workerSubmitTasks, request: TaskBatchRequest(tasks: tasks), timeout: Self.time(until: deadline))
                return tasks.indices.map { index in
                    index < response.results.count
                        ? .success(response.results[index])
                        : .success(TaskResponse(taskID: tasks[index].taskID, message: "no answer for this task", success: false))
                }
            } catch let status as GRPCStatus where status.code == .unimplemented {
                singleTaskWorkers.withLock { _ = $0.insert(address) }
            } catch {
                return tasks.map { _ in .failure(error) }
            }
        }
        return await tasks.concurrentMap { task in
            do {
                return .success(try await client.unary(GRPCAPIMethods.workerSubmitTask, request: task, timeout: Self.time(until: deadline)))
            } catch {
                return .failure(error)
            }
        }
    }

    private static func time(until deadline: Timestamp) -> Duration {
        .microseconds(deadline.microsecondsSinceEpoch - Timestamp.now().microsecondsSinceEpoch)
    }

    /// Forgets what was learnt about a worker that went away (a new one may take its address).
    func forget(address: String) {
        singleTaskWorkers.withLock { _ = $0.remove(address) }
    }
}
