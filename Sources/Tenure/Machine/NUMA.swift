// NUMA nodes through libnuma, loaded at run time.
//
// On a machine with several memory nodes, memory on the node of the CPU
// that uses it is faster; the old space asks for its arenas to be placed on
// the local node. libnuma is loaded with dlopen (as HotSpot does) so that the
// library builds and runs where libnuma.so.1 is not installed; then, and in
// fixture trees, the node count comes from sysfs. Node sizes are not used:
// libnuma's figures have been seen to report 9-11 GB of a 25 GB machine, so
// memory sizing trusts /proc/meminfo and the cgroup limit only.
import Glibc
import CTenure

/// The functions of libnuma that Tenure uses, found with dlsym.
@_spi(Machine) public struct LibNUMA: @unchecked Sendable {
    let available: @convention(c) () -> Int32
    let configuredNodes: @convention(c) () -> Int32
    let nodeOfCPU: @convention(c) (Int32) -> Int32
    let setLocalMemory: @convention(c) (UnsafeMutableRawPointer?, Int) -> Void

    /// libnuma of this process, or nil when it cannot be loaded.
    public static let shared: LibNUMA? = load(names: ["libnuma.so.1", "libnuma.so"])

    /// Loads the first of `names` that dlopen finds and that has every function.
    public static func load(names: [String]) -> LibNUMA? {
        for name in names {
            guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else { continue }
            func symbol<T>(_ s: String, _: T.Type) -> T? {
                dlsym(handle, s).map { unsafeBitCast($0, to: T.self) }
            }
            if let a = symbol("numa_available", (@convention(c) () -> Int32).self),
               let c = symbol("numa_num_configured_nodes", (@convention(c) () -> Int32).self),
               let n = symbol("numa_node_of_cpu", (@convention(c) (Int32) -> Int32).self),
               let l = symbol("numa_setlocal_memory", (@convention(c) (UnsafeMutableRawPointer?, Int) -> Void).self) {
                return LibNUMA(available: a, configuredNodes: c, nodeOfCPU: n, setLocalMemory: l)
            }
            dlclose(handle)
        }
        return nil
    }
}

/// The machine's memory nodes as Tenure sees them.
@_spi(Machine) public struct NUMATopology: Sendable, Equatable {
    /// Memory nodes (1 on a machine without NUMA).
    public var nodes: Int
    /// The node of the CPU that read the topology.
    public var localNode: Int
    /// "libnuma", "libnuma (no NUMA support)", "sysfs" or "none".
    public var source: String
    /// Why libnuma was not used, or other things worth a look.
    public var notes: [String] = []

    /// Asks libnuma when given (nil: not installed), else reads /sys/devices/system/node/online.
    public static func read(_ files: SystemFiles, library: LibNUMA?) -> NUMATopology {
        if let numa = library {
            if numa.available() < 0 {
                return NUMATopology(nodes: 1, localNode: 0, source: "libnuma (no NUMA support)")
            }
            let nodes = max(1, Int(numa.configuredNodes()))
            let cpu = tenure_current_cpu()
            let local = cpu >= 0 ? max(0, Int(numa.nodeOfCPU(cpu))) : 0
            return NUMATopology(nodes: nodes, localNode: local, source: "libnuma")
        }
        let note = "libnuma.so.1 not loaded: node count from sysfs, arenas not placed"
        guard let online = files.readLine("/sys/devices/system/node/online") else {
            return NUMATopology(nodes: 1, localNode: 0, source: "none", notes: [note, "/sys/devices/system/node/online: missing"])
        }
        guard let count = countNodes(online) else {
            return NUMATopology(nodes: 1, localNode: 0, source: "none",
                                notes: [note, "/sys/devices/system/node/online: not a node list (\"\(online.prefix(40))\")"])
        }
        return NUMATopology(nodes: count, localNode: 0, source: "sysfs", notes: [note])
    }

    /// The number of nodes in a kernel list such as "0", "0-3" or "0-1,4".
    static func countNodes(_ list: String) -> Int? {
        var count = 0
        for range in list.split(separator: ",") {
            let ends = range.split(separator: "-", omittingEmptySubsequences: false)
            guard let lo = Int(ends[0]), lo >= 0 else { return nil }
            if ends.count == 1 { count += 1; continue }
            guard ends.count == 2, let hi = Int(ends[1]), hi >= lo, hi - lo < 1 << 16 else { return nil }
            count += hi - lo + 1
        }
        return count > 0 ? count : nil
    }
}

/// Where the old space's arenas go on a machine with several nodes.
enum NUMAPlacement {
    /// Asks the kernel to back `size` bytes at `pointer` from the calling CPU's node
    /// (a preference, never a failure). Does nothing without libnuma.
    static func preferLocalNode(_ pointer: UnsafeMutableRawPointer, _ size: Int) {
        LibNUMA.shared?.setLocalMemory(pointer, size)
    }
}
