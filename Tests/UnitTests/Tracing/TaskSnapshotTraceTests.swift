import Foundation
import Testing

@testable import TaskStorage

/// Task snapshots (the webhook outbox keeps a task's row as a JSON array of its columns): the
/// trace context reads back, and a snapshot taken before the trace columns existed still decodes.
@Suite struct TaskSnapshotTraceTests {
    static let traceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"

    /// A snapshot of a scheduled task with every column, trace context included.
    static func cells() -> [String?] {
        TaskRecord.Column.allCases.map { column in
            switch column {
            case .id: UUID().uuidString
            case .command: "true"
            case .scheduledAt, .createdAt: "1767225600000000"
            case .status: "scheduled"
            case .attempts, .priority: "0"
            case .maxAttempts: "1"
            case .queue: "default"
            case .traceParent: traceParent
            case .traceState: "rojo=1"
            default: nil
            }
        }
    }

    static func json(_ cells: [String?]) throws -> String {
        String(decoding: try JSONEncoder().encode(cells), as: UTF8.self)
    }

    @Test func theTraceContextReadsBack() throws {
        let task = try TaskRecord(snapshot: Self.json(Self.cells()))
        #expect(task.traceContext?.traceParent == Self.traceParent)
        #expect(task.traceContext?.traceState == "rojo=1")
        #expect(task.traceContext?.traceID == "4bf92f3577b34da6a3ce929d0e0e4736")
    }

    @Test func aSnapshotFromBeforeTheTraceColumnsReadsAsUntraced() throws {
        let task = try TaskRecord(snapshot: Self.json(Array(Self.cells().dropLast(2))))
        #expect(task.traceContext == nil)
        #expect(task.command == "true")
    }

    @Test func aSnapshotWithMoreColumnsThanKnownIsRefused() throws {
        #expect(throws: TaskStoreError.self) { try TaskRecord(snapshot: Self.json(Self.cells() + ["extra"])) }
    }
}
