internal import CGRPCAPI
internal import CProtobufC
import Foundation

// The only file that touches protobuf-c: it converts the Swift messages of `Messages.swift`
// to and from the generated C structs. Encoding builds the C structs with copies of every
// string in a `CArena` that lives until the bytes are packed; decoding copies out of the
// unpacked C message before it is freed.

/// A message that protobuf-c could not decode.
public struct ProtobufDecodingError: Error, Sendable, CustomStringConvertible {
    public var messageName: String

    public var description: String { "malformed \(messageName) message" }
}

extension TaskRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "TaskRequest", grpcapi__task_request__unpack, grpcapi__task_request__free_unpacked, Self.init)
    }

    public func serializedBytes() -> [UInt8] {
        encode(cMessage, grpcapi__task_request__get_packed_size, grpcapi__task_request__pack)
    }

    init(_ message: Grpcapi__TaskRequest) {
        self.init(
            taskID: String(cString: message.task_id), data: String(cString: message.data),
            attempt: message.attempt, timeoutSeconds: message.timeout_seconds, handoff: String(cString: message.handoff),
            acceptBeforeMicros: message.accept_before_us)
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__TaskRequest {
        var message = Grpcapi__TaskRequest()
        grpcapi__task_request__init(&message)
        message.task_id = arena.string(taskID)
        message.data = arena.string(data)
        message.attempt = attempt
        message.timeout_seconds = timeoutSeconds
        message.handoff = arena.string(handoff)
        message.accept_before_us = acceptBeforeMicros
        return message
    }
}

extension TaskResponse: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "TaskResponse", grpcapi__task_response__unpack, grpcapi__task_response__free_unpacked, Self.init)
    }

    public func serializedBytes() -> [UInt8] {
        encode(cMessage, grpcapi__task_response__get_packed_size, grpcapi__task_response__pack)
    }

    init(_ message: Grpcapi__TaskResponse) {
        self.init(taskID: String(cString: message.task_id), message: String(cString: message.message), success: message.success != 0)
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__TaskResponse {
        var message = Grpcapi__TaskResponse()
        grpcapi__task_response__init(&message)
        message.task_id = arena.string(taskID)
        message.message = arena.string(self.message)
        message.success = success ? 1 : 0
        return message
    }
}

extension TaskBatchRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "TaskBatchRequest", grpcapi__task_batch_request__unpack, grpcapi__task_batch_request__free_unpacked) {
            TaskBatchRequest(tasks: readMessages($0.tasks, count: $0.n_tasks, TaskRequest.init))
        }
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { arena in
                var message = Grpcapi__TaskBatchRequest()
                grpcapi__task_batch_request__init(&message)
                message.n_tasks = tasks.count
                message.tasks = arena.pointers(tasks.map { $0.cMessage(in: arena) })
                return message
            }, grpcapi__task_batch_request__get_packed_size, grpcapi__task_batch_request__pack)
    }
}

extension TaskBatchResponse: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "TaskBatchResponse", grpcapi__task_batch_response__unpack, grpcapi__task_batch_response__free_unpacked) {
            TaskBatchResponse(results: readMessages($0.results, count: $0.n_results, TaskResponse.init))
        }
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { arena in
                var message = Grpcapi__TaskBatchResponse()
                grpcapi__task_batch_response__init(&message)
                message.n_results = results.count
                message.results = arena.pointers(results.map { $0.cMessage(in: arena) })
                return message
            }, grpcapi__task_batch_response__get_packed_size, grpcapi__task_batch_response__pack)
    }
}

extension ClientTaskRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "ClientTaskRequest", grpcapi__client_task_request__unpack, grpcapi__client_task_request__free_unpacked) {
            ClientTaskRequest(data: String(cString: $0.data))
        }
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { arena in
                var message = Grpcapi__ClientTaskRequest()
                grpcapi__client_task_request__init(&message)
                message.data = arena.string(data)
                return message
            }, grpcapi__client_task_request__get_packed_size, grpcapi__client_task_request__pack)
    }
}

extension ClientTaskResponse: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(
            bytes, "ClientTaskResponse", grpcapi__client_task_response__unpack, grpcapi__client_task_response__free_unpacked
        ) {
            ClientTaskResponse(message: String(cString: $0.message), taskID: String(cString: $0.task_id))
        }
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { arena in
                var message = Grpcapi__ClientTaskResponse()
                grpcapi__client_task_response__init(&message)
                message.message = arena.string(self.message)
                message.task_id = arena.string(taskID)
                return message
            }, grpcapi__client_task_response__get_packed_size, grpcapi__client_task_response__pack)
    }
}

