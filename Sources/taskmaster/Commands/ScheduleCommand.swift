import ArgumentParser
import FoundationEssentials

/// `taskmaster schedule "<command>"`: POST /schedule.
struct ScheduleCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule", abstract: "Schedule a command to run once, now or later.")

    @Argument(help: "The shell command the worker runs.")
    var command: String

    @Option(help: ArgumentHelp("When to run it, RFC 3339 (2030-12-25T17:04:00Z or with an offset); default now.", valueName: "time"))
    var at: String?

    @Option(name: .customLong("in"), help: ArgumentHelp("When to run it, from now: 90s, 5m, 1h30m.", valueName: "duration"))
    var delay: Seconds?

    @Option(help: "How many times it may run (1–100).")
    var maxAttempts: Int?

    @Option(help: ArgumentHelp("How long one attempt may run: 30s, 5m.", valueName: "duration"))
    var timeout: Seconds?

    @Option(help: "A key that makes retrying this request safe: the same key returns the same task.")
    var idempotencyKey: String?

    @OptionGroup(title: "Queue options") var placement: QueuePlacementOptions

    @Flag(help: "Follow the task until it ends, as `status --wait` does.")
    var wait = false

    @Option(help: ArgumentHelp("With --wait: give up after this long (exit 1).", valueName: "duration"))
    var waitTimeout: Seconds?

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if at != nil, delay != nil { throw ValidationError("Give --at or --in, not both.") }
    }

    private struct Request: Encodable {
        var command: String
        var scheduledAt: String
        var maxAttempts: Int?
        var timeoutSeconds: Int?

        enum CodingKeys: String, CodingKey {
            case command, scheduledAt = "scheduled_at", maxAttempts = "max_attempts", timeoutSeconds = "timeout_seconds"
        }
    }

    private struct Reply: Decodable {
        var taskID: String
        var scheduledAt: String

        enum CodingKeys: String, CodingKey {
            case taskID = "task_id", scheduledAt = "scheduled_at"
        }
    }

    func run(api: SchedulerAPI, output: Output) async throws {
        let scheduledAt = at ?? rfc3339(Date.now.addingTimeInterval(Double(delay?.value ?? 0)))
        let request = Request(command: command, scheduledAt: scheduledAt, maxAttempts: maxAttempts, timeoutSeconds: timeout?.value)
        let body = try await api.send(
            .POST, "/schedule", body: placement.request(request), headers: idempotencyKey.map { [("Idempotency-Key", $0)] } ?? [])
        let reply = try decode(Reply.self, from: body)
        if output.json {
            if !wait { output.raw(body) }
        } else {
            output.line(reply.taskID)
            output.line(output.styled("scheduled for \(reply.scheduledAt)", .dim))
        }
        if wait {
            try await TaskWaiter(api: api, output: output, timeout: waitTimeout).wait(for: reply.taskID)
        }
    }
}
