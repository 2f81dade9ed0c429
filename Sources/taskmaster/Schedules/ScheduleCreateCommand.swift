import ArgumentParser

/// `taskmaster schedules create`: POST /schedules.
struct ScheduleCreateCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "create", abstract: "Create a recurring schedule.",
        discussion: "Give --cron or --every. The rules for time zones, overlaps and missed fires are in the README (Schedules).")

    @Argument(help: "The shell command each task runs.")
    var command: String

    @Option(help: ArgumentHelp("A cron expression: 5 fields, 6 with a leading second, or a macro such as @daily.", valueName: "expression"))
    var cron: String?

    @Option(help: ArgumentHelp("An interval instead of a cron: 90s, 5m, 1h (the same as --cron '@every 90s').", valueName: "duration"))
    var every: String?

    @Option(help: "A unique name.")
    var name: String?

    @Option(help: ArgumentHelp("The IANA time zone the cron is read in (the API's default is UTC).", valueName: "zone"))
    var timezone: String?

    @Option(help: "How many times each task may run (1–100).")
    var maxAttempts: Int?

    @Option(help: ArgumentHelp("How long one attempt may run: 30s, 5m.", valueName: "duration"))
    var timeout: Seconds?

    @Option(help: "What a fire does while the previous task runs: skip, buffer_one, allow, cancel_previous.")
    var overlap: String?

    @Option(help: ArgumentHelp("How late a fire may still start (default 60s).", valueName: "duration"))
    var catchupWindow: Seconds?

    @Option(help: ArgumentHelp("Spread each task's start over this long after its fire time.", valueName: "duration"))
    var jitter: Seconds?

    @Option(help: ArgumentHelp("No fire before this time (RFC 3339).", valueName: "time"))
    var startAt: String?

    @Option(help: ArgumentHelp("No fire at or after this time (RFC 3339).", valueName: "time"))
    var endAt: String?

    @Flag(help: "Create it paused.")
    var paused = false

    @OptionGroup(title: "Queue options (for each task it makes)") var placement: QueuePlacementOptions

    @OptionGroup var options: GlobalOptions

    func validate() throws {
        if (cron == nil) == (every == nil) { throw ValidationError("Give either --cron or --every.") }
    }

    private struct Request: Encodable {
        var cron: String
        var command: String
        var name: String?
        var timezone: String?
        var maxAttempts: Int?
        var timeoutSeconds: Int?
        var overlap: String?
        var catchupWindowSeconds: Int?
        var jitterSeconds: Int?
        var startAt: String?
        var endAt: String?
        var paused: Bool?

        enum CodingKeys: String, CodingKey {
            case cron, command, name, timezone, maxAttempts = "max_attempts", timeoutSeconds = "timeout_seconds"
            case overlap, catchupWindowSeconds = "catchup_window_seconds", jitterSeconds = "jitter_seconds"
            case startAt = "start_at", endAt = "end_at", paused
        }
    }

    func run(api: SchedulerAPI, output: Output) async throws {
        let request = Request(
            cron: cron ?? "@every \(every ?? "")", command: command, name: name, timezone: timezone,
            maxAttempts: maxAttempts, timeoutSeconds: timeout?.value, overlap: overlap,
            catchupWindowSeconds: catchupWindow?.value, jitterSeconds: jitter?.value, startAt: startAt, endAt: endAt,
            paused: paused ? true : nil)
        try printSchedule(try await api.send(.POST, "/schedules", body: placement.request(request)), output: output)
    }
}
