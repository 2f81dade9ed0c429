import Foundation
import Testing
@testable import Core
@testable import Postgres

@Suite struct PostgresConnectionTests {
    @Test func everyParameterTypeRoundTrips() async throws {
        let id = UUID()
        let row = try await TestDatabase.withClient { client in
            try await client.query(
                "SELECT $1::text, $2::bigint, $3::int, $4::bigint, $5::bigint, $6::bool, $7::bool, $8::float8, $9::uuid, $10::text",
                ["zoë 'quoted' \\ \"x\" ✓", Int.min, Int32.max, Int64.max, UInt32.max, true, false, 0.1 + 0.2, id, ""]
            )[0]
        }
        #expect(row.string(0) == "zoë 'quoted' \\ \"x\" ✓")
        #expect(try row.int(1) == Int.min)
        #expect(try row.int(2) == Int(Int32.max))
        #expect(try row.int64(3) == Int64.max)
        #expect(try row.int64(4) == Int64(UInt32.max))
        #expect(try row.bool(5) == true)
        #expect(try row.bool(6) == false)
        #expect(try row.double(7) == 0.1 + 0.2)
        #expect(try row.uuid(8) == id)
        #expect(row.string(9) == "")
        #expect(!row.isNull(9))
    }

    @Test func specialDoublesRoundTrip() async throws {
        let row = try await TestDatabase.withClient { client in
            try await client.query("SELECT $1::float8, $2::float8, $3::float8", [Double.infinity, -Double.infinity, Double.nan])[0]
        }
        #expect(try row.double(0) == .infinity)
        #expect(try row.double(1) == -.infinity)
        #expect(try row.double(2)?.isNaN == true)
    }

    @Test func nullsComeBackAsNil() async throws {
        let result = try await TestDatabase.withClient { client in
            try await client.query("SELECT $1::text AS a, $2::int AS b, NULL::uuid AS c, NULL::bool AS d", [nil, nil])
        }
        #expect(result.columnNames == ["a", "b", "c", "d"])
        #expect(result.count == 1)
        let row = result[0]
        #expect(row.columnCount == 4)
        #expect(row.isNull(0) && row.isNull(1) && row.isNull(2) && row.isNull(3))
        #expect(row.string(0) == nil)
        #expect(try row.int(1) == nil)
        #expect(try row.uuid(2) == nil)
        #expect(try row.bool(3) == nil)
    }

    @Test func resultsHaveRowsAndAffectedCounts() async throws {
        let table = TestDatabase.uniqueName("rows")
        try await TestDatabase.withClient { client in
            try await client.query("CREATE TABLE \(table) (n int PRIMARY KEY)")
            let inserted = try await client.query("INSERT INTO \(table) SELECT generate_series(1, 5)")
            #expect(inserted.affectedRows == 5)
            #expect(inserted.isEmpty)
            let updated = try await client.query("UPDATE \(table) SET n = n + 10 WHERE n > $1", [3])
            #expect(updated.affectedRows == 2)
            let selected = try await client.query("SELECT n FROM \(table) ORDER BY n")
            #expect(try selected.map { try $0.int(0) } == [1, 2, 3, 14, 15])
            #expect(selected.affectedRows == 5)
            let empty = try await client.query("SELECT n FROM \(table) WHERE n < 0")
            #expect(empty.isEmpty && empty.columnNames == ["n"])
        }
    }

    @Test func badTextFailsToDecode() async throws {
        let row = try await TestDatabase.withClient { client in
            try await client.query("SELECT 'abc', '1.5', 'yes', 'not-a-uuid'")[0]
        }
        for decode in [{ _ = try row.int(0) }, { _ = try row.int64(1) }, { _ = try row.bool(2) }, { _ = try row.uuid(3) }, { _ = try row.double(0) }] {
            #expect { try decode() } throws: { ($0 as? PostgresError)?.code == .decodingFailed }
        }
    }

