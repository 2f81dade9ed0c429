import APIModels
import ArgumentParser

/// `taskmaster status <id>`: GET /tasks/{id}, once or until the task ends.
struct StatusCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "status", abstract: "Show a task; with --wait, follow it and exit with its exit code.")

    @Argument(help: "The task's id, or its beginning.")
    var id: ResourceID

    @Flag(help: "Follow the task until it is completed, failed or cancelled; exit with its exit code (1 when cancelled).")
    var wait = false

    @Option(help: ArgumentHelp("With --wait: give up after this long (exit 1).", valueName: "duration"))
    var waitTimeout: Seconds?

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        let id = try await api.taskID(id)
        if wait {
            try await TaskWaiter(api: api, output: output, timeout: waitTimeout).wait(for: id)
        }
        let body = try await api.send(.GET, "/tasks/\(id)")
        if output.json { return output.raw(body) }
        let task = try decode(TaskStatusResponse.self, from: body)
        output.line(fieldList(task.fields.map { $0 == "status" ? ($0, $1.map(output.status)) : ($0, $1) }, output: output))
        if let text = task.output, !text.isEmpty {
            output.line(output.styled("output:", .dim))
            output.write(text.hasSuffix("\n") ? text : text + "\n")
        }
    }
}
