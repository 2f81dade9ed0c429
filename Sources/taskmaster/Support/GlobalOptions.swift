import ArgumentParser

/// The options every subcommand takes: where the scheduler is, its token, and the output form.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The scheduler's URL (default: $TASKMASTER_URL, else http://localhost:8081).", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("The API token (default: $TASKMASTER_API_TOKEN).", valueName: "token"))
    var token: String?

    @Flag(help: "Print the API's JSON reply as received.")
    var json = false
}
