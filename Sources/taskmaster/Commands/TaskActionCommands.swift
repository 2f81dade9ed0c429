import APIModels
import ArgumentParser
import FoundationEssentials

/// `taskmaster cancel <id>`: POST /tasks/{id}/cancel.
struct CancelCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Cancel a task that has not finished (one running is stopped).")

    @Argument(help: "The task's id, or its beginning.")
    var id: ResourceID

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        try printTask(try await api.send(.POST, "/tasks/\(try await api.taskID(id))/cancel"), verb: "cancelled", output: output)
    }
}

/// `taskmaster retry <id>`: POST /tasks/{id}/retry.
struct RetryCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "retry", abstract: "Run a failed or cancelled task once more, now.")

    @Argument(help: "The task's id, or its beginning.")
    var id: ResourceID

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        try printTask(try await api.send(.POST, "/tasks/\(try await api.taskID(id))/retry"), verb: "retried", output: output)
    }
}

/// "cancelled <id> (status cancelled)", or the reply itself with --json.
private func printTask(_ body: Data, verb: String, output: Output) throws {
    if output.json { return output.raw(body) }
    let task = try decode(TaskStatusResponse.self, from: body)
    output.line("\(verb) \(task.taskID) (now \(output.status(task.status)), attempt \(task.attemptText))")
}
