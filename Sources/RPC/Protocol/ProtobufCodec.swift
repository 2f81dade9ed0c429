internal import CGRPCAPI
internal import CProtobufC
import Glibc

// The only file that touches protobuf-c: it converts the Swift messages of `Messages.swift`
// to and from the generated C structs. Encoding builds the C structs with copies of every
// string in a `CArena` that lives until the bytes are packed; decoding copies out of the
// unpacked C message before it is freed.

/// A message that protobuf-c could not decode.
package struct ProtobufDecodingError: Error, Sendable, CustomStringConvertible {
    package var messageName: String

    package var description: String { "malformed \(messageName) message" }
}

extension TaskRequest: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "TaskRequest", grpcapi__task_request__unpack, grpcapi__task_request__free_unpacked, Self.init,
        grpcapi__task_request__get_packed_size, grpcapi__task_request__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__TaskRequest) {
        self.init(
            taskID: String(cString: message.task_id), data: String(cString: message.data),
            attempt: message.attempt, timeoutSeconds: message.timeout_seconds, handoff: String(cString: message.handoff),
            acceptBeforeMicros: message.accept_before_us, coordinatorID: String(cString: message.coordinator_id),
            queue: String(cString: message.queue), traceParent: String(cString: message.traceparent),
            traceState: String(cString: message.tracestate))
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
        message.coordinator_id = arena.string(coordinatorID)
        message.queue = arena.string(queue)
        message.traceparent = arena.string(traceParent)
        message.tracestate = arena.string(traceState)
        return message
    }
}

extension TaskResponse: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "TaskResponse", grpcapi__task_response__unpack, grpcapi__task_response__free_unpacked, Self.init,
        grpcapi__task_response__get_packed_size, grpcapi__task_response__pack
    ) { $0.cMessage(in: $1) }

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

extension TaskBatchRequest: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "TaskBatchRequest", grpcapi__task_batch_request__unpack, grpcapi__task_batch_request__free_unpacked, Self.init,
        grpcapi__task_batch_request__get_packed_size, grpcapi__task_batch_request__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__TaskBatchRequest) {
        self.init(tasks: readMessages(message.tasks, count: message.n_tasks, TaskRequest.init))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__TaskBatchRequest {
        var message = Grpcapi__TaskBatchRequest()
        grpcapi__task_batch_request__init(&message)
        message.n_tasks = tasks.count
        message.tasks = arena.pointers(tasks.map { $0.cMessage(in: arena) })
        return message
    }
}

extension TaskBatchResponse: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "TaskBatchResponse", grpcapi__task_batch_response__unpack, grpcapi__task_batch_response__free_unpacked, Self.init,
        grpcapi__task_batch_response__get_packed_size, grpcapi__task_batch_response__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__TaskBatchResponse) {
        self.init(results: readMessages(message.results, count: message.n_results, TaskResponse.init))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__TaskBatchResponse {
        var message = Grpcapi__TaskBatchResponse()
        grpcapi__task_batch_response__init(&message)
        message.n_results = results.count
        message.results = arena.pointers(results.map { $0.cMessage(in: arena) })
        return message
    }
}

extension ClientTaskRequest: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "ClientTaskRequest", grpcapi__client_task_request__unpack, grpcapi__client_task_request__free_unpacked, Self.init,
        grpcapi__client_task_request__get_packed_size, grpcapi__client_task_request__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__ClientTaskRequest) {
        self.init(data: String(cString: message.data))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__ClientTaskRequest {
        var message = Grpcapi__ClientTaskRequest()
        grpcapi__client_task_request__init(&message)
        message.data = arena.string(data)
        return message
    }
}

