/// What a queue with limits holds at the moment of a claim: the tasks that count against its
/// concurrency limits, by concurrency key (nil: tasks without one), and the claims inside its
/// rate window.
struct QueueUsage: Sendable, Hashable {
    var heldByKey: [String?: Int] = [:]
    var rateClaims = 0

    var held: Int { heldByKey.values.reduce(0, +) }
}
