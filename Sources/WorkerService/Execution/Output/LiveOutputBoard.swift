import Synchronization
package import RPC

/// The shell runs in progress whose output is shown live, and how much of each the coordinator
/// has taken. `ShellExecutor` pins a run here while it goes on; `LiveOutputPublisher` reads what
/// is new from each and sends it.
package final class LiveOutputBoard: Sendable {
    private struct Entry {
        var task: TaskRequest
        var process: ShellProcess
        /// Printed bytes the coordinator has taken.
        var delivered = 0
    }

    private let entries = Mutex<[Int32: Entry]>([:])

    package init() {}

    func add(_ process: ShellProcess, running task: TaskRequest) {
        entries.withLock { $0[process.processID] = Entry(task: task, process: process) }
    }

    func remove(_ process: ShellProcess) {
        _ = entries.withLock { $0.removeValue(forKey: process.processID) }
    }

    /// What the runs printed that the coordinator has not taken yet: at most `chunkBytes`
    /// printed bytes of each run and `totalBytes` in all.
    package func pendingChunks(chunkBytes: Int, totalBytes: Int) -> [TaskOutputChunk] {
        let runs = entries.withLock { Array($0.values) }
        var budget = totalBytes
        var chunks: [TaskOutputChunk] = []
        for run in runs where budget > 0 {
            guard let (count, text) = run.process.liveOutput(from: run.delivered, maxBytes: min(chunkBytes, budget)) else {
                continue
            }
            budget -= count
            chunks.append(
                TaskOutputChunk(
                    taskID: run.task.taskID, attempt: run.task.attempt, handoff: run.task.handoff,
                    byteOffset: UInt64(run.delivered), byteCount: UInt32(count), text: text))
        }
        return chunks
    }

    /// Records that the coordinator took `chunks`.
    package func delivered(_ chunks: [TaskOutputChunk]) {
        entries.withLock { entries in
            for chunk in chunks {
                for (key, entry) in entries
                where entry.task.taskID == chunk.taskID && entry.task.handoff == chunk.handoff
                    && entry.delivered == Int(chunk.byteOffset)
                {
                    entries[key]?.delivered += Int(chunk.byteCount)
                }
            }
        }
    }
}
