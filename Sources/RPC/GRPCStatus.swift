/// The outcome of an RPC as carried by the `grpc-status` and `grpc-message` trailers.
package struct GRPCStatus: Error, Sendable, Equatable, CustomStringConvertible {
    /// A gRPC status code; unknown values received from a peer are kept as they are.
    package struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        package let rawValue: Int

        package init(rawValue: Int) {
            self.rawValue = rawValue
        }

        package static let ok = Code(rawValue: 0)
        package static let cancelled = Code(rawValue: 1)
        package static let unknown = Code(rawValue: 2)
        package static let invalidArgument = Code(rawValue: 3)
        package static let deadlineExceeded = Code(rawValue: 4)
        package static let notFound = Code(rawValue: 5)
        package static let alreadyExists = Code(rawValue: 6)
        package static let permissionDenied = Code(rawValue: 7)
        package static let resourceExhausted = Code(rawValue: 8)
        package static let failedPrecondition = Code(rawValue: 9)
        package static let aborted = Code(rawValue: 10)
        package static let outOfRange = Code(rawValue: 11)
        package static let unimplemented = Code(rawValue: 12)
        package static let internalError = Code(rawValue: 13)
        package static let unavailable = Code(rawValue: 14)
        package static let dataLoss = Code(rawValue: 15)
        package static let unauthenticated = Code(rawValue: 16)

        private static let names = [
            "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
            "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION",
            "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
            "UNAUTHENTICATED",
        ]

        package var description: String {
            Self.names.indices.contains(rawValue) ? Self.names[rawValue] : "CODE_\(rawValue)"
        }
    }

    package var code: Code
    package var message: String
    /// False when a call failed before its request left this process (no connection, the
    /// client closed): the server cannot have seen it. Not part of the status on the wire, nor
    /// of equality.
    package var requestWasSent = true

    package init(code: Code, message: String = "") {
        self.code = code
        self.message = message
    }

    package static func == (lhs: GRPCStatus, rhs: GRPCStatus) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message
    }

    package var description: String {
        message.isEmpty ? "\(code) (\(code.rawValue))" : "\(code) (\(code.rawValue)): \(message)"
    }
}

/// Domain errors that know their wire status. Anything else a handler throws becomes INTERNAL
/// with a generic message; its details are only logged.
package protocol GRPCStatusConvertible: Error {
    var grpcStatus: GRPCStatus { get }
}

extension GRPCStatus: GRPCStatusConvertible {
    package var grpcStatus: GRPCStatus { self }
}

extension GRPCStatus {
    /// The status a server answers for what a handler threw: the error's own status, CANCELLED
    /// for cancellation, otherwise INTERNAL with a generic message.
    init(handlerError error: any Error) {
        if let convertible = error as? any GRPCStatusConvertible {
            self = convertible.grpcStatus
        } else if error is CancellationError {
            self.init(code: .cancelled, message: "call cancelled")
        } else {
            self.init(code: .internalError, message: "internal error")
        }
    }
}
