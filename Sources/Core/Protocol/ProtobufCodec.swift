internal import CGRPCAPI
internal import CProtobufC
import Foundation

// The only file that touches protobuf-c: it converts the Swift messages of `Messages.swift`
// to and from the generated C structs. Strings are copied at the boundary; unpacked C messages
// are freed before returning.

/// A message that protobuf-c could not decode.
public struct ProtobufDecodingError: Error, Sendable, CustomStringConvertible {
    public var messageName: String

    public var description: String { "malformed \(messageName) message" }
}

extension TaskRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "TaskRequest", grpcapi__task_request__unpack, grpcapi__task_request__free_unpacked) {
            TaskRequest(
                taskID: String(cString: $0.task_id), data: String(cString: $0.data),
                attempt: $0.attempt, timeoutSeconds: $0.timeout_seconds)
        }
    }

    public func serializedBytes() -> [UInt8] {
        var message = Grpcapi__TaskRequest()
        grpcapi__task_request__init(&message)
        message.attempt = attempt
        message.timeout_seconds = timeoutSeconds
        return withCString(taskID) { taskID in
            withCString(data) { data in
                message.task_id = taskID
                message.data = data
                return pack(&message, grpcapi__task_request__get_packed_size, grpcapi__task_request__pack)
            }
        }
    }
}

extension TaskResponse: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(bytes, "TaskResponse", grpcapi__task_response__unpack, grpcapi__task_response__free_unpacked) {
            TaskResponse(taskID: String(cString: $0.task_id), message: String(cString: $0.message), success: $0.success != 0)
        }
    }

    public func serializedBytes() -> [UInt8] {
        var message = Grpcapi__TaskResponse()
        grpcapi__task_response__init(&message)
        message.success = success ? 1 : 0
        return withCString(taskID) { taskID in
            withCString(self.message) { text in
                message.task_id = taskID
                message.message = text
                return pack(&message, grpcapi__task_response__get_packed_size, grpcapi__task_response__pack)
            }
        }
    }
}

extension ClientTaskRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(
            bytes, "ClientTaskRequest", grpcapi__client_task_request__unpack, grpcapi__client_task_request__free_unpacked
        ) {
            ClientTaskRequest(data: String(cString: $0.data))
        }
    }

    public func serializedBytes() -> [UInt8] {
        var message = Grpcapi__ClientTaskRequest()
        grpcapi__client_task_request__init(&message)
        return withCString(data) { data in
            message.data = data
            return pack(&message, grpcapi__client_task_request__get_packed_size, grpcapi__client_task_request__pack)
        }
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
        var message = Grpcapi__ClientTaskResponse()
        grpcapi__client_task_response__init(&message)
        return withCString(self.message) { text in
            withCString(taskID) { taskID in
                message.message = text
                message.task_id = taskID
                return pack(&message, grpcapi__client_task_response__get_packed_size, grpcapi__client_task_response__pack)
            }
        }
    }
}

extension HeartbeatRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(
            bytes, "HeartbeatRequest", grpcapi__heartbeat_request__unpack, grpcapi__heartbeat_request__free_unpacked
        ) {
            HeartbeatRequest(
                workerID: $0.workerid, address: String(cString: $0.address),
                capacity: $0.capacity, freeSlots: $0.free_slots, draining: $0.draining != 0,
                heldTaskIDs: readStrings($0.held_task_ids, count: $0.n_held_task_ids))
        }
    }

    public func serializedBytes() -> [UInt8] {
        var message = Grpcapi__HeartbeatRequest()
        grpcapi__heartbeat_request__init(&message)
        message.workerid = workerID
        message.capacity = capacity
        message.free_slots = freeSlots
        message.draining = draining ? 1 : 0
        return withCString(address) { address in
            withCStringArray(heldTaskIDs) { ids, count in
                message.address = address
                message.held_task_ids = ids
                message.n_held_task_ids = count
                return pack(&message, grpcapi__heartbeat_request__get_packed_size, grpcapi__heartbeat_request__pack)
            }
        }
    }
}

extension HeartbeatResponse: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(
            bytes, "HeartbeatResponse", grpcapi__heartbeat_response__unpack, grpcapi__heartbeat_response__free_unpacked
        ) {
            HeartbeatResponse(acknowledged: $0.acknowledged != 0)
        }
    }

    public func serializedBytes() -> [UInt8] {
        var message = Grpcapi__HeartbeatResponse()
        grpcapi__heartbeat_response__init(&message)
        message.acknowledged = acknowledged ? 1 : 0
        return pack(&message, grpcapi__heartbeat_response__get_packed_size, grpcapi__heartbeat_response__pack)
    }
}