extension HeartbeatRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "HeartbeatRequest", grpcapi__heartbeat_request__unpack, grpcapi__heartbeat_request__free_unpacked) {
            HeartbeatRequest(
                workerID: $0.workerid, address: String(cString: $0.address),
                capacity: $0.capacity, freeSlots: $0.free_slots, draining: $0.draining != 0,
                heldTaskIDs: readStrings($0.held_task_ids, count: $0.n_held_task_ids), prefetch: $0.prefetch,
                executor: String(cString: $0.executor))
        }
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { arena in
                var message = Grpcapi__HeartbeatRequest()
                grpcapi__heartbeat_request__init(&message)
                message.workerid = workerID
                message.address = arena.string(address)
                message.capacity = capacity
                message.free_slots = freeSlots
                message.draining = draining ? 1 : 0
                message.n_held_task_ids = heldTaskIDs.count
                message.held_task_ids = arena.strings(heldTaskIDs)
                message.prefetch = prefetch
                message.executor = arena.string(executor)
                return message
            }, grpcapi__heartbeat_request__get_packed_size, grpcapi__heartbeat_request__pack)
    }
}

extension HeartbeatResponse: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "HeartbeatResponse", grpcapi__heartbeat_response__unpack, grpcapi__heartbeat_response__free_unpacked) {
            HeartbeatResponse(acknowledged: $0.acknowledged != 0, coordinatorTimeMicros: $0.coordinator_time_us)
        }
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { _ in
                var message = Grpcapi__HeartbeatResponse()
                grpcapi__heartbeat_response__init(&message)
                message.acknowledged = acknowledged ? 1 : 0
                message.coordinator_time_us = coordinatorTimeMicros
                return message
            }, grpcapi__heartbeat_response__get_packed_size, grpcapi__heartbeat_response__pack)
    }
}

extension UpdateTaskStatusRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(
            bytes, "UpdateTaskStatusRequest",
            grpcapi__update_task_status_request__unpack, grpcapi__update_task_status_request__free_unpacked,
            UpdateTaskStatusRequest.init)
    }

    public func serializedBytes() -> [UInt8] {
        encode(cMessage, grpcapi__update_task_status_request__get_packed_size, grpcapi__update_task_status_request__pack)
    }

    init(_ message: Grpcapi__UpdateTaskStatusRequest) {
        let rawStatus = Int32(bitPattern: message.status.rawValue)
        self.init(
            taskID: String(cString: message.task_id), status: WireTaskStatus(rawValue: rawStatus) ?? .queued,
            startedAt: message.started_at, completedAt: message.completed_at, failedAt: message.failed_at,
            workerID: message.worker_id, attempt: message.attempt,
            exitCode: message.has_exit_code != 0 ? message.exit_code : nil,
            output: String(cString: message.output), error: String(cString: message.error),
            startedAtMicros: message.started_at_us, completedAtMicros: message.completed_at_us,
            failedAtMicros: message.failed_at_us, handoff: String(cString: message.handoff))
        unrecognizedStatus = WireTaskStatus(rawValue: rawStatus) == nil ? rawStatus : nil
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__UpdateTaskStatusRequest {
        var message = Grpcapi__UpdateTaskStatusRequest()
        grpcapi__update_task_status_request__init(&message)
        message.task_id = arena.string(taskID)
        message.status = Grpcapi__TaskStatus(rawValue: UInt32(bitPattern: unrecognizedStatus ?? status.rawValue))
        message.started_at = startedAt
        message.completed_at = completedAt
        message.failed_at = failedAt
        message.worker_id = workerID
        message.attempt = attempt
        message.exit_code = exitCode ?? 0
        message.has_exit_code = exitCode == nil ? 0 : 1
        message.output = arena.string(output)
        message.error = arena.string(error)
        message.started_at_us = startedAtMicros
        message.completed_at_us = completedAtMicros
        message.failed_at_us = failedAtMicros
        message.handoff = arena.string(handoff)
        return message
    }
}

extension UpdateTaskStatusResponse: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(
            bytes, "UpdateTaskStatusResponse",
            grpcapi__update_task_status_response__unpack, grpcapi__update_task_status_response__free_unpacked
        ) {
            UpdateTaskStatusResponse(success: $0.success != 0)
        }
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { _ in
                var message = Grpcapi__UpdateTaskStatusResponse()
                grpcapi__update_task_status_response__init(&message)
                message.success = success ? 1 : 0
                return message
            }, grpcapi__update_task_status_response__get_packed_size, grpcapi__update_task_status_response__pack)
    }
}

extension UpdateTaskStatusBatchRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        let updates = try unpack(
            bytes, "UpdateTaskStatusBatchRequest",
            grpcapi__update_task_status_batch_request__unpack, grpcapi__update_task_status_batch_request__free_unpacked
        ) {
            readMessages($0.updates, count: $0.n_updates, UpdateTaskStatusRequest.init)
        }
        self.init(updates: updates)
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { arena in
                var message = Grpcapi__UpdateTaskStatusBatchRequest()
                grpcapi__update_task_status_batch_request__init(&message)
                message.n_updates = updates.count
                message.updates = arena.pointers(updates.map { $0.cMessage(in: arena) })
                return message
            }, grpcapi__update_task_status_batch_request__get_packed_size, grpcapi__update_task_status_batch_request__pack)
    }
}

