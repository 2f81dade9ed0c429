import APIModels
import ArgumentParser
import FoundationEssentials

/// `taskmaster schedules list`: GET /schedules.
struct ScheduleListCommand: APICommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List schedules, newest first.")

    @Option(help: "Schedules per page (1–1000).")
    var limit: Int?

    @Option(help: ArgumentHelp("The `next` cursor of the previous page.", valueName: "cursor"))
    var after: String?

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        let query = [limit.map { "limit=\($0)" }, after.map { "after=\($0)" }].compactMap { $0 }
        let body = try await api.send(.GET, query.isEmpty ? "/schedules" : "/schedules?" + query.joined(separator: "&"))
        if output.json { return output.raw(body) }
        let page = try decode(ScheduleListResponse.self, from: body)
        let rows = page.schedules.map {
            [$0.scheduleID, $0.name ?? "", $0.cron, $0.timezone, $0.paused ? "paused" : "active", $0.queue,
             $0.nextFireTimes.first ?? "", $0.command.truncated(to: 40)]
        }
        output.line(table(["ID", "NAME", "CRON", "TIME ZONE", "STATE", "QUEUE", "NEXT FIRE", "COMMAND"], rows, output: output))
        if let next = page.next { output.line(output.styled("(more: --after \(next))", .dim)) }
    }
}

/// `taskmaster schedules show <id>`: GET /schedules/{id}.
struct ScheduleShowCommand: APICommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a schedule.")

    @Argument(help: "The schedule's id, or its beginning.")
    var id: ResourceID

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        try printSchedule(try await api.send(.GET, "/schedules/\(try await api.scheduleID(id))"), output: output)
    }
}

/// `taskmaster schedules upcoming <id>`: GET /schedules/{id}/upcoming.
struct ScheduleUpcomingCommand: APICommand {
    static let configuration = CommandConfiguration(commandName: "upcoming", abstract: "List a schedule's next fire times.")

    @Argument(help: "The schedule's id, or its beginning.")
    var id: ResourceID

    @Option(help: "How many (1–1000; the API's default is 10).")
    var count: Int?

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        let body = try await api.send(.GET, "/schedules/\(try await api.scheduleID(id))/upcoming" + (count.map { "?count=\($0)" } ?? ""))
        if output.json { return output.raw(body) }
        let upcoming = try decode(UpcomingFiresResponse.self, from: body)
        for (local, utc) in zip(upcoming.localFireTimes, upcoming.fireTimes) {
            output.line("\(local) \(upcoming.timezone)" + (local == utc ? "" : output.styled("  (\(utc))", .dim)))
        }
    }
}

/// A schedule's fields aligned, or the reply itself with --json.
func printSchedule(_ body: Data, output: Output) throws(CLIFailure) {
    if output.json { return output.raw(body) }
    output.line(fieldList(try decode(RecurringScheduleResponse.self, from: body).fields, output: output))
}
