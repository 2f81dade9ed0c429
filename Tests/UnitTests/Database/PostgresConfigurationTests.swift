import Testing
@testable import Core
@testable import Postgres

@Suite struct PostgresConfigurationTests {
    @Test func defaults() {
        let configuration = PostgresConfiguration()
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.user == "postgres")
        #expect(configuration.password == nil)
        #expect(configuration.database == "postgres")
        #expect(configuration.connectTimeoutSeconds == 5)
    }

    @Test func parsesAFullURL() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://tm%40user:p%40ss%3Aw0rd@db.example:6543/task%20master?connect_timeout=2&application_name=sched&sslmode=disable")
        #expect(configuration.user == "tm@user")
        #expect(configuration.password == "p@ss:w0rd")
        #expect(configuration.host == "db.example")
        #expect(configuration.port == 6543)
        #expect(configuration.database == "task master")
        #expect(configuration.connectTimeoutSeconds == 2)
        #expect(configuration.applicationName == "sched")
        #expect(configuration.sslMode == "disable")
    }

    @Test func parsesTLSParameters() throws {
        let configuration = try PostgresConfiguration(
            url: "postgres://u@db.example/d?sslmode=verify-full&sslrootcert=%2Fetc%2Fdb%2Fca.crt&sslcert=/etc/db/tls.crt&sslkey=/etc/db/tls.key")
        #expect(configuration.sslMode == "verify-full")
        #expect(configuration.sslRootCertificate == "/etc/db/ca.crt")
        #expect(configuration.sslCertificate == "/etc/db/tls.crt")
        #expect(configuration.sslKey == "/etc/db/tls.key")
        let parameters = Dictionary(
            configuration.libpqParameters(defaultApplicationName: "t").map { ($0.keyword ?? "", $0.value ?? "") }) { $1 }
        #expect(parameters["sslmode"] == "verify-full")
        #expect(parameters["sslrootcert"] == "/etc/db/ca.crt")
        #expect(parameters["sslcert"] == "/etc/db/tls.crt")
        #expect(parameters["sslkey"] == "/etc/db/tls.key")
        #expect {
            try PostgresConfiguration(url: "postgres://u:secret@db.example/d?sslmode=verify_full")
        } throws: { error in
            let text = "\(error)"
            return text.contains("sslmode must be one of") && text.contains("verify-full") && !text.contains("secret")
        }
    }

    @Test func fillsMissingURLPartsWithDefaults() throws {
        let configuration = try PostgresConfiguration(url: "postgres://alice@127.0.0.1")
        #expect(configuration.user == "alice")
        #expect(configuration.password == nil)
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 5432)
        #expect(configuration.database == "alice")

        let bare = try PostgresConfiguration(url: "postgres://")
        #expect(bare.host == "localhost")
        #expect(bare.user == "postgres")
        #expect(bare.database == "postgres")
    }

    @Test func parsesIPv6AndSocketHosts() throws {
        let ipv6 = try PostgresConfiguration(url: "postgres://u@[::1]:5433/d")
        #expect(ipv6.host == "::1")
        #expect(ipv6.port == 5433)
        let socket = try PostgresConfiguration(url: "postgres://u@%2Fvar%2Frun%2Fpostgresql/d")
        #expect(socket.host == "/var/run/postgresql")
    }

    @Test func parsesSeveralHostsForFailover() throws {
        let configuration = try PostgresConfiguration(
            url: "postgres://u:p@h1:5432,[::1]:5433,h3/db?target_session_attrs=read-write")
        #expect(configuration.host == "h1" && configuration.port == 5432)
        #expect(configuration.moreServers == [.init(host: "::1", port: 5433), .init(host: "h3", port: 5432)])
        #expect(configuration.targetSessionAttributes == "read-write")
        let parameters = Dictionary(
            configuration.libpqParameters(defaultApplicationName: "t").map { ($0.keyword ?? "", $0.value ?? "") }) { $1 }
        #expect(parameters["host"] == "h1,::1,h3")
        #expect(parameters["port"] == "5432,5433,5432")
        #expect(parameters["target_session_attrs"] == "read-write")
        let single = try PostgresConfiguration(url: "postgres://u@h:6000/db").libpqParameters(defaultApplicationName: "t")
        #expect(single.first { $0.keyword == "host" }?.value == "h" && !single.contains { $0.keyword == "target_session_attrs" })
    }

    @Test(arguments: [
        "postgres://u@h1,h2:0/d",
        "postgres://u@h/d?target_session_attrs=leader",
        "mysql://u@h/d",
        "postgres://u@h:0/d",
        "postgres://u@h:70000/d",
        "postgres://u@h:abc/d",
        "postgres://u@h/d?bogus=1",
        "postgres://u@h/d%zz",
        "postgres://u@[::1/d",
        "postgres://u@h/d?connect_timeout=0",
    ])
    func rejectsBadURLs(url: String) {
        #expect {
            try PostgresConfiguration(url: url)
        } throws: { error in
            (error as? PostgresError)?.code == .invalidConfiguration
        }
    }

    @Test func badURLErrorsNeverRepeatThePassword() {
        #expect {
            try PostgresConfiguration(url: "postgres://u:hunter2@h:port/d")
        } throws: { error in
            let text = "\(error)"
            return !text.contains("hunter2") && text.contains("port must be a number")
        }
    }

    @Test func databaseURLWinsOverVariables() throws {
        let configuration = try PostgresConfiguration.fromEnvironment([
            "DATABASE_URL": "postgres://a:b@h1:1111/x",
            "POSTGRES_HOST": "h2",
            "POSTGRES_PORT": "2222",
        ])
        #expect(configuration == (try PostgresConfiguration(url: "postgres://a:b@h1:1111/x")))
    }

    @Test func readsPostgresVariables() throws {
        let configuration = try PostgresConfiguration.fromEnvironment([
            "DATABASE_URL": "",
            "POSTGRES_HOST": "db",
            "POSTGRES_PORT": "5433",
            "POSTGRES_USER": "tm",
            "POSTGRES_PASSWORD": "secret",
            "POSTGRES_DB": "tasks",
        ])
        var expected = PostgresConfiguration(host: "db", port: 5433, user: "tm", password: "secret", database: "tasks")
        #expect(configuration == expected)
        expected = try PostgresConfiguration.fromEnvironment([:])
        #expect(expected == PostgresConfiguration())
    }

    @Test func badPortVariableFailsWithOneClearLine() {
        #expect {
            try PostgresConfiguration.fromEnvironment(["POSTGRES_PORT": "54x32"])
        } throws: { error in
            let text = "\(error)"
            return (error as? PostgresError)?.code == .invalidConfiguration
                && text.contains("POSTGRES_PORT") && text.contains("54x32") && !text.contains("\n")
        }
    }

    @Test func libpqParametersCarryEverySetting() {
        var configuration = PostgresConfiguration(host: "h", port: 1, user: "u", password: "p", database: "d")
        configuration.sslMode = "disable"
        configuration.sessionSettings = ["work_mem": "8MB", "enable_seqscan": "off"]
        let parameters = Dictionary(
            uniqueKeysWithValues: configuration.libpqParameters(defaultApplicationName: "app").map { ($0.keyword ?? "", $0.value ?? "") }
        )
        #expect(parameters == [
            "host": "h", "port": "1", "user": "u", "password": "p", "dbname": "d", "connect_timeout": "5",
            "application_name": "app", "client_encoding": "UTF8", "sslmode": "disable",
            "options": "-c enable_seqscan=off -c work_mem=8MB",
        ])
    }
}