extension ClientTaskResponse: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "ClientTaskResponse", grpcapi__client_task_response__unpack, grpcapi__client_task_response__free_unpacked, Self.init,
        grpcapi__client_task_response__get_packed_size, grpcapi__client_task_response__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__ClientTaskResponse) {
        self.init(message: String(cString: message.message), taskID: String(cString: message.task_id))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__ClientTaskResponse {
        var message = Grpcapi__ClientTaskResponse()
        grpcapi__client_task_response__init(&message)
        message.message = arena.string(self.message)
        message.task_id = arena.string(taskID)
        return message
    }
}

extension HeartbeatRequest: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "HeartbeatRequest", grpcapi__heartbeat_request__unpack, grpcapi__heartbeat_request__free_unpacked, Self.init,
        grpcapi__heartbeat_request__get_packed_size, grpcapi__heartbeat_request__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__HeartbeatRequest) {
        self.init(
                workerID: message.workerid, address: String(cString: message.address),
                capacity: message.capacity, freeSlots: message.free_slots, draining: message.draining != 0,
                heldTaskIDs: readStrings(message.held_task_ids, count: message.n_held_task_ids), prefetch: message.prefetch,
                executor: String(cString: message.executor),
                queues: readStrings(message.queues, count: message.n_queues))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__HeartbeatRequest {
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
        message.n_queues = queues.count
        message.queues = arena.strings(queues)
        return message
    }
}

extension HeartbeatResponse: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "HeartbeatResponse", grpcapi__heartbeat_response__unpack, grpcapi__heartbeat_response__free_unpacked, Self.init,
        grpcapi__heartbeat_response__get_packed_size, grpcapi__heartbeat_response__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__HeartbeatResponse) {
        self.init(
            acknowledged: message.acknowledged != 0, coordinatorTimeMicros: message.coordinator_time_us,
            coordinatorID: String(cString: message.coordinator_id), heartbeatTimeoutMicros: message.heartbeat_timeout_us,
            pausedQueues: readStrings(message.paused_queues, count: message.n_paused_queues))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__HeartbeatResponse {
        var message = Grpcapi__HeartbeatResponse()
        grpcapi__heartbeat_response__init(&message)
        message.acknowledged = acknowledged ? 1 : 0
        message.coordinator_time_us = coordinatorTimeMicros
        message.coordinator_id = arena.string(coordinatorID)
        message.heartbeat_timeout_us = heartbeatTimeoutMicros
        message.n_paused_queues = pausedQueues.count
        message.paused_queues = arena.strings(pausedQueues)
        return message
    }
}

extension UpdateTaskStatusRequest: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "UpdateTaskStatusRequest", grpcapi__update_task_status_request__unpack, grpcapi__update_task_status_request__free_unpacked, Self.init,
        grpcapi__update_task_status_request__get_packed_size, grpcapi__update_task_status_request__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__UpdateTaskStatusRequest) {
        let rawStatus = Int32(bitPattern: message.status.rawValue)
        self.init(
            taskID: String(cString: message.task_id), status: WireTaskStatus(rawValue: rawStatus) ?? .queued,
            startedAt: message.started_at, completedAt: message.completed_at, failedAt: message.failed_at,
            workerID: message.worker_id, attempt: message.attempt,
            exitCode: message.has_exit_code != 0 ? message.exit_code : nil,
            output: String(cString: message.output), error: String(cString: message.error),
            startedAtMicros: message.started_at_us, completedAtMicros: message.completed_at_us,
            failedAtMicros: message.failed_at_us, handoff: String(cString: message.handoff),
            outputBytes: message.output_bytes, outputTruncated: message.output_truncated != 0,
            traceParent: String(cString: message.traceparent), attemptStartedAtMicros: message.attempt_started_at_us)
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
        message.output_bytes = outputBytes
        message.output_truncated = outputTruncated ? 1 : 0
        message.traceparent = arena.string(traceParent)
        message.attempt_started_at_us = attemptStartedAtMicros
        return message
    }
}

