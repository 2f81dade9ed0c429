import Testing

@testable import Core
@testable import APIModels
@testable import WorkerService

@Suite struct ConfigurationParsingTests {
    @Test func listenAddressForms() throws {
        #expect(try ListenAddress(parsing: ":8081") == ListenAddress(host: "0.0.0.0", port: 8081))
        #expect(try ListenAddress(parsing: "127.0.0.1:80") == ListenAddress(host: "127.0.0.1", port: 80))
        #expect(try ListenAddress(parsing: "coordinator:8080") == ListenAddress(host: "coordinator", port: 8080))
        #expect(try ListenAddress(parsing: "[::1]:9") == ListenAddress(host: "::1", port: 9))
        #expect(ListenAddress(host: "::1", port: 9).description == "[::1]:9")
    }

    @Test(arguments: ["8081", ":", ":http", "host:70000", ":-1", ""])
    func badListenAddressesFail(text: String) {
        #expect(throws: ConfigurationError.self) { try ListenAddress(parsing: text) }
    }

    @Test func serverLists() throws {
        #expect(ServerAddresses(argument: "a:8080, b:9090,:7")?.addresses == [
            ListenAddress(host: "a", port: 8080), ListenAddress(host: "b", port: 9090), ListenAddress(host: "localhost", port: 7),
        ])
        #expect(ServerAddresses(argument: "coordinator:8080")?.addresses == [ListenAddress(host: "coordinator", port: 8080)])
        #expect(ServerAddresses([ListenAddress(host: "a", port: 1), ListenAddress(host: "b", port: 2)]).defaultValueDescription == "a:1,b:2")
    }

    @Test(arguments: ["", "a:8080,", "a:8080,b", "a:0", ",a:1"])
    func badServerListsFail(text: String) {
        #expect(ServerAddresses(argument: text) == nil)
    }

    @Test func goDurations() throws {
        #expect(try Duration(parsing: "5s") == .seconds(5))
        #expect(try Duration(parsing: "500ms") == .milliseconds(500))
        #expect(try Duration(parsing: "1.5s") == .milliseconds(1500))
        #expect(try Duration(parsing: "2m") == .seconds(120))
        #expect(try Duration(parsing: "1h") == .seconds(3600))
        #expect(try Duration(parsing: "250us") == .microseconds(250))
        #expect(try Duration(parsing: "0") == .zero)
    }

    @Test func daysAndAPlainZero() throws {
        #expect(try Duration(parsing: "7d") == .seconds(7 * 24 * 3600))
        #expect(try Duration(parsing: "1.5d") == .seconds(36 * 3600))
        #expect(try Duration(parsing: "0") == .zero)
        #expect(try Duration(parsing: "0d") == .zero)
    }

    @Test(arguments: [
        (Duration.seconds(7 * 24 * 3600), "7d"), (.seconds(36 * 3600), "36h"), (.seconds(90), "90s"), (.seconds(120), "2m"),
        (.milliseconds(1500), "1500ms"), (.microseconds(250), "250us"), (.nanoseconds(7), "7ns"), (.zero, "0s"),
    ])
    func durationsAreShownAsTheyAreTyped(duration: Duration, text: String) throws {
        #expect(duration.flagText == text)
        #expect(try Duration(parsing: text) == duration)
    }

    @Test(arguments: ["5", "s", "-1s", "fast", "d", "1w", "+2s", "-7d", "00", "nans", "1e300s", "300000d"])
    func badDurationsFail(text: String) {
        #expect(throws: ConfigurationError.self) { try Duration(parsing: text) }
    }
}

/// `--queues` and `TASKMASTER_QUEUES`.
@Suite struct WorkerQueuesParsingTests {
    @Test func namesAreSplitOnCommasSortedAndDeduplicated() throws {
        #expect(try WorkerConfiguration.queues(parsing: "mail,default,mail") == ["default", "mail"])
        #expect(try WorkerConfiguration.queues(parsing: "") == nil, "every queue")
    }

    @Test func anInvalidNameIsRefusedByName() {
        #expect(throws: ConfigurationError("the queue name \"a b\" is not valid: a queue name is \(QueueRules.nameRule)")) {
            try WorkerConfiguration.queues(parsing: "mail,a b")
        }
        #expect(throws: ConfigurationError.self) { try WorkerConfiguration.queues(parsing: "mail,") }
    }
}
