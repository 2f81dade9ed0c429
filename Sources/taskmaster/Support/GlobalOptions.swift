import ArgumentParser

/// The options every subcommand takes: where the scheduler is, how to trust it and show
/// ourselves to it, its token, and the output form.
struct GlobalOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The scheduler's http:// or https:// URL (default: $TASKMASTER_URL, else http://localhost:8081).", valueName: "url"))
    var url: String?

    @Option(help: ArgumentHelp("The API token (default: $TASKMASTER_API_TOKEN).", valueName: "token"))
    var token: String?

    @OptionGroup var tls: TLSOptions

    @Flag(help: "Print the API's JSON reply as received.")
    var json = false
}
