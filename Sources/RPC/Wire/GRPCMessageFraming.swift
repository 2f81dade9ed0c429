import NIOCore

/// gRPC length-prefixed message framing: 1 byte compressed flag, 4 bytes big-endian length, bytes.
enum GRPCMessageFraming {
    static let prefixLength = 5

    /// Frames `message` (uncompressed) into a new buffer.
    static func frame(_ message: [UInt8], allocator: ByteBufferAllocator = ByteBufferAllocator()) -> ByteBuffer {
        var buffer = allocator.buffer(capacity: prefixLength + message.count)
        buffer.writeInteger(UInt8(0))
        buffer.writeInteger(UInt32(message.count))
        buffer.writeBytes(message)
        return buffer
    }
}

/// Why a stream of framed messages cannot be read.
enum GRPCFramingError: Error, Equatable {
    /// The compressed flag is set, but no compression was negotiated.
    case compressedWithoutEncoding
    /// The flag byte is neither 0 nor 1.
    case invalidFlag(UInt8)
    /// A message announces more bytes than allowed.
    case messageTooLarge(length: Int, limit: Int)

    /// The status to answer with, as grpc-go does.
    var status: GRPCStatus {
        switch self {
        case .compressedWithoutEncoding:
            GRPCStatus(code: .internalError, message: "compressed flag set with identity or empty encoding")
        case .invalidFlag(let flag):
            GRPCStatus(code: .internalError, message: "invalid message flag \(flag)")
        case .messageTooLarge(let length, let limit):
            GRPCStatus(code: .resourceExhausted, message: "received message larger than max (\(length) vs. \(limit))")
        }
    }
}

/// Reassembles framed messages from DATA chunks that may split them anywhere. A message's length
/// is checked as soon as its prefix arrives, so no more than the limit is ever buffered.
struct GRPCMessageDeframer {
    let maxMessageBytes: Int
    private var pending: ByteBuffer?

    init(maxMessageBytes: Int) {
        self.maxMessageBytes = maxMessageBytes
    }

    /// Whether bytes of an incomplete message are buffered.
    var hasPartialMessage: Bool { (pending?.readableBytes ?? 0) > 0 }

    /// Adds received bytes. Chunks that arrive whole are kept without copying.
    mutating func append(_ chunk: ByteBuffer) {
        guard chunk.readableBytes > 0 else { return }
        if var buffer = pending, buffer.readableBytes > 0 {
            pending = nil
            buffer.writeImmutableBuffer(chunk)
            pending = buffer
        } else {
            pending = chunk
        }
    }

    /// The next complete message, `nil` when more bytes are needed.
    mutating func nextMessage() throws(GRPCFramingError) -> ByteBuffer? {
        guard var buffer = pending,
            let flag = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self),
            let length = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt32.self)
        else { return nil }
        switch flag {
        case 0: break
        case 1: throw .compressedWithoutEncoding
        default: throw .invalidFlag(flag)
        }
        guard Int(length) <= maxMessageBytes else {
            throw .messageTooLarge(length: Int(length), limit: maxMessageBytes)
        }
        guard buffer.readableBytes >= GRPCMessageFraming.prefixLength + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: GRPCMessageFraming.prefixLength)
        let message = buffer.readSlice(length: Int(length))
        pending = buffer.readableBytes > 0 ? buffer : nil
        return message
    }
}
