// Reads a TENURE_LOG event log (docs/logging.md) into typed events and the
// series the figures draw.
//
// The format is the contract: `<tsc> <ns> <category> key=value ...`, one
// event a line. A reader must ignore keys it does not know (fields may be
// added, never renamed), so unknown keys are kept but unused, and lines of
// categories it does not know are counted and skipped. A line that breaks
// the format (no time stamps, a known numeric field that is not an integer,
// a phase line without name= or event=) is reported by line number and
// skipped, except a broken last line without a newline, which is what a
// process killed while writing leaves and is dropped quietly. A text with no
// event at all is an error: there is nothing to draw.
import Foundation

/// The categories of docs/logging.md.
public enum EventCategory: String, CaseIterable, Sendable, Comparable {
    case gcMinor = "gc-minor"
    case gcCollect = "gc-collect"
    case memory
    case jitMem = "jit-mem"
    case phase

    /// The fields of this category whose values are integers (bytes,
    /// nanoseconds, counts); a line where one of them is not is malformed.
    public var integerKeys: Set<String> {
        switch self {
        case .gcMinor: EventCategory.gcMinorIntegers
        case .gcCollect: EventCategory.gcCollectIntegers
        case .memory: EventCategory.memoryIntegers
        case .jitMem: EventCategory.jitMemIntegers
        case .phase: []
        }
    }

    static let gcMinorIntegers: Set = ["pause_ns", "nursery_used", "promoted", "old_bytes"]
    static let gcCollectIntegers: Set = ["pause_ns", "heap_before", "heap_after", "next_threshold", "mapped", "rss"]
    static let memoryIntegers: Set = ["rss", "old_bytes", "arena_bytes", "large_bytes", "nursery_bytes", "raw_bytes"]
    static let jitMemIntegers: Set = ["loop", "code_bytes", "constants", "alive", "generation", "dropped", "kept"]

    public static func < (a: EventCategory, b: EventCategory) -> Bool { a.rawValue < b.rawValue }
}

/// One `key=value` field of a line.
public struct LogField: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One line of the log.
public struct LogEvent: Sendable, Equatable {
    /// The line's number in the text, from 1.
    public var line: Int
    /// The time-stamp counter (0 where there is none).
    public var tsc: UInt64
    /// Nanoseconds since the heap was created: the time axis.
    public var nanoseconds: Int
    /// The category.
    public var category: EventCategory
    /// The words without `=` after the category, in order: jit-mem's first
    /// word names the event ("compiled", "freed", "generation").
    public var words: [String]
    /// The `key=value` fields in the order of the line, unknown keys included.
    /// (A list rather than a dictionary: a log holds millions of lines.)
    public var fieldList: [LogField]

    public init(line: Int, tsc: UInt64 = 0, nanoseconds: Int, category: EventCategory,
                words: [String] = [], fieldList: [LogField]) {
        self.line = line
        self.tsc = tsc
        self.nanoseconds = nanoseconds
        self.category = category
        self.words = words
        self.fieldList = fieldList
    }

    /// An event with `fields` (in order of their keys).
    public init(line: Int, tsc: UInt64 = 0, nanoseconds: Int, category: EventCategory,
                words: [String] = [], fields: [String: String] = [:]) {
        self.init(line: line, tsc: tsc, nanoseconds: nanoseconds, category: category, words: words,
                  fieldList: fields.sorted { $0.key < $1.key }.map { LogField(key: $0.key, value: $0.value) })
    }

    /// The fields as a dictionary (the last of a repeated key).
    public var fields: [String: String] {
        Dictionary(fieldList.map { ($0.key, $0.value) }, uniquingKeysWith: { _, last in last })
    }

    /// The value of the field `key` (the last, if repeated), or nil.
    public func field(_ key: String) -> String? {
        fieldList.last { $0.key == key }?.value
    }

    /// The first word after the category (jit-mem's event), if any.
    public var kind: String? { words.first }

    /// The field `key` as an integer, or nil when it is absent.
    public func integer(_ key: String) -> Int? { field(key).flatMap { Int($0) } }

    /// The time in seconds.
    public var seconds: Double { Double(nanoseconds) / 1e9 }
}

/// A line that breaks the format, and why.
public struct MalformedLine: Sendable, Equatable, CustomStringConvertible {
    /// The line's number, from 1.
    public var line: Int
    /// What is wrong with it.
    public var reason: String

