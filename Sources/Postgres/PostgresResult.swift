/// The rows a statement returned, copied out of libpq into Swift values (text format).
package struct PostgresResult: Sendable, RandomAccessCollection {
    package let columnNames: [String]
    /// Rows inserted, updated, deleted, selected or fetched, as the server's command tag says; 0 when it says nothing.
    package let affectedRows: Int
    /// Every cell, row after row.
    private let cells: [String?]
    private let rowCount: Int

    init(columnNames: [String], affectedRows: Int, cells: [String?], rowCount: Int) {
        precondition(cells.count == columnNames.count * rowCount, "cells must fill every row")
        self.columnNames = columnNames
        self.affectedRows = affectedRows
        self.cells = cells
        self.rowCount = rowCount
    }

    package var startIndex: Int { 0 }
    package var endIndex: Int { rowCount }

    package subscript(position: Int) -> PostgresRow {
        precondition(indices.contains(position), "row index out of range")
        let start = position * columnNames.count
        return PostgresRow(cells: cells[start..<start + columnNames.count])
    }
}
