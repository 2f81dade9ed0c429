/// A one-dimensional array bound as one text parameter in PostgreSQL's array-literal syntax;
/// cast it in SQL to the element type, e.g. `unnest($1::text[])` or `id = ANY($1::uuid[])`.
///
/// Every element is double-quoted with `"` and `\` escaped, so arbitrary text (commas, braces,
/// quotes, backslashes, whitespace, the word NULL) reads back verbatim; `nil` is SQL `NULL`.
/// Text containing NUL cannot be stored by PostgreSQL at all and must be refused earlier.
package struct PostgresArray: PostgresBindable {
    package var elements: [String?]

    package init<Element: PostgresBindable>(_ elements: [Element]) {
        self.elements = elements.map(\.postgresText)
    }

    package init<Element: PostgresBindable>(_ elements: [Element?]) {
        self.elements = elements.map { $0?.postgresText }
    }

    package var postgresText: String {
        var literal: [UInt8] = [UInt8(ascii: "{")]
        literal.reserveCapacity(2 + elements.reduce(0) { $0 + ($1?.utf8.count ?? 4) + 3 })
        for (index, element) in elements.enumerated() {
            if index > 0 { literal.append(UInt8(ascii: ",")) }
            guard let element else {
                literal.append(contentsOf: "NULL".utf8)
                continue
            }
            literal.append(Self.quote)
            for byte in element.utf8 {
                if byte == Self.quote || byte == Self.backslash { literal.append(Self.backslash) }
                literal.append(byte)
            }
            literal.append(Self.quote)
        }
        literal.append(UInt8(ascii: "}"))
        return String(decoding: literal, as: UTF8.self)
    }

    private static let quote = UInt8(ascii: "\"")
    private static let backslash = UInt8(ascii: "\\")
}
