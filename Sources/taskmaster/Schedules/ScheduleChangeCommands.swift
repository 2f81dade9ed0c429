import APIModels
import ArgumentParser

/// `taskmaster schedules pause <id>`: PATCH /schedules/{id} with `"paused": true`.
struct SchedulePauseCommand: APICommand {
    static let configuration = CommandConfiguration(commandName: "pause", abstract: "Pause a schedule: it makes no task until resumed.")

    @Argument(help: "The schedule's id, or its beginning.")
    var id: ResourceID

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        try printSchedule(try await api.send(.PATCH, "/schedules/\(try await api.scheduleID(id))", body: ["paused": true]), output: output)
    }
}

/// `taskmaster schedules resume <id>`: PATCH /schedules/{id} with `"paused": false`.
struct ScheduleResumeCommand: APICommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused schedule (fires during the pause are not caught up).")

    @Argument(help: "The schedule's id, or its beginning.")
    var id: ResourceID

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        try printSchedule(try await api.send(.PATCH, "/schedules/\(try await api.scheduleID(id))", body: ["paused": false]), output: output)
    }
}

/// `taskmaster schedules delete <id>`: DELETE /schedules/{id}.
struct ScheduleDeleteCommand: APICommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a schedule; the tasks it made stay.")

    @Argument(help: "The schedule's id, or its beginning.")
    var id: ResourceID

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        let id = try await api.scheduleID(id)
        _ = try await api.send(.DELETE, "/schedules/\(id)")
        if !output.json { output.line("deleted schedule \(id)") }
    }
}

/// `taskmaster schedules trigger <id>`: POST /schedules/{id}/trigger.
struct ScheduleTriggerCommand: APICommand {
    static let configuration = CommandConfiguration(commandName: "trigger", abstract: "Make one task of a schedule now, outside its cron.")

    @Argument(help: "The schedule's id, or its beginning.")
    var id: ResourceID

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        let body = try await api.send(.POST, "/schedules/\(try await api.scheduleID(id))/trigger")
        if output.json { return output.raw(body) }
        output.line(try decode(TaskStatusResponse.self, from: body).taskID)
    }
}

/// `taskmaster schedules backfill <id> --from T --to T`: POST /schedules/{id}/backfill.
struct ScheduleBackfillCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "backfill", abstract: "Make a task for every fire time in [from, to) that has none yet.")

    @Argument(help: "The schedule's id, or its beginning.")
    var id: ResourceID

    @Option(help: ArgumentHelp("The first fire time included (RFC 3339).", valueName: "time"))
    var from: String

    @Option(help: ArgumentHelp("The end, excluded (RFC 3339).", valueName: "time"))
    var to: String

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        let body = try await api.send(.POST, "/schedules/\(try await api.scheduleID(id))/backfill", body: ["start": from, "end": to])
        if output.json { return output.raw(body) }
        output.line("created \(try decode(BackfillResponse.self, from: body).created) tasks")
    }
}
