import ArgumentParser

#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// `taskmaster`: the scheduler's HTTP API from a shell.
@main
struct TaskmasterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "taskmaster",
        abstract: "Schedule, follow and manage TaskMaster tasks through the scheduler's HTTP API.",
        discussion: """
            The scheduler is TASKMASTER_URL (default http://localhost:8081) and the API token \
            TASKMASTER_API_TOKEN; --url and --token override them. --json prints the API's reply \
            as received. Errors are one line on stderr and exit 1; usage errors exit 2.
            """,
        subcommands: [
            ScheduleCommand.self, StatusCommand.self, TasksCommand.self, CancelCommand.self,
            RetryCommand.self, LogsCommand.self, WorkersCommand.self, SchedulesCommand.self, QueuesCommand.self,
        ]
    )

    /// ArgumentParser's own main, but a usage error exits 2, as shells' builtins do, rather
    /// than 64 (EX_USAGE).
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            writeAll(fullMessage(for: error) + "\n", to: STDERR_FILENO)
            exit(withError: ExitCode(2))
        }
    }
}
