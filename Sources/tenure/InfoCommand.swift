// `tenure info`: every setting with its value and source, and the machine facts.
//
// The settings are resolved exactly as a runtime resolves them (environment
// over defaults, defaults derived from the machine), so this is the place to
// check what TENURE_GC_MAX=75% means inside a given container. `tenure`
// hosts TenureJIT, so TenureJIT's registered settings (JIT_LOOP_LONGEVITY)
// and log categories are part of what it resolves, as in a runtime that
// hosts the JIT. `--root`
// reads /proc and /sys under another directory (a fixture tree or a copy
// taken from another machine); `--claim NAME` and `--claim-prefix P` claim
// names for a runtime that shares the prefix, as its code would with a
// `SettingRegistry`, so that its own variables are listed instead of refused;
// `--json` prints one object:
//   {"prefix": ..., "settings": {"gc_max_delta": {"value": ..., "source": "derived",
//    "from": "physical RAM (1/8)"}, ...},
//    "claimed": {"names": [...], "prefixes": [...], "variables": {NAME: text}},
//    "machine": {...}, "notes": [...]}
// A registered setting's entry has "registered": true. Any other name under
// the prefix is refused with exit status 2.
import ArgumentParser
import Foundation
@_spi(Machine) @_spi(Configuration) import Tenure
import TenureJIT

/// `tenure info [--json] [--prefix P] [--root DIR] [--claim NAME]... [--claim-prefix P]...`.
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

    @Option(name: .long, help: ArgumentHelp(
        "A name (after the prefix) the runtime reads itself, so that it is listed instead of refused; repeatable.",
        valueName: "name"))
    var claim: [String] = []

    @Option(name: .long, help: ArgumentHelp(
        "A prefix (after the prefix) under which every name is the runtime's; repeatable.", valueName: "prefix"))
    var claimPrefix: [String] = []

    func run() throws {
        let machine = MachineFacts.read(SystemFiles(root: root))
        let resolved: ResolvedConfiguration
        do {
            var registry = JITHost.registry
            for name in claim { try registry.claim(name) }
            for prefix in claimPrefix { try registry.claim(prefix: prefix) }
            resolved = try HeapConfiguration().resolved(
                environment: HeapConfiguration.processEnvironment, prefix: prefix, machine: machine, registry: registry)
        } catch {
            throw ValidationError(error.description)
        }
        if json {
            let data = try JSONSerialization.data(withJSONObject: InfoCommand.jsonObject(resolved),
                                                  options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            for line in resolved.report { print(line) }
        }
    }

    /// The JSON report.
    static func jsonObject(_ r: ResolvedConfiguration) -> [String: Any] {
        var settings: [String: Any] = [:]
        for s in r.settings {
            var entry: [String: Any] = ["value": jsonValue(s.value), "source": s.source.kind]
            if let detail = s.source.detail { entry["from"] = detail }
            if let note = s.note { entry["note"] = note }
            if s.isRegistered { entry["registered"] = true }
            settings[s.key] = entry
        }
        let claimed: [String: Any] = ["names": r.registry.claimedNames, "prefixes": r.registry.claimedPrefixes,
                                      "variables": r.claimed]
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
        return ["prefix": r.prefix, "settings": settings, "claimed": claimed, "machine": machine, "notes": m.notes]
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
}
