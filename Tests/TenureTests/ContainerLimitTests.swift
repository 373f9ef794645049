// Inside a real memory cgroup, the default max heap turns "the kernel kills
// the process" into a `heapLimitExceeded` error the runtime can catch.
//
// The test makes a child cgroup with a 256 MiB limit (cgroup v1's
// memory.limit_in_bytes or v2's memory.max), and a child process (an exit
// test) moves itself into it, resolves the configuration from the machine as
// a runtime would, and keeps allocating live data. It must be refused by the
// heap, with the heap consistent, before the kernel's OOM killer ends it (a
// kill shows as a signal, not a clean exit). Creating cgroups needs root and
// a writable cgroup file system: where that is missing the test is skipped.
import Testing
@_spi(Machine) @_spi(Configuration) @testable import Tenure
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct ContainerLimitTests {
    static let limit = 256 << 20

    /// The cgroup directory for a test process with pid `owner`, and the limit file to write.
    static func cgroup(owner: pid_t) -> (directory: String, limitFile: String)? {
        let v1 = "/sys/fs/cgroup/memory"
        if access(v1 + "/memory.limit_in_bytes", F_OK) == 0 {
            return (v1 + "/tenure-limit-test-\(owner)", "memory.limit_in_bytes")
        }
        let v2 = "/sys/fs/cgroup"
        if let controllers = SystemFiles().readLine(v2 + "/cgroup.subtree_control"), controllers.contains("memory") {
            return (v2 + "/tenure-limit-test-\(owner)", "memory.max")
        }
        return nil
    }

    static func write(_ text: String, to path: String) -> Bool {
        let fd = open(path, O_WRONLY)
        if fd < 0 { return false }
        defer { close(fd) }
        return text.withCString { Glibc.write(fd, $0, strlen($0)) } == strlen(text)
    }

    /// Makes the cgroup with its limit; nil when this machine does not allow it.
    static func makeCgroup() -> String? {
        guard let (directory, limitFile) = cgroup(owner: getpid()) else { return nil }
        guard mkdir(directory, 0o755) == 0 || errno == EEXIST else { return nil }
        guard write("\(limit)", to: directory + "/" + limitFile) else {
            rmdir(directory)
            return nil
        }
        return directory
    }

    static let cgroupDirectory: String? = makeCgroup()

    @Test(.enabled(if: cgroupDirectory != nil, "needs a writable memory cgroup (root)"),
          .disabled(if: Sanitizers.address, "AddressSanitizer's shadow memory counts against the limit"))
    func heapIsRefusedBeforeTheKernelKills() async throws {
        let directory = try #require(Self.cgroupDirectory)
        defer { rmdir(directory) }
        await #expect(processExitsWith: .success) {
            try ContainerLimitTests.growInsideTheLimit()
        }
    }

    /// Runs in the child: join the cgroup, configure from the machine, allocate until refused.
    static func growInsideTheLimit() throws {
        guard let (directory, _) = cgroup(owner: getppid()),
              write("\(getpid())", to: directory + "/cgroup.procs") else {
            print("could not join the test cgroup")
            exit(3)
        }
        let machine = MachineFacts.read(SystemFiles())
        #expect(machine.controlGroup.bytes == limit)
        #expect(machine.isLimitedByControlGroup)
        let resolved = try HeapConfiguration().resolved(machine: machine)
        let maximum = try #require(resolved.configuration.maximumHeapSize)
        #expect(maximum == HeapConfiguration.defaultMaximumHeapSize(for: machine, nurserySize: resolved.configuration.nurserySize))
        #expect(resolved.setting("GC_MAX")?.source.kind == "derived")

        let heap = try Heap(configuration: resolved.configuration)
        let chain = try heap.registerArray(.array("Chain", of: .references))
        var refused = false
        var kept = 0
        try heap.withRoot(nil) { head in
            do {
                // 256-byte arrays whose item 0 links to the previous one: all stay live.
                while kept < (4 << 30) / 256 {
                    let link = try heap.allocateArray(chain, count: 30)
                    heap.storeItem(head.value, into: link, at: 0)
                    head.value = link
                    kept += 1
                }
            } catch HeapError.heapLimitExceeded {
                refused = true
            }
            #expect(refused)
            #expect(heap.verify().isEmpty)
            var count = 0
            var node = head.value
            while let n = node { count += 1; node = n.loadItem(0) }
            #expect(count == kept)
        }
        #expect(Double(kept * 256) > 0.5 * Double(maximum))
    }
}
