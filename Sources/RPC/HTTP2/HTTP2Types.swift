import NIOCore

/// One HTTP/2 header field as sent or received (names are lowercase on the wire).
struct HTTP2HeaderField: Equatable, Sendable {
    var name: String
    var value: String

    init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// An HTTP/2 error code (RFC 9113 §7) as carried by RST_STREAM and GOAWAY.
struct HTTP2ErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    let rawValue: UInt32

    init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    static let noError = HTTP2ErrorCode(rawValue: 0x0)
    static let protocolError = HTTP2ErrorCode(rawValue: 0x1)
    static let internalError = HTTP2ErrorCode(rawValue: 0x2)
    static let flowControlError = HTTP2ErrorCode(rawValue: 0x3)
    static let refusedStream = HTTP2ErrorCode(rawValue: 0x7)
    static let cancel = HTTP2ErrorCode(rawValue: 0x8)
    static let enhanceYourCalm = HTTP2ErrorCode(rawValue: 0xB)
    static let inadequateSecurity = HTTP2ErrorCode(rawValue: 0xC)

    var description: String { "0x\(String(rawValue, radix: 16))" }
}

/// What the peer did, as reported by `HTTP2Session.receive(_:)`.
enum HTTP2Event {
    /// A complete header block (request or response headers, or trailers).
    case headers(streamID: Int32, fields: [HTTP2HeaderField], endStream: Bool)
    /// Payload of a DATA frame (possibly a part of it).
    case data(streamID: Int32, bytes: ByteBuffer)
    /// A DATA frame ended the peer's side of the stream.
    case endStream(streamID: Int32)
    /// The stream is gone: both sides done, reset by either side, or refused before it opened.
    case streamClosed(streamID: Int32, errorCode: HTTP2ErrorCode)
    /// The peer will not process streams above `lastStreamID`.
    case goAway(lastStreamID: Int32, errorCode: HTTP2ErrorCode)
    /// The peer acknowledged one of our PINGs.
    case pingAcknowledged
}

/// Local HTTP/2 settings of a connection.
struct HTTP2Settings: Sendable {
    /// Streams the peer may open at once (only meaningful for servers).
    var maxConcurrentStreams: Int = 1024
    /// Receive window of each stream.
    var initialStreamWindowBytes: Int = 1 << 20
    /// Receive window of the whole connection.
    var connectionWindowBytes: Int = 1 << 20
    /// Largest header block accepted; bigger ones reset their stream.
    var maxHeaderListBytes: Int = 64 << 10
}

/// A failure reported by the HTTP/2 library; fatal ones mean the connection must be closed.
struct HTTP2SessionError: Error, CustomStringConvertible {
    /// The library's (negative) error code.
    let code: Int
    let message: String

    var description: String { "HTTP/2 session error \(code): \(message)" }
}
