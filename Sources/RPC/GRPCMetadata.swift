/// Custom headers of a call. Names are stored lowercase, as HTTP/2 requires; values are kept
/// as sent (`-bin` values stay base64 text).
package struct GRPCMetadata: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    package private(set) var entries: [(name: String, value: String)] = []

    package init() {}

    package init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements {
            append(name: name, value: value)
        }
    }

    /// The first value of `name`, if present.
    package func first(name: String) -> String? {
        let name = name.lowercased()
        return entries.first { $0.name == name }?.value
    }

    /// Every value of `name`, in the order received.
    package func values(name: String) -> [String] {
        let name = name.lowercased()
        return entries.filter { $0.name == name }.map(\.value)
    }

    package mutating func append(name: String, value: String) {
        entries.append((name.lowercased(), value))
    }

    package var isEmpty: Bool { entries.isEmpty }

    package func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        entries.makeIterator()
    }

    package static func == (lhs: GRPCMetadata, rhs: GRPCMetadata) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.name == $1.name && $0.value == $1.value }
    }
}
