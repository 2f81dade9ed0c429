internal import CNGHTTP2
import NIOCore

/// One HTTP/2 connection's state machine, backed by nghttp2 and driven without I/O: bytes from
/// the peer go in through `receive(_:)`, which reports what the peer did as events; frames to
/// send are submitted, then serialised by `send(into:maxBytes:)`.
///
/// Confined to one thread (a connection's event loop). `receive` and `send` must not be called
/// from each other; the `submit` methods may be called at any time, including while handling
/// events.
final class HTTP2Session {
    enum Role {
        case client
        case server
    }

    /// A response or request body waiting to be sent, with the trailers that follow it.
    private struct OutboundBody {
        var bytes: ByteBuffer
        var trailers: [HTTP2HeaderField]?
    }

    private let session: OpaquePointer
    private let role: Role
    private let maxHeaderListBytes: Int
    private var events: [HTTP2Event] = []
    private var outbound: [Int32: OutboundBody] = [:]
    private var headerBlock: [HTTP2HeaderField] = []
    private var headerBlockBytes = 0
    /// The buffer being parsed by `receive`, so DATA payloads can be sliced out of it without copying.
    private var input: ByteBuffer?
    private var inputBase: UnsafeRawPointer?

    init(role: Role, settings: HTTP2Settings) throws(HTTP2SessionError) {
        session = try Self.makeSession(role: role)
        self.role = role
        maxHeaderListBytes = settings.maxHeaderListBytes
        // The session only calls back from inside our own calls on it, so `self` outlives every
        // callback and the pointer needs no retain.
        nghttp2_session_set_user_data(session, Unmanaged.passUnretained(self).toOpaque())
        var entries = [
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE.rawValue),
                value: UInt32(settings.initialStreamWindowBytes)),
            nghttp2_settings_entry(
                settings_id: Int32(NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE.rawValue),
                value: UInt32(settings.maxHeaderListBytes)),
        ]
        switch role {
        case .server:
            entries.append(
                nghttp2_settings_entry(
                    settings_id: Int32(NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS.rawValue),
                    value: UInt32(settings.maxConcurrentStreams)))
        case .client:
            entries.append(
                nghttp2_settings_entry(settings_id: Int32(NGHTTP2_SETTINGS_ENABLE_PUSH.rawValue), value: 0))
        }
        try check(nghttp2_submit_settings(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), entries, entries.count))
        try check(
            nghttp2_session_set_local_window_size(
                session, UInt8(NGHTTP2_FLAG_NONE.rawValue), 0, Int32(settings.connectionWindowBytes)))
    }

    deinit {
        nghttp2_session_del(session)
    }

    // MARK: Input

    /// Parses bytes from the peer and returns what happened. Protocol errors by the peer are
    /// answered by nghttp2 itself (RST_STREAM or GOAWAY); a thrown error is fatal.
    func receive(_ bytes: ByteBuffer) throws(HTTP2SessionError) -> [HTTP2Event] {
        input = bytes
        defer {
            input = nil
            inputBase = nil
        }
        let result = bytes.withUnsafeReadableBytes { raw in
            inputBase = raw.baseAddress
            return nghttp2_session_mem_recv(session, raw.baseAddress?.assumingMemoryBound(to: UInt8.self), raw.count)
        }
        try check(result)
        return takeEvents()
    }

    // MARK: Output

    /// Serialises pending frames into `buffer` until nothing is left or `maxBytes` is reached.
    /// Sending can end streams too (a reset we sent, a request refused after GOAWAY): those
    /// events are returned.
    func send(into buffer: inout ByteBuffer, maxBytes: Int) throws(HTTP2SessionError) -> [HTTP2Event] {
        while buffer.readableBytes < maxBytes {
            var chunk: UnsafePointer<UInt8>?
            let length = nghttp2_session_mem_send(session, &chunk)
            try check(length)
            guard length > 0, let chunk else { break }
            buffer.writeBytes(UnsafeRawBufferPointer(start: chunk, count: length))
        }
        return takeEvents()
    }

    private func takeEvents() -> [HTTP2Event] {
        guard !events.isEmpty else { return [] }
        defer { events.removeAll(keepingCapacity: true) }
        return events
    }

    /// Whether the connection still expects frames from the peer. When neither this nor
    /// `wantsWrite` holds (after a GOAWAY and the last stream, or a fatal error), close it.
    var wantsRead: Bool { nghttp2_session_want_read(session) != 0 }

    /// Whether frames are waiting for `send(into:maxBytes:)`.
    var wantsWrite: Bool { nghttp2_session_want_write(session) != 0 }

    /// The highest stream id the peer opened that was handed to us.
    var lastProcessedStreamID: Int32 { nghttp2_session_get_last_proc_stream_id(session) }

    /// Whether the peer's side of `streamID` is finished (END_STREAM received or stream gone).
    func isRemoteClosed(_ streamID: Int32) -> Bool {
        nghttp2_session_get_stream_remote_close(session, streamID) != 0
    }

    // MARK: Submitting frames

    /// Opens a stream with request headers and a body, ending the stream after the body.
    func submitRequest(headers: [HTTP2HeaderField], body: ByteBuffer) throws(HTTP2SessionError) -> Int32 {
        let streamID = withNameValues(headers) { nameValues, count in
            var provider = Self.dataProvider
            return nghttp2_submit_request(session, nil, nameValues, count, &provider, nil)
        }
        try check(streamID)
        outbound[streamID] = OutboundBody(bytes: body, trailers: nil)
        return streamID
    }

    /// Answers a stream with headers, a body and trailers.
    func submitResponse(
        streamID: Int32, headers: [HTTP2HeaderField], body: ByteBuffer, trailers: [HTTP2HeaderField]
    ) throws(HTTP2SessionError) {
        outbound[streamID] = OutboundBody(bytes: body, trailers: trailers)
        let result = withNameValues(headers) { nameValues, count in
            var provider = Self.dataProvider
            return nghttp2_submit_response(session, streamID, nameValues, count, &provider)
        }
        if result != 0 {
            outbound[streamID] = nil
        }
        try check(result)
    }

    /// Answers a stream with a single HEADERS frame that ends it (a trailers-only response).
    /// A server that ends a stream the peer is still sending on resets it once the answer is out.
    func submitHeadersOnlyResponse(streamID: Int32, headers: [HTTP2HeaderField]) throws(HTTP2SessionError) {
        let result = withNameValues(headers) { nameValues, count in
            nghttp2_submit_response(session, streamID, nameValues, count, nil)
        }
        try check(result)
    }

    /// Resets a stream (RST_STREAM).
    func submitReset(streamID: Int32, errorCode: HTTP2ErrorCode) {
        outbound[streamID] = nil
        _ = nghttp2_submit_rst_stream(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), streamID, errorCode.rawValue)
    }

    /// Tells a client that the server is going away, before the final GOAWAY (servers only).
    func submitShutdownNotice() {
        _ = nghttp2_submit_shutdown_notice(session)
    }

    /// Refuses streams above the last one processed; the connection ends after the rest finish.
    func submitGoAway(errorCode: HTTP2ErrorCode) {
        _ = nghttp2_submit_goaway(
            session, UInt8(NGHTTP2_FLAG_NONE.rawValue), lastProcessedStreamID, errorCode.rawValue, nil, 0)
    }

    /// Sends GOAWAY and stops reading at once: the connection is to be closed after `send`.
    func terminate(errorCode: HTTP2ErrorCode) {
        _ = nghttp2_session_terminate_session(session, errorCode.rawValue)
    }

    /// Sends a PING; its acknowledgement is reported as `HTTP2Event.pingAcknowledged`.
    func submitPing() {
        _ = nghttp2_submit_ping(session, UInt8(NGHTTP2_FLAG_NONE.rawValue), nil)
    }

    // MARK: Helpers

    private func check<Result: BinaryInteger>(_ result: Result) throws(HTTP2SessionError) {
        guard result < 0 else { return }
        throw HTTP2SessionError(code: Int(result), message: String(cString: nghttp2_strerror(Int32(result))))
    }

    /// Calls `body` with the fields laid out as nghttp2 name/value pairs in temporary memory;
    /// nghttp2 copies them before the submit call returns.
    private func withNameValues<Result>(
        _ fields: [HTTP2HeaderField], _ body: (UnsafePointer<nghttp2_nv>, Int) -> Result
    ) -> Result {
        let byteCount = fields.reduce(0) { $0 + $1.name.utf8.count + $1.value.utf8.count }
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: max(byteCount, 1)) { storage in
            withUnsafeTemporaryAllocation(of: nghttp2_nv.self, capacity: max(fields.count, 1)) { nameValues in
                var offset = 0
                for (index, field) in fields.enumerated() {
                    let name = storage.baseAddress! + offset
                    offset += Self.copyUTF8(field.name, to: name)
                    let value = storage.baseAddress! + offset
                    offset += Self.copyUTF8(field.value, to: value)
                    nameValues[index] = nghttp2_nv(
                        name: name, value: value,
                        namelen: field.name.utf8.count, valuelen: field.value.utf8.count,
                        flags: UInt8(NGHTTP2_NV_FLAG_NONE.rawValue))
                }
                return body(UnsafePointer(nameValues.baseAddress!), fields.count)
            }
        }
    }

    private static func copyUTF8(_ string: String, to destination: UnsafeMutablePointer<UInt8>) -> Int {
        var string = string
        return string.withUTF8 { bytes in
            if let source = bytes.baseAddress {
                destination.update(from: source, count: bytes.count)
            }
            return bytes.count
        }
    }

    private static func owner(of userData: UnsafeMutableRawPointer?) -> HTTP2Session {
        Unmanaged<HTTP2Session>.fromOpaque(userData!).takeUnretainedValue()
    }

    private static var dataProvider: nghttp2_data_provider {
        nghttp2_data_provider(
            source: nghttp2_data_source(),
            read_callback: { _, streamID, buffer, length, flags, _, userData in
                HTTP2Session.owner(of: userData).readOutbound(streamID: streamID, into: buffer!, length: length, flags: flags!)
            })
    }

    // MARK: Callbacks

    private func beginHeaderBlock() {
        headerBlock.removeAll(keepingCapacity: true)
        headerBlockBytes = 0
    }

    private func appendHeader(name: UnsafeBufferPointer<UInt8>, value: UnsafeBufferPointer<UInt8>) -> Int32 {
        // Counted as RFC 9113 §6.5.2 does: name + value + 32 per field.
        headerBlockBytes += name.count + value.count + 32
        guard headerBlockBytes <= maxHeaderListBytes else {
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue
        }
        headerBlock.append(
            HTTP2HeaderField(String(decoding: name, as: UTF8.self), String(decoding: value, as: UTF8.self)))
        return 0
    }

    private func frameReceived(_ frame: nghttp2_frame) {
        let streamID = frame.hd.stream_id
        let endStream = frame.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0
        switch UInt32(frame.hd.type) {
        case NGHTTP2_HEADERS.rawValue:
            events.append(.headers(streamID: streamID, fields: headerBlock, endStream: endStream))
            beginHeaderBlock()
        case NGHTTP2_DATA.rawValue where endStream:
            events.append(.endStream(streamID: streamID))
        case NGHTTP2_GOAWAY.rawValue:
            events.append(
                .goAway(
                    lastStreamID: frame.goaway.last_stream_id,
                    errorCode: HTTP2ErrorCode(rawValue: frame.goaway.error_code)))
        case NGHTTP2_PING.rawValue where frame.hd.flags & UInt8(NGHTTP2_FLAG_ACK.rawValue) != 0:
            events.append(.pingAcknowledged)
        default:
            break
        }
    }

    private func dataReceived(streamID: Int32, bytes: UnsafeRawBufferPointer) {
        let chunk: ByteBuffer
        if let input, let inputBase, let start = bytes.baseAddress,
            case let offset = inputBase.distance(to: start),
            offset >= 0, offset + bytes.count <= input.readableBytes
        {
            chunk = input.getSlice(at: input.readerIndex + offset, length: bytes.count)!
        } else {
            chunk = ByteBuffer(bytes: bytes)
        }
        events.append(.data(streamID: streamID, bytes: chunk))
    }

    private func streamClosed(streamID: Int32, errorCode: UInt32) {
        outbound[streamID] = nil
        events.append(.streamClosed(streamID: streamID, errorCode: HTTP2ErrorCode(rawValue: errorCode)))
    }

    /// RFC 9113 §8.1: a server that answered before the request was complete resets the stream
    /// with NO_ERROR after the answer, so the client stops sending the rest.
    private func frameSent(_ frame: nghttp2_frame) {
        guard role == .server, frame.hd.flags & UInt8(NGHTTP2_FLAG_END_STREAM.rawValue) != 0,
            !isRemoteClosed(frame.hd.stream_id)
        else { return }
        submitReset(streamID: frame.hd.stream_id, errorCode: .noError)
    }

    /// A request nghttp2 gave up on before opening its stream (e.g. after GOAWAY).
    private func frameNotSent(_ frame: nghttp2_frame) {
        guard UInt32(frame.hd.type) == NGHTTP2_HEADERS.rawValue,
            frame.headers.cat == NGHTTP2_HCAT_REQUEST
        else { return }
        streamClosed(streamID: frame.hd.stream_id, errorCode: HTTP2ErrorCode.refusedStream.rawValue)
    }

    private func readOutbound(
        streamID: Int32, into destination: UnsafeMutablePointer<UInt8>, length: Int,
        flags: UnsafeMutablePointer<UInt32>
    ) -> Int {
        guard outbound[streamID] != nil else {
            return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue)
        }
        let count = outbound[streamID]!.bytes.readWithUnsafeReadableBytes { source in
            let count = min(length, source.count)
            if count > 0 {
                UnsafeMutableRawPointer(destination).copyMemory(from: source.baseAddress!, byteCount: count)
            }
            return count
        }
        guard outbound[streamID]!.bytes.readableBytes == 0 else { return count }
        let trailers = outbound.removeValue(forKey: streamID)?.trailers
        flags.pointee |= NGHTTP2_DATA_FLAG_EOF.rawValue
        if let trailers {
            let result = withNameValues(trailers) { nameValues, fieldCount in
                nghttp2_submit_trailer(session, streamID, nameValues, fieldCount)
            }
            guard result == 0 else { return Int(NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE.rawValue) }
            flags.pointee |= NGHTTP2_DATA_FLAG_NO_END_STREAM.rawValue
        }
        return count
    }

    private static func makeSession(role: Role) throws(HTTP2SessionError) -> OpaquePointer {
        var callbacks: OpaquePointer?
        guard nghttp2_session_callbacks_new(&callbacks) == 0, let callbacks else {
            throw HTTP2SessionError(code: Int(NGHTTP2_ERR_NOMEM.rawValue), message: "out of memory")
        }
        defer { nghttp2_session_callbacks_del(callbacks) }
        nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks) { _, _, userData in
            HTTP2Session.owner(of: userData).beginHeaderBlock()
            return 0
        }
        nghttp2_session_callbacks_set_on_header_callback(callbacks) {
            _, _, name, nameLength, value, valueLength, _, userData in
            HTTP2Session.owner(of: userData).appendHeader(
                name: UnsafeBufferPointer(start: name, count: nameLength),
                value: UnsafeBufferPointer(start: value, count: valueLength))
        }
        nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks) { _, frame, userData in
            HTTP2Session.owner(of: userData).frameReceived(frame!.pointee)
            return 0
        }
        nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks) {
            _, _, streamID, data, length, userData in
            HTTP2Session.owner(of: userData).dataReceived(streamID: streamID, bytes: UnsafeRawBufferPointer(start: data, count: length))
            return 0
        }
        nghttp2_session_callbacks_set_on_stream_close_callback(callbacks) { _, streamID, errorCode, userData in
            HTTP2Session.owner(of: userData).streamClosed(streamID: streamID, errorCode: errorCode)
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_send_callback(callbacks) { _, frame, userData in
            HTTP2Session.owner(of: userData).frameSent(frame!.pointee)
            return 0
        }
        nghttp2_session_callbacks_set_on_frame_not_send_callback(callbacks) { _, frame, _, userData in
            HTTP2Session.owner(of: userData).frameNotSent(frame!.pointee)
            return 0
        }
        var options: OpaquePointer?
        guard nghttp2_option_new(&options) == 0, let options else {
            throw HTTP2SessionError(code: Int(NGHTTP2_ERR_NOMEM.rawValue), message: "out of memory")
        }
        defer { nghttp2_option_del(options) }
        // Peers (grpc-go among them) may send a grpc-message with a trailing space; accept it.
        nghttp2_option_set_no_rfc9113_leading_and_trailing_ws_validation(options, 1)
        var created: OpaquePointer?
        let result =
            switch role {
            case .client: nghttp2_session_client_new2(&created, callbacks, nil, options)
            case .server: nghttp2_session_server_new2(&created, callbacks, nil, options)
            }
        guard result == 0, let created else {
            throw HTTP2SessionError(code: Int(result), message: String(cString: nghttp2_strerror(result)))
        }
        return created
    }
}
