// The figures of docs/benchmarks.md, after the 2010 PyPy article on memory
// behaviour: loops alive over time, and memory over time (RSS, and the old
// generation before and after each major collection), each with the
// program's phases as grey bands; and a space/time trade-off of several
// `tenure run ... --json` results (peak RSS against wall time).
//
// Each figure is one panel with time in seconds since the heap was created
// on x. A log without the lines a figure needs still gives the figure, its
// title saying what is missing, so that `tenure plot` draws what there is.
import Foundation

/// The series' colours: the article's (loops blue; RSS red, heap before brown, heap after yellow).
enum FigureColor {
    static let loops = "#1f77b4"
    static let rss = "#d62728"
    static let heapBefore = "#8c564b"
    static let heapAfter = "#e0a800"
}

/// The phases as chart bands, in seconds.
func phaseBands(_ log: EventLog) -> [ChartBand] {
    log.phases.map { ChartBand(start: Double($0.startNanoseconds) / 1e9, end: Double($0.endNanoseconds) / 1e9, label: $0.name) }
}

/// A series' points in seconds.
func chartPoints(_ values: [TimedValue]) -> [ChartPoint] {
    values.map { ChartPoint(x: $0.seconds, y: Double($0.value)) }
}

/// The time axis: seconds from the heap's creation to the log's last event.
func timeAxis(_ log: EventLog) -> Axis {
    Axis(title: "time since the heap was created (s)", format: .seconds, lower: 0, upper: Double(log.endNanoseconds) / 1e9)
}

/// The loops-alive chart of `log` (see `loopsFigure`).
public func loopsChart(_ log: EventLog) -> LineChart {
    let missing: String?
    if log.loopsAlive.isEmpty {
        missing = log.categoryCounts[.jitMem] == nil ? "no jit-mem lines in this log" : "no jit-mem lines with alive= in this log"
    } else {
        missing = nil
    }
    return LineChart(
        title: "Loops alive over time" + (missing.map { " (\($0))" } ?? ""),
        xAxis: timeAxis(log),
        yAxis: Axis(title: "loops alive", format: .count),
        series: [ChartSeries(name: "loops alive", points: chartPoints(log.loopsAlive), style: .step, color: FigureColor.loops)],
        bands: phaseBands(log))
}

/// Loops alive over time, from the jit-mem lines' `alive=`, as a step line;
/// the phases as grey bands. Without jit-mem lines the title says so.
public func loopsFigure(_ log: EventLog) -> String {
    loopsChart(log).svg()
}

/// The memory chart of `log` (see `memoryFigure`).
public func memoryChart(_ log: EventLog) -> LineChart {
    let empty = log.rss.isEmpty && log.heapBefore.isEmpty && log.heapAfter.isEmpty
    let markers: SeriesStyle = log.heapBefore.count <= 200 ? .lineAndPoints : .line
    return LineChart(
        title: "Memory over time: RSS, and the heap before and after each major collection"
            + (empty ? " (no memory or gc-collect lines in this log)" : ""),
        xAxis: timeAxis(log),
        yAxis: Axis(title: "memory", format: .bytes),
        series: [
            ChartSeries(name: "RSS", points: chartPoints(log.rss), style: .line, color: FigureColor.rss),
            ChartSeries(name: "heap before major collection", points: chartPoints(log.heapBefore), style: markers, color: FigureColor.heapBefore),
            ChartSeries(name: "heap after major collection", points: chartPoints(log.heapAfter), style: markers, color: FigureColor.heapAfter),
        ],
        bands: phaseBands(log))
}

/// Memory over time: the resident set (memory and gc-collect lines'
/// `rss=`), and the old generation's bytes before and after each major
/// collection (gc-collect `heap_before=`, `heap_after=`); the phases as grey
/// bands. Without any of these lines the title says so.
public func memoryFigure(_ log: EventLog) -> String {
    memoryChart(log).svg()
}

/// One `tenure run ... --json` result: what the trade-off figure needs.
public struct RunResult: Sendable, Equatable {
    /// The line of the results file, from 1.
    public var line: Int
    /// The result's "label", if it has one.
    public var label: String?
    /// "workload" and "variant", if present.
    public var workload: String?
    public var variant: String?
    /// The "parameters" object, values as text.
    public var parameters: [String: String]
    /// "peak_rss_bytes".
    public var peakRSSBytes: Double
    /// "wall_seconds".
    public var wallSeconds: Double

    public init(line: Int, label: String? = nil, workload: String? = nil, variant: String? = nil,
                parameters: [String: String] = [:], peakRSSBytes: Double, wallSeconds: Double) {
        self.line = line
        self.label = label
        self.workload = workload
        self.variant = variant
        self.parameters = parameters
        self.peakRSSBytes = peakRSSBytes
        self.wallSeconds = wallSeconds
    }
}