extension UpdateTaskStatusResponse: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "UpdateTaskStatusResponse", grpcapi__update_task_status_response__unpack, grpcapi__update_task_status_response__free_unpacked, Self.init,
        grpcapi__update_task_status_response__get_packed_size, grpcapi__update_task_status_response__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__UpdateTaskStatusResponse) {
        self.init(success: message.success != 0)
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__UpdateTaskStatusResponse {
        var message = Grpcapi__UpdateTaskStatusResponse()
        grpcapi__update_task_status_response__init(&message)
        message.success = success ? 1 : 0
        return message
    }
}

extension UpdateTaskStatusBatchRequest: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "UpdateTaskStatusBatchRequest", grpcapi__update_task_status_batch_request__unpack, grpcapi__update_task_status_batch_request__free_unpacked, Self.init,
        grpcapi__update_task_status_batch_request__get_packed_size, grpcapi__update_task_status_batch_request__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__UpdateTaskStatusBatchRequest) {
        self.init(updates: readMessages(message.updates, count: message.n_updates, UpdateTaskStatusRequest.init))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__UpdateTaskStatusBatchRequest {
        var message = Grpcapi__UpdateTaskStatusBatchRequest()
        grpcapi__update_task_status_batch_request__init(&message)
        message.n_updates = updates.count
        message.updates = arena.pointers(updates.map { $0.cMessage(in: arena) })
        return message
    }
}

extension UpdateTaskStatusBatchResponse: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "UpdateTaskStatusBatchResponse", grpcapi__update_task_status_batch_response__unpack, grpcapi__update_task_status_batch_response__free_unpacked, Self.init,
        grpcapi__update_task_status_batch_response__get_packed_size, grpcapi__update_task_status_batch_response__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__UpdateTaskStatusBatchResponse) {
        self.init(unknownTaskIDs: readStrings(message.unknown_task_ids, count: message.n_unknown_task_ids))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__UpdateTaskStatusBatchResponse {
        var message = Grpcapi__UpdateTaskStatusBatchResponse()
        grpcapi__update_task_status_batch_response__init(&message)
        message.n_unknown_task_ids = unknownTaskIDs.count
        message.unknown_task_ids = arena.strings(unknownTaskIDs)
        return message
    }
}

extension TaskOutputChunk {
    init(_ message: Grpcapi__TaskOutputChunk) {
        self.init(
            taskID: String(cString: message.task_id), attempt: message.attempt, handoff: String(cString: message.handoff),
            byteOffset: message.byte_offset, byteCount: message.byte_count, text: String(cString: message.text))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__TaskOutputChunk {
        var message = Grpcapi__TaskOutputChunk()
        grpcapi__task_output_chunk__init(&message)
        message.task_id = arena.string(taskID)
        message.attempt = attempt
        message.handoff = arena.string(handoff)
        message.byte_offset = byteOffset
        message.byte_count = byteCount
        message.text = arena.string(text)
        return message
    }
}

extension TaskOutputRequest: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "TaskOutputRequest", grpcapi__task_output_request__unpack, grpcapi__task_output_request__free_unpacked, Self.init,
        grpcapi__task_output_request__get_packed_size, grpcapi__task_output_request__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__TaskOutputRequest) {
        self.init(chunks: readMessages(message.chunks, count: message.n_chunks, TaskOutputChunk.init))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__TaskOutputRequest {
        var message = Grpcapi__TaskOutputRequest()
        grpcapi__task_output_request__init(&message)
        message.n_chunks = chunks.count
        message.chunks = arena.pointers(chunks.map { $0.cMessage(in: arena) })
        return message
    }
}

extension TaskOutputResponse: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "TaskOutputResponse", grpcapi__task_output_response__unpack, grpcapi__task_output_response__free_unpacked, Self.init,
        grpcapi__task_output_response__get_packed_size, grpcapi__task_output_response__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__TaskOutputResponse) {
        self.init(stored: message.stored)
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__TaskOutputResponse {
        var message = Grpcapi__TaskOutputResponse()
        grpcapi__task_output_response__init(&message)
        message.stored = stored
        return message
    }
}

