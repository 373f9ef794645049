// The human-readable account of a resolved configuration: what `tenure info`
// prints, and what a runtime can print for its users (`--gc-info`, a debug
// command) with its own prefix, registered settings and claims.
//
//   settings (value, source):
//     TENURE_GC_NURSERY   4194304 (4 MiB)  default
//     ...
//     TENURE_THREADS      8                environment (TENURE_THREADS); registered
//   claimed by the runtime (not read by Tenure): TENURE_HOME, TENURE_OPT_*
//     TENURE_OPT_LEVEL=3
//   machine:
//     physical memory     ...
//   notes:
//     ...

extension ResolvedConfiguration {
    /// The report, one line per element: every setting with its value and
    /// source (registered settings after the collector's own, marked
    /// "registered"), the claimed names and the claimed variables that are
    /// set, the machine facts, and the notes taken while reading them.
    public var report: [String] {
        var rows: [(String, String, String)] = settings.map { s in
            (prefix + s.variable, ConfigurationReport.describe(s),
             s.source.description + (s.isRegistered ? "; registered" : "") + (s.note.map { "; \($0)" } ?? ""))
        }
        var out = ["settings (value, source):"]
        out += ConfigurationReport.table(rows)
        let claims = registry.claimedNames.map { prefix + $0 } + registry.claimedPrefixes.map { prefix + $0 + "*" }
        if !claims.isEmpty {
            out.append("claimed by the runtime (not read by Tenure): " + claims.joined(separator: ", "))
            out += claimed.sorted { $0.key < $1.key }.map { "  \($0.key)=\($0.value)" }
        }
        let m = machine
        let size = ConfigurationReport.size
        rows = [
            ("physical memory", size(m.physicalMemory.bytes), m.physicalMemory.source
                + (m.physicalMemory.sysconf.map { "; sysconf says \(size($0))" } ?? "")),
            ("cgroup limit", m.controlGroup.bytes.map(size) ?? "none",
             m.controlGroup.version.map { "cgroup v\($0)" + (m.controlGroup.file.map { ", \($0)" } ?? "") } ?? "no memory cgroup"),
            ("available memory", size(m.availableMemory), m.isLimitedByControlGroup ? "the cgroup limit" : "physical memory"),
            ("caches", ConfigurationReport.cacheLine(m.caches), "/sys/devices/system/cpu/cpu0/cache"),
            ("NUMA", "\(m.numa.nodes) node\(m.numa.nodes == 1 ? "" : "s"), local node \(m.numa.localNode)", m.numa.source),
        ]
        out.append("machine:")
        out += ConfigurationReport.table(rows)
        if !m.notes.isEmpty {
            out.append("notes:")
            out += m.notes.map { "  " + $0 }
        }
        return out
    }
}

enum ConfigurationReport {
    /// Rows of three columns, the first two padded to their widest entry.
    static func table(_ rows: [(String, String, String)]) -> [String] {
        let first = rows.map(\.0.count).max() ?? 0
        let second = rows.map(\.1.count).max() ?? 0
        return rows.map { "  " + pad($0.0, first) + "  " + pad($0.1, second) + "  " + $0.2 }
    }

    /// A setting's value, the collector's sizes also in KiB, MiB or GiB.
    static func describe(_ s: ResolvedSetting) -> String {
        if case .integer(let n) = s.value, !s.isRegistered, s.variable.hasPrefix("GC_"), s.variable != "GC_DEBUG" {
            return size(n)
        }
        return s.value.description
    }

    /// "3159498752 (2.9 GiB)", "4194304 (4 MiB)", "100" (tenths rounded).
    static func size(_ bytes: Int) -> String {
        let units = [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (scale, name) in units where bytes >= scale {
            let tenths = Int((Double(bytes) / Double(scale) * 10).rounded())
            let text = bytes % scale == 0 ? "\(bytes / scale)" : "\(tenths / 10).\(tenths % 10)"
            return "\(bytes) (\(text) \(name))"
        }
        return "\(bytes)"
    }

    static func cacheLine(_ c: CacheSizes) -> String {
        let parts = [("L1d", c.l1Data), ("L1i", c.l1Instruction), ("L2", c.l2), ("L3", c.l3)]
            .map { name, bytes in "\(name) " + (bytes.map { b in b >= 1 << 20 ? "\(b >> 20) MiB" : "\(b >> 10) KiB" } ?? "?") }
        return parts.joined(separator: ", ")
    }

    static func pad(_ s: String, _ width: Int) -> String { s + String(repeating: " ", count: max(0, width - s.count)) }
}
