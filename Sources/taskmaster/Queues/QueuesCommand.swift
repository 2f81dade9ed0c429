import ArgumentParser

/// `taskmaster queues …`: the /queues endpoints; `taskmaster queues` alone lists them.
struct QueuesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queues", abstract: "Show queues, set their limits, pause and resume them.",
        subcommands: [
            QueueListCommand.self, QueueShowCommand.self, QueueSetCommand.self, QueuePauseCommand.self,
            QueueResumeCommand.self,
        ],
        defaultSubcommand: QueueListCommand.self)
}
