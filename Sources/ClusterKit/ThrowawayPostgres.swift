import Foundation

/// A PostgreSQL server of its own, run by `scripts/postgres.sh` in a temporary directory.
package struct ThrowawayPostgres: Sendable {
    package struct ScriptFailed: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let output: String
        package var description: String { "scripts/postgres.sh \(arguments.joined(separator: " ")) exited \(status): \(output)" }
    }


    /// The `scripts/postgres.sh` that runs it.
    package let script: String
    package let directory: String
    /// A libpq URL of its `taskmaster` database.
    package let url: String

    package static func start(script: String) async throws -> ThrowawayPostgres {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("taskmaster-pg-\(UUID().uuidString)").path
        let url = try await run(script, ["start", directory]).trimmingCharacters(in: .whitespacesAndNewlines)
        return ThrowawayPostgres(script: script, directory: directory, url: url)
    }

    package func restart() async throws {
        _ = try await Self.run(script, ["restart", directory])
    }

    /// Stops the server, keeping its data and port.
    package func pause() async throws {
        _ = try await Self.run(script, ["pause", directory])
    }

    /// Starts a paused server again.
    package func resume() async throws {
        _ = try await Self.run(script, ["resume", directory])
    }

    package func stop() async throws {
        _ = try await Self.run(script, ["stop", directory])
    }

    /// Runs the script; returns its standard output.
    private static func run(_ script: String, _ arguments: [String]) async throws -> String {
        let result = try await runCommand(["bash", script] + arguments)
        guard result.status == 0 else {
            throw ScriptFailed(arguments: arguments, status: result.status, output: result.errors)
        }
        return result.output
    }
}