    public init(line: Int, reason: String) {
        self.line = line
        self.reason = reason
    }

    public var description: String { "line \(line): \(reason)" }
}

/// A value of a series at one time.
public struct TimedValue: Sendable, Equatable {
    /// Nanoseconds since the heap was created.
    public var nanoseconds: Int
    /// The value (bytes or a count).
    public var value: Int

    public init(nanoseconds: Int, value: Int) {
        self.nanoseconds = nanoseconds
        self.value = value
    }

    /// The time in seconds.
    public var seconds: Double { Double(nanoseconds) / 1e9 }
}

/// How a phase's interval ended.
public enum PhaseEnd: String, Sendable, Equatable {
    /// Its own `event=end` line.
    case end
    /// The next phase's `event=start` line.
    case nextPhase
    /// The log ended while it ran.
    case endOfLog
}

/// One phase of the program: from its `event=start` line to its `event=end`,
/// the next phase's start, or the end of the log, whichever comes first.
public struct Phase: Sendable, Equatable {
    public var name: String
    public var startNanoseconds: Int
    public var endNanoseconds: Int
    public var endedBy: PhaseEnd

    public init(name: String, startNanoseconds: Int, endNanoseconds: Int, endedBy: PhaseEnd) {
        self.name = name
        self.startNanoseconds = startNanoseconds
        self.endNanoseconds = endNanoseconds
        self.endedBy = endedBy
    }
}

/// Why a log cannot be read or drawn.
public enum EventLogError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read (missing, a directory, no permission).
    case unreadable(path: String, reason: String)
    /// The text holds no event of a known category.
    case noEvents(path: String?, reason: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason):
            return "cannot read event log '\(path)': \(reason); expected a file written with TENURE_LOG=CATEGORIES:PATH"
        case .noEvents(let path, let reason):
            return "\(path.map { "'\($0)'" } ?? "the event log") has no events: \(reason); expected lines "
                + "'<tsc> <ns> <category> key=value ...' of the categories "
                + EventCategory.allCases.map(\.rawValue).joined(separator: ", ") + " (docs/logging.md)"
        }
    }
}

/// A parsed event log and the series derived from it.
public struct EventLog: Sendable {
    /// Where the log was read from, if from a file.
    public var source: String?
    /// The events of known categories, in the order of the text.
    public let events: [LogEvent]
    /// The lines that break the format (skipped).
    public let malformedLines: [MalformedLine]
    /// The number of well-formed lines of categories this reader does not know (skipped).
    public let unknownCategoryLines: Int
    /// The number of the last line when it had no newline and did not parse (dropped quietly).
    public let truncatedLastLine: Int?

    /// The events sorted by time (ties in the order of the text).
    public let eventsByTime: [LogEvent]
    /// Compiled loops alive, after each jit-mem line with `alive=`.
    public let loopsAlive: [TimedValue]
    /// The process's resident set, from memory and gc-collect lines with `rss=`.
    public let rss: [TimedValue]
    /// Old-generation bytes before each major collection (gc-collect `heap_before=`).
    public let heapBefore: [TimedValue]
    /// Old-generation bytes after each major collection (gc-collect `heap_after=`): the survivors.
    public let heapAfter: [TimedValue]
    /// The phases, in order of their start.
    public let phases: [Phase]

    /// Builds a log from events (in the order of the text) and derives the series.
    public init(events: [LogEvent], malformedLines: [MalformedLine] = [], unknownCategoryLines: Int = 0,
                truncatedLastLine: Int? = nil, source: String? = nil) {
        self.source = source
        self.events = events
        self.malformedLines = malformedLines
        self.unknownCategoryLines = unknownCategoryLines
        self.truncatedLastLine = truncatedLastLine
        // Logs are nearly always in order already: sort (stably) only when not.
        let inOrder = zip(events, events.dropFirst()).allSatisfy { $0.nanoseconds <= $1.nanoseconds }
        let sorted = inOrder ? events : events.enumerated().sorted {
            ($0.element.nanoseconds, $0.offset) < ($1.element.nanoseconds, $1.offset)
        }.map(\.element)
        eventsByTime = sorted
        func series(_ categories: Set<EventCategory>, _ key: String) -> [TimedValue] {
            sorted.compactMap { e in
                guard categories.contains(e.category), let v = e.integer(key) else { return nil }
                return TimedValue(nanoseconds: e.nanoseconds, value: v)
            }
        }
        loopsAlive = series([.jitMem], "alive")
        rss = series([.memory, .gcCollect], "rss")
        heapBefore = series([.gcCollect], "heap_before")
        heapAfter = series([.gcCollect], "heap_after")
        phases = EventLog.phases(sorted, endOfLog: sorted.last?.nanoseconds ?? 0)
    }

