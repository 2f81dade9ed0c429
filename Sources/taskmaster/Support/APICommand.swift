import ArgumentParser

/// A subcommand that talks to the scheduler. Its failures print one line on stderr,
/// `error: <code>: <message>`, and exit 1; an `ExitCode` it throws passes through.
protocol APICommand: AsyncParsableCommand {
    var options: GlobalOptions { get }

    func run(api: SchedulerAPI, output: Output) async throws
}

extension APICommand {
    func run() async throws {
        do {
            let api = try await SchedulerAPI.connect(options)
            try await run(api: api, output: Output(json: options.json))
        } catch let failure as CLIFailure {
            Output.error(failure.description)
            throw ExitCode.failure
        }
    }
}
