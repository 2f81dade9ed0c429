import Dispatch
import Foundation
import Synchronization

/// `/bin/sh -c command` running in a process group of its own, with default signal handling,
/// its stdout and stderr collected together into a bounded tail.
///
/// Foundation's `Process` spawns every child as the leader of a new process group
/// (`POSIX_SPAWN_SETPGROUP`), so the shell's pid is also the id of the group that holds
/// everything it starts, and `kill(-pid, …)` reaches them all. Foundation reports the
/// termination once the shell has exited and every process that inherited its descriptors has
/// gone too, so background jobs keep the task running until they end or the group is killed.
final class ShellProcess: Sendable {
    /// How the shell ended.
    enum Exit: Sendable, Hashable {
        case exited(status: Int32)
        case killedBySignal(Int32)
    }

    /// The end of a run: its exit (nil when processes that left the group kept it from being
    /// seen after a kill) and the tail of its output.
    struct Result: Sendable, Hashable {
        var exit: Exit?
        var output: String
    }

    /// How long a killed run may take to be seen gone before it is given up on.
    static let killGracePeriod: Duration = .seconds(2)

    /// The shell's pid, which is also its process group id.
    let processID: Int32
    private let exit: OneShot<Exit?>
    private let output: OutputCollector
    private let killRequested = Mutex(false)
    private static let readChunkSize = 64 * 1024

    /// Foundation closes every descriptor open at spawn time in the child, except the ones it
    /// passes on. A descriptor created by a concurrent launch could slip through that window into
    /// another task's processes and keep its pipe or termination socket open, so launches take turns.
    private static let launchLock = Mutex(())

    /// Starts `command`; throws when the shell cannot be spawned.
    static func start(command: String, outputLimit: Int) throws -> ShellProcess {
        let exit = OneShot<Exit?>()
        let (processID, descriptor) = try launchLock.withLock { _ in
            try spawn(command: command) { exit.fulfil($0) }
        }
        return ShellProcess(processID: processID, outputDescriptor: descriptor, exit: exit, outputLimit: outputLimit)
    }

    /// Watches a spawned shell. Not throwing on purpose: a throwing initializer of a class with
    /// a `Mutex` property crashes the 6.3 optimizer.
    private init(processID: Int32, outputDescriptor descriptor: Int32, exit: OneShot<Exit?>, outputLimit: Int) {
        self.processID = processID
        self.exit = exit
        let output = OutputCollector(limit: outputLimit)
        self.output = output
        // A blocking read on a thread of its own: a libdispatch read source on a pipe can crash
        // the process on Linux when it is torn down, and the cooperative pool must not block.
        let reader = Thread {
            let pipe = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            while let chunk = try? pipe.read(upToCount: Self.readChunkSize), !chunk.isEmpty {
                output.tail.withLock { $0.append(contentsOf: chunk) }
            }
            output.closed.fulfil(())
        }
        reader.name = "shell-output-\(processID)"
        reader.start()
    }

    /// Spawns the shell with stdout and stderr on one pipe; returns its pid and a descriptor of
    /// the pipe's reading end that belongs to the caller.
    private static func spawn(
        command: String, onExit: @escaping @Sendable (Exit) -> Void
    ) throws -> (processID: Int32, outputDescriptor: Int32) {
        let process = Process()
        // The worker ignores SIGPIPE, SIGTERM and SIGINT for its own reasons, and ignored signals
        // are inherited: env restores every signal to its default before it execs the shell.
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["--default-signal", "/bin/sh", "-c", command]
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.terminationHandler = { process in
            onExit(
                process.terminationReason == .exit
                    ? .exited(status: process.terminationStatus) : .killedBySignal(process.terminationStatus))
        }
        try process.run()
        // The pipe's own descriptor closes with the pipe; the caller's copy lives as long as it reads.
        let descriptor = dup(pipe.fileHandleForReading.fileDescriptor)
        let dupError = errno
        try? pipe.fileHandleForReading.close()
        guard descriptor >= 0 else {
            kill(-process.processIdentifier, SIGKILL)
            throw ShellProcessError(code: .outputUnreadable, message: "cannot read the output: errno \(dupError)")
        }
        return (process.processIdentifier, descriptor)
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
            // The reading thread goes on until the last holder of the pipe is gone; nobody waits for it.
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
        return Result(exit: exit, output: output.tail.withLock { $0.text })
    }
}

/// The tail of a run's output, and whether the pipe is closed.
private final class OutputCollector: Sendable {
    let tail: Mutex<OutputTail>
    let closed = OneShot<Void>()

    init(limit: Int) {
        tail = Mutex(OutputTail(limit: limit))
    }
}

/// A shell that could not be started or watched.
struct ShellProcessError: Error, CustomStringConvertible {
    enum Code: Sendable {
        case outputUnreadable
    }

    var code: Code
    var message: String

    var description: String { message }
}
