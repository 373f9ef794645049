// The `tenure` command line: the root command and its entry point.
//
// Subcommands live in files of their own beside this one (`run`, `info`,
// `plot`). Usage errors (an unknown workload, a bad option value)
// end with exit status 2 and a message naming what was wrong and what is
// accepted; ArgumentParser's own default for them is EX_USAGE (64), so the
// entry point maps them. So does a configuration error a heap finds when it
// is created (a TENURE_LOG destination that cannot be opened): it names the
// setting like any bad value. Other failures end with status 1.
import ArgumentParser
import Foundation
import Tenure

/// The `tenure` command.
@main
struct TenureCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenure",
        abstract: "Tenure, a precise generational garbage collector: workloads and diagnostics.",
        subcommands: [RunCommand.self, InfoCommand.self, PlotCommand.self])

    /// The exit status of a usage error.
    static let usageErrorStatus: Int32 = 2

    /// Parses the arguments and runs the chosen subcommand.
    static func main() {
        let arguments = Array(CommandLine.arguments.dropFirst())
        if let message = SubcommandCheck.unknownSubcommandMessage(in: arguments, root: self) {
            exitWithUsageError(message)
        }
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            if exitCode(for: error) == .validationFailure {
                exitWithUsageError(fullMessage(for: error))
            }
            exit(withError: error)
        }
        do {
            try command.run()
        } catch {
            // Found while running (a bad file, a bad environment value): the message, without usage.
            if exitCode(for: error) == .validationFailure {
                exitWithUsageError("Error: " + message(for: error))
            }
            if let setting = configurationMessage(error) { exitWithUsageError("Error: " + setting) }
            exit(withError: error)
        }
    }

    /// The message of a configuration error a heap found when it was created
    /// (a `ConfigurationError`'s text, "invalid SETTING=value: ..."), or nil.
    static func configurationMessage(_ error: Error) -> String? {
        guard case HeapError.invalidArgument(let message)? = error as? HeapError, message.hasPrefix("invalid ") else {
            return nil
        }
        return message
    }

    /// Prints `message` on standard error and exits with status 2.
    static func exitWithUsageError(_ message: String) -> Never {
        FileHandle.standardError.write(Data((message + "\n").utf8))
        Foundation.exit(usageErrorStatus)
    }
}
