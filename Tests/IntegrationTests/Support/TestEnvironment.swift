import ClusterKit
import Foundation

/// Settings the test command provides, and paths inside the repository.
enum TestEnvironment {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The throwaway PostgreSQL that the test command started.
    static func databaseURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["TASKMASTER_TEST_DATABASE_URL"], !url.isEmpty else {
            throw Missing(description: "TASKMASTER_TEST_DATABASE_URL is not set: run the tests with `make test`")
        }
        return url
    }

    /// Folder of the built executables: TASKMASTER_BIN_DIR, else the release build (what ships).
    static func binDirectory() throws -> String {
        if let directory = ProcessInfo.processInfo.environment["TASKMASTER_BIN_DIR"], !directory.isEmpty {
            return directory
        }
        let fallback = repositoryRoot.appendingPathComponent(".build/release").path
        guard FileManager.default.isExecutableFile(atPath: fallback + "/coordinator") else {
            throw Missing(description: "TASKMASTER_BIN_DIR is not set and \(fallback) has no executables")
        }
        return fallback
    }

    /// Path of a built executable.
    static func executable(_ name: String) throws -> String {
        try binDirectory() + "/" + name
    }

    /// A PostgreSQL server of the test's own, for tests that stop and restart it.
    static func startThrowawayPostgres() async throws -> ThrowawayPostgres {
        try await ThrowawayPostgres.start(script: scriptsDirectory + "/postgres.sh")
    }

    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static var dataDirectory: String { repositoryRoot.appendingPathComponent("data").path }
    static var scriptsDirectory: String { repositoryRoot.appendingPathComponent("scripts").path }
}
