// What a test needs to check that the process stopped, and why.
//
// Misuse that a non-throwing call cannot report stops the process; the tests
// run such calls in an exit test (a child process) and check that standard
// error names the misuse, in every build (`precondition` would lose the
// message in release builds).
import Testing

enum StopMessage {
    /// Whether the exit test's standard error holds every one of `parts`.
    static func says(_ result: ExitTest.Result?, _ parts: String...) -> Bool {
        guard let result else { return false }
        let text = String(decoding: result.standardErrorContent, as: UTF8.self)
        let found = parts.allSatisfy { text.contains($0) }
        if !found { print("standard error was:\n\(text)") }
        return found
    }
}
