import CProcess
import Dispatch
import Glibc
import Synchronization

/// `/bin/sh -c command` running in a process group of its own, with default signal handling,
/// its stdout and stderr collected together into a bounded `OutputCapture`.
///
/// The shell is spawned (`cprocess_spawn_shell`) as the leader of a new process group, so its
/// pid is also the id of the group that holds everything it starts, and `kill(-pid, …)` reaches
/// them all. A run ends once the shell has exited and every process that inherited its output
/// has gone too, so background jobs keep the task running until they end or the group is killed.
/// The exit is seen by `ChildReaper`; reading the output blocks on a dispatch queue of its own,
/// never on the cooperative pool.
final class ShellProcess: Sendable {
    /// How the shell ended.
    enum Exit: Sendable, Hashable {
        case exited(status: Int32)
        case killedBySignal(Int32)

        /// The exit a `waitpid` status describes (`WIFEXITED`, `WEXITSTATUS`, `WTERMSIG`, which
        /// Swift does not import).
        init(waitStatus status: Int32) {
            let signal = status & 0x7f
            self = signal == 0 ? .exited(status: (status >> 8) & 0xff) : .killedBySignal(signal)
        }
    }

    /// The end of a run: its exit (nil when processes that left the group kept it from being
    /// seen after a kill) and its output.
    struct Result: Sendable, Hashable {
        var exit: Exit?
        var output: CapturedOutput
    }

    /// How long a killed run may take to be seen gone before it is given up on.
    static let killGracePeriod: Duration = .seconds(2)

    /// The shell's pid, which is also its process group id.
    let processID: Int32
    private let exit: OneShot<Exit?>
    private let output: OutputCollector
    private let killRequested = Mutex(false)
    private static let readChunkSize = 64 * 1024

    /// Starts `command` in the worker's environment, with the `NAME=value` entries of
    /// `environment` replacing or adding the variables they name; throws when the shell cannot be
    /// spawned.
    static func start(command: String, environment: [String] = [], outputLimit: Int) throws -> ShellProcess {
        let exit = OneShot<Exit?>()
        let (processID, descriptor) = try ChildReaper.shared.spawn {
            var processID: pid_t = 0
            var descriptor: Int32 = -1
            let error = withCStringArray(environment) { overrides in
                cprocess_spawn_shell(command, overrides, &processID, &descriptor)
            }
            guard error == 0 else {
                throw ShellProcessError(code: .spawnFailed, message: "cannot start /bin/sh: \(String(cString: strerror(error)))")
            }
            return (processID, (processID, descriptor))
        } onExit: { status in
            exit.fulfil(Exit(waitStatus: status))
        }
        return ShellProcess(processID: processID, exit: exit, outputDescriptor: descriptor, outputLimit: outputLimit)
    }

    /// Watches a spawned shell, whose exit `ChildReaper` fulfils. Not throwing on purpose: a
    /// throwing initializer of a class with a `Mutex` property crashes the 6.3 optimizer.
    private init(processID: Int32, exit: OneShot<Exit?>, outputDescriptor descriptor: Int32, outputLimit: Int) {
        self.processID = processID
        self.exit = exit
        let output = OutputCollector(limit: outputLimit)
        self.output = output
        DispatchQueue(label: "shell-output-\(processID)").async {
            var chunk = [UInt8](repeating: 0, count: Self.readChunkSize)
            while true {
                let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    output.capture.withLock { $0.append(contentsOf: chunk[..<count]) }
                } else if count == 0 || errno != EINTR {
                    break
                }
            }
            close(descriptor)
            output.closed.fulfil(())
        }
    }

    /// Kills the whole process group at once. If the run is still not seen gone after the
    /// grace period (a process moved itself out of the group and holds the output open), it is
    /// given up on: `result()` returns without an exit and with the output read so far.
    func killGroup() {
        let first = killRequested.withLock { requested in
            defer { requested = true }
            return !requested
        }
        kill(-processID, SIGKILL)
        guard first else { return }
        let (exit, output) = (exit, output)
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.killGracePeriod.secondsValue) {
            // The reading queue goes on until the last holder of the pipe is gone; nobody waits for it.
            exit.fulfil(nil)
            output.closed.fulfil(())
        }
    }

    /// Whether `killGroup()` was called.
    var wasKilled: Bool { killRequested.withLock { $0 } }

    /// Waits until the shell and every process that inherited its descriptors have exited and
    /// the output is closed.
    func result() async -> Result {
        let exit = await exit.value
        await output.closed.value
        return Result(exit: exit, output: output.capture.withLock { $0.output })
    }

    /// What the run printed from `offset` on that is shown live (see `OutputCapture.liveOutput`).
    func liveOutput(from offset: Int, maxBytes: Int) -> (byteCount: Int, text: String)? {
        output.capture.withLock { $0.liveOutput(from: offset, maxBytes: maxBytes) }
    }
}

/// A run's output, and whether the pipe is closed.
private final class OutputCollector: Sendable {
    let capture: Mutex<OutputCapture>
    let closed = OneShot<Void>()

    init(limit: Int) {
        capture = Mutex(OutputCapture(limit: limit))
    }
}

/// Calls `body` with a NULL-terminated C array of copies of `strings`, or with NULL when there
/// are none.
private func withCStringArray<Result>(
    _ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> Result
) -> Result {
    guard !strings.isEmpty else { return body(nil) }
    let copies = strings.map { strdup($0) } + [nil]
    defer { copies.forEach { free($0) } }
    return copies.withUnsafeBufferPointer { body($0.baseAddress) }
}

/// A shell that could not be started or watched.
struct ShellProcessError: Error, CustomStringConvertible {
    enum Code: Sendable {
        case spawnFailed
    }

    var code: Code
    var message: String

    var description: String { message }
}
