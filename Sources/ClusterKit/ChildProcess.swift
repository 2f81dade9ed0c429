import Foundation

/// Starts `process`, one launch at a time: Foundation's `Process.run()` is not safe to call
/// from several threads at once on Linux (seen crashing in its argument copying).
func launch(_ process: Process) throws {
    try launchLock.withLock { try process.run() }
}

private let launchLock = NSLock()

/// What a finished helper command printed and how it ended.
package struct CommandResult: Sendable {
    package var status: Int32
    package var output: String
    package var errors: String
}

/// Runs a command to completion without blocking a thread of the concurrency pool: output goes
/// to temporary files (a full pipe cannot stall it) and the exit is awaited through
/// `terminationHandler`.
package func runCommand(_ arguments: [String]) async throws -> CommandResult {
    let directory = FileManager.default.temporaryDirectory
    let outputFile = directory.appendingPathComponent("cmd-out-\(UUID().uuidString)")
    let errorFile = directory.appendingPathComponent("cmd-err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: outputFile.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorFile.path, contents: nil)
    defer {
        try? FileManager.default.removeItem(at: outputFile)
        try? FileManager.default.removeItem(at: errorFile)
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment
    // Closed here: the Process object does not reliably release them on Linux.
    let output = try FileHandle(forWritingTo: outputFile)
    let errors = try FileHandle(forWritingTo: errorFile)
    defer {
        try? output.close()
        try? errors.close()
    }
    process.standardOutput = output
    process.standardError = errors
    process.standardInput = FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do {
            try launch(process)
        } catch {
            continuation.resume(throwing: error)
        }
    }
    return CommandResult(
        status: status,
        output: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
        errors: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
}