extension CancelTaskRequest: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "CancelTaskRequest", grpcapi__cancel_task_request__unpack, grpcapi__cancel_task_request__free_unpacked, Self.init,
        grpcapi__cancel_task_request__get_packed_size, grpcapi__cancel_task_request__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__CancelTaskRequest) {
        self.init(taskID: String(cString: message.task_id))
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__CancelTaskRequest {
        var message = Grpcapi__CancelTaskRequest()
        grpcapi__cancel_task_request__init(&message)
        message.task_id = arena.string(taskID)
        return message
    }
}

extension CancelTaskResponse: ProtobufCMessage {
    package static let protobuf = ProtobufCodec(
        "CancelTaskResponse", grpcapi__cancel_task_response__unpack, grpcapi__cancel_task_response__free_unpacked, Self.init,
        grpcapi__cancel_task_response__get_packed_size, grpcapi__cancel_task_response__pack
    ) { $0.cMessage(in: $1) }

    init(_ message: Grpcapi__CancelTaskResponse) {
        self.init(found: message.found != 0)
    }

    fileprivate func cMessage(in arena: CArena) -> Grpcapi__CancelTaskResponse {
        var message = Grpcapi__CancelTaskResponse()
        grpcapi__cancel_task_response__init(&message)
        message.found = found ? 1 : 0
        return message
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

/// How a message becomes bytes and back through its protobuf-c struct.
package struct ProtobufCodec<Message>: Sendable {
    fileprivate let decode: @Sendable ([UInt8]) throws -> Message
    fileprivate let encode: @Sendable (Message) -> [UInt8]

    /// The codec of the message `name` from its generated functions (`*_unpack`,
    /// `*_free_unpacked`, `*_get_packed_size`, `*_pack`) and its conversions to and from the
    /// C struct: `read` copies out of an unpacked struct before it is freed, `build` fills one
    /// with strings held by an arena that lives until the bytes are packed.
    fileprivate init<CMessage>(
        _ name: String,
        _ unpack: @escaping @Sendable (UnsafeMutablePointer<ProtobufCAllocator>?, Int, UnsafePointer<UInt8>?) -> UnsafeMutablePointer<CMessage>?,
        _ free: @escaping @Sendable (UnsafeMutablePointer<CMessage>?, UnsafeMutablePointer<ProtobufCAllocator>?) -> Void,
        _ read: @escaping @Sendable (CMessage) -> Message,
        _ packedSize: @escaping @Sendable (UnsafePointer<CMessage>) -> Int,
        _ pack: @escaping @Sendable (UnsafePointer<CMessage>, UnsafeMutablePointer<UInt8>) -> Int,
        build: @escaping @Sendable (Message, CArena) -> CMessage
    ) {
        decode = { bytes in
            // protobuf-c needs a valid pointer even for the empty encoding of a default message.
            let storage = bytes.isEmpty ? [0] : bytes
            let unpacked = storage.withUnsafeBufferPointer { buffer in unpack(nil, bytes.count, buffer.baseAddress) }
            guard let unpacked else { throw ProtobufDecodingError(messageName: name) }
            defer { free(unpacked, nil) }
            return read(unpacked.pointee)
        }
        encode = { value in
            let arena = CArena()
            var message = build(value, arena)
            return withExtendedLifetime(arena) {
                let size = packedSize(&message)
                guard size > 0 else { return [] }
                return [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
                    initializedCount = pack(&message, buffer.baseAddress!)
                }
            }
        }
    }
}

/// A message encoded by protobuf-c: its `GRPCMessage` conformance comes from its codec.
package protocol ProtobufCMessage: GRPCMessage {
    static var protobuf: ProtobufCodec<Self> { get }
}

extension ProtobufCMessage {
    package init(serializedBytes bytes: [UInt8]) throws {
        self = try Self.protobuf.decode(bytes)
    }

    package func serializedBytes() -> [UInt8] {
        Self.protobuf.encode(self)
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
