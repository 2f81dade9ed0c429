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
    private let reader: DispatchIO

    /// Foundation closes every descriptor open at spawn time in the child, except the ones it
    /// passes on. A descriptor created by a concurrent launch could slip through that window into
    /// another task's processes and keep its pipe or termination socket open, so launches take turns.
    private static let launchLock = Mutex(())

    /// Starts `command`; throws when the shell cannot be spawned.
    init(command: String, outputLimit: Int) throws {
        let exit = OneShot<Exit?>()
        let (processID, descriptor) = try Self.launchLock.withLock { _ in
            try Self.spawn(command: command) { exit.fulfil($0) }
        }
        let queue = DispatchQueue(label: "taskmaster.shell-output")
        self.processID = processID
        self.exit = exit
        let output = OutputCollector(limit: outputLimit)
        let reader = DispatchIO(type: .stream, fileDescriptor: descriptor, queue: queue) { _ in close(descriptor) }
        self.output = output
        self.reader = reader
        reader.setLimit(lowWater: 1)
        reader.read(offset: 0, length: Int.max, queue: queue) { done, data, _ in
            if let data, !data.isEmpty {
                output.tail.withLock { $0.append(contentsOf: data) }
            }
            if done {
                reader.close()
                output.closed.fulfil(())
            }
        }
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
    /// given up on: `result()` returns without an exit.
    func killGroup() {
        let first = killRequested.withLock { requested in
            defer { requested = true }
            return !requested
        }
        kill(-processID, SIGKILL)
        guard first else { return }
        let (exit, reader) = (exit, reader)
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.killGracePeriod.secondsValue) {
            exit.fulfil(nil)
            reader.close(flags: .stop)
        }
    }

    /// Whether `killGroup()` was called.
    var wasKilled: Bool { killRequested.withLock { $0 } }

    /// Waits until the shell and everything it left in its group have exited and the output is closed.
    func result() async -> Result {
        let exit = await exit.value
        // Leftovers that closed their inherited descriptors would otherwise outlive the task.
        if exit != nil { kill(-processID, SIGKILL) }
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
