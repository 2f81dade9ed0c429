import Hummingbird
import Core
import TaskStorage

/// The query of `GET /tasks`: `status` (one task state), `limit` (1–1000, default 100) and
/// `after` (the `next` cursor of the previous page).
struct TaskListQuery: Sendable, Hashable {
    static let limitRange = 1...1000
    static let defaultLimit = 100

    var status: TaskState?
    var limit: Int
    var after: TaskCursor?

    init(_ parameters: Parameters) throws(APIError) {
        status = try Self.value(of: "status", in: parameters, expecting: Self.statusExpectation) { TaskState(rawValue: $0) }
        limit = try Self.value(of: "limit", in: parameters, expecting: Self.limitExpectation) { text in
            Int(text).flatMap { Self.limitRange.contains($0) ? $0 : nil }
        } ?? Self.defaultLimit
        after = try Self.value(of: "after", in: parameters, expecting: "the \"next\" value of the previous page") {
            TaskCursor(token: $0)
        }
    }

    private static let statusExpectation = TaskState.allCases.map(\.rawValue).joined(separator: ", ")
    private static let limitExpectation = "an integer from \(limitRange.lowerBound) to \(limitRange.upperBound)"

    /// The parsed parameter, `nil` when it is absent; throws when it is given (even empty) but invalid.
    private static func value<Value>(
        of name: String, in parameters: Parameters, expecting expectation: String, _ parse: (String) -> Value?
    ) throws(APIError) -> Value? {
        let values = parameters.getAll(name)
        guard let text = values.first else { return nil }
        guard values.count == 1 else {
            throw APIError(.invalidParameter, "query parameter \(name) is given \(values.count) times; give it once")
        }
        guard let value = parse(String(text)) else {
            throw APIError(.invalidParameter, "query parameter \(name) must be \(expectation)")
        }
        return value
    }
}
