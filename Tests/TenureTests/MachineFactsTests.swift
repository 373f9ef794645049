// Machine facts read from fixture trees of /proc and /sys, and the defaults
// derived from them.
//
// The sizing rules matter most where they cannot be tried by hand: inside a
// container with a cgroup v1 or v2 limit, nested limits, container views of
// the hierarchy, hybrid mounts, missing or garbled kernel files, odd cache
// and NUMA layouts. Each case is a small directory tree read through
// `SystemFiles(root:)`, so it runs the same on any machine; sysconf and
// libnuma are left out unless a test passes them. Then the configuration is
// resolved against such machines (max delta, max heap, percentages of the
// limit), and one test checks the facts of the machine the tests run on.
import Foundation
import Testing
@_spi(Machine) @_spi(Configuration) @testable import Tenure

/// A temporary directory standing for "/", removed when released.
private final class MachineFixture {
    let root: String

    init() throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("tenure-machine-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: base, withIntermediateDirectories: true)
        root = base.path
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    /// Writes `text` at `path` (absolute, as on the real machine), creating directories.
    func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: root + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }

    func directory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: root + path, withIntermediateDirectories: true)
    }

    var files: SystemFiles { SystemFiles(root: root) }

    /// The facts of this tree, with a given sysconf figure and no libnuma.
    func facts(sysconf: Int? = nil) -> MachineFacts {
        MachineFacts.read(files, sysconfBytes: .some(sysconf), numa: .some(nil))
    }

    // Pieces of a machine.

    func memTotal(_ bytes: Int) throws {
        try write("/proc/meminfo", "MemTotal:       \(bytes / 1024) kB\nMemFree:         1234567 kB\nMemAvailable:    2345678 kB\n")
    }

    /// A cgroup v2 machine: the process in `path`, the unified hierarchy at /sys/fs/cgroup.
    func cgroupV2(path: String, mountRoot: String = "/") throws {
        try write("/proc/self/cgroup", "0::\(path)\n")
        try write("/proc/self/mountinfo", """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            30 23 0:26 \(mountRoot) /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot

            """)
    }

    /// A cgroup v1 machine: the process in `path` of the memory hierarchy at /sys/fs/cgroup/memory.
    func cgroupV1(path: String, mountRoot: String = "/") throws {
        try write("/proc/self/cgroup", "12:cpuset:/\n4:memory:\(path)\n3:cpu,cpuacct:\(path)\n1:name=systemd:/init.scope\n0::/\n")
        try write("/proc/self/mountinfo", """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            25 22 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
            33 25 0:28 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:12 - cgroup cgroup rw,cpu,cpuacct
            36 25 0:31 \(mountRoot) /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory

            """)
    }
}

private let unlimitedV1 = "9223372036854771712"

@Suite struct MachineFactsTests {
    // MARK: cgroup limits

