import struct Foundation.UUID
import Core

/// Decides which waiting tasks a claim takes from queues with limits, given what each queue holds:
/// the rules of the limited claim as values, apart from the SQL that reads the candidates.
///
/// A queue may take `room` tasks: no more than `demand` (the free slots), its concurrency limit
/// minus what it holds, and its rate limit minus the claims in its window. A concurrency key may
/// take its queue's per-key limit minus what it holds. Candidates are taken best first (highest
/// effective priority, then oldest due, then id) while their queue, their key and the demand allow.
struct LimitedClaimPlan: Sendable {
    /// A waiting task the claim may take.
    struct Candidate: Sendable, Hashable {
        var id: UUID
        var queue: String
        var concurrencyKey: String?
        var effectivePriority: Int
        var dueMicroseconds: Int64
    }

    /// How many rows of a priority level the first read of a queue looks at, for a queue whose
    /// room is `room`: every row qualifies in a queue without a per-key limit; with one, rows of
    /// keys at their limit are passed over, so the read looks further ahead.
    static func headWindow(room: Int, keyLimited: Bool) -> Int {
        keyLimited ? min(max(4 * room, 256), 10_000) : room
    }

    let demand: Int
    /// How many more tasks each queue may take.
    let rooms: [String: Int]
    private let keyLimits: [String: Int]
    private let usage: [String: QueueUsage]

    init(queues: [QueueRecord], usage: [String: QueueUsage], demand: Int) {
        self.demand = max(0, demand)
        self.usage = usage
        var rooms: [String: Int] = [:]
        var keyLimits: [String: Int] = [:]
        for queue in queues {
            let held = usage[queue.name] ?? QueueUsage()
            var room = self.demand
            if let limit = queue.settings.concurrencyLimit { room = min(room, limit - held.held) }
            if let rate = queue.settings.rateLimit { room = min(room, rate.limit - held.rateClaims) }
            rooms[queue.name] = queue.settings.paused ? 0 : max(0, room)
            if let limit = queue.settings.keyConcurrencyLimit { keyLimits[queue.name] = limit }
        }
        self.rooms = rooms
        self.keyLimits = keyLimits
    }

    /// The queues that may take a task, by name.
    var queuesWithRoom: [String] { rooms.filter { $0.value > 0 }.keys.sorted() }

    /// The per-key limit of `queue`, if it has one.
    func keyLimit(of queue: String) -> Int? { keyLimits[queue] }

    /// How many more tasks with `key` the queue may take before any is chosen.
    func keyAllowance(queue: String, key: String) -> Int? {
        keyLimits[queue].map { max(0, $0 - (usage[queue]?.heldByKey[key] ?? 0)) }
    }

    /// The candidates to claim, best first. Duplicates count once.
    func choose(_ candidates: [Candidate]) -> [Candidate] {
        var taken: [String: Int] = [:]
        var takenByKey: [String: [String: Int]] = [:]
        var seen = Set<UUID>()
        var chosen: [Candidate] = []
        for candidate in candidates.sorted(by: Self.isBetter) where chosen.count < demand {
            guard seen.insert(candidate.id).inserted, taken[candidate.queue, default: 0] < rooms[candidate.queue, default: 0] else {
                continue
            }
            if let key = candidate.concurrencyKey, let allowance = keyAllowance(queue: candidate.queue, key: key) {
                guard takenByKey[candidate.queue, default: [:]][key, default: 0] < allowance else { continue }
                takenByKey[candidate.queue, default: [:]][key, default: 0] += 1
            }
            taken[candidate.queue, default: 0] += 1
            chosen.append(candidate)
        }
        return chosen
    }

    /// The keys of `queue` that can take no more tasks once `chosen` are claimed.
    func keysAtLimit(of queue: String, after chosen: [Candidate]) -> [String] {
        guard let limit = keyLimits[queue] else { return [] }
        var counts = usage[queue]?.heldByKey.reduce(into: [String: Int]()) { counts, entry in
            if let key = entry.key { counts[key] = entry.value }
        } ?? [:]
        for candidate in chosen where candidate.queue == queue {
            if let key = candidate.concurrencyKey { counts[key, default: 0] += 1 }
        }
        return counts.filter { $0.value >= limit }.keys.sorted()
    }

    /// Whether `queue` needs its keys walked one by one: it has a per-key limit, room left after
    /// `chosen`, and its first read stopped at the window, so tasks of free keys may wait behind
    /// those of keys at their limit.
    func needsKeyWalk(of queue: String, after chosen: [Candidate], headWasCut: Bool) -> Bool {
        guard headWasCut, keyLimits[queue] != nil, chosen.count < demand else { return false }
        return chosen.filter { $0.queue == queue }.count < rooms[queue, default: 0]
    }

    /// Highest effective priority first, then oldest due, then the id: one order for every claim.
    static func isBetter(_ left: Candidate, _ right: Candidate) -> Bool {
        if left.effectivePriority != right.effectivePriority { return left.effectivePriority > right.effectivePriority }
        if left.dueMicroseconds != right.dueMicroseconds { return left.dueMicroseconds < right.dueMicroseconds }
        return left.id.precedes(right.id)
    }
}