    /// The time of the last event, in nanoseconds (0 for no events).
    public var endNanoseconds: Int { eventsByTime.last?.nanoseconds ?? 0 }

    /// The events of one category, by time.
    public func events(_ category: EventCategory) -> [LogEvent] {
        eventsByTime.filter { $0.category == category }
    }

    /// The number of events of each category present.
    public var categoryCounts: [EventCategory: Int] {
        events.reduce(into: [:]) { $0[$1.category, default: 0] += 1 }
    }

    /// The phase intervals of time-sorted events.
    static func phases(_ sorted: [LogEvent], endOfLog: Int) -> [Phase] {
        var phases: [Phase] = []
        var open: (name: String, start: Int)?
        for e in sorted where e.category == .phase {
            guard let name = e.field("name") else { continue }
            switch e.field("event") {
            case "start":
                if let o = open {
                    phases.append(Phase(name: o.name, startNanoseconds: o.start, endNanoseconds: e.nanoseconds, endedBy: .nextPhase))
                }
                open = (name, e.nanoseconds)
            case "end":
                if let o = open, o.name == name {
                    phases.append(Phase(name: o.name, startNanoseconds: o.start, endNanoseconds: e.nanoseconds, endedBy: .end))
                    open = nil
                }
            default:
                continue
            }
        }
        if let o = open {
            phases.append(Phase(name: o.name, startNanoseconds: o.start, endNanoseconds: max(o.start, endOfLog), endedBy: .endOfLog))
        }
        return phases
    }
}

