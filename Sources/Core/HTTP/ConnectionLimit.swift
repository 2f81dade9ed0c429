/// Admits at most `limit` connections at once. The accept loop calls `admit()` before it serves
/// a connection and waits there, taking no more from the listening socket, until a connection it
/// serves ends and calls `release`.
struct ConnectionLimit {
    private var free: Int
    private var releases: AsyncStream<Void>.AsyncIterator
    /// Called once by each admitted connection when it ends.
    let release: @Sendable () -> Void

    init(_ limit: Int) {
        let (stream, continuation) = AsyncStream.makeStream(of: Void.self)
        free = limit
        releases = stream.makeAsyncIterator()
        release = { continuation.yield() }
    }

    /// Takes a slot, waiting for one to be released when none is free; returns at once when
    /// the Task is cancelled.
    mutating func admit() async {
        while free == 0 {
            guard await releases.next() != nil else { return }
            free += 1
        }
        free -= 1
    }
}
