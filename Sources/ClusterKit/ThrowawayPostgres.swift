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
        let directory = newDirectory()
        let url = try await run(script, ["start", directory]).trimmingCharacters(in: .whitespacesAndNewlines)
        return ThrowawayPostgres(script: script, directory: directory, url: url)
    }

    /// Starts a synchronous streaming standby of this server: a commit this server acknowledges
    /// is on both.
    package func startStandby() async throws -> ThrowawayPostgres {
        let directory = Self.newDirectory()
        let url = try await Self.run(script, ["standby", self.directory, directory]).trimmingCharacters(in: .whitespacesAndNewlines)
        return ThrowawayPostgres(script: script, directory: directory, url: url)
    }

    /// Makes this standby a primary.
    package func promote() async throws {
        _ = try await Self.run(script, ["promote", directory])
    }

    /// SIGKILLs the server's postmaster, as a crash of its machine would end it.
    package func kill() throws {
        let pidFile = try String(contentsOfFile: directory + "/data/postmaster.pid", encoding: .utf8)
        guard let pid = pidFile.split(separator: "\n").first.flatMap({ Int32($0) }) else {
            throw ScriptFailed(arguments: ["kill"], status: -1, output: "no pid in \(directory)/data/postmaster.pid")
        }
        Foundation.kill(pid, SIGKILL)
    }

    /// `host:port` of its URL.
    package var hostAndPort: String {
        String(url.dropFirst("postgres://postgres@".count).prefix { $0 != "/" })
    }

    private static func newDirectory() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("taskmaster-pg-\(UUID().uuidString)").path
    }

    /// Serves TLS with the certificate and key in these PEM files from now on, and refuses TCP
    /// connections without TLS.
    package func serveTLS(certificate: String, key: String) async throws {
        _ = try await Self.run(script, ["tls", directory, certificate, key])
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