/// Parses event logs.
public enum EventLogReader {
    /// Reads and parses the log at `path`.
    /// - Throws: `EventLogError.unreadable` when the file cannot be read,
    ///   `EventLogError.noEvents` when it holds no event of a known category.
    public static func read(path: String) throws -> EventLog {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw EventLogError.unreadable(path: path, reason: "no such file")
        }
        if isDirectory.boolValue { throw EventLogError.unreadable(path: path, reason: "it is a directory") }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw EventLogError.unreadable(path: path, reason: "permission denied")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw EventLogError.unreadable(path: path, reason: "\(error.localizedDescription)")
        }
        return try data.withUnsafeBytes { raw in
            try parse(bytes: UnsafeBufferPointer(start: raw.baseAddress?.assumingMemoryBound(to: UInt8.self), count: raw.count),
                      source: path)
        }
    }

    /// Parses the text of a log.
    /// - Throws: `EventLogError.noEvents` when no line is an event of a known category.
    public static func parse(_ text: String, source: String? = nil) throws -> EventLog {
        var text = text
        return try text.withUTF8 { try parse(bytes: $0, source: source) }
    }

    /// Parses the bytes of a log (UTF-8; invalid sequences are replaced).
    ///
    /// Works on bytes rather than Characters: "\r\n" is one Character, and
    /// logs of millions of lines are read in seconds.
    static func parse(bytes: UnsafeBufferPointer<UInt8>, source: String?) throws -> EventLog {
        var events: [LogEvent] = []
        var malformed: [MalformedLine] = []
        var unknown: [String: Int] = [:]
        var truncated: Int?
        var tokens: [Range<Int>] = []
        var blankOnly = true
        var number = 0
        var start = 0
        while start < bytes.count {
            number += 1
            var end = start
            while end < bytes.count && bytes[end] != newline { end += 1 }
            let isLast = end == bytes.count
            switch parseLine(bytes, start..<end, number: number, tokens: &tokens) {
            case .blank:
                break
            case .event(let e):
                events.append(e)
                blankOnly = false
            case .unknownCategory(let name):
                unknown[name, default: 0] += 1
                blankOnly = false
            case .malformed(let reason):
                blankOnly = false
                // No newline after it: a process stopped while writing it.
                if isLast { truncated = number } else { malformed.append(MalformedLine(line: number, reason: reason)) }
            }
            start = end + 1
        }
        let unknownCount = unknown.values.reduce(0, +)
        if events.isEmpty {
            let reason: String
            if blankOnly {
                reason = "it is empty"
            } else if unknownCount > 0 {
                reason = "its \(unknownCount) event line\(unknownCount == 1 ? " is" : "s are") of unknown categories ("
                    + unknown.keys.sorted().joined(separator: ", ") + ")"
                    + (malformed.isEmpty ? "" : " and \(malformed.count) line\(malformed.count == 1 ? " is" : "s are") malformed (\(malformed[0]))")
            } else if let first = malformed.first {
                reason = "no line is an event line (\(malformed.count) malformed; first: \(first))"
            } else {
                reason = "its only line is truncated"
            }
            throw EventLogError.noEvents(path: source, reason: reason)
        }
        return EventLog(events: events, malformedLines: malformed, unknownCategoryLines: unknownCount,
                        truncatedLastLine: truncated, source: source)
    }

    static let newline = UInt8(ascii: "\n")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let carriageReturn = UInt8(ascii: "\r")
    static let equals = UInt8(ascii: "=")

    /// What one line is.
    enum ParsedLine {
        case blank
        case event(LogEvent)
        case unknownCategory(String)
        case malformed(String)
    }

    /// Parses the line `bytes[range]` (without its newline); `tokens` is scratch space.
    static func parseLine(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, number: Int,
                          tokens: inout [Range<Int>]) -> ParsedLine {
        var end = range.upperBound
        if end > range.lowerBound && bytes[end - 1] == carriageReturn { end -= 1 }
        tokens.removeAll(keepingCapacity: true)
        var i = range.lowerBound
        while i < end {
            while i < end && (bytes[i] == space || bytes[i] == tab) { i += 1 }
            if i == end { break }
            let tokenStart = i
            while i < end && bytes[i] != space && bytes[i] != tab { i += 1 }
            tokens.append(tokenStart..<i)
        }
        func text(_ r: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self) }
        if tokens.isEmpty { return .blank }
        guard tokens.count >= 3 else {
            return .malformed("expected '<tsc> <ns> <category> key=value ...', found \(quoted(text(range.lowerBound..<end)))")
        }
        guard let tsc = decimal(bytes, tokens[0]) else {
            return .malformed("the time-stamp counter \(quoted(text(tokens[0]))) is not a non-negative integer")
        }
        guard let ns = decimal(bytes, tokens[1]), ns <= UInt64(Int.max) else {
            return .malformed("the time \(quoted(text(tokens[1]))) is not a non-negative integer of nanoseconds")
        }
        let categoryName = text(tokens[2])
        var words: [String] = []
        var fields: [LogField] = []
        for token in tokens[3...] {
            guard let eq = bytes[token].firstIndex(of: equals) else {
                words.append(text(token))
                continue
            }
            if eq == token.lowerBound { return .malformed("the field \(quoted(text(token))) has no key") }
            fields.append(LogField(key: text(token.lowerBound..<eq), value: text(eq + 1..<token.upperBound)))
        }
        guard let category = EventCategory(rawValue: categoryName) else {
            return .unknownCategory(categoryName)
        }
        let integerKeys = category.integerKeys
        for f in fields where integerKeys.contains(f.key) && Int(f.value) == nil {
            return .malformed("\(category.rawValue) field \(f.key)=\(f.value) is not an integer")
        }
        if category == .phase {
            if !fields.contains(where: { $0.key == "name" }) { return .malformed("phase line without name=") }
            if !fields.contains(where: { $0.key == "event" }) { return .malformed("phase line without event=start or event=end") }
        }
        return .event(LogEvent(line: number, tsc: tsc, nanoseconds: Int(ns), category: category, words: words, fieldList: fields))
    }

    /// The decimal digits `bytes[range]` as a number, or nil (not only digits, or too large).
    static func decimal(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty else { return nil }
        var n: UInt64 = 0
        for i in range {
            let d = bytes[i] &- UInt8(ascii: "0")
            guard d < 10 else { return nil }
            let (times10, o1) = n.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(d))
            if o1 || o2 { return nil }
            n = sum
        }
        return n
    }

    /// `text` in quotes, shortened to 60 characters.
    static func quoted<S: StringProtocol>(_ text: S) -> String {
        let s = String(text)
        return "'" + (s.count > 60 ? String(s.prefix(57)) + "..." : s) + "'"
    }
}
