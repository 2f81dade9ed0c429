import APIModels
import ArgumentParser
import FoundationEssentials

/// `taskmaster queues [list]`: GET /queues.
struct QueueListCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the queues that have settings or unfinished tasks: limits, tasks by state, what holds them back.",
        discussion: "SCHEDULED counts the tasks waiting to start, DUE those of them whose time has come.")

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        let body = try await api.send(.GET, "/queues")
        if output.json { return output.raw(body) }
        let queues = try decode(QueueListResponse.self, from: body).queues
        guard !queues.isEmpty else { return output.line(output.styled("(no queue has settings or unfinished tasks)", .dim)) }
        output.line(table(QueueResponse.columns, queues.map(\.row), output: output) { column, cell in
            column == 1 && cell.hasPrefix("paused") ? output.styled(cell, .yellow) : cell
        })
    }
}

/// `taskmaster queues show <name>`: GET /queues/{name}.
struct QueueShowCommand: APICommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a queue.")

    @Argument(help: "The queue's name.", transform: QueueArgument.name)
    var name: String

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        try printQueue(try await api.send(.GET, "/queues/\(name)"), output: output)
    }
}

/// A queue's fields aligned, or the reply itself with --json.
func printQueue(_ body: Data, output: Output) throws(CLIFailure) {
    if output.json { return output.raw(body) }
    output.line(fieldList(try decode(QueueResponse.self, from: body).fields, output: output))
}