    @Test func cgroupV1Limit() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV1(path: "/docker/abc")
        try f.write("/sys/fs/cgroup/memory/memory.limit_in_bytes", unlimitedV1 + "\n")
        try f.write("/sys/fs/cgroup/memory/docker/memory.limit_in_bytes", unlimitedV1 + "\n")
        try f.write("/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "268435456\n")
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == 256 << 20)
        #expect(cgroup.version == 1)
        #expect(cgroup.file == "/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes")
        #expect(cgroup.notes == [])
    }

    @Test func cgroupV1UnlimitedIsNoLimit() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV1(path: "/docker/abc")
        try f.write("/sys/fs/cgroup/memory/memory.limit_in_bytes", unlimitedV1 + "\n")
        try f.write("/sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", unlimitedV1 + "\n")
        let facts = f.facts()
        #expect(facts.controlGroup.bytes == nil)
        #expect(facts.controlGroup.version == 1)
        #expect(facts.controlGroup.file == nil)
        #expect(!facts.isLimitedByControlGroup)
        #expect(facts.availableMemory == 16 << 30)
    }

    @Test func cgroupV1WithCombinedControllers() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.write("/proc/self/cgroup", "5:cpu,memory:/job\n")
        try f.write("/proc/self/mountinfo",
                    "40 25 0:40 / /sys/fs/cgroup/cpu,memory rw,relatime shared:20 - cgroup cgroup rw,cpu,memory\n")
        try f.write("/sys/fs/cgroup/cpu,memory/job/memory.limit_in_bytes", "1073741824\n")
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == 1 << 30)
        #expect(cgroup.version == 1)
    }

    @Test func cgroupV2Max() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV2(path: "/user.slice/user-1000.slice/session-1.scope")
        try f.write("/sys/fs/cgroup/user.slice/memory.max", "max\n")
        try f.write("/sys/fs/cgroup/user.slice/user-1000.slice/session-1.scope/memory.max", "max\n")
        let facts = f.facts()
        #expect(facts.controlGroup.bytes == nil)
        #expect(facts.controlGroup.version == 2)
        #expect(facts.controlGroup.notes == [])
        #expect(!facts.isLimitedByControlGroup)
    }

    @Test func cgroupV2NumericLimit() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV2(path: "/system.slice/app.service")
        try f.write("/sys/fs/cgroup/system.slice/app.service/memory.max", "536870912\n")
        let facts = f.facts()
        #expect(facts.controlGroup.bytes == 512 << 20)
        #expect(facts.controlGroup.version == 2)
        #expect(facts.controlGroup.file == "/sys/fs/cgroup/system.slice/app.service/memory.max")
        #expect(facts.isLimitedByControlGroup)
        #expect(facts.availableMemory == 512 << 20)
    }

    @Test func nestedV2ParentLimitIsSmaller() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV2(path: "/a/b/c")
        try f.write("/sys/fs/cgroup/a/memory.max", "\(2 << 30)\n")
        try f.write("/sys/fs/cgroup/a/b/memory.max", "\(256 << 20)\n")
        try f.write("/sys/fs/cgroup/a/b/c/memory.max", "\(1 << 30)\n")
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == 256 << 20)
        #expect(cgroup.file == "/sys/fs/cgroup/a/b/memory.max")
    }

    @Test func nestedV2LeafLimitIsSmaller() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV2(path: "/a/b")
        try f.write("/sys/fs/cgroup/a/memory.max", "\(1 << 30)\n")
        try f.write("/sys/fs/cgroup/a/b/memory.max", "\(300 << 20)\n")
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == 300 << 20)
        #expect(cgroup.file == "/sys/fs/cgroup/a/b/memory.max")
    }

    /// Inside a container the mount's root is the container's own cgroup, so the
    /// limit is in the mount point itself, not in a subdirectory named after the path.
    @Test func containerViewReadsTheMountPoint() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV2(path: "/docker/abc", mountRoot: "/docker/abc")
        try f.write("/sys/fs/cgroup/memory.max", "\(128 << 20)\n")
        // A decoy where the path would lead if the mount root were ignored.
        try f.write("/sys/fs/cgroup/docker/abc/memory.max", "\(64 << 20)\n")
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == 128 << 20)
        #expect(cgroup.file == "/sys/fs/cgroup/memory.max")
    }

    @Test func containerViewV1WithASubgroupBelowTheMountRoot() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV1(path: "/docker/abc/worker", mountRoot: "/docker/abc")
        try f.write("/sys/fs/cgroup/memory/memory.limit_in_bytes", "\(512 << 20)\n")
        try f.write("/sys/fs/cgroup/memory/worker/memory.limit_in_bytes", unlimitedV1)
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == 512 << 20)
        #expect(cgroup.version == 1)
        #expect(cgroup.file == "/sys/fs/cgroup/memory/memory.limit_in_bytes")
    }

    @Test func hybridPicksTheV1MemoryController() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.write("/proc/self/cgroup", "12:memory:/user.slice\n1:name=systemd:/user.slice\n0::/user.slice\n")
        try f.write("/proc/self/mountinfo", """
            25 22 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
            26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
            36 25 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory

            """)
        try f.directory("/sys/fs/cgroup/unified/user.slice")
        try f.write("/sys/fs/cgroup/memory/user.slice/memory.limit_in_bytes", "\(2 << 30)\n")
        let cgroup = f.facts().controlGroup
        #expect(cgroup.version == 1)
        #expect(cgroup.bytes == 2 << 30)
        #expect(cgroup.file == "/sys/fs/cgroup/memory/user.slice/memory.limit_in_bytes")
    }

    @Test func missingMembershipMeansNoLimit() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.write("/sys/fs/cgroup/memory.max", "\(128 << 20)\n")
        let facts = f.facts()
        #expect(facts.controlGroup.bytes == nil)
        #expect(facts.controlGroup.version == nil)
        #expect(facts.controlGroup.notes.contains { $0.contains("/proc/self/cgroup") })
        #expect(facts.notes.contains { $0.contains("/proc/self/cgroup") })
        #expect(facts.availableMemory == 16 << 30)
    }

    @Test(arguments: ["lots", "-5", "0", "12.5", "1G", "max max", "\u{0663}"])
    func garbageLimitIsIgnoredWithANote(text: String) throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV2(path: "/app")
        try f.write("/sys/fs/cgroup/app/memory.max", text + "\n")
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == nil)
        #expect(cgroup.version == 2)
        #expect(cgroup.notes.contains { $0.contains("/sys/fs/cgroup/app/memory.max") }, "\(cgroup.notes)")
    }

    /// An empty file has no first line: it counts as missing (no limit, no note).
    @Test(arguments: ["", "\n", "   \n"])
    func emptyLimitIsNoLimit(text: String) throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV2(path: "/app")
        try f.write("/sys/fs/cgroup/app/memory.max", text)
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == nil)
        #expect(cgroup.version == 2)
    }

    @Test func garbageParentDoesNotHideTheLeafLimit() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV2(path: "/a/b")
        try f.write("/sys/fs/cgroup/a/memory.max", "lots\n")
        try f.write("/sys/fs/cgroup/a/b/memory.max", "\(700 << 20)\n")
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == 700 << 20)
        #expect(cgroup.notes.count == 1)
    }

    @Test func missingMountinfoAssumesDefaultMountPoints() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.write("/proc/self/cgroup", "0::/a\n")
        try f.write("/sys/fs/cgroup/a/memory.max", "\(300 << 20)\n")
        let v2 = f.facts().controlGroup
        #expect(v2.bytes == 300 << 20)
        #expect(v2.version == 2)
        #expect(v2.notes.contains { $0.contains("mountinfo") })

        let g = try MachineFixture()
        try g.memTotal(16 << 30)
        try g.write("/proc/self/cgroup", "4:memory:/a\n0::/\n")
        try g.write("/sys/fs/cgroup/memory/a/memory.limit_in_bytes", "\(400 << 20)\n")
        let v1 = g.facts().controlGroup
        #expect(v1.bytes == 400 << 20)
        #expect(v1.version == 1)
        #expect(v1.notes.contains { $0.contains("mountinfo") })
    }

    @Test(arguments: ["123456789012345678901234567890", "9223372036854775808", "\(1 << 62)"])
    func hugeLimitsMeanNoLimit(text: String) throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.cgroupV2(path: "/app")
        try f.write("/sys/fs/cgroup/app/memory.max", text + "\n")
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == nil)
        #expect(cgroup.notes == [])
    }

    @Test func escapedMountPoint() throws {
        let f = try MachineFixture()
        try f.memTotal(16 << 30)
        try f.write("/proc/self/cgroup", "0::/job\n")
        try f.write("/proc/self/mountinfo",
                    "30 23 0:26 / /mnt/my\\040cgroups rw,relatime shared:4 - cgroup2 cgroup2 rw\n")
        try f.write("/mnt/my cgroups/job/memory.max", "\(96 << 20)\n")
        let cgroup = f.facts().controlGroup
        #expect(cgroup.bytes == 96 << 20)
        #expect(cgroup.file == "/mnt/my cgroups/job/memory.max")
    }

    // MARK: Physical memory

    @Test func memTotalIsRead() throws {
        let f = try MachineFixture()
        try f.memTotal(16_384_000 * 1024)
        let memory = f.facts().physicalMemory
        #expect(memory.bytes == 16_384_000 * 1024)
        #expect(memory.memTotal == 16_384_000 * 1024)
        #expect(memory.source == "/proc/meminfo")
        #expect(memory.notes == [])
    }

    @Test func missingMemTotalFallsBackToSysconf() throws {
        let f = try MachineFixture()
        try f.write("/proc/meminfo", "MemFree:         1234567 kB\n")
        let memory = MachineFacts.read(f.files, sysconfBytes: .some(123 << 20), numa: .some(nil)).physicalMemory
        #expect(memory.bytes == 123 << 20)
        #expect(memory.memTotal == nil)
        #expect(memory.sysconf == 123 << 20)
        #expect(memory.source == "sysconf")
        #expect(memory.notes.contains { $0.contains("MemTotal") })
    }

    @Test(arguments: ["MemTotal: lots kB\n", "MemTotal:\n", "MemTotal: -5 kB\n", "MemTotal: 0 kB\n",
                      "MemTotal: 1024 MB\n", "MemTotal: 99999999999999999999 kB\n", "MemTotal: 99999999999999999 kB\n"])
    func garbageMemTotalIsNotUsed(text: String) throws {
        let f = try MachineFixture()
        try f.write("/proc/meminfo", text)
        let withSysconf = f.facts(sysconf: 3 << 30).physicalMemory
        #expect(withSysconf.bytes == 3 << 30)
        #expect(withSysconf.source == "sysconf")
        let alone = f.facts().physicalMemory
        #expect(alone.bytes == 1 << 30)
        #expect(alone.source == "assumed")
    }

    @Test func neitherMeminfoNorSysconfAssumesOneGiB() throws {
        let f = try MachineFixture()
        let facts = f.facts()
        #expect(facts.physicalMemory.bytes == 1 << 30)
        #expect(facts.physicalMemory.source == "assumed")
        #expect(facts.physicalMemory.notes.contains { $0.contains("1 GiB assumed") })
        #expect(facts.availableMemory == 1 << 30)
    }

    @Test func disagreementWithSysconfIsNoted() throws {
        let f = try MachineFixture()
        try f.memTotal(1 << 30)
        let far = f.facts(sysconf: 2 << 30).physicalMemory
        #expect(far.bytes == 1 << 30)  // MemTotal is what is used
        #expect(far.sysconf == 2 << 30)
        #expect(far.notes.contains { $0.contains("10%") })
        let near = f.facts(sysconf: (1 << 30) + (50 << 20)).physicalMemory
        #expect(near.notes == [])
    }

    // MARK: Available memory

    @Test func availableMemoryIsTheSmallerOfRAMAndTheLimit() throws {
        let small = try MachineFixture()
        try small.memTotal(2 << 30)
        try small.cgroupV2(path: "/app")
        try small.write("/sys/fs/cgroup/app/memory.max", "\(512 << 20)\n")
        #expect(small.facts().availableMemory == 512 << 20)
        #expect(small.facts().isLimitedByControlGroup)

        // A limit above physical memory does not bound the process.
        let big = try MachineFixture()
        try big.memTotal(2 << 30)
        try big.cgroupV2(path: "/app")
        try big.write("/sys/fs/cgroup/app/memory.max", "\(4 << 30)\n")
        #expect(big.facts().controlGroup.bytes == 4 << 30)
        #expect(big.facts().availableMemory == 2 << 30)
        #expect(!big.facts().isLimitedByControlGroup)
    }

    // MARK: Caches

    private func writeCache(_ f: MachineFixture, _ index: Int, level: String, type: String, size: String) throws {
        let dir = "/sys/devices/system/cpu/cpu0/cache/index\(index)"
        try f.write(dir + "/level", level + "\n")
        try f.write(dir + "/type", type + "\n")
        try f.write(dir + "/size", size + "\n")
    }

    @Test func allFourCaches() throws {
        let f = try MachineFixture()
        try writeCache(f, 0, level: "1", type: "Data", size: "32K")
        try writeCache(f, 1, level: "1", type: "Instruction", size: "64K")
        try writeCache(f, 2, level: "2", type: "Unified", size: "1M")
        try writeCache(f, 3, level: "3", type: "Unified", size: "32768K")
        try f.write("/sys/devices/system/cpu/cpu0/cache/uevent", "\n")  // not an index: skipped
        let caches = f.facts().caches
        #expect(caches.l1Data == 32 << 10)
        #expect(caches.l1Instruction == 64 << 10)
        #expect(caches.l2 == 1 << 20)
        #expect(caches.l3 == 32 << 20)
        #expect(caches.notes == [])
    }

    @Test func missingL3AndPlainByteSizes() throws {
        let f = try MachineFixture()
        try writeCache(f, 0, level: "1", type: "Data", size: "49152")
        try writeCache(f, 1, level: "1", type: "Instruction", size: "32768")
        try writeCache(f, 2, level: "2", type: "Unified", size: "2097152")
        let caches = f.facts().caches
        #expect(caches.l1Data == 48 << 10)
        #expect(caches.l1Instruction == 32 << 10)
        #expect(caches.l2 == 2 << 20)
        #expect(caches.l3 == nil)
        #expect(caches.notes == [])
    }

    @Test func missingCacheDirectory() throws {
        let f = try MachineFixture()
        let caches = f.facts().caches
        #expect(caches.l1Data == nil && caches.l1Instruction == nil && caches.l2 == nil && caches.l3 == nil)
        #expect(caches.notes.contains { $0.contains("/sys/devices/system/cpu/cpu0/cache") })
    }

    @Test(arguments: ["lots", "0K", "-32K", "32 K", "32KB", "K", "", "99999999999999999999", "9999999999999G"])
    func garbageCacheSizeIsIgnoredWithANote(size: String) throws {
        let f = try MachineFixture()
        try writeCache(f, 0, level: "1", type: "Data", size: "32K")
        try writeCache(f, 2, level: "2", type: "Unified", size: size)
        let caches = f.facts().caches
        #expect(caches.l1Data == 32 << 10)
        #expect(caches.l2 == nil)
        #expect(caches.notes.contains { $0.contains("index2") }, "\(caches.notes)")
    }

    @Test func unifiedL1AndMissingFields() throws {
        let f = try MachineFixture()
        try writeCache(f, 0, level: "1", type: "Unified", size: "16K")
        try f.write("/sys/devices/system/cpu/cpu0/cache/index1/level", "2\n")  // no type, no size
        let caches = f.facts().caches
        #expect(caches.l1Data == 16 << 10 && caches.l1Instruction == 16 << 10)
        #expect(caches.l2 == nil)
        #expect(caches.notes.contains { $0.contains("index1") })
    }

    // MARK: NUMA

    @Test(arguments: [("0-3", 4), ("0-1,4", 3), ("0", 1), ("0,2,4-5", 4), ("0-1\n", 2)])
    func numaNodesFromSysfs(online: String, nodes: Int) throws {
        let f = try MachineFixture()
        try f.write("/sys/devices/system/node/online", online)
        let numa = MachineFacts.read(f.files, numa: .some(nil)).numa
        #expect(numa.nodes == nodes)
        #expect(numa.source == "sysfs")
        #expect(numa.localNode == 0)
    }

    @Test func numaWithoutSysfs() throws {
        let f = try MachineFixture()
        let numa = MachineFacts.read(f.files, numa: .some(nil)).numa
        #expect(numa.nodes == 1)
        #expect(numa.source == "none")
        #expect(numa.notes.contains { $0.contains("/sys/devices/system/node/online") })
    }

    @Test(arguments: ["zero", "3-1", "-", "0-", "1-2-3", ",", "0-99999999", "٠-٣"])
    func garbageNodeListMeansOneNode(online: String) throws {
        let f = try MachineFixture()
        try f.write("/sys/devices/system/node/online", online + "\n")
        let numa = MachineFacts.read(f.files, numa: .some(nil)).numa
        #expect(numa.nodes == 1)
        #expect(numa.source == "none")
        #expect(numa.notes.contains { $0.contains("not a node list") }, "\(numa.notes)")
    }

    @Test func missingLibraryIsNil() {
        #expect(LibNUMA.load(names: ["libnuma-does-not-exist.so.9"]) == nil)
        #expect(LibNUMA.load(names: []) == nil)
        // A library that exists but lacks the functions is not libnuma either.
        #expect(LibNUMA.load(names: ["libm.so.6"]) == nil)
    }

    @Test func numaSwitchFollowsTheMachine() throws {
        let f = try MachineFixture()
        try f.memTotal(8 << 30)
        try f.write("/sys/devices/system/node/online", "0-3\n")
        // Nodes seen through sysfs only: arenas cannot be placed, so the switch stays off.
        let resolved = try HeapConfiguration().resolved(environment: [:], machine: f.facts())
        #expect(resolved.configuration.numaLocalArenas == false)
        #expect(resolved.setting("GC_NUMA")?.source.kind == "derived")
        #expect(resolved.setting("GC_NUMA")?.source.detail?.contains("4") == true)
    }

    // MARK: Resolution against fixture machines

    /// 8 GiB of RAM, optionally in a cgroup v2 limit.
    private func machine(limit: Int?) throws -> (MachineFixture, MachineFacts) {
        let f = try MachineFixture()
        try f.memTotal(8 << 30)
        try f.cgroupV2(path: "/app")
        try f.write("/sys/fs/cgroup/app/memory.max", limit.map { "\($0)\n" } ?? "max\n")
        return (f, f.facts())
    }

    @Test func maxDeltaIsAnEighthOfAvailableMemory() throws {
        let (_, limited) = try machine(limit: 1 << 30)
        let r = try HeapConfiguration().resolved(environment: [:], machine: limited)
        #expect(r.configuration.maximumDelta == (1 << 30) / 8)
        let setting = try #require(r.setting("GC_MAX_DELTA"))
        #expect(setting.value == .integer((1 << 30) / 8))
        #expect(setting.source.kind == "derived")
        #expect(setting.source.detail?.contains("cgroup") == true)

        let (_, free) = try machine(limit: nil)
        let s = try HeapConfiguration().resolved(environment: [:], machine: free)
        #expect(s.configuration.maximumDelta == (8 << 30) / 8)
        #expect(s.setting("GC_MAX_DELTA")?.source.kind == "derived")
        #expect(s.setting("GC_MAX_DELTA")?.source.detail?.contains("cgroup") == false)
    }

    @Test(arguments: [1 << 30, 512 << 20, 64 << 20, 3 << 30])
    func maxHeapInsideALimit(limit: Int) throws {
        let (_, facts) = try machine(limit: limit)
        let r = try HeapConfiguration().resolved(environment: [:], machine: facts)
        let nursery = r.configuration.nurserySize
        let expected = max(limit / 4, Int(Double(limit) * 0.7) - nursery)
        #expect(r.configuration.maximumHeapSize == expected)
        #expect(r.setting("GC_MAX")?.value == .integer(expected))
        #expect(r.setting("GC_MAX")?.source.kind == "derived")
        #expect(r.setting("GC_MAX")?.source.detail?.contains("cgroup") == true)
        #expect(expected < limit)
    }

    @Test func maxHeapQuarterOfTheLimitWithABigNursery() throws {
        let (_, facts) = try machine(limit: 100 << 20)
        // 48 MiB: a nursery is at most half the available memory.
        let r = try HeapConfiguration().resolved(environment: ["TENURE_GC_NURSERY": "48M"], machine: facts)
        // 0.7 x 100 MiB - 48 MiB = 22 MiB is less than a quarter of the limit.
        #expect(r.configuration.maximumHeapSize == 25 << 20)
    }

    @Test func noMaxHeapWithoutALimit() throws {
        let (_, facts) = try machine(limit: nil)
        let r = try HeapConfiguration().resolved(environment: [:], machine: facts)
        #expect(r.configuration.maximumHeapSize == nil)
        #expect(r.setting("GC_MAX")?.value == SettingValue.none)
        #expect(r.setting("GC_MAX")?.source == .default)

        // A limit above physical memory is no limit either.
        let (_, above) = try machine(limit: 16 << 30)
        let a = try HeapConfiguration().resolved(environment: [:], machine: above)
        #expect(a.configuration.maximumHeapSize == nil)
        #expect(a.setting("GC_MAX")?.source == .default)
    }

    @Test func percentagesAreOfTheLimit() throws {
        let (_, facts) = try machine(limit: 1 << 30)
        let r = try HeapConfiguration().resolved(
            environment: ["TENURE_GC_MAX": "75%", "TENURE_GC_MAX_DELTA": "10%"], machine: facts)
        #expect(r.configuration.maximumHeapSize == 805_306_368)
        #expect(r.setting("GC_MAX")?.source == .environment(variable: "TENURE_GC_MAX"))
        #expect(r.configuration.maximumDelta == Int(Double(1 << 30) * 0.1))

        let (_, free) = try machine(limit: nil)
        let s = try HeapConfiguration().resolved(environment: ["TENURE_GC_MAX": "50%"], machine: free)
        #expect(s.configuration.maximumHeapSize == 4 << 30)
    }

    // MARK: This machine

    @Test func thisMachine() throws {
        let facts = MachineFacts.current
        #expect(facts.physicalMemory.bytes > 0)
        #expect(facts.availableMemory > 0)
        #expect(facts.availableMemory <= facts.physicalMemory.bytes)
        #expect(facts.numa.nodes >= 1)
        #expect(facts.numa.localNode >= 0)
        if let meminfo = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
           let line = meminfo.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
           let kib = line.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) {
            #expect(facts.physicalMemory.bytes == kib * 1024)
            #expect(facts.physicalMemory.source == "/proc/meminfo")
        }
        if let l1 = facts.caches.l1Data { #expect(l1 >= 4 << 10 && l1 <= 4 << 20) }
        if let l2 = facts.caches.l2 { #expect(l2 >= 64 << 10 && l2 <= 1 << 30) }
        if let l3 = facts.caches.l3 { #expect(l3 >= 256 << 10 && l3 <= 4 << 30) }
        if let l1 = facts.caches.l1Data, let l2 = facts.caches.l2 { #expect(l1 <= l2) }
        if let limit = facts.controlGroup.bytes { #expect(limit > 0 && limit < 1 << 62) }
        // Reading again gives the same facts (nothing is cached by mistake across roots).
        let again = MachineFacts.read(SystemFiles())
        #expect(again.physicalMemory.bytes == facts.physicalMemory.bytes)
        #expect(again.numa.nodes == facts.numa.nodes)
        #expect(again.caches.l2 == facts.caches.l2)
    }
}
