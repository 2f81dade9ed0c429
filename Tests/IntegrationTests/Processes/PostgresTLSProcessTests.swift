import ClusterKit
import Foundation
import Logging
import Postgres
import Testing

@testable import Core

/// The services on a PostgreSQL that serves TLS only (`ssl=on`, TCP without TLS refused), its
/// certificate checked with `sslmode=verify-full&sslrootcert=…` in `DATABASE_URL`.
@Suite(.serialized) struct PostgresTLSProcessTests {
    @Test func aTaskRunsEndToEndOnAVerifiedTLSLinkToTheDatabase() async throws {
        let authority = try await ThrowawayCertificateAuthority.create()
        defer { authority.remove() }
        let postgres = try await Self.postgresServingTLS(signedBy: authority)
        let url = "\(postgres.url)?sslmode=verify-full&sslrootcert=\(authority.certificate)"
        try await withCluster(Cluster(databaseURL: url) {}) { cluster in
            try await cluster.startCoordinator()
            try await cluster.startScheduler()
            try await cluster.startWorker(executor: "shell")
            let task = try await cluster.schedule(command: "echo stored over tls", at: .now())
            let done = try await cluster.waitForStatus(of: task, "completed")
            #expect(done["output"] as? String == "stored over tls\n")

            let sessions = try await Self.servicesSessions(url: url)
            #expect(Set(sessions.map(\.application)).isSuperset(of: ["scheduler", "coordinator"]), "\(sessions)")
            #expect(sessions.allSatisfy { $0.encrypted }, "every session of the services is encrypted: \(sessions)")
        }
        try await postgres.stop()
    }

    @Test func aServerCertificateFromAnotherAuthorityStopsEachServiceAtOnceSayingWhy() async throws {
        let authority = try await ThrowawayCertificateAuthority.create()
        let stranger = try await ThrowawayCertificateAuthority.create(name: "Another CA")
        defer {
            authority.remove()
            stranger.remove()
        }
        let postgres = try await Self.postgresServingTLS(signedBy: authority)
        let url = "\(postgres.url)?sslmode=verify-full&sslrootcert=\(stranger.certificate)"
        for (name, portFlag) in [("scheduler", "--scheduler_port"), ("coordinator", "--coordinator_port")] {
            let process = try ServiceProcess(
                executablePath: try TestEnvironment.executable(name),
                arguments: ["\(portFlag)=127.0.0.1:\(try await freePort())", "--data_dir=\(TestEnvironment.dataDirectory)"]
                    + (name == "coordinator" ? ["--admin_port=127.0.0.1:\(try await freePort())"] : []),
                environment: ["DATABASE_URL": url])
            // Without the refusal it would wait 30 s for the database to become available.
            let status = await process.waitForExit(timeout: .seconds(15))
            #expect(status == 1, "\(name) exits 1: \(process.log)")
            #expect(
                process.log.contains("error: cannot connect to the database over TLS:")
                    && process.log.contains("certificate verify failed"),
                "\(name) says why: \(process.log)")
            #expect(!process.log.contains("retrying"), "\(name) does not wait for a database it cannot trust: \(process.log)")
            await process.stop()
        }
        try await postgres.stop()
    }

    /// A PostgreSQL of the test's own, serving TLS only with a certificate `authority` signed.
    private static func postgresServingTLS(signedBy authority: ThrowawayCertificateAuthority) async throws -> ThrowawayPostgres {
        let postgres = try await TestEnvironment.startThrowawayPostgres()
        do {
            let server = try await authority.issue("database")
            try await postgres.serveTLS(certificate: server.certificate, key: server.key)
            return postgres
        } catch {
            try? await postgres.stop()
            throw error
        }
    }

    /// The sessions of the services on the database (found by their application names), and
    /// whether each is encrypted.
    private static func servicesSessions(url: String) async throws -> [(application: String, encrypted: Bool)] {
        let client = PostgresClient(configuration: try PostgresConfiguration(url: url), logger: Logger(label: "test"))
        let rows: PostgresResult
        do {
            rows = try await client.query(
                """
                SELECT a.application_name, s.ssl FROM pg_stat_activity a JOIN pg_stat_ssl s USING (pid)
                WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid() AND a.application_name <> ''
                """)
        } catch {
            await client.close()
            throw error
        }
        await client.close()
        return try rows.map { row in (row.string(0) ?? "", try row.bool(1) ?? false) }
    }
}