extension UpdateTaskStatusRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        let decoded: UpdateTaskStatusRequest? = try unpack(
            bytes, "UpdateTaskStatusRequest",
            grpcapi__update_task_status_request__unpack, grpcapi__update_task_status_request__free_unpacked
        ) { message in
            WireTaskStatus(rawValue: Int32(bitPattern: message.status.rawValue)).map { status in
                UpdateTaskStatusRequest(
                    taskID: String(cString: message.task_id), status: status,
                    startedAt: message.started_at, completedAt: message.completed_at, failedAt: message.failed_at,
                    workerID: message.worker_id, attempt: message.attempt,
                    exitCode: message.has_exit_code != 0 ? message.exit_code : nil,
                    output: String(cString: message.output), error: String(cString: message.error),
                    startedAtMicros: message.started_at_us, completedAtMicros: message.completed_at_us,
                    failedAtMicros: message.failed_at_us)
            }
        }
        guard let decoded else { throw ProtobufDecodingError(messageName: "UpdateTaskStatusRequest") }
        self = decoded
    }

    public func serializedBytes() -> [UInt8] {
        var message = Grpcapi__UpdateTaskStatusRequest()
        grpcapi__update_task_status_request__init(&message)
        message.status = Grpcapi__TaskStatus(rawValue: UInt32(bitPattern: status.rawValue))
        message.started_at = startedAt
        message.completed_at = completedAt
        message.failed_at = failedAt
        message.worker_id = workerID
        message.attempt = attempt
        message.exit_code = exitCode ?? 0
        message.has_exit_code = exitCode == nil ? 0 : 1
        message.started_at_us = startedAtMicros
        message.completed_at_us = completedAtMicros
        message.failed_at_us = failedAtMicros
        return withCString(taskID) { taskID in
            withCString(output) { output in
                withCString(error) { error in
                    message.task_id = taskID
                    message.output = output
                    message.error = error
                    return pack(
                        &message, grpcapi__update_task_status_request__get_packed_size,
                        grpcapi__update_task_status_request__pack)
                }
            }
        }
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
        var message = Grpcapi__UpdateTaskStatusResponse()
        grpcapi__update_task_status_response__init(&message)
        message.success = success ? 1 : 0
        return pack(&message, grpcapi__update_task_status_response__get_packed_size, grpcapi__update_task_status_response__pack)
    }
}

extension CancelTaskRequest: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(
            bytes, "CancelTaskRequest", grpcapi__cancel_task_request__unpack, grpcapi__cancel_task_request__free_unpacked
        ) {
            CancelTaskRequest(taskID: String(cString: $0.task_id))
        }
    }

    public func serializedBytes() -> [UInt8] {
        var message = Grpcapi__CancelTaskRequest()
        grpcapi__cancel_task_request__init(&message)
        return withCString(taskID) { taskID in
            message.task_id = taskID
            return pack(&message, grpcapi__cancel_task_request__get_packed_size, grpcapi__cancel_task_request__pack)
        }
    }
}

extension CancelTaskResponse: GRPCMessage {
    public init(serializedBytes bytes: [UInt8]) throws {
        self = try unpack(
            bytes, "CancelTaskResponse", grpcapi__cancel_task_response__unpack, grpcapi__cancel_task_response__free_unpacked
        ) {
            CancelTaskResponse(found: $0.found != 0)
        }
    }

    public func serializedBytes() -> [UInt8] {
        var message = Grpcapi__CancelTaskResponse()
        grpcapi__cancel_task_response__init(&message)
        message.found = found ? 1 : 0
        return pack(&message, grpcapi__cancel_task_response__get_packed_size, grpcapi__cancel_task_response__pack)
    }
}

// MARK: - Boundary helpers

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

/// Encodes a generated C struct with its `*_get_packed_size` and `*_pack`.
private func pack<CMessage>(
    _ message: inout CMessage,
    _ packedSize: (UnsafePointer<CMessage>) -> Int,
    _ packFunction: (UnsafePointer<CMessage>, UnsafeMutablePointer<UInt8>) -> Int
) -> [UInt8] {
    let size = packedSize(&message)
    guard size > 0 else { return [] }
    return [UInt8](unsafeUninitializedCapacity: size) { buffer, initializedCount in
        initializedCount = packFunction(&message, buffer.baseAddress!)
    }
}

/// Lends `strings` to C as an array of `char *` for the duration of `body`.
private func withCStringArray<Result>(
    _ strings: [String], _ body: (UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, Int) -> Result
) -> Result {
    var pointers = strings.map { strdup($0) }
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeMutableBufferPointer { body($0.baseAddress, $0.count) }
}

/// Copies a C array of `count` strings into Swift.
private func readStrings(_ array: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, count: Int) -> [String] {
    guard let array else { return [] }
    return (0..<count).map { array[$0].map { String(cString: $0) } ?? "" }
}

/// Lends `string` to C as a NUL-terminated `char *` for the duration of `body`.
private func withCString<Result>(_ string: String, _ body: (UnsafeMutablePointer<CChar>) -> Result) -> Result {
    var characters = Array(string.utf8CString)
    return characters.withUnsafeMutableBufferPointer { body($0.baseAddress!) }
}
