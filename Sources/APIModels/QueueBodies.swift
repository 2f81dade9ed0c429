/// What the API accepts for a task's queue, priority and concurrency key, and for a queue's name.
package enum QueueRules {
    /// The queue of a task that names none.
    package static let defaultQueue = "default"
    package static let nameLengthRange = 1...64
    package static let priorityRange = -100...100
    /// In characters (Unicode scalars), as JSON Schema's `maxLength` counts.
    package static let concurrencyKeyLengthRange = 1...255

    package static let nameRule = "1 to 64 letters, digits, '-', '_' or '.', starting with a letter or a digit"
    package static let priorityRule = "an integer from -100 to 100"
    package static let concurrencyKeyRule = "a string of 1 to 255 characters without NUL"

    /// Whether `name` may name a queue: ASCII letters and digits, `-`, `_`, `.`, starting with a
    /// letter or a digit (so that no name is a path segment such as `..`).
    package static func isValidName(_ name: String) -> Bool {
        guard nameLengthRange.contains(name.utf8.count), let first = name.utf8.first, isAlphanumeric(first) else { return false }
        return name.utf8.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
    }

    package static func isValidConcurrencyKey(_ key: String) -> Bool {
        concurrencyKeyLengthRange.contains(key.unicodeScalars.count) && !key.utf8.contains(0)
    }
}

/// A queue's settings: the body of `PUT /queues/{name}` (a full replacement: a field left out is
/// `null`, or `false` for `paused`) and part of every queue the API shows. `null` means no limit.
package struct QueueSettings: Codable, Sendable, Hashable {
    /// No more than `limit` tasks of the queue start in any window of `periodSeconds` seconds.
    package struct RateLimit: Codable, Sendable, Hashable {
        package var limit: Int
        package var periodSeconds: Int

        enum CodingKeys: String, CodingKey {
            case limit
            case periodSeconds = "period_seconds"
        }

        package init(limit: Int, periodSeconds: Int) {
            self.limit = limit
            self.periodSeconds = periodSeconds
        }
    }

    /// At most this many tasks of the queue hold a slot at once, across the cluster.
    package var concurrencyLimit: Int?
    /// At most this many tasks with the same concurrency key hold a slot at once.
    package var keyConcurrencyLimit: Int?
    package var rateLimit: RateLimit?
    /// No task of the queue starts while it is paused.
    package var paused: Bool

    package enum CodingKeys: String, CodingKey, CaseIterable {
        case concurrencyLimit = "concurrency_limit"
        case keyConcurrencyLimit = "key_concurrency_limit"
        case rateLimit = "rate_limit"
        case paused
    }

    package init(concurrencyLimit: Int? = nil, keyConcurrencyLimit: Int? = nil, rateLimit: RateLimit? = nil, paused: Bool = false) {
        self.concurrencyLimit = concurrencyLimit
        self.keyConcurrencyLimit = keyConcurrencyLimit
        self.rateLimit = rateLimit
        self.paused = paused
    }

    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        concurrencyLimit = try container.decodeIfPresent(Int.self, forKey: .concurrencyLimit)
        keyConcurrencyLimit = try container.decodeIfPresent(Int.self, forKey: .keyConcurrencyLimit)
        rateLimit = try container.decodeIfPresent(RateLimit.self, forKey: .rateLimit)
        paused = try container.decodeIfPresent(Bool.self, forKey: .paused) ?? false
    }

    /// Writes every field, `null` for no limit: a reader sees each setting the queue has.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(concurrencyLimit, forKey: .concurrencyLimit)
        try container.encode(keyConcurrencyLimit, forKey: .keyConcurrencyLimit)
        try container.encode(rateLimit, forKey: .rateLimit)
        try container.encode(paused, forKey: .paused)
    }

    /// Whether claims from the queue are held to anything: a limit, or the pause.
    package var isRestricted: Bool {
        paused || concurrencyLimit != nil || keyConcurrencyLimit != nil || rateLimit != nil
    }
}

/// A queue as `GET /queues/{name}`, `PUT /queues/{name}`, the pause and resume operations and
/// `GET /queues` show it: its settings and its unfinished tasks.
package struct QueueResponse: Codable, Sendable {
    /// The queue's unfinished tasks by state; `due` counts the `scheduled` ones whose time has come.
    package struct Counts: Codable, Sendable, Hashable {
        package var scheduled: Int
        package var due: Int
        package var dispatched: Int
        package var running: Int

        package init(scheduled: Int = 0, due: Int = 0, dispatched: Int = 0, running: Int = 0) {
            self.scheduled = scheduled
            self.due = due
            self.dispatched = dispatched
            self.running = running
        }
    }

    /// The limit that holds the queue's due tasks back, and how many it holds.
    package struct HeldBack: Codable, Sendable, Hashable {
        /// `paused`, `concurrency_limit`, `rate_limit` or `key_concurrency_limit`.
        package var limit: String
        package var tasks: Int

        package init(limit: String, tasks: Int) {
            self.limit = limit
            self.tasks = tasks
        }
    }

    package var name: String
    package var settings: QueueSettings
    package var counts: Counts
    /// Nil when no limit holds a due task back.
    package var heldBack: HeldBack?

    enum CodingKeys: String, CodingKey {
        case name, counts
        case heldBack = "held_back"
    }

    package init(name: String, settings: QueueSettings, counts: Counts, heldBack: HeldBack? = nil) {
        self.name = name
        self.settings = settings
        self.counts = counts
        self.heldBack = heldBack
    }

    /// The settings sit beside the name and the counts, as in a `PUT` body.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decode(String.self, forKey: .name)
        counts = try container.decode(Counts.self, forKey: .counts)
        heldBack = try container.decodeIfPresent(HeldBack.self, forKey: .heldBack)
        settings = try QueueSettings(from: decoder)
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try settings.encode(to: encoder)
        try container.encode(counts, forKey: .counts)
        try container.encode(heldBack, forKey: .heldBack)
    }
}

/// The body of `GET /queues`: every queue that has settings or unfinished tasks, by name.
package struct QueueListResponse: Codable, Sendable {
    package var queues: [QueueResponse]

    package init(queues: [QueueResponse]) {
        self.queues = queues
    }
}
