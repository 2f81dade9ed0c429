extension Collection where Element: Sendable {
    /// `transform` applied to every element at once, each in a child task; the results come back
    /// in the elements' order.
    package func concurrentMap<Transformed: Sendable>(
        _ transform: @escaping @Sendable (Element) async -> Transformed
    ) async -> [Transformed] {
        await withTaskGroup(of: Positioned<Transformed>.self) { group in
            for (position, element) in enumerated() {
                group.addTask { Positioned(position: position, value: await transform(element)) }
            }
            var results = [Transformed?](repeating: nil, count: count)
            for await result in group { results[result.position] = result.value }
            return results.map { $0! }
        }
    }
}

/// A child task's result and the position of its element.
///
/// A struct, not a tuple, on purpose: Swift 6.3's optimizer can drop the part of an async
/// function's tuple result that is written before a suspension point (swiftlang/swift#91911).
/// `(position, await transform(element))` then reaches the group with a garbage position; a
/// struct is built only once every argument is evaluated.
private struct Positioned<Value: Sendable>: Sendable {
    var position: Int
    var value: Value
}
