import Foundation

/// What a finished helper command printed and how it ended.
public struct CommandResult: Sendable {
    public var status: Int32
    public var output: String
    public var errors: String
}

/// Runs a command to completion without blocking a thread of the concurrency pool: output goes
/// to temporary files (a full pipe cannot stall it) and the exit is awaited through
/// `terminationHandler`.
public func runCommand(_ arguments: [String]) async throws -> CommandResult {
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
    process.standardOutput = try FileHandle(forWritingTo: outputFile)
    process.standardError = try FileHandle(forWritingTo: errorFile)
    process.standardInput = FileHandle.nullDevice
    let status: Int32 = try await withCheckedThrowingContinuation { continuation in
        process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
        do {
            try process.run()
        } catch {
            continuation.resume(throwing: error)
        }
    }
    return CommandResult(
        status: status,
        output: (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "",
        errors: (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "")
}
