extension String {
    /// This text as an error message quotes it: in quotes, and cut after `limit` characters with
    /// its full size said, so a message never repeats a caller's input at length.
    package func quotedExcerpt(limit: Int = 64) -> String {
        guard count > limit else { return "'\(self)'" }
        return "'\(prefix(limit))…' (\(utf8.count) bytes)"
    }
}
