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

    /// Runs the script; returns its standard output.
    private static func run(_ arguments: [String]) async throws -> String {
        let result = try await runCommand(["bash", script] + arguments)
        guard result.status == 0 else {
            throw ScriptFailed(arguments: arguments, status: result.status, output: result.errors)
        }
        return result.output
    }
}
