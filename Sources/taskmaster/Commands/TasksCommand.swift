import APIModels
import ArgumentParser
import FoundationEssentials

/// `taskmaster tasks`: GET /tasks, one page or all of them.
struct TasksCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "tasks", abstract: "List tasks, newest first.")

    @Option(help: "Only tasks in this state.")
    var status: TaskState?

    @Option(
        name: .customLong("schedule"),
        help: ArgumentHelp("Only the tasks this schedule made (its id, or the id's beginning).", valueName: "schedule-id"))
    var scheduleID: ResourceID?

    @Option(help: "Tasks per page (1–1000; the API's default is 100).")
    var limit: Int?

    @Flag(help: "Follow the pages to the end. With --json, prints one {\"tasks\":[…]}.")
    var all = false

    @OptionGroup var options: GlobalOptions

    /// A page kept as received, for --json --all.
    private struct RawPage: Decodable {
        var tasks: [JSONValue]
        var next: String?
    }

    func run(api: SchedulerAPI, output: Output) async throws {
        var tasks: [TaskStatusResponse] = []
        var rawTasks: [JSONValue] = []
        var after: String?
        var scheduleID: String?
        if let id = self.scheduleID { scheduleID = try await api.scheduleID(id) }
        repeat {
            let body = try await api.send(.GET, path(scheduleID: scheduleID, after: after))
            if output.json, !all { return output.raw(body) }
            let page = try decode(TaskListResponse.self, from: body)
            tasks += page.tasks
            if output.json { rawTasks += try decode(RawPage.self, from: body).tasks }
            after = page.next
        } while all && after != nil
        if output.json {
            return output.raw(try JSONEncoder().encode(["tasks": rawTasks]))
        }
        let rows = tasks.map {
            [$0.taskID, $0.status, $0.attemptText, $0.queue, String($0.priority), $0.scheduledAt, $0.command.truncated(to: 50)]
        }
        output.line(table(["ID", "STATUS", "ATTEMPTS", "QUEUE", "PRIORITY", "SCHEDULED AT", "COMMAND"], rows, output: output) { column, cell in
            column == 1 ? output.status(cell) : cell
        })
        if !all, after != nil { output.line(output.styled("(more: --all lists every page)", .dim)) }
    }

    private func path(scheduleID: String?, after: String?) -> String {
        let query = [
            status.map { "status=\($0.rawValue)" }, scheduleID.map { "schedule_id=\($0)" },
            limit.map { "limit=\($0)" }, after.map { "after=\($0)" },
        ].compactMap { $0 }
        return query.isEmpty ? "/tasks" : "/tasks?" + query.joined(separator: "&")
    }
}
