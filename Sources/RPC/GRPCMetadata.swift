/// Custom headers of a call. Names are stored lowercase, as HTTP/2 requires; values are kept
/// as sent (`-bin` values stay base64 text).
public struct GRPCMetadata: Sendable, Equatable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var entries: [(name: String, value: String)] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        for (name, value) in elements {
            append(name: name, value: value)
        }
    }

    /// The first value of `name`, if present.
    public func first(name: String) -> String? {
        let name = name.lowercased()
        return entries.first { $0.name == name }?.value
    }

    /// Every value of `name`, in the order received.
    public func values(name: String) -> [String] {
        let name = name.lowercased()
        return entries.filter { $0.name == name }.map(\.value)
    }

    public mutating func append(name: String, value: String) {
        entries.append((name.lowercased(), value))
    }

    public var isEmpty: Bool { entries.isEmpty }

    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        entries.makeIterator()
    }

    public static func == (lhs: GRPCMetadata, rhs: GRPCMetadata) -> Bool {
        lhs.entries.elementsEqual(rhs.entries) { $0.name == $1.name && $0.value == $1.value }
    }
}
