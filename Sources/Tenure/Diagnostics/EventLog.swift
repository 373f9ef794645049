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
// docs/logging.md describes every field. Several heaps of one process may
// share a destination: the first to open a path truncates it, the others
// append, and every stream is line-buffered on an O_APPEND file so that
// whole lines interleave and none is overwritten.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CTenure
import Synchronization

/// An open event log.
struct EventLog {
    let file: UnsafeMutablePointer<FILE>
    let specification: LogSpecification
    let start: Double
    /// When the last memory line was written (seconds on `Clock`).
    var lastMemorySample = -1.0

    /// Memory samples are written at most this often.
    static let memorySampleInterval = 0.010

    /// The paths this process has opened (and so truncated) already.
    private static let openedPaths = Mutex<Set<String>>([])

    /// Opens the destination of `specification` ("-": standard error; "%d" in a path: the pid).
    static func open(_ specification: LogSpecification) throws(HeapError) -> EventLog {
        let file: UnsafeMutablePointer<FILE>
        if specification.destination == "-" {
            // A stream of its own on a duplicate of fd 2: closing it leaves stderr open.
            let fd = dup(2)
            guard fd >= 0, let stream = fdopen(fd, "a") else {
                let reason = String(cString: strerror(errno))
                if fd >= 0 { _ = Glibc.close(fd) }
                throw .invalidArgument("log: cannot write to standard error: \(reason)")
            }
            file = stream
        } else {
            let path = specification.destination.replacingPercentD(with: "\(getpid())")
            let first = openedPaths.withLock { $0.insert(path).inserted }
            guard let stream = fopen(path, first ? "w" : "a") else {
                throw .invalidArgument("log: cannot open \(path) for writing: \(String(cString: strerror(errno)))")
            }
            if first {
                // Reopen for appending, so that heaps opening it later never overwrite this one.
                guard let appending = freopen(path, "a", stream) else {
                    throw .invalidArgument("log: cannot open \(path) for appending: \(String(cString: strerror(errno)))")
                }
                file = appending
            } else {
                file = stream
            }
        }
        setvbuf(file, nil, _IOLBF, 1 << 16)
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
    mutating func sampleMemory(force: Bool = false, rss: Int? = nil) {
        guard var log, log.specification.includes("memory") else { return }
        let now = Clock.now()
        guard force || now - log.lastMemorySample >= EventLog.memorySampleInterval else { return }
        log.lastMemorySample = now
        self.log = log
        log.write("memory", "rss=\(rss ?? EventLog.residentBytes()) old_bytes=\(oldBytes) arena_bytes=\(oldSpace.mappedBytes) large_bytes=\(large.bytes) nursery_bytes=\(nurserySize) raw_bytes=\(statistics.rawBytes)")
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
