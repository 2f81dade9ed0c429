import APIModels
import ArgumentParser

/// `taskmaster queues set <name> …`: PUT /queues/{name}, every setting at once.
struct QueueSetCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Replace a queue's settings.",
        discussion: """
            This replaces all of the queue's settings: a limit left out is removed (no limit), and \
            the queue is resumed unless --paused is given. `queues show` prints what it has now.
            """)

    @Argument(help: "The queue's name.", transform: QueueArgument.name)
    var name: String

    @Option(help: ArgumentHelp("At most this many of its tasks run at once, across the cluster.", valueName: "n"),
            transform: QueueArgument.limit)
    var concurrencyLimit: Int?

    @Option(name: .customLong("key-limit"),
            help: ArgumentHelp("At most this many of its tasks with the same concurrency key run at once.", valueName: "n"),
            transform: QueueArgument.limit)
    var keyConcurrencyLimit: Int?

    @Option(help: ArgumentHelp("At most LIMIT of its tasks start in any DURATION: 100/60s, 10/1m, 500/1h.", valueName: "limit/duration"),
            transform: QueueArgument.rate)
    var rate: QueueSettings.RateLimit?

    @Flag(inversion: .prefixedNo, help: "Whether the queue is paused: none of its tasks starts.")
    var paused = false

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        let settings = QueueSettings(
            concurrencyLimit: concurrencyLimit, keyConcurrencyLimit: keyConcurrencyLimit, rateLimit: rate, paused: paused)
        try printQueue(try await api.send(.PUT, "/queues/\(name)", body: settings), output: output)
    }
}

/// `taskmaster queues pause <name>`: POST /queues/{name}/pause.
struct QueuePauseCommand: APICommand {
    static let configuration = CommandConfiguration(
        commandName: "pause",
        abstract: "Pause a queue: none of its tasks starts until it is resumed (those running go on). Its limits stay.")

    @Argument(help: "The queue's name.", transform: QueueArgument.name)
    var name: String

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        try printQueue(try await api.send(.POST, "/queues/\(name)/pause"), output: output)
    }
}

/// `taskmaster queues resume <name>`: POST /queues/{name}/resume.
struct QueueResumeCommand: APICommand {
    static let configuration = CommandConfiguration(commandName: "resume", abstract: "Resume a paused queue. Its limits stay.")

    @Argument(help: "The queue's name.", transform: QueueArgument.name)
    var name: String

    @OptionGroup var options: GlobalOptions

    func run(api: SchedulerAPI, output: Output) async throws {
        try printQueue(try await api.send(.POST, "/queues/\(name)/resume"), output: output)
    }
}
