package import ArgumentParser
import Glibc

/// The command line of a service. Its `main` parses and runs it like ArgumentParser's, except
/// that a bad flag or a failure at start prints a single line, `error: …`, on standard error
/// before exiting non-zero (ArgumentParser's exit codes), so supervisors and logs show the
/// reason and nothing else; `--help` still prints the help. It also bounds malloc's arenas.
package protocol ServiceCommand: AsyncParsableCommand {}

extension ServiceCommand {
    package static func main() async {
        MallocArenas.limit()
        do {
            var command = try parseAsRoot()
            if var service = command as? any AsyncParsableCommand {
                try await service.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            guard code != .success else { exit(withError: error) }
            "error: \(message(for: error))\n".withCString { _ = write(STDERR_FILENO, $0, strlen($0)) }
            exit(withError: code)
        }
    }
}
