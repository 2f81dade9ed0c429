import struct Foundation.UUID
import Hummingbird
import APIModels
import Core
import TaskStorage

/// The query of `GET /tasks`: `status` (one task state), `schedule_id` (the tasks one schedule
/// made), `id_prefix` (the tasks whose id starts with it), `limit` (1–1000, default 100) and
/// `after` (the `next` cursor of the previous page).
struct TaskListQuery: Sendable, Hashable {
    static let limitRange = 1...1000
    static let defaultLimit = 100

    var status: TaskState?
    var scheduleID: UUID?
    var limit: Int
    var after: PageCursor?
    var idPrefix: IDPrefix?

    init(_ parameters: Parameters) throws(APIError) {
        idPrefix = try QueryParameter.idPrefix(in: parameters)
        status = try QueryParameter.value(of: "status", in: parameters, expecting: Self.statusExpectation) {
            TaskState(rawValue: $0)
        }
        scheduleID = try QueryParameter.value(of: "schedule_id", in: parameters, expecting: "a schedule id (a UUID)") {
            UUID(text: $0)
        }
        limit = try QueryParameter.integer("limit", in: parameters, range: Self.limitRange) ?? Self.defaultLimit
        after = try QueryParameter.cursor(in: parameters)
    }

    private static let statusExpectation = TaskState.allCases.map(\.rawValue).joined(separator: ", ")
}
