/// A flag or environment value that cannot be used; `description` is the one line shown to the user.
package struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    package var description: String

    package init(_ description: String) {
        self.description = description
    }
}
