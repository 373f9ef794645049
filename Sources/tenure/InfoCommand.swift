// `tenure info`: every setting with its value and source, and the machine facts.
//
// The settings are resolved exactly as a runtime resolves them (environment
// over defaults, defaults derived from the machine), so this is the place to
// check what TENURE_GC_MAX=75% means inside a given container. `--root`
// reads /proc and /sys under another directory (a fixture tree or a copy
// taken from another machine); `--json` prints one object:
//   {"prefix": ..., "settings": {"gc_max_delta": {"value": ..., "source": "derived",
//    "from": "physical RAM (1/8)"}, ...},
//    "machine": {...}, "notes": [...]}
import ArgumentParser
import Foundation
import Tenure

/// `tenure info [--json] [--prefix P] [--root DIR]`.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Show every setting with its value and where it came from, and the machine facts used.")

    @Flag(name: .long, help: "Print one JSON object.")
    var json = false

    @Option(name: .long, help: "Prefix of the environment variables.")
    var prefix: String = HeapConfiguration.defaultEnvironmentPrefix

    @Option(name: .long, help: ArgumentHelp("Read /proc and /sys under this directory instead of /.", valueName: "dir"))
    var root: String = "/"

    func run() throws {
        let machine = MachineFacts.read(SystemFiles(root: root))
        let resolved: ResolvedConfiguration
        do {
            resolved = try HeapConfiguration().resolved(
                environment: HeapConfiguration.processEnvironment, prefix: prefix, machine: machine)
        } catch {
            throw ValidationError(error.description)
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: InfoCommand.jsonObject(resolved),
                                                  options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for line in InfoCommand.lines(resolved) { print(line) }
        }
    }

    /// The human-readable report.
    static func lines(_ r: ResolvedConfiguration) -> [String] {
        var rows: [(String, String, String)] = r.settings.map { s in
            (r.prefix + s.variable, describe(s), s.source.description + (s.note.map { "; \($0)" } ?? ""))
        }
        let nameWidth = rows.map(\.0.count).max() ?? 0
        let valueWidth = rows.map(\.1.count).max() ?? 0
        var out = ["settings (value, source):"]
        out += rows.map { "  " + pad($0.0, nameWidth) + "  " + pad($0.1, valueWidth) + "  " + $0.2 }
        let m = r.machine
        rows = [
            ("physical memory", size(m.physicalMemory.bytes), m.physicalMemory.source
                + (m.physicalMemory.sysconf.map { "; sysconf says \(size($0))" } ?? "")),
            ("cgroup limit", m.controlGroup.bytes.map(size) ?? "none",
             m.controlGroup.version.map { "cgroup v\($0)" + (m.controlGroup.file.map { ", \($0)" } ?? "") } ?? "no memory cgroup"),
            ("available memory", size(m.availableMemory), m.isLimitedByControlGroup ? "the cgroup limit" : "physical memory"),
            ("caches", cacheLine(m.caches), "/sys/devices/system/cpu/cpu0/cache"),
            ("NUMA", "\(m.numa.nodes) node\(m.numa.nodes == 1 ? "" : "s"), local node \(m.numa.localNode)", m.numa.source),
        ]
        let factWidth = rows.map(\.0.count).max() ?? 0
        let factValueWidth = rows.map(\.1.count).max() ?? 0
        out.append("machine:")
        out += rows.map { "  " + pad($0.0, factWidth) + "  " + pad($0.1, factValueWidth) + "  " + $0.2 }
        if !m.notes.isEmpty {
            out.append("notes:")
            out += m.notes.map { "  " + $0 }
        }
        return out
    }

    /// The JSON report.
    static func jsonObject(_ r: ResolvedConfiguration) -> [String: Any] {
        var settings: [String: Any] = [:]
        for s in r.settings {
            var entry: [String: Any] = ["value": jsonValue(s.value), "source": s.source.kind]
            if let detail = s.source.detail { entry["from"] = detail }
            if let note = s.note { entry["note"] = note }
            settings[s.key] = entry
        }
        let m = r.machine
        let machine: [String: Any] = [
            "physical_memory_bytes": m.physicalMemory.bytes,
            "physical_memory_source": m.physicalMemory.source,
            "meminfo_total_bytes": m.physicalMemory.memTotal ?? NSNull(),
            "sysconf_memory_bytes": m.physicalMemory.sysconf ?? NSNull(),
            "cgroup_version": m.controlGroup.version ?? NSNull(),
            "cgroup_limit_bytes": m.controlGroup.bytes ?? NSNull(),
            "cgroup_limit_file": m.controlGroup.file ?? NSNull(),
            "available_memory_bytes": m.availableMemory,
            "l1d_cache_bytes": m.caches.l1Data ?? NSNull(),
            "l1i_cache_bytes": m.caches.l1Instruction ?? NSNull(),
            "l2_cache_bytes": m.caches.l2 ?? NSNull(),
            "l3_cache_bytes": m.caches.l3 ?? NSNull(),
            "numa_nodes": m.numa.nodes,
            "numa_local_node": m.numa.localNode,
            "numa_source": m.numa.source,
        ]
        return ["prefix": r.prefix, "settings": settings, "machine": machine, "notes": m.notes]
    }

    static func jsonValue(_ value: SettingValue) -> Any {
        switch value {
        case .integer(let n): return n
        case .number(let x): return x
        case .boolean(let b): return b
        case .text(let t): return t
        case .none: return NSNull()
        }
    }

    /// A setting's value, sizes also in MiB.
    static func describe(_ s: ResolvedSetting) -> String {
        if case .integer(let n) = s.value, s.variable.hasPrefix("GC_"), s.variable != "GC_DEBUG" { return size(n) }
        return s.value.description
    }

    static func size(_ bytes: Int) -> String {
        let units = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (scale, name) in units where bytes >= scale {
            let value = Double(bytes) / Double(scale)
            let text = value == value.rounded() ? "\(Int(value))" : String(format: "%.1f", value)
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
