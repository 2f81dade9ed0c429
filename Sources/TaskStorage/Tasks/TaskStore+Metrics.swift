extension TaskStore {
    /// Tasks due by the database clock and not handed to a worker yet: the dispatch backlog.
    /// Reads only the partial index on due tasks.
    package func countDueTasks() async throws -> Int {
        let result = try await client.query(
            "SELECT count(*) FROM tasks WHERE status = 'scheduled' AND due_at <= now()")
        guard let count = try result.first?.int(0) else {
            throw TaskStoreError(code: .missingRow, message: "count(*) returned no row")
        }
        return count
    }
}
