import CProcess
import Dispatch
import Glibc
import Synchronization

/// Starts and reaps every child process of the worker. The shells of tasks are started from one
/// thread that lives as long as the process (their parent-death signal is tied to the thread
/// that starts them), and reaped from another, blocked in `waitpid(-1)`, which hands their exits
/// to their watchers and reaps the processes their commands leave behind (`cmd &`). The worker is
/// a child subreaper, so those become its children when their parent exits, as they would anyway
/// with the worker as a container's PID 1; reaping them here keeps them from staying zombies.
final class ChildReaper: Sendable {
    /// One per process: children belong to the process.
    static let shared = ChildReaper()

    /// Watchers of spawned children, by pid, until their exit.
    private let watchers = Mutex<[pid_t: @Sendable (Int32) -> Void]>([:])
    /// Signalled at each spawn, so that the thread waits again once there are children.
    private let childrenAppeared = DispatchSemaphore(value: 0)
    /// Spawns waiting for the spawning thread.
    private let spawns = Mutex<[@Sendable () -> Void]>([])
    private let spawnRequested = DispatchSemaphore(value: 0)

    private init() {
        // A kernel without subreapers (before Linux 3.4) leaves those processes to init instead.
        _ = cprocess_become_child_subreaper()
        // Blocks that never return: each holds its thread for the life of the process.
        DispatchQueue(label: "child-reaper").async { [self] in reap() }
        DispatchQueue(label: "child-spawner").async { [self] in serveSpawns() }
    }

    /// Runs `spawn`, which starts a child and returns its pid, on the spawning thread, and calls
    /// `onExit` with the child's wait status once it exits. The spawn and its registration happen
    /// under the lock the reaper takes to look a pid up, so an exit is never seen before its
    /// watcher. Blocks the caller for the spawn's duration, as a spawn on its own thread would.
    func spawn<Spawned: Sendable>(
        _ spawn: @escaping @Sendable () throws -> (pid: pid_t, value: Spawned), onExit: @escaping @Sendable (Int32) -> Void
    ) throws -> Spawned {
        let pending = PendingSpawn<Spawned>()
        spawns.withLock {
            $0.append { [self] in
                pending.finish(
                    Result {
                        try watchers.withLock { watchers in
                            let spawned = try spawn()
                            watchers[spawned.pid] = onExit
                            return spawned.value
                        }
                    })
            }
        }
        spawnRequested.signal()
        let result = pending.wait()
        childrenAppeared.signal()
        return try result.get()
    }

    private func serveSpawns() {
        while true {
            spawnRequested.wait()
            let pending = spawns.withLock { spawns in
                defer { spawns = [] }
                return spawns
            }
            for spawn in pending { spawn() }
        }
    }

    private func reap() {
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid > 0 {
                let watcher = watchers.withLock { $0.removeValue(forKey: pid) }
                watcher?(status)
            } else if errno == ECHILD {
                childrenAppeared.wait()
            }
        }
    }
}

/// The result of a spawn handed to the spawning thread, which the caller waits for.
private final class PendingSpawn<Spawned: Sendable>: Sendable {
    private let outcome = Mutex<Result<Spawned, any Error>?>(nil)
    private let done = DispatchSemaphore(value: 0)

    func finish(_ result: Result<Spawned, any Error>) {
        outcome.withLock { $0 = result }
        done.signal()
    }

    func wait() -> Result<Spawned, any Error> {
        done.wait()
        return outcome.withLock { $0! }
    }
}
