// The process's resident set: what the collector's memory figures are checked against.
//
// One reader for the collector's log, the workloads and the tests: the
// second field of /proc/self/statm (resident pages), read with plain
// open/read, times the kernel's page size.

/// The resident memory of this process.
@_spi(Machine)
public enum ResidentMemory {
    /// Resident set size in bytes; 0 when /proc is not readable.
    public static func bytes() -> Int { statmField(1) }

    /// Mapped address space in bytes (the first field of /proc/self/statm); 0 when unknown.
    public static func virtualBytes() -> Int { statmField(0) }

    private static func statmField(_ index: Int) -> Int {
        guard let text = SystemFiles().readLine("/proc/self/statm") else { return 0 }
        let fields = text.split(separator: " ")
        guard fields.count > index, let pages = Int(fields[index]) else { return 0 }
        return pages * VirtualMemory.pageSize
    }
}
