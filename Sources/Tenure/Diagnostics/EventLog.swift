// The event log: one line per collection and per event a runtime reports.
//
// Enabled by the `log` setting (TENURE_LOG=categories:destination, see
// LogSpecification.swift). Each line is
//     <tsc-tick> <ns-since-heap-start> <category> key=value key=value ...
// so that a reader can redraw memory over time: the time-stamp counter for
// fine ordering, nanoseconds for a human time axis. The collector writes
// gc-minor, gc-collect and memory lines (a sample of the process's RSS and
// the heap's sizes at most every 10 ms of collections); a JIT and the
// runtime add their own categories (jit-mem, phase) through `Heap.log`.
// docs/logging.md describes every field. Lines go through a stdio buffer,
// flushed after each major collection and when the heap goes away.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CTenure

/// An open event log.
struct EventLog {
    let file: UnsafeMutablePointer<FILE>
    let specification: LogSpecification
    let start: Double
    /// When the last memory line was written (seconds on `Clock`).
    var lastMemorySample = -1.0

    /// Memory samples are written at most this often.
    static let memorySampleInterval = 0.010

    /// Opens the destination of `specification` ("-": standard error; "%d" in a path: the pid).
    static func open(_ specification: LogSpecification) throws(HeapError) -> EventLog {
        if specification.destination == "-" {
            // A stream of its own on a duplicate of fd 2: closing it leaves stderr open.
            guard let file = fdopen(dup(2), "w") else {
                throw .invalidArgument("log: cannot write to standard error: \(String(cString: strerror(errno)))")
            }
            return EventLog(file: file, specification: specification, start: Clock.now())
        }
        let path = specification.destination.replacingPercentD(with: "\(getpid())")
        guard let file = fopen(path, "w") else {
            throw .invalidArgument("log: cannot open \(path) for writing: \(String(cString: strerror(errno)))")
        }
        return EventLog(file: file, specification: specification, start: Clock.now())
    }

    /// Writes one line of `category` with `fields` ("key=value ...").
    func write(_ category: String, _ fields: String) {
        let nanoseconds = Int((Clock.now() - start) * 1e9)
        fputs("\(tenure_rdtsc()) \(nanoseconds) \(category) \(fields)\n", file)
    }

    func flush() { fflush(file) }

    /// The process's resident set in bytes (/proc/self/statm), 0 when unknown.
    static func residentBytes() -> Int {
        guard let text = SystemFiles().readLine("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * VirtualMemory.pageSize
    }

    func close() {
        fclose(file)
    }
}

extension String {
    /// The string with every "%d" replaced.
    func replacingPercentD(with text: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let r = rest.firstRange(of: "%d") {
            out += rest[..<r.lowerBound] + text
            rest = rest[r.upperBound...]
        }
        return out + rest
    }
}

extension HeapState {
    /// Writes a memory line if the category is on and the last one is old enough.
    mutating func sampleMemory(force: Bool = false) {
        guard var log, log.specification.includes("memory") else { return }
        let now = Clock.now()
        guard force || now - log.lastMemorySample >= EventLog.memorySampleInterval else { return }
        log.lastMemorySample = now
        self.log = log
        log.write("memory", "rss=\(EventLog.residentBytes()) old_bytes=\(oldBytes) arena_bytes=\(oldSpace.mappedBytes) large_bytes=\(large.bytes) nursery_bytes=\(nurserySize) raw_bytes=\(statistics.rawBytes)")
    }
}

extension Heap {
    /// Whether lines of `category` are being logged.
    public func isLogging(_ category: String) -> Bool {
        state.pointee.log?.specification.includes(category) ?? false
    }

    /// Logs one line of `category` (e.g. "jit-mem", "phase") with `fields`
    /// ("key=value key=value"); `fields` is not evaluated when the category is off.
    public func log(_ category: String, _ fields: @autoclosure () -> String) {
        guard let log = state.pointee.log, log.specification.includes(category) else { return }
        log.write(category, fields())
        if category == "phase" { state.pointee.sampleMemory(force: true) }
    }
}