extension UpdateTaskStatusBatchResponse: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(
            bytes, "UpdateTaskStatusBatchResponse",
            grpcapi__update_task_status_batch_response__unpack, grpcapi__update_task_status_batch_response__free_unpacked
        ) {
            UpdateTaskStatusBatchResponse(unknownTaskIDs: readStrings($0.unknown_task_ids, count: $0.n_unknown_task_ids))
        }
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { arena in
                var message = Grpcapi__UpdateTaskStatusBatchResponse()
                grpcapi__update_task_status_batch_response__init(&message)
                message.n_unknown_task_ids = unknownTaskIDs.count
                message.unknown_task_ids = arena.strings(unknownTaskIDs)
                return message
            }, grpcapi__update_task_status_batch_response__get_packed_size, grpcapi__update_task_status_batch_response__pack)
    }
}

extension CancelTaskRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "CancelTaskRequest", grpcapi__cancel_task_request__unpack, grpcapi__cancel_task_request__free_unpacked) {
            CancelTaskRequest(taskID: String(cString: $0.task_id))
        }
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { arena in
                var message = Grpcapi__CancelTaskRequest()
                grpcapi__cancel_task_request__init(&message)
                message.task_id = arena.string(taskID)
                return message
            }, grpcapi__cancel_task_request__get_packed_size, grpcapi__cancel_task_request__pack)
    }
}

extension CancelTaskResponse: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "CancelTaskResponse", grpcapi__cancel_task_response__unpack, grpcapi__cancel_task_response__free_unpacked) {
            CancelTaskResponse(found: $0.found != 0)
        }
    }

    public func serializedBytes() -> [UInt8] {
        encode(
            { _ in
                var message = Grpcapi__CancelTaskResponse()
                grpcapi__cancel_task_response__init(&message)
                message.found = found ? 1 : 0
                return message
            }, grpcapi__cancel_task_response__get_packed_size, grpcapi__cancel_task_response__pack)
    }
}

// MARK: - Boundary helpers

/// C memory for one message being encoded: string copies, arrays and nested messages, all
/// freed together when the arena goes away (after packing).
private final class CArena {
    private var allocations: [UnsafeMutableRawPointer] = []

    deinit {
        for allocation in allocations { free(allocation) }
    }

    /// A NUL-terminated copy of `string`.
    func string(_ string: String) -> UnsafeMutablePointer<CChar> {
        let copy = strdup(string)!
        allocations.append(UnsafeMutableRawPointer(copy))
        return copy
    }

    /// A C array of `char *` copies of `strings`.
    func strings(_ strings: [String]) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> {
        array(strings.map { Optional(string($0)) })
    }

    /// A C array of pointers to copies of `values` (protobuf-c's repeated message fields).
    func pointers<Value>(_ values: [Value]) -> UnsafeMutablePointer<UnsafeMutablePointer<Value>?> {
        array(values.map { Optional(array([$0])) })
    }

    /// A C array holding `values`; never NULL, even when empty.
    private func array<Value>(_ values: [Value]) -> UnsafeMutablePointer<Value> {
        let memory = malloc(MemoryLayout<Value>.stride * max(values.count, 1))!
        allocations.append(memory)
        let typed = memory.bindMemory(to: Value.self, capacity: max(values.count, 1))
        typed.initialize(from: values, count: values.count)
        return typed
    }
}

/// Decodes `bytes` with a generated `*_unpack`, reads the C struct into a Swift value and frees it.
private func unpack<CMessage, Value>(
    _ bytes: [UInt8],
    _ name: String,
    _ unpackFunction: (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<CMessage>?,
    _ freeFunction: (UnsafeMutablePointer<CMessage>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void,
    _ read: (CMessage) -> Value
) throws -> Value {
    // protobuf-c needs a valid pointer even for the empty encoding of a default message.
    let storage = bytes.isEmpty ? [0] : bytes
    let unpacked = storage.withUnsafeBufferPointer { buffer in
        unpackFunction(nil, bytes.count, buffer.baseAddress)
    }
    guard let unpacked else { throw ProtobufDecodingError(messageName: name) }
    defer { freeFunction(unpacked, nil) }
    return read(unpacked.pointee)
}

/// Builds a C struct with `build` and encodes it with its `*_get_packed_size` and `*_pack`.
private func encode<CMessage>(
    _ build: (CArena) -> CMessage,
    _ packedSize: (UnsafePointer<CMessage>) -> Int,
    _ packFunction: (UnsafePointer<CMessage>, UnsafeMutablePointer<UInt8>) -> Int
) -> [UInt8] {
    let arena = CArena()
    var message = build(arena)
    return withExtendedLifetime(arena) {
        let size = packedSize(&message)
        guard size > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
            initializedCount = packFunction(&message, buffer.baseAddress!)
        }
    }
}

/// Copies a C array of `count` strings into Swift.
private func readStrings(_ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, count: Int) -> [String] {
    guard let array else { return [] }
    return (0..<count).map { array[$0].map { String(cString: $0) } ?? "" }
}

/// Reads a C array of `count` nested messages (protobuf-c's repeated message fields).
private func readMessages<CMessage, Value>(
    _ array: UnsafeMutablePointer<UnsafeMutablePointer<CMessage>?>?, count: Int, _ read: (CMessage) -> Value
) -> [Value] {
    guard let array else { return [] }
    return (0..<count).compactMap { array[$0].map { read($0.pointee) } }
}
