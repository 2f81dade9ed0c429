import ArgumentParser

/// `--queue`, `--priority` and `--key` of `schedule` and `schedules create`: the queue a task
/// waits in, its place among the queue's due tasks, and the key it shares a per-key limit with.
/// Those left out are left to the API's defaults.
struct QueuePlacementOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The queue it waits in (the API's default is \"default\").", valueName: "queue"),
            transform: QueueArgument.name)
    var queue: String?

    /// `.unconditional`, so that `--priority -5` reads -5 as the value, not as an option.
    @Option(parsing: .unconditional,
            help: ArgumentHelp("From -100 to 100: higher starts first among its queue's due tasks (default 0).", valueName: "priority"),
            transform: QueueArgument.priority)
    var priority: Int?

    @Option(name: .customLong("key"),
            help: ArgumentHelp("A concurrency key: the queue's key limit caps the tasks with the same key at once.", valueName: "key"),
            transform: QueueArgument.concurrencyKey)
    var concurrencyKey: String?

    /// `body` with the fields given here beside its own.
    func request(_ body: some Encodable) -> some Encodable {
        PlacedRequest(body: body, placement: Placement(queue: queue, priority: priority, concurrencyKey: concurrencyKey))
    }

    private struct Placement: Encodable {
        var queue: String?
        var priority: Int?
        var concurrencyKey: String?

        enum CodingKeys: String, CodingKey {
            case queue, priority, concurrencyKey = "concurrency_key"
        }
    }

    /// One JSON object of both: the encoder's keyed containers at one level are one object.
    private struct PlacedRequest<Body: Encodable>: Encodable {
        var body: Body
        var placement: Placement

        func encode(to encoder: any Encoder) throws {
            try body.encode(to: encoder)
            try placement.encode(to: encoder)
        }
    }
}
