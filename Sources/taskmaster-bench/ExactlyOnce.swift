import Core
import Postgres

/// How the tasks of a scenario ended: each should complete, after exactly one attempt.
struct ExactlyOnce {
    var tasks: Int
    var completed: Int
    var attempts: Int

    static func read(from database: PostgresClient) async throws -> ExactlyOnce {
        let row = try require(
            try await database.query(
                "SELECT count(*), count(*) FILTER (WHERE status = 'completed'), coalesce(sum(attempts), 0) FROM tasks"
            ).first)
        return ExactlyOnce(tasks: try row.int(0) ?? 0, completed: try row.int(1) ?? 0, attempts: try row.int(2) ?? 0)
    }

    func figures(_ scenario: String, expected: Int) -> [Figure] {
        [
            Figure(scenario, "tasks completed", completed, target: .equal(Double(expected))),
            Figure(scenario, "attempts (sum)", attempts, target: .equal(Double(expected))),
            Figure(scenario, "duplicate runs", attempts - tasks, target: .equal(0)),
        ]
    }
}
