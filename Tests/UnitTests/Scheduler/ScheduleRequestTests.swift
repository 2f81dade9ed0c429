import NIOCore
import Testing
@testable import Core
@testable import SchedulerService
@testable import TaskStorage

/// Decoding and validation of `POST /schedule` bodies, without a server or database.
@Suite struct ScheduleRequestTests {
    static func newTask(_ json: String) throws(APIError) -> NewTask {
        try ScheduleRequest.decode(from: ByteBuffer(string: json)).validated()
    }

    static func expectRejected(
        _ json: String, code: APIError.Code, sourceLocation: SourceLocation = #_sourceLocation
    ) -> String? {
        do {
            let task = try newTask(json)
            Issue.record("accepted \(json) as \(task)", sourceLocation: sourceLocation)
            return nil
        } catch {
            #expect(error.code == code, "\(json): \(error)", sourceLocation: sourceLocation)
            return error.message
        }
    }

    @Test func acceptsTheOriginalRequestShape() throws {
        let task = try Self.newTask(#"{"command": "echo hello", "scheduled_at": "2023-12-25T22:34:00+05:30"}"#)
        #expect(task == NewTask(command: "echo hello", scheduledAt: try Timestamp(rfc3339: "2023-12-25T17:04:00Z")))
    }

    @Test func acceptsOptionalFieldsAndIgnoresUnknownOnes() throws {
        let task = try Self.newTask(
            #"{"command": " x ", "scheduled_at": "2023-12-25T17:04:00.5Z", "max_attempts": 3, "timeout_seconds": 30, "tags": [1]}"#
        )
        #expect(task.command == " x ")
        #expect(task.maxAttempts == 3)
        #expect(task.timeoutSeconds == 30)
        #expect(task.scheduledAt.microsecondsSinceEpoch == 1_703_523_840_500_000)
    }

    @Test func takesAQueueAPriorityAndAConcurrencyKey() throws {
        let task = try Self.newTask(
            #"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "queue": "mail.send", "priority": -7, "concurrency_key": "customer 42"}"#)
        #expect(task.placement == QueuePlacement(queue: "mail.send", priority: -7, concurrencyKey: "customer 42"))
        let plain = try Self.newTask(#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "queue": null, "priority": null}"#)
        #expect(plain.placement == QueuePlacement(queue: "default", priority: 0, concurrencyKey: nil))
    }

    @Test(arguments: [
        (#""queue": "with space""#, "\"queue\" must be a queue name"),
        (#""queue": "", "x": 1"#, "\"queue\" must be a queue name"),
        (#""queue": 5"#, "\"queue\" must be a queue name"),
        (#""priority": 101"#, "\"priority\" must be an integer from -100 to 100"),
        (#""priority": -101"#, "\"priority\" must be an integer from -100 to 100"),
        (#""priority": 1.5"#, "\"priority\" must be an integer from -100 to 100"),
        (#""priority": "high""#, "\"priority\" must be an integer from -100 to 100"),
        (#""concurrency_key": """#, "\"concurrency_key\" must be a string of 1 to 255"),
        (#""concurrency_key": 42"#, "\"concurrency_key\" must be a string of 1 to 255"),
    ])
    func badPlacementsNameTheirField(field: String, messagePrefix: String) {
        let message = Self.expectRejected(
            #"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", \#(field)}"#, code: .invalidField)
        #expect(message?.hasPrefix(messagePrefix) == true, "\(field): \(message ?? "")")
    }

    @Test func aBlankCommandIsRefused() throws {
        for command in ["", " ", #"\t\n \r"#] {
            let message = Self.expectRejected(
                #"{"command": "\#(command)", "scheduled_at": "2023-12-25T17:04:00Z"}"#, code: .invalidField)
            #expect(message == #""command" must not be empty or only whitespace"#)
        }
    }

    @Test func nullOptionalFieldsMeanAbsent() throws {
        let task = try Self.newTask(
            #"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "max_attempts": null, "timeout_seconds": null}"#
        )
        #expect(task.maxAttempts == 1)
        #expect(task.timeoutSeconds == nil)
    }

    @Test func keepsUnicodeAndEscapesInTheCommand() throws {
        let task = try Self.newTask(#"{"command": "echo \"h\u00e9\" / 日本 \n", "scheduled_at": "2023-12-25T17:04:00Z"}"#)
        #expect(task.command == "echo \"hé\" / 日本 \n")
    }

    @Test(arguments: [
        "{",
        "{\"command\": }",
        "not json",
        "{'command': 'x'}",
        "{\"command\": \"x\", \"scheduled_at\": \"2023-12-25T17:04:00Z\"",
        "command=x&scheduled_at=2023-12-25T17:04:00Z",
    ])
    func malformedJSONIsInvalidJSON(json: String) {
        let message = Self.expectRejected(json, code: .invalidJSON)
        #expect(message?.hasPrefix("the request body is not valid JSON") == true)
    }

    @Test func invalidJSONSaysWhere() {
        let message = Self.expectRejected(#"{"command": }"#, code: .invalidJSON)
        #expect(message == "the request body is not valid JSON: Invalid value around character 12.")
    }

    @Test(arguments: ["", "  \n\t ", "[]", "\"text\"", "42", "null", "true"])
    func bodiesThatAreNotObjectsAreInvalidFields(json: String) {
        #expect(Self.expectRejected(json, code: .invalidField) != nil)
    }

    @Test(arguments: [
        (#"{"scheduled_at": "2023-12-25T17:04:00Z"}"#, #"missing field "command""#),
        (#"{"command": "x"}"#, #"missing field "scheduled_at""#),
        (#"{"command": null, "scheduled_at": "2023-12-25T17:04:00Z"}"#, #""command" must not be null"#),
        (#"{"command": 42, "scheduled_at": "2023-12-25T17:04:00Z"}"#, #""command" must be a string"#),
        (#"{"command": ["ls"], "scheduled_at": "2023-12-25T17:04:00Z"}"#, #""command" must be a string"#),
        (#"{"command": "x", "scheduled_at": 1703523840}"#, #""scheduled_at" must be an RFC 3339"#),
        (#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "max_attempts": "3"}"#, #""max_attempts" must be an integer from 1 to 100"#),
        (#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "max_attempts": 0}"#, #""max_attempts" must be"#),
        (#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "max_attempts": 101}"#, #""max_attempts" must be"#),
        (#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "max_attempts": 1.5}"#, #""max_attempts" must be"#),
        (#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "max_attempts": true}"#, #""max_attempts" must be"#),
        (#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "max_attempts": 1e30}"#, #""max_attempts" must be"#),
        (#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "timeout_seconds": 0}"#, #""timeout_seconds" must be a whole number of seconds"#),
        (#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "timeout_seconds": -5}"#, #""timeout_seconds" must be"#),
        (#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00Z", "timeout_seconds": 3000000000}"#, #""timeout_seconds" must be"#),
        (#"{"command": "a\u0000b", "scheduled_at": "2023-12-25T17:04:00Z"}"#, #""command" must not contain NUL"#),
    ])
    func wrongOrMissingFieldsAreInvalidFields(json: String, messagePrefix: String) {
        let message = Self.expectRejected(json, code: .invalidField)
        #expect(message?.hasPrefix(messagePrefix) == true, "\(message ?? "")")
    }

    @Test func limitsTheCommandLength() throws {
        let longest = String(repeating: "a", count: ScheduleRequest.maxCommandBytes)
        #expect(try Self.newTask(#"{"command": "\#(longest)", "scheduled_at": "2023-12-25T17:04:00Z"}"#).command == longest)
        let message = Self.expectRejected(#"{"command": "\#(longest)é", "scheduled_at": "2023-12-25T17:04:00Z"}"#, code: .invalidField)
        #expect(message == #""command" is longer than 65536 bytes"#)
    }

    @Test(arguments: ["2023-02-30T00:00:00Z", "2023-12-25T17:04:00", "tomorrow", "", "2023-12-25T25:00:00Z"])
    func badDatesAreInvalidDates(date: String) {
        let message = Self.expectRejected(#"{"command": "x", "scheduled_at": "\#(date)"}"#, code: .invalidDate)
        #expect(message?.contains("expected RFC 3339 such as 2023-12-25T22:34:00+05:30") == true)
    }

    @Test func aMissingOffsetSaysSo() {
        let message = Self.expectRejected(#"{"command": "x", "scheduled_at": "2023-12-25T17:04:00"}"#, code: .invalidDate)
        #expect(message?.contains("missing UTC offset") == true)
    }
}
