/// Columns padded to their widest cell, the header first. `style` colours a cell after padding,
/// so escape codes do not upset the alignment.
func table(
    _ header: [String], _ rows: [[String]], output: Output,
    style: (_ column: Int, _ cell: String) -> String = { $1 }
) -> String {
    let widths = header.indices.map { column in
        ([header] + rows).map { $0[column].count }.max() ?? 0
    }
    func render(_ cells: [String], _ styleCell: (Int, String) -> String) -> String {
        cells.enumerated().map { column, cell in
            let padded = column == cells.count - 1 ? cell : cell.padding(to: widths[column])
            return styleCell(column, padded)
        }.joined(separator: "  ")
    }
    let head = render(header) { output.styled($1, .bold) }
    return ([head] + rows.map { render($0, style) }).joined(separator: "\n")
}

/// `label: value` lines with the values aligned; nil values are left out.
func fieldList(_ fields: [(String, String?)], output: Output) -> String {
    let present = fields.compactMap { label, value in value.map { (label, $0) } }
    let width = (present.map(\.0.count).max() ?? 0) + 1
    return present.map { label, value in output.styled("\(label):".padding(to: width), .dim) + " " + value }
        .joined(separator: "\n")
}

extension String {
    func padding(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }

    /// At most `limit` characters, the last one an ellipsis when cut; one line.
    func truncated(to limit: Int) -> String {
        let line = split(whereSeparator: \.isNewline).joined(separator: " ")
        return line.count <= limit ? line : String(line.prefix(limit - 1)) + "…"
    }
}
