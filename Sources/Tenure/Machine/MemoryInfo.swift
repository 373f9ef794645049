// Physical memory: /proc/meminfo's MemTotal, with sysconf as a cross-check.
//
// MemTotal is what the kernel can hand out (physical pages less its own
// reservations), which is the figure sizing rules want. sysconf's
// _SC_PHYS_PAGES says much the same from another source; when /proc is
// missing or garbled it is the fallback, and when the two disagree by more
// than 10% the disagreement is reported so a person can look.
import Glibc

/// The machine's physical memory and where the figure came from.
@_spi(Machine)
public struct PhysicalMemory: Sendable, Equatable {
    /// Bytes of physical memory used for sizing.
    public var bytes: Int
    /// MemTotal from /proc/meminfo, when it could be read.
    public var memTotal: Int?
    /// Physical pages times page size from sysconf, when known.
    public var sysconf: Int?
    /// "/proc/meminfo", "sysconf" or "assumed" (neither could be read: 1 GiB).
    public var source: String
    /// Disagreements or unreadable files worth a look.
    public var notes: [String]

    /// Reads /proc/meminfo under `files` and cross-checks with `sysconfBytes`.
    public static func read(_ files: SystemFiles, sysconfBytes: Int?) -> PhysicalMemory {
        var notes: [String] = []
        let memTotal = files.read("/proc/meminfo").flatMap(parseMemTotal)
        if memTotal == nil { notes.append("/proc/meminfo: no readable MemTotal line") }
        if let m = memTotal, let s = sysconfBytes, s > 0, abs(Double(m - s)) > 0.1 * Double(s) {
            notes.append("/proc/meminfo MemTotal (\(m) bytes) and sysconf (\(s) bytes) differ by more than 10%")
        }
        if let m = memTotal {
            return PhysicalMemory(bytes: m, memTotal: m, sysconf: sysconfBytes, source: "/proc/meminfo", notes: notes)
        }
        if let s = sysconfBytes, s > 0 {
            return PhysicalMemory(bytes: s, memTotal: nil, sysconf: s, source: "sysconf", notes: notes)
        }
        notes.append("physical memory unknown: 1 GiB assumed")
        return PhysicalMemory(bytes: 1 << 30, memTotal: nil, sysconf: nil, source: "assumed", notes: notes)
    }

    /// This process's sysconf figure (physical pages x page size), or nil.
    public static var sysconfBytes: Int? {
        let pages = Glibc.sysconf(Int32(_SC_PHYS_PAGES))
        let page = VirtualMemory.pageSize
        guard pages > 0, page > 0 else { return nil }
        let (bytes, overflow) = pages.multipliedReportingOverflow(by: page)
        return overflow ? nil : bytes
    }

    /// The bytes of the "MemTotal: N kB" line, or nil when absent or not a number.
    static func parseMemTotal(_ text: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let fields = line.dropFirst("MemTotal:".count).split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first, let kib = Int(first), kib > 0 else { return nil }
            let unit = fields.count > 1 ? fields[1].lowercased() : "kb"
            guard unit == "kb" else { return nil }
            let (bytes, overflow) = kib.multipliedReportingOverflow(by: 1024)
            return overflow ? nil : bytes
        }
        return nil
    }
}
