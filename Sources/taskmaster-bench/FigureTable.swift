import Foundation

/// Prints figures as a table, grouped by scenario in the order the scenarios first appear, each
/// row with the flags it was measured with.
enum FigureTable {
    static func render(_ figures: [Figure]) -> String {
        var order: [String] = []
        for figure in figures where !order.contains(figure.scenario) {
            order.append(figure.scenario)
        }
        let grouped = order.flatMap { scenario in figures.filter { $0.scenario == scenario } }
        let rows = [["scenario", "flags", "figure", "value", "unit", "target", ""]]
            + grouped.map { figure in
                [
                    figure.scenario, figure.flags.isEmpty ? "defaults" : figure.flags, figure.name, format(figure.value),
                    figure.unit, figure.target.map { "\($0.comparison.rawValue) \(format($0.value))" } ?? "",
                    figure.met.map { $0 ? "met" : "MISSED" } ?? "",
                ]
            }
        let widths = (0..<7).map { column in rows.map { $0[column].count }.max() ?? 0 }
        let rightAligned: Set = [3, 5]
        return rows.map { row in
            row.indices.map { column in
                rightAligned.contains(column)
                    ? row[column].leftPadded(widths[column])
                    : row[column].padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }
            .joined(separator: "  ")
            .trimmingCharacters(in: .whitespaces)
        }
        .joined(separator: "\n")
    }

    /// Whole numbers without decimals, small ones with two, the rest with one.
    static func format(_ value: Double) -> String {
        if !value.isFinite { return String(value) }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format: abs(value) < 10 ? "%.2f" : "%.1f", value)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        String(repeating: " ", count: max(0, width - count)) + self
    }
}
