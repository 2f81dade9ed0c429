import APIModels

extension QueueResponse {
    /// The labelled fields `queues show`, `set`, `pause` and `resume` print.
    var fields: [(String, String?)] {
        [
            ("name", name), ("state", stateText),
            ("concurrency limit", settings.concurrencyLimit.map(String.init) ?? "none"),
            ("key limit", settings.keyConcurrencyLimit.map(String.init) ?? "none"),
            ("rate limit", settings.rateLimit.map(\.text) ?? "none"),
            ("scheduled", String(counts.scheduled)), ("due", String(counts.due)),
            ("dispatched", String(counts.dispatched)), ("running", String(counts.running)),
            ("held back", heldBack?.text ?? "nothing"),
        ]
    }

    /// The cells of its row in `queues`, under `QueueResponse.columns`.
    var row: [String] {
        [
            name, stateText, settings.concurrencyLimit.map(String.init) ?? "-",
            settings.keyConcurrencyLimit.map(String.init) ?? "-", settings.rateLimit.map(\.text) ?? "-",
            String(counts.scheduled), String(counts.due), String(counts.dispatched), String(counts.running),
            heldBack?.text ?? "-",
        ]
    }

    static let columns = [
        "NAME", "STATE", "CONCURRENCY", "KEY LIMIT", "RATE", "SCHEDULED", "DUE", "DISPATCHED", "RUNNING", "HELD BACK",
    ]

    var stateText: String { settings.paused ? "paused" : "active" }
}

extension QueueSettings.RateLimit {
    /// `100/60s`, as `queues set --rate` takes it.
    var text: String { "\(limit)/\(periodSeconds)s" }
}

extension QueueResponse.HeldBack {
    /// "3 tasks by the concurrency limit".
    var text: String {
        let by = switch limit {
        case "paused": "the pause"
        case "concurrency_limit": "the concurrency limit"
        case "rate_limit": "the rate limit"
        case "key_concurrency_limit": "the key limit"
        default: limit
        }
        return "\(tasks) \(tasks == 1 ? "task" : "tasks") by \(by)"
    }
}