    @Test func syntaxErrorCarriesSQLStateAndARedactedDescription() async throws {
        let error = try await #require(throws: PostgresError.self) {
            try await TestDatabase.withClient { client in
                try await client.query("SELEKT secret_column FROM secret_table")
            }
        }
        #expect(error.code == .queryFailed)
        #expect(error.sqlState == "42601")
        #expect(error.message.contains("SELEKT"))
        #expect(!error.isUniqueViolation && !error.isUnavailable)
        #expect("\(error)" == "PostgresError(code: queryFailed, sqlState: 42601)")
    }

    @Test func uniqueViolationIsRecognised() async throws {
        let table = TestDatabase.uniqueName("unique")
        let error = try await #require(throws: PostgresError.self) {
            try await TestDatabase.withClient { client in
                try await client.query("CREATE TABLE \(table) (name text PRIMARY KEY)")
                try await client.query("INSERT INTO \(table) VALUES ($1)", ["private-value"])
                try await client.query("INSERT INTO \(table) VALUES ($1)", ["private-value"])
            }
        }
        #expect(error.code == .queryFailed)
        #expect(error.isUniqueViolation)
        #expect(error.sqlState == "23505")
        #expect(!"\(error)".contains("private-value") && !"\(error)".contains(table))
    }

    @Test func parametersAreNeverSpliced() async throws {
        let table = TestDatabase.uniqueName("injection")
        try await TestDatabase.withClient { client in
            try await client.query("CREATE TABLE \(table) (name text)")
            let hostile = "x'); DROP TABLE \(table); --"
            try await client.query("INSERT INTO \(table) VALUES ($1)", [hostile])
            let names = try await client.query("SELECT name FROM \(table)").map { $0.string(0) }
            #expect(names == [hostile])
        }
    }

    @Test func executeRunsSeveralStatements() async throws {
        let table = TestDatabase.uniqueName("script")
        let count = try await TestDatabase.withClient { client in
            try await client.withConnection { connection in
                try connection.execute("CREATE TABLE \(table) (n int); INSERT INTO \(table) VALUES (1); INSERT INTO \(table) VALUES (2);")
                return try connection.query("SELECT count(*) FROM \(table)")[0].int(0)
            }
        }
        #expect(count == 2)
    }

    @Test func serverSettingsAreUTF8AndNamed() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.applicationName = "taskmaster-settings-test"
        let row = try await TestDatabase.withClient(configuration) { client in
            try await client.query("SELECT current_setting('client_encoding'), current_setting('application_name')")[0]
        }
        #expect(row.string(0) == "UTF8")
        #expect(row.string(1) == "taskmaster-settings-test")
    }

    @Test func unreachableServerFailsFastAsUnavailable() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.host = "/nonexistent-taskmaster-socket-dir"
        let started = ContinuousClock.now
        let error = try await #require(throws: PostgresError.self) {
            try await TestDatabase.withClient(configuration) { client in try await client.query("SELECT 1") }
        }
        #expect(error.code == .connectionFailed)
        #expect(error.isUnavailable)
        // Bounded by connect_timeout (5 s), with room for a loaded machine: it must not hang.
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}

@Suite struct PostgresNotificationTests {
    @Test func listeningConnectionReceivesNotifications() async throws {
        let channel = TestDatabase.uniqueName("wake")
        try await TestDatabase.withClient(maxConnections: 1) { listener in
            let quiet = try await listener.withConnection { connection in
                try connection.execute("LISTEN \(channel)")
                return try connection.notifications(waitingUpTo: .milliseconds(50))
            }
            #expect(quiet.isEmpty)
            try await TestDatabase.withClient { sender in
                try await sender.query("SELECT pg_notify($1, $2)", [channel, "first"])
                try await sender.query("SELECT pg_notify($1, $2)", [channel, "second"])
            }
            let received = try await listener.withConnection { connection in
                var received: [PostgresNotification] = []
                for _ in 0..<50 where received.count < 2 {
                    received += try connection.notifications(waitingUpTo: .milliseconds(100))
                }
                return received
            }
            #expect(received == [
                PostgresNotification(channel: channel, payload: "first"),
                PostgresNotification(channel: channel, payload: "second"),
            ])
        }
    }
}
