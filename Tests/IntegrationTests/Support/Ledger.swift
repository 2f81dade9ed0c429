import Foundation

/// A file that shell tasks append their number to, one a line: which tasks ran, and how often.
struct Ledger: Sendable {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("ledger-\(UUID().uuidString)")

    /// The shell command that appends `number`.
    func append(_ number: Int) -> String {
        "echo \(number) >> \(url.path)"
    }

    /// The numbers appended so far, in the order written.
    var runs: [Int] {
        ((try? String(contentsOf: url, encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Int($0) }
    }

    func remove() {
        try? FileManager.default.removeItem(at: url)
    }
}
