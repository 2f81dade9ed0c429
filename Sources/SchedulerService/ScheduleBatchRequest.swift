import Foundation
import NIOCore
import Core
import TaskStorage

/// The body of `POST /schedule/batch`: a JSON array of 1 to `maxTasks` schedule requests. Every
/// element is checked before anything is stored; the first bad one is reported with its index.
enum ScheduleBatchRequest {
    static let maxTasks = 10_000

    /// Decodes and validates a batch body, whatever its declared content type.
    static func tasks(from body: ByteBuffer) throws(APIError) -> [NewTask] {
        let elements = try decode(body)
        guard (1...maxTasks).contains(elements.count) else {
            throw APIError(.invalidField, "a batch holds 1 to \(maxTasks) tasks; this one has \(elements.count)")
        }
        var tasks: [NewTask] = []
        tasks.reserveCapacity(elements.count)
        var indexByKey: [String: Int] = [:]
        for (index, element) in elements.enumerated() {
            let task: NewTask
            do {
                task = try element.request.get().validated()
            } catch {
                throw APIError(error.code, "element \(index): \(error.message)", index: index, headers: error.headers)
            }
            if let key = task.idempotencyKey {
                if let first = indexByKey[key] {
                    try Self.checkSameTask(task, index: index, as: tasks[first], index: first)
                } else {
                    indexByKey[key] = index
                }
            }
            tasks.append(task)
        }
        return tasks
    }

    /// Elements that share a key must ask for the same task (the later one then gets the task the
    /// earlier one stores); anything else is an idempotency conflict within the batch.
    private static func checkSameTask(_ task: NewTask, index: Int, as first: NewTask, index firstIndex: Int) throws(APIError) {
        let differences = task.differences(from: first)
        guard differences.isEmpty else {
            throw APIError(
                .idempotencyConflict,
                "element \(index): the idempotency key is also given to element \(firstIndex) with a different \(differences.joined(separator: ", "))",
                index: index)
        }
    }

    private static func decode(_ body: ByteBuffer) throws(APIError) -> [Element] {
        let data = try ScheduleRequest.nonEmptyData(body, expecting: "a JSON array of schedule requests")
        do {
            return try JSONDecoder().decode([Element].self, from: data)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty,
            DecodingError.valueNotFound(_, let context) where context.codingPath.isEmpty
        {
            throw APIError(.invalidField, "the request body must be a JSON array of schedule requests")
        } catch {
            throw ScheduleRequest.invalidJSON(body: data)
        }
    }

    /// One element, decoded on its own so that a bad element does not hide which one it was.
    private struct Element: Decodable {
        var request: Result<ScheduleRequest, APIError>

        init(from decoder: any Decoder) throws {
            do {
                request = .success(try ScheduleRequest(from: decoder))
            } catch let error as DecodingError {
                request = .failure(ScheduleRequest.apiError(for: error, body: Data(), depth: 1))
            }
        }
    }
}
