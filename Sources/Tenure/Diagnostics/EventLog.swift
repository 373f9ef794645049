// The event log: one line per collection and per event a runtime reports.
//
// Enabled by the `log` setting (TENURE_LOG=categories:destination, see
// LogSpecification.swift). Each line is
//     <tsc-tick> <ns-since-heap-start> <category> key=value key=value ...
// so that a reader can redraw memory over time: the time-stamp counter for
// fine ordering, nanoseconds for a human time axis. The collector writes
// gc-minor, gc-collect and memory lines (a sample of the process's RSS and
// the heap's sizes at most every 10 ms of collections); a module or the
// runtime writes lines of its own categories (TenureJIT's jit-mem, phase)
// through `Heap.log`, declared on the `SettingRegistry` so that the log
// setting accepts them. A line that marks a point worth a memory reading (a
// phase starting) asks for one with `sampleMemory: true`.
// docs/logging.md describes every field. Several heaps of one process may
// share a destination: the first to open a path truncates it, the others
// append, and every stream is line-buffered on an O_APPEND file so that
// whole lines interleave and none is overwritten.
import Glibc
import CTenure
import Synchronization

/// An open event log. A class: the runtime logs through it from callbacks
/// while a collection holds the heap's state, and the memory samples' clock
/// changes then.
final class EventLog {
    let file: UnsafeMutablePointer<FILE>
    let specification: LogSpecification
    let start: Double
    /// When the last memory line was written (seconds on `Clock`).
    private var lastMemorySample = -1.0

    private init(file: UnsafeMutablePointer<FILE>, specification: LogSpecification, start: Double) {
        self.file = file
        self.specification = specification
        self.start = start
    }

    /// Memory samples are written at most this often.
    static let memorySampleInterval = 0.010

    /// The paths this process has opened (and so truncated) already.
    private static let openedPaths = Mutex<Set<String>>([])

    /// Opens the destination of `specification` ("-": standard error; "%d" in a path: the pid).
    /// A destination that cannot be opened is an error naming the setting the
    /// specification came from (`specification.setting`: TENURE_LOG or the
    /// field `log`), its value and why, as a `ConfigurationError`'s text.
    static func open(_ specification: LogSpecification) throws(HeapError) -> EventLog {
        func failure(_ reason: String) -> HeapError {
            .invalidArgument(ConfigurationError(
                setting: specification.setting, value: specification.description,
                accepted: LogSpecification.form + "; a destination that can be opened for writing",
                reason: reason).description)
        }
        let file: UnsafeMutablePointer<FILE>
        if specification.destination == "-" {
            // A stream of its own on a duplicate of fd 2: closing it leaves stderr open.
            let fd = dup(2)
            guard fd >= 0, let stream = fdopen(fd, "a") else {
                let reason = String(cString: strerror(errno))
                if fd >= 0 { _ = Glibc.close(fd) }
                throw failure("cannot write to standard error: \(reason)")
            }
            file = stream
        } else {
            let path = specification.destination.replacingPercentD(with: "\(getpid())")
            let first = openedPaths.withLock { $0.insert(path).inserted }
            guard let stream = fopen(path, first ? "w" : "a") else {
                throw failure("cannot open \(path) for writing: \(String(cString: strerror(errno)))")
            }
            if first {
                // Reopen for appending, so that heaps opening it later never overwrite this one.
                guard let appending = freopen(path, "a", stream) else {
                    throw failure("cannot open \(path) for appending: \(String(cString: strerror(errno)))")
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

extension EventLog {
    /// Writes a memory line of `heap` if the category is on and the last one is old enough.
    func sampleMemory(_ heap: HeapState, force: Bool = false) {
        guard specification.includes("memory") else { return }
        let now = Clock.now()
        guard force || now - lastMemorySample >= EventLog.memorySampleInterval else { return }
        lastMemorySample = now
        write("memory", "rss=\(ResidentMemory.bytes()) old_bytes=\(heap.oldBytes) arena_bytes=\(heap.oldSpace.mappedBytes) large_bytes=\(heap.large.bytes) nursery_bytes=\(heap.nursery.size) raw_bytes=\(heap.rawMemory.pointee.bytes)")
    }
}

extension Heap {
    /// Whether lines of `category` are being logged.
    public func isLogging(_ category: String) -> Bool {
        state.pointee.log?.specification.includes(category) ?? false
    }

    /// Logs one line of `category` (e.g. "jit-mem", "phase") with `fields`
    /// ("key=value key=value"); `fields` is not evaluated when the category is off.
    /// With `sampleMemory`, a memory line follows (when memory is logged)
    /// whatever the time since the last, except from inside a collection.
    public func log(_ category: String, _ fields: @autoclosure () -> String, sampleMemory: Bool = false) {
        guard let log = state.pointee.log, log.specification.includes(category) else { return }
        log.write(category, fields())
        // Not from inside a collection: the heap's sizes are half-way there.
        if sampleMemory && fast.pointee.phase == .idle { log.sampleMemory(state.pointee, force: true) }
    }
}
