import Logging
import Testing

@testable import Postgres
@testable import TaskStorage

/// What every session of the services is given.
@Suite struct DatabaseStartupTests {
    @Test func theServicesSessionsPreferIndexesToScans() async throws {
        let client = try await DatabaseStartup.connect(
            configuration: try PostgresConfiguration(url: try TestEnvironment.databaseURL()), connections: 2,
            dataDirectory: SchemaMigratorTests.dataDirectory, logger: Logger(label: "test"))
        let setting = try await client.query("SHOW enable_seqscan").first?.string(0)
        #expect(setting == "off", "a plan cached while tasks was small must not scan it once it is large")
        let jit = try await client.query("SHOW jit").first?.string(0)
        #expect(jit == "off", "a scan's disabled cost must not make every statement compile to machine code")
        await client.close()
    }
}
