// `tenure info` and the command line's handling of bad settings, run as a
// child process of the built `tenure` executable.
//
// The report is what a person reads to learn why the heap is sized as it is,
// and its JSON is what scripts read, so both are checked end to end: every
// TENURE_ variable listed, the JSON keys, values and sources, an environment
// value taking effect, a fixture machine (--root) with a cgroup v2 limit,
// names claimed for a runtime (--claim, --claim-prefix), and the exit status
// 2 with a message naming the variable for a bad value, an unknown name
// under the prefix, a size the machine cannot give, or a log destination
// that cannot be opened. The
// child's environment is this process's without its TENURE_ variables, so a
// developer's own settings do not change the outcome.
import Foundation
import Testing

/// A /proc and /sys tree of a 4 GiB machine in a cgroup v2 limit of 512 MiB.
private final class ContainerFixture {
    let root: String

    init() throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("tenure-info-root-\(UUID().uuidString)", isDirectory: true)
        root = base.path
        try write("/proc/meminfo", "MemTotal:        4194304 kB\nMemFree:         1048576 kB\n")
        try write("/proc/self/cgroup", "0::/docker/abc\n")
        try write("/proc/self/mountinfo",
                  "30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n")
        try write("/sys/fs/cgroup/docker/memory.max", "max\n")
        try write("/sys/fs/cgroup/docker/abc/memory.max", "536870912\n")
        try write("/sys/devices/system/node/online", "0\n")
        for (index, level, type, size) in [(0, "1", "Data", "32K"), (1, "1", "Instruction", "32K"),
                                           (2, "2", "Unified", "1024K"), (3, "3", "Unified", "16M")] {
            let dir = "/sys/devices/system/cpu/cpu0/cache/index\(index)"
            try write(dir + "/level", level + "\n")
            try write(dir + "/type", type + "\n")
            try write(dir + "/size", size + "\n")
        }
    }

    deinit { try? FileManager.default.removeItem(atPath: root) }

    func write(_ path: String, _ text: String) throws {
        let url = URL(fileURLWithPath: root + path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: false, encoding: .utf8)
    }
}

@Suite struct InfoCommandTests {
    static let variables = ["GC_NURSERY", "GC_NURSERY_MAX", "GC_MINOR_PAUSE", "GC_MAJOR_COLLECT", "GC_GROWTH", "GC_MIN", "GC_MAX", "GC_MAX_DELTA",
                            "GC_DEBUG", "GC_CHECKED", "GC_NUMA", "LOG", "JIT_LOOP_LONGEVITY"]
    /// The settings `tenure` registers (TenureJIT's), reported after the collector's.
    static let registered: Set<String> = ["JIT_LOOP_LONGEVITY"]

