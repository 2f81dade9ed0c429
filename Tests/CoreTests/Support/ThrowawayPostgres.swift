import Foundation

/// A PostgreSQL server of a test's own (scripts/postgres.sh), for tests that stop and restart it.
struct ThrowawayPostgres: Sendable {
    let directory: String
    let url: String

    static func start() async throws -> ThrowawayPostgres {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("taskmaster-pg-\(UUID().uuidString.prefix(8))").path
        let url = try await script(["start", directory]).trimmingCharacters(in: .whitespacesAndNewlines)
        return ThrowawayPostgres(directory: directory, url: url)
    }

    /// Stops the server, keeping its data.
    func pause() async throws { _ = try await Self.script(["pause", directory]) }

    /// Starts the paused server again on the same port.
    func resume() async throws { _ = try await Self.script(["resume", directory]) }

    /// Stops the server and removes its data.
    func remove() async { _ = try? await Self.script(["stop", directory]) }

    @discardableResult
    private static func script(_ arguments: [String]) async throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["bash", TestEnvironment.scriptsDirectory + "/postgres.sh"] + arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let errorText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TimedOut(description: "postgres.sh \(arguments.joined(separator: " ")) failed: \(errorText)")
        }
        return text
    }
}
