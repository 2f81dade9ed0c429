import ArgumentParser

/// `taskmaster schedules …`: the /schedules endpoints.
struct SchedulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedules", abstract: "Manage recurring schedules.",
        subcommands: [
            ScheduleListCommand.self, ScheduleShowCommand.self, ScheduleCreateCommand.self,
            SchedulePauseCommand.self, ScheduleResumeCommand.self, ScheduleTriggerCommand.self,
            ScheduleDeleteCommand.self, ScheduleUpcomingCommand.self, ScheduleBackfillCommand.self,
        ])
}
