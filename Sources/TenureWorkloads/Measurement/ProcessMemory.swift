// Resident memory of this process, read from the kernel.
//
// A workload's peak RSS is the high-water mark of the resident set
// (VmHWM in /proc/self/status). Several workloads may run one after the other
// in one process (the tests, a CLI comparing variants), so before each run
// the mark is reset by writing "5" to /proc/self/clear_refs, which sets VmHWM
// back to the current RSS (Linux 4.0 and later). When the reset is refused
// (another kernel, a restricted /proc, not Linux), the mark keeps its value
// from earlier in the process: the figure is then the process's peak so far,
// and the result says so (`WorkloadResult.peakRSSIsPerRun == false`).
import Glibc
@_spi(Machine) import Tenure

/// Reads and resets the resident-set figures of the current process.
public enum ProcessMemory {
    /// Resets the peak resident set (VmHWM) to the current resident set.
    /// Returns false when the kernel refused it (or this is not Linux).
    @discardableResult
    public static func resetPeakResidentBytes() -> Bool {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var five: UInt8 = UInt8(ascii: "5")
        return write(fd, &five, 1) == 1
    }

    /// The peak resident set of the process in bytes (VmHWM), or 0 when unknown.
    public static var peakResidentBytes: Int { statusField("VmHWM:") ?? 0 }

    /// The current resident set of the process in bytes: the heap's own reader
    /// (/proc/self/statm), so that the workloads' figures and the heap's agree.
    public static var currentResidentBytes: Int { ResidentMemory.bytes() }

    /// The value of a "Name:   1234 kB" line of /proc/self/status, in bytes.
    static func statusField(_ name: String) -> Int? {
        guard let text = readStatus() else { return nil }
        return parseStatusField(name, in: text)
    }

    /// Finds `name` (with its colon) at the start of a line of `text` and
    /// returns its value in bytes; values are in kB in /proc/self/status.
    static func parseStatusField(_ name: String, in text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(name) {
            let fields = line.dropFirst(name.count).split(separator: " ", omittingEmptySubsequences: true)
                .flatMap { $0.split(separator: "\t") }
            guard let number = fields.first.flatMap({ Int($0) }) else { return nil }
            let unit = fields.count > 1 ? fields[1].lowercased() : ""
            return unit == "kb" ? number * 1024 : number
        }
        return nil
    }

    /// The whole of /proc/self/status, or nil when it cannot be read.
    private static func readStatus() -> String? {
        let fd = open("/proc/self/status", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
