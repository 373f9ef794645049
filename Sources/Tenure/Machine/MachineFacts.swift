// What Tenure knows about the machine it runs on, read once per process.
//
// The configuration's defaults are derived from these facts: the available
// memory (the smaller of physical RAM and the cgroup limit) sizes the max
// delta and, inside a container, the max heap; the caches are reported next
// to the nursery size; the NUMA topology decides whether arenas are placed.
// `MachineFacts.read(_:)` takes a `SystemFiles` root so that every rule can
// be tested on fixture trees; `MachineFacts.current` is this machine's.
//
// SPI (`@_spi(Machine) import Tenure`), with the members of the
// configuration that take or return it (`resolved(...machine:...)`,
// `ResolvedConfiguration.machine`, a registered setting's machine-aware
// parser, the default and bound rules `...(for:)`). A runtime asks the
// configuration for values and for its report, and resolves against the
// machine it runs on; the facts behind the defaults and a machine to resolve
// against are for `tenure info --root`, the collector's tests and fixture
// machines. Keeping the type public would keep its four parts (physical
// memory, cgroup limit, caches, NUMA) on the runtime's page as well.

/// The machine facts the configuration is derived from.
@_spi(Machine) public struct MachineFacts: Sendable, Equatable {
    /// Physical memory and its source.
    public var physicalMemory: PhysicalMemory
    /// This process's cgroup memory limit, if any.
    public var controlGroup: ControlGroupLimit
    /// cpu0's cache sizes.
    public var caches: CacheSizes
    /// Memory nodes.
    public var numa: NUMATopology

    /// Memory this process can use: the smaller of physical memory and the cgroup limit.
    public var availableMemory: Int {
        if let limit = controlGroup.bytes { return min(limit, physicalMemory.bytes) }
        return physicalMemory.bytes
    }

    /// True when a cgroup limit below physical memory is what bounds the process.
    public var isLimitedByControlGroup: Bool {
        if let limit = controlGroup.bytes { return limit < physicalMemory.bytes }
        return false
    }

    /// Everything worth a look that came up while reading.
    public var notes: [String] {
        physicalMemory.notes + controlGroup.notes + caches.notes + numa.notes
    }

    /// Reads the facts under `files`. On the real root, sysconf and libnuma are
    /// consulted too; on a fixture root only files are, unless given explicitly.
    public static func read(_ files: SystemFiles, sysconfBytes: Int?? = nil, numa library: LibNUMA?? = nil) -> MachineFacts {
        let real = files.root == "/"
        return MachineFacts(
            physicalMemory: PhysicalMemory.read(files, sysconfBytes: sysconfBytes ?? (real ? PhysicalMemory.sysconfBytes : nil)),
            controlGroup: ControlGroupLimit.read(files),
            caches: CacheSizes.read(files),
            numa: NUMATopology.read(files, library: library ?? (real ? LibNUMA.shared : nil)))
    }

    /// This machine's facts, read on first use (by the first heap). libnuma is
    /// loaded only when sysfs does not show a single node: on a one-node machine
    /// it has nothing to add, and loading it costs a millisecond and resident pages.
    public static let current: MachineFacts = {
        let files = SystemFiles()
        let oneNode = files.readLine("/sys/devices/system/node/online").flatMap(NUMATopology.countNodes) == 1
        guard oneNode else { return read(files) }
        var facts = read(files, numa: .some(nil))
        facts.numa = NUMATopology(nodes: 1, localNode: 0, source: "sysfs (one node; libnuma not loaded)")
        return facts
    }()
}
