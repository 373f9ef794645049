// Names the accepted choices when a command line names no known subcommand.
//
// ArgumentParser reports `tenure run foo` as "Unexpected argument 'foo'"
// without listing what is accepted. Before parsing, the entry point walks the
// command tree along the leading words of the command line; the first word
// that names no subcommand of a command that has subcommands is reported with
// the list of that command's subcommands, e.g.
// "unknown workload 'foo': accepted: binary-trees, gcbench".
import ArgumentParser

enum SubcommandCheck {
    /// The usage-error message for the first unknown subcommand word in
    /// `arguments` (the command line without the program name), or nil.
    static func unknownSubcommandMessage(in arguments: [String], root: ParsableCommand.Type) -> String? {
        var command = root
        var path = [root.configuration.commandName ?? "tenure"]
        for word in arguments {
            let subcommands = command.configuration.subcommands
            if subcommands.isEmpty || word.hasPrefix("-") { return nil }
            if word == "help" { return nil }
            guard let next = subcommands.first(where: { $0.configuration.commandName == word }) else {
                let names = subcommands.compactMap { $0.configuration.commandName }
                let kind = (command as? NamedSubcommands.Type)?.subcommandKind ?? "subcommand"
                let usage = path.joined(separator: " ")
                return """
                    Error: unknown \(kind) '\(word)': accepted: \(names.joined(separator: ", "))
                    Usage: \(usage) <\(kind)>
                      See '\(usage) --help' for more information.
                    """
            }
            command = next
            path.append(word)
        }
        return nil
    }
}

/// A command whose subcommands are called something more specific than "subcommand".
protocol NamedSubcommands {
    /// What one subcommand is, for error messages ("workload").
    static var subcommandKind: String { get }
}
