import CProcess
import Dispatch
import Glibc
import Synchronization

/// Reaps every child process of the worker, from one thread blocked in `waitpid(-1)`: the shells
/// of tasks, whose exits it hands to their watchers, and the processes their commands leave
/// behind (`cmd &`). The worker is a child subreaper, so those become its children when their
/// parent exits, as they would anyway with the worker as a container's PID 1; reaping them here
/// keeps them from staying zombies.
final class ChildReaper: Sendable {
    /// One per process: children belong to the process.
    static let shared = ChildReaper()

    /// Watchers of spawned children, by pid, until their exit.
    private let watchers = Mutex<[pid_t: @Sendable (Int32) -> Void]>([:])
    /// Signalled at each spawn, so that the thread waits again once there are children.
    private let childrenAppeared = DispatchSemaphore(value: 0)

    private init() {
        // A kernel without subreapers (before Linux 3.4) leaves those processes to init instead.
        _ = cprocess_become_child_subreaper()
        DispatchQueue(label: "child-reaper").async { [self] in reap() }
    }

    /// Runs `spawn`, which starts a child and returns its pid, and calls `onExit` with the
    /// child's wait status once it exits. The spawn and its registration happen under the lock
    /// the reaper takes to look a pid up, so an exit is never seen before its watcher.
    func spawn<Spawned>(
        _ spawn: () throws -> (pid: pid_t, value: Spawned), onExit: @escaping @Sendable (Int32) -> Void
    ) throws -> Spawned {
        let spawned = try watchers.withLock { watchers in
            let spawned = try spawn()
            watchers[spawned.pid] = onExit
            return spawned
        }
        childrenAppeared.signal()
        return spawned.value
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
