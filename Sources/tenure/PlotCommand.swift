// `tenure plot`: draws the figures of an event log, or a space/time trade-off.
//
// `tenure plot LOG --output DIR` reads a TENURE_LOG file (docs/logging.md)
// and writes DIR/loops.svg (loops alive over time), DIR/memory.svg (RSS, and
// the heap before and after each major collection, over time) and
// DIR/index.html showing both with captions; the program's phases are grey
// bands in both. `tenure plot --tradeoff RESULTS.jsonl --output DIR` writes
// DIR/tradeoff.svg from `tenure run ... --json` lines (peak RSS against wall
// time); both can be given at once. Inputs are read before DIR is created,
// so a bad input leaves nothing behind. Malformed lines are skipped with a
// warning naming them; an input that cannot be read or holds nothing to draw,
// or a DIR that cannot be written, is a usage error (status 2).
import ArgumentParser
import Foundation
import TenurePlot

/// `tenure plot [LOG] [--tradeoff RESULTS.jsonl] --output DIR`.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw an event log's figures (loops alive, memory over time) or a space/time trade-off as SVG.")

    @Argument(help: ArgumentHelp("An event log written with TENURE_LOG=CATEGORIES:PATH.", valueName: "log"))
    var log: String?

    @Option(name: .long, help: ArgumentHelp(
        "JSON lines of `tenure run ... --json` results: writes tradeoff.svg (peak RSS against wall time).",
        valueName: "results.jsonl"))
    var tradeoff: String?

    @Option(name: .long, help: ArgumentHelp("The directory to write the figures to (created if needed).", valueName: "dir"))
    var output: String

    /// Set by `tenure run translate --json --plot`: file names go to standard error.
    @Flag(name: .long, help: .hidden)
    var quiet = false

    /// The most malformed lines named one by one in warnings.
    static let warningLimit = 10

    func validate() throws {
        if log == nil && tradeoff == nil {
            throw ValidationError("nothing to plot: expected an event log (tenure plot LOG --output DIR) "
                + "or --tradeoff RESULTS.jsonl, or both")
        }
        if output.isEmpty { throw ValidationError("invalid --output '': expected a directory path") }
    }

    func run() throws {
        var files: [(name: String, text: String)] = []
        var eventLog: EventLog?
        if let log {
            let parsed: EventLog
            do {
                parsed = try EventLogReader.read(path: log)
            } catch let error as EventLogError {
                throw ValidationError(error.description)
            }
            PlotCommand.warn(path: log, parsed.malformedLines, what: "event log")
            files.append(("loops.svg", loopsFigure(parsed)))
            files.append(("memory.svg", memoryFigure(parsed)))
            eventLog = parsed
        }
        if let tradeoff {
            let parsed: (results: [RunResult], malformedLines: [MalformedLine])
            do {
                parsed = try RunResultsReader.read(path: tradeoff)
            } catch let error as RunResultsError {
                throw ValidationError(error.description)
            }
            PlotCommand.warn(path: tradeoff, parsed.malformedLines, what: "results")
            files.append(("tradeoff.svg", tradeoffFigure(parsed.results)))
        }
        if let eventLog, let log {
            files.append(("index.html", indexPage(eventLog, logPath: PlotCommand.absolute(log),
                                                  tradeoffPath: tradeoff.map(PlotCommand.absolute))))
        }
        try PlotCommand.makeDirectory(output)
        for file in files {
            let path = (output as NSString).appendingPathComponent(file.name)
            do {
                try Data(file.text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            } catch {
                throw ValidationError("cannot write '\(path)': \(PlotCommand.reason(error)); expected --output to name a writable directory")
            }
            if quiet {
                FileHandle.standardError.write(Data("wrote \(path)\n".utf8))
            } else {
                print("wrote \(path)")
            }
        }
    }

    /// Creates `path` and its parents if needed, like `mkdir -p`, naming
    /// the first part that cannot be made.
    /// - Throws: a ValidationError when it cannot, or when `path` is not a directory.
    static func makeDirectory(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw ValidationError("invalid --output '\(path)': it is a file; expected a directory (created if needed)")
            }
            guard FileManager.default.isWritableFile(atPath: path) else {
                throw ValidationError("invalid --output '\(path)': permission denied; expected a writable directory")
            }
            return
        }
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + part
            if mkdir(prefix, 0o777) != 0 && errno != EEXIST {
                let reason = String(cString: strerror(errno))
                throw ValidationError("cannot create --output directory '\(path)': \(prefix): \(reason); "
                    + "expected a directory that can be created and written")
            }
        }
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("cannot create --output directory '\(path)': a part of it is not a directory; "
                + "expected a directory that can be created and written")
        }
    }

    /// Warns on standard error of the malformed lines skipped in `path`.
    static func warn(path: String, _ lines: [MalformedLine], what: String) {
        guard !lines.isEmpty else { return }
        var text = lines.prefix(warningLimit).map { "warning: \(path):\($0.line): \($0.reason) (skipped)" }
        if lines.count > warningLimit {
            text.append("warning: \(path): \(lines.count - warningLimit) more malformed lines skipped")
        }
        FileHandle.standardError.write(Data((text.joined(separator: "\n") + "\n").utf8))
    }

    /// `path` made absolute against the current directory.
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    /// A short reason for a file-system error: the POSIX error's text when there is one.
    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription
    }
}
