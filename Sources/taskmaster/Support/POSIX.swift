#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The value of an environment variable, nil when it is unset.
func environment(_ name: String) -> String? {
    getenv(name).map { String(cString: $0) }
}

/// Writes `text` to a file descriptor at once, unbuffered (so a redrawn line shows up now).
func writeAll(_ text: String, to descriptor: Int32) {
    var text = text
    text.withUTF8 { writeAll($0, to: descriptor) }
}

/// Writes `bytes` to a file descriptor at once, unbuffered.
func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to descriptor: Int32) {
    var offset = 0
    while offset < bytes.count {
        let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0, errno == EINTR { continue }
        guard written > 0 else { return }
        offset += written
    }
}
