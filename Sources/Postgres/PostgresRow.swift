package import struct Foundation.UUID
import Core

/// One row of a `PostgresResult`. Columns are numbered from 0; every getter returns nil for `NULL`.
package struct PostgresRow: Sendable {
    private let cells: ArraySlice<String?>

    init(cells: ArraySlice<String?>) {
        self.cells = cells
    }

    /// A row of these cells' text, as a result would hold it: for values kept elsewhere.
    package init(cells: [String?]) {
        self.cells = cells[...]
    }

    package var columnCount: Int { cells.count }

    package func isNull(_ column: Int) -> Bool {
        string(column) == nil
    }

    package func string(_ column: Int) -> String? {
        precondition(column >= 0 && column < cells.count, "column \(column) out of range 0..<\(cells.count)")
        return cells[cells.startIndex + column]
    }

    package func int(_ column: Int) throws -> Int? {
        try decode(column, as: "Int", Int.init)
    }

    package func int64(_ column: Int) throws -> Int64? {
        try decode(column, as: "Int64", Int64.init)
    }

    /// Reads PostgreSQL's `t`/`f` boolean text.
    package func bool(_ column: Int) throws -> Bool? {
        try decode(column, as: "Bool") { text in
            switch text {
            case "t": true
            case "f": false
            default: nil
            }
        }
    }

    package func double(_ column: Int) throws -> Double? {
        try decode(column, as: "Double", Double.init)
    }

    package func uuid(_ column: Int) throws -> UUID? {
        try decode(column, as: "UUID", UUID.init(text:))
    }

    private func decode<Value>(_ column: Int, as typeName: String, _ parse: (String) -> Value?) throws -> Value? {
        guard let text = string(column) else { return nil }
        guard let value = parse(text) else {
            throw PostgresError(
                code: .decodingFailed,
                message: "column \(column) holds \(text.utf8.count) bytes of text that are not a valid \(typeName)"
            )
        }
        return value
    }
}
