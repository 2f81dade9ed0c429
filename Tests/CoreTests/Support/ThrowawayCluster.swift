import Foundation

/// A PostgreSQL cluster of a test's own, run by `scripts/postgres.sh` in a temporary directory.
struct ThrowawayCluster {
    struct ScriptFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let output: String
        var description: String { "scripts/postgres.sh \(arguments.joined(separator: " ")) exited \(status): \(output)" }
    }

    static let script = TestEnvironment.scriptsDirectory + "/postgres.sh"

    let directory: String
    let url: String

    static func start() async throws -> ThrowawayCluster {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taskmaster-pg-\(UUID().uuidString)").path
        let url = try await run(["start", directory]).trimmingCharacters(in: .whitespacesAndNewlines)
        return ThrowawayCluster(directory: directory, url: url)
    }

    func restart() async throws {
        _ = try await Self.run(["restart", directory])
    }

    /// Stops the server, keeping its data and port.
    func pause() async throws {
        _ = try await Self.run(["pause", directory])
    }

    /// Starts a paused server again.
    func resume() async throws {
        _ = try await Self.run(["resume", directory])
    }

    func stop() async throws {
        _ = try await Self.run(["stop", directory])
    }

    /// Runs the script without blocking a thread of the concurrency pool; returns its standard output.
    private static func run(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do {
                try process.run()
            } catch {
                continuation.resume(throwing: error)
            }
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard status == 0 else {
            let detail = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw ScriptFailed(arguments: arguments, status: status, output: detail)
        }
        return text
    }
}
