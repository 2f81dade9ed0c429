/// A protobuf message as the RPC layer sees it.
package protocol GRPCMessage: Sendable {
    /// Decodes a message; throws when the bytes are not a valid message.
    init(serializedBytes: [UInt8]) throws
    /// The message's wire encoding.
    func serializedBytes() -> [UInt8]
}