    @Test func executableIsBuilt() {
        #expect(FileManager.default.isExecutableFile(atPath: TenureExecutable.path),
                "\(TenureExecutable.path) missing: build it with `swift build --build-tests`")
    }

    @Test func textReportListsEveryVariable() throws {
        let outcome = try TenureExecutable.run(["info"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for v in Self.variables { #expect(outcome.stdout.contains("TENURE_" + v), "TENURE_\(v) missing") }
        #expect(outcome.stdout.contains("settings (value, source):"))
        #expect(outcome.stdout.contains("machine:"))
        #expect(outcome.stdout.contains("physical memory"))
    }

    @Test func textReportUsesTheGivenPrefix() throws {
        let outcome = try TenureExecutable.run(["info", "--prefix", "MYLANG_"], environment: ["MYLANG_GC_DEBUG": "2"])
        #expect(outcome.status == 0, "\(outcome.stderr)")
        for v in Self.variables { #expect(outcome.stdout.contains("MYLANG_" + v)) }
        #expect(outcome.stdout.contains("environment (MYLANG_GC_DEBUG)"))
    }

    @Test func jsonReportHasEverySettingAndTheMachine() throws {
        let object = try TenureExecutable.info()
        #expect(object["prefix"] as? String == "TENURE_")
        let settings = try #require(object["settings"] as? [String: Any])
        #expect(Set(settings.keys) == Set(Self.variables.map { $0.lowercased() }))
        for v in Self.variables {
            let entry = try #require(settings[v.lowercased()] as? [String: Any], "\(v)")
            #expect(entry["value"] != nil, "\(v) has no value")
            let source = entry["source"] as? String
            #expect(["environment", "code", "default", "derived"].contains(source ?? ""), "\(v): \(String(describing: source))")
            if source == "derived" { #expect(entry["from"] is String, "\(v) derived from nothing") }
        }
        #expect(settings["gc_major_collect"].flatMap { ($0 as? [String: Any])?["value"] as? Double } == 1.82)
        #expect(settings["log"].flatMap { ($0 as? [String: Any])?["value"] } is NSNull)

        let machine = try #require(object["machine"] as? [String: Any])
        let physical = try #require(machine["physical_memory_bytes"] as? Int)
        let available = try #require(machine["available_memory_bytes"] as? Int)
        #expect(physical > 0 && available > 0 && available <= physical)
        #expect((machine["numa_nodes"] as? Int ?? 0) >= 1)
        for key in ["physical_memory_source", "meminfo_total_bytes", "sysconf_memory_bytes", "cgroup_version",
                    "cgroup_limit_bytes", "cgroup_limit_file", "l1d_cache_bytes", "l1i_cache_bytes", "l2_cache_bytes",
                    "l3_cache_bytes", "numa_local_node", "numa_source"] {
            #expect(machine[key] != nil, "machine.\(key) missing")
        }
        #expect(object["notes"] is [Any])
        let claimed = try #require(object["claimed"] as? [String: Any])
        #expect(claimed["names"] as? [String] == [])
        #expect(claimed["prefixes"] as? [String] == [])
        #expect((claimed["variables"] as? [String: Any])?.isEmpty == true)
        for v in Self.variables {
            let registered = (settings[v.lowercased()] as? [String: Any])?["registered"] as? Bool
            #expect(registered == (Self.registered.contains(v) ? true : nil), "\(v)")
        }
    }

    @Test func environmentValueTakesEffect() throws {
        let object = try TenureExecutable.info(environment: ["TENURE_GC_NURSERY": "8M", "TENURE_GC_MAX": "none"])
        let settings = try #require(object["settings"] as? [String: Any])
        let nursery = try #require(settings["gc_nursery"] as? [String: Any])
        #expect(nursery["value"] as? Int == 8_388_608)
        #expect(nursery["source"] as? String == "environment")
        #expect(nursery["from"] as? String == "TENURE_GC_NURSERY")
        // GC_MIN follows the nursery: 8 x 8 MiB.
        let minimum = try #require(settings["gc_min"] as? [String: Any])
        #expect(minimum["value"] as? Int == 64 << 20)
        let maximum = try #require(settings["gc_max"] as? [String: Any])
        #expect(maximum["value"] is NSNull)
        #expect(maximum["source"] as? String == "environment")
    }

    @Test func fixtureRootWithACgroupLimit() throws {
        let fixture = try ContainerFixture()
        let object = try TenureExecutable.info(["--root", fixture.root])
        let machine = try #require(object["machine"] as? [String: Any])
        #expect(machine["physical_memory_bytes"] as? Int == 4 << 30)
        #expect(machine["physical_memory_source"] as? String == "/proc/meminfo")
        #expect(machine["cgroup_version"] as? Int == 2)
        #expect(machine["cgroup_limit_bytes"] as? Int == 536_870_912)
        #expect(machine["cgroup_limit_file"] as? String == "/sys/fs/cgroup/docker/abc/memory.max")
        #expect(machine["available_memory_bytes"] as? Int == 536_870_912)
        #expect(machine["l2_cache_bytes"] as? Int == 1 << 20)
        #expect(machine["l3_cache_bytes"] as? Int == 16 << 20)
        #expect(machine["numa_nodes"] as? Int == 1)

        let settings = try #require(object["settings"] as? [String: Any])
        let nursery = try #require((settings["gc_nursery"] as? [String: Any])?["value"] as? Int)
        let gcMax = try #require(settings["gc_max"] as? [String: Any])
        #expect(gcMax["source"] as? String == "derived")
        #expect((gcMax["from"] as? String)?.contains("cgroup") == true)
        #expect(gcMax["value"] as? Int == max(536_870_912 / 4, Int(536_870_912.0 * 0.7) - nursery))
        let delta = try #require(settings["gc_max_delta"] as? [String: Any])
        #expect(delta["value"] as? Int == 536_870_912 / 8)
        #expect(delta["source"] as? String == "derived")

        // A percentage is of the limit, not of the 4 GiB of RAM.
        let share = try TenureExecutable.info(["--root", fixture.root], environment: ["TENURE_GC_MAX": "75%"])
        let shareSettings = try #require(share["settings"] as? [String: Any])
        #expect((shareSettings["gc_max"] as? [String: Any])?["value"] as? Int == 402_653_184)
    }

    @Test(arguments: [("TENURE_GC_NURSERY", "12Q"), ("TENURE_GC_MAJOR_COLLECT", "abc"), ("TENURE_GC_NURSRY", "4M"),
                      ("TENURE_GC_DEBUG", "3"), ("TENURE_LOGG", "gc:-"), ("TENURE_NURSERY", "4M"),
                      ("TENURE_gc_NURSERY", "4M"), ("TENURE_GC_NURSERY", "1T"), ("TENURE_GC_MIN", "1T")])
    func badEnvironmentExitsWithStatus2(variable: String, text: String) throws {
        for arguments in [["info"], ["info", "--json"]] {
            let outcome = try TenureExecutable.run(arguments, environment: [variable: text])
            #expect(outcome.status == 2, "\(arguments): exit \(outcome.status)")
            #expect(outcome.stderr.contains(variable), "\(outcome.stderr)")
            #expect(outcome.stderr.contains("accepted"), "\(outcome.stderr)")
            #expect(outcome.stdout.isEmpty)
        }
    }

    @Test func unknownNamesSuggestTheNearest() throws {
        for (name, nearest) in [("TENURE_LOGG", "TENURE_LOG"), ("TENURE_NURSERY", "TENURE_GC_NURSERY"),
                                ("TENURE_gc_NURSERY", "TENURE_GC_NURSERY")] {
            let outcome = try TenureExecutable.run(["info"], environment: [name: "4M"])
            #expect(outcome.status == 2)
            #expect(outcome.stderr.hasPrefix("Error: invalid \(name)=4M: unknown setting (did you mean \(nearest)?); accepted: the variables TENURE_GC_NURSERY,"),
                    "\(outcome.stderr)")
        }
    }

    @Test func claimedNamesAreListedInsteadOfRefused() throws {
        let environment = ["TENURE_HOME": "/opt/lang", "TENURE_OPT_LEVEL": "3", "TENURE_GC_DEBUG": "1"]
        let claims = ["--claim", "HOME", "--claim-prefix", "OPT_"]
        let text = try TenureExecutable.run(["info"] + claims, environment: environment)
        #expect(text.status == 0, "\(text.stderr)")
        #expect(text.stdout.contains("claimed by the runtime (not read by Tenure): TENURE_HOME, TENURE_OPT_*\n  TENURE_HOME=/opt/lang\n  TENURE_OPT_LEVEL=3\nmachine:"),
                "\(text.stdout)")
        #expect(text.stdout.contains("environment (TENURE_GC_DEBUG)"))

        let object = try TenureExecutable.info(claims, environment: environment)
        let claimed = try #require(object["claimed"] as? [String: Any])
        #expect(claimed["names"] as? [String] == ["HOME"])
        #expect(claimed["prefixes"] as? [String] == ["OPT_"])
        #expect(claimed["variables"] as? [String: String] == ["TENURE_HOME": "/opt/lang", "TENURE_OPT_LEVEL": "3"])

        // Not claimed, the same variables are refused.
        let refused = try TenureExecutable.run(["info"], environment: environment)
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("invalid TENURE_HOME=/opt/lang: unknown setting"), "\(refused.stderr)")
        // A claim that would hide the collector's names is refused.
        let hiding = try TenureExecutable.run(["info", "--claim-prefix", "GC_"])
        #expect(hiding.status == 2)
        #expect(hiding.stderr.contains("invalid claimed prefix=GC_"), "\(hiding.stderr)")
    }

    @Test func settingsTheMachineCannotGiveStopARunNamingTheVariable() throws {
        // Before: "out of memory: the system refused 1099511627776 bytes", exit status 1.
        let nursery = try TenureExecutable.run(["run", "gcbench"], environment: ["TENURE_GC_NURSERY": "1T"])
        #expect(nursery.status == 2)
        #expect(nursery.stderr.hasPrefix("Error: invalid TENURE_GC_NURSERY=1T: out of range; accepted: 64 bytes up to half the available memory"),
                "\(nursery.stderr)")
        let minimum = try TenureExecutable.run(["run", "gcbench"], environment: ["TENURE_GC_MIN": "1T"])
        #expect(minimum.status == 2)
        #expect(minimum.stderr.hasPrefix("Error: invalid TENURE_GC_MIN=1T: out of range; accepted: 0 bytes up to the available memory"),
                "\(minimum.stderr)")
        #expect(minimum.stdout.isEmpty)
    }

    @Test func aLogThatCannotBeOpenedNamesTheVariable() throws {
        // Before: "Error: invalid argument: log: cannot open /nonexistent/x.log for writing: ...", exit status 1.
        let outcome = try TenureExecutable.run(["run", "gcbench"], environment: ["TENURE_LOG": "gc-minor:/nonexistent/x.log"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.hasPrefix("Error: invalid TENURE_LOG=gc-minor:/nonexistent/x.log: cannot open /nonexistent/x.log for writing: No such file or directory; accepted: categories:destination"),
                "\(outcome.stderr)")
    }

    @Test func badCommandLineSizeExitsWithStatus2() throws {
        let outcome = try TenureExecutable.run(["run", "gcbench", "--nursery-size", "12Q"])
        #expect(outcome.status == 2)
        #expect(outcome.stderr.contains("--nursery-size"), "\(outcome.stderr)")
        #expect(outcome.stderr.contains("accepted"), "\(outcome.stderr)")

        // A bad environment variable stops a run too, before any work.
        let env = try TenureExecutable.run(["run", "gcbench"], environment: ["TENURE_GC_GROWTH": "fast"])
        #expect(env.status == 2)
        #expect(env.stderr.contains("TENURE_GC_GROWTH"), "\(env.stderr)")
    }
}