/// Why a results file cannot be drawn.
public enum RunResultsError: Error, Sendable, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case noResults(path: String?, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read results '\(path)': \(reason); expected a file of `tenure run ... --json` lines"
        case .noResults(let path, let reason):
            return "\(path.map { "'\($0)'" } ?? "the results") has no results: \(reason); expected one JSON object a line, "
                + "as `tenure run ... --json` prints, with peak_rss_bytes and wall_seconds"
        }
    }
}

/// Reads JSON lines of `tenure run ... --json` results.
public enum RunResultsReader {
    /// Reads and parses the results at `path`.
    public static func read(path: String) throws -> (results: [RunResult], malformedLines: [MalformedLine]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RunResultsError.unreadable(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw RunResultsError.unreadable(path: path, reason: "it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RunResultsError.unreadable(path: path, reason: "permission denied")
        }
        return try parse(String(decoding: data, as: UTF8.self), source: path)
    }

    /// Parses JSON lines: each non-blank line one object with numbers
    /// `peak_rss_bytes` and `wall_seconds`; other lines are reported.
    public static func parse(_ text: String, source: String? = nil) throws -> (results: [RunResult], malformedLines: [MalformedLine]) {
        var results: [RunResult] = []
        var malformed: [MalformedLine] = []
        let lines = text.utf8.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { Substring($0) }
        for (index, line) in lines.enumerated() {
            let lineNumber = index + 1
            if line.allSatisfy(\.isWhitespace) { continue }
            guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(line.utf8)) else {
                malformed.append(MalformedLine(line: lineNumber, reason: "not a JSON object"))
                continue
            }
            guard case .number(let rss)? = object["peak_rss_bytes"], case .number(let wall)? = object["wall_seconds"] else {
                malformed.append(MalformedLine(line: lineNumber, reason: "no numbers peak_rss_bytes and wall_seconds"))
                continue
            }
            var parameters: [String: String] = [:]
            if case .object(let fields)? = object["parameters"] {
                for (key, value) in fields { parameters[key] = value.text }
            }
            func string(_ key: String) -> String? {
                if case .string(let s)? = object[key] { return s }
                return nil
            }
            results.append(RunResult(line: lineNumber, label: object["label"].map(\.text), workload: string("workload"),
                                     variant: string("variant"), parameters: parameters,
                                     peakRSSBytes: rss, wallSeconds: wall))
        }
        if results.isEmpty {
            let reason = malformed.first.map { "\(malformed.count) malformed line\(malformed.count == 1 ? "" : "s"); first: \($0)" } ?? "it is empty"
            throw RunResultsError.noResults(path: source, reason: reason)
        }
        return (results, malformed)
    }
}

/// A JSON value, read with JSONDecoder (which, unlike JSONSerialization on
/// Linux, tells true from 1).
indirect enum JSONValue: Decodable, Equatable {
    case bool(Bool), number(Double), string(String), object([String: JSONValue]), array([JSONValue]), null

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() {
            self = .null
        } else if let b = try? c.decode(Bool.self) {
            self = .bool(b)
        } else if let d = try? c.decode(Double.self) {
            self = .number(d)
        } else if let s = try? c.decode(String.self) {
            self = .string(s)
        } else if let a = try? c.decode([JSONValue].self) {
            self = .array(a)
        } else {
            self = .object(try c.decode([String: JSONValue].self))
        }
    }

    /// The value as a label: numbers without ".0" when whole.
    var text: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .number(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : "\(d)"
        case .string(let s): return s
        case .null: return "null"
        case .array(let a): return "[" + a.map(\.text).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.keys.sorted().map { "\($0):\(o[$0]!.text)" }.joined(separator: ",") + "}"
        }
    }
}

/// The labels of results without a "label": the parameters (and workload,
/// variant) whose values differ between the results, as "key=value ...";
/// "run N" (the line) when nothing differs.
public func tradeoffLabels(_ results: [RunResult]) -> [String] {
    var keys: [String: [String?]] = [:]
    for r in results {
        var all = r.parameters
        if let w = r.workload { all["workload"] = w }
        if let v = r.variant { all["variant"] = v }
        for k in all.keys where keys[k] == nil { keys[k] = [] }
    }
    for r in results {
        for k in keys.keys {
            let v: String? = k == "workload" ? (r.workload ?? r.parameters[k]) : k == "variant" ? (r.variant ?? r.parameters[k]) : r.parameters[k]
            keys[k]!.append(v)
        }
    }
    let leading = ["workload", "variant"]
    let varying = keys.filter { Set($0.value.map { $0 ?? "\u{0}" }).count > 1 }.keys
        .sorted { (leading.firstIndex(of: $0) ?? 2, $0) < (leading.firstIndex(of: $1) ?? 2, $1) }
    return results.enumerated().map { i, r in
        if let label = r.label { return label }
        let parts = varying.compactMap { k -> String? in
            guard let v = keys[k]![i] else { return nil }
            return leading.contains(k) ? v : "\(k)=\(v)"
        }
        return parts.isEmpty ? "run \(r.line)" : parts.joined(separator: " ")
    }
}

/// The trade-off chart of `results` (see `tradeoffFigure`).
public func tradeoffChart(_ results: [RunResult]) -> ScatterChart {
    let labels = tradeoffLabels(results)
    return ScatterChart(
        title: "Space/time trade-off: wall time against peak RSS",
        xAxis: Axis(title: "peak RSS", format: .bytes),
        yAxis: Axis(title: "wall time (s)", format: .seconds),
        points: zip(results, labels).map { LabelledPoint(x: $0.peakRSSBytes, y: $0.wallSeconds, label: $1) })
}

/// A scatter plot of runs: x the peak resident set (`peak_rss_bytes`), y the
/// wall time (`wall_seconds`), each point labelled with its "label" or with
/// the parameters that differ between the runs.
public func tradeoffFigure(_ results: [RunResult]) -> String {
    tradeoffChart(results).svg()
}

/// The page `tenure plot` writes beside the figures: both figures as
/// images, each with a caption of what it shows, and where the log came from.
public func indexPage(_ log: EventLog, logPath: String, tradeoffPath: String? = nil) -> String {
    let counts = log.categoryCounts
    let summary = EventCategory.allCases.compactMap { c in counts[c].map { "\(grouped($0)) \(c.rawValue)" } }.joined(separator: ", ")
    let peakLoops = log.loopsAlive.map(\.value).max()
    let peakRSS = log.rss.map(\.value).max()
    func mib(_ bytes: Int) -> String { fixed(Double(bytes) / 1_048_576, 1) + " MiB" }
    var loopsCaption = "Loops alive over time: the number of compiled loops alive after each jit-mem line "
        + "(a loop compiled, a loop freed, a generation), held until the next one."
    loopsCaption += peakLoops.map { " At most \(grouped($0)) alive." } ?? " This log has no jit-mem lines with alive=."
    var memoryCaption = "Memory over time: the process's resident set (RSS, from the memory and gc-collect lines), "
        + "and the old generation's bytes before and after each major collection (heap before, heap after: "
        + "the bytes surviving). The difference between the two is the garbage a major collection freed."
    if let peakRSS { memoryCaption += " Peak RSS \(mib(peakRSS))." }
    memoryCaption += " \(grouped(log.heapAfter.count)) major collection\(log.heapAfter.count == 1 ? "" : "s")."
    let phases = log.phases.isEmpty ? "The log has no phase lines."
        : "Grey bands: the program's \(log.phases.count) phase\(log.phases.count == 1 ? "" : "s"), from each phase line with event=start to its end, the next start or the end of the log."
    var figures = [
        ("loops.svg", "Loops alive over time", loopsCaption + " " + phases),
        ("memory.svg", "Memory over time", memoryCaption + " " + phases),
    ]
    if let tradeoffPath {
        figures.append(("tradeoff.svg", "Space/time trade-off",
                        "Each run of \(tradeoffPath): its peak resident set (x) against its wall time (y)."))
    }
    func h(_ s: String) -> String { xmlEscaped(s) }
    var html = [
        "<!DOCTYPE html>",
        "<html lang=\"en\">",
        "<head>",
        "<meta charset=\"utf-8\">",
        "<title>Tenure event log: \(h(logPath))</title>",
        "<style>body { font-family: Helvetica, Arial, sans-serif; max-width: 1000px; margin: 2em auto; color: #222; } "
            + "figure { margin: 2em 0; } figcaption { margin-top: 0.5em; line-height: 1.4; } code { font-size: 0.95em; }</style>",
        "</head>",
        "<body>",
        "<h1>Tenure event log</h1>",
        "<p>Log: <code>\(h(logPath))</code>; \(h(fixed(Double(log.endNanoseconds) / 1e9, 3))) s of events: \(h(summary)).</p>",
    ]
    for (file, alt, caption) in figures {
        html.append("<figure>")
        html.append("<img src=\"\(file)\" width=\"960\" height=\"480\" alt=\"\(h(alt))\">")
        html.append("<figcaption>\(h(caption))</figcaption>")
        html.append("</figure>")
    }
    html += ["</body>", "</html>"]
    return html.joined(separator: "\n") + "\n"
}
