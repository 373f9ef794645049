// Resolving a configuration: code, environment, machine and built-in defaults.
//
// A runtime's users tune the collector with PREFIX + GC_* variables, the
// runtime's code may pin knobs, and what is left comes from the machine or a
// constant. These tests pin down the order (code > environment > derived >
// default), that every variable is read under the default and a custom
// prefix and under no other, the source reported for each setting, and the
// errors: a bad or out-of-range value names the full variable and what is
// accepted, even when code overrides it; every unknown name under the prefix
// is refused (ConfigurationRegistryTests has the claims and suggestions).
// The machine is a fixed value, so nothing depends on the test machine.
import Testing
@_spi(Machine) @_spi(Configuration) @testable import Tenure

enum TestMachines {
    /// A machine with `ram` bytes, optionally inside a cgroup v2 limit.
    static func make(ram: Int = 8 << 30, limit: Int? = nil, nodes: Int = 1, numaSource: String = "none") -> MachineFacts {
        MachineFacts(
            physicalMemory: PhysicalMemory(bytes: ram, memTotal: ram, sysconf: nil, source: "/proc/meminfo", notes: []),
            controlGroup: ControlGroupLimit(bytes: limit, version: limit == nil ? nil : 2,
                                            file: limit == nil ? nil : "/sys/fs/cgroup/app/memory.max", notes: []),
            caches: CacheSizes(l1Data: 32 << 10, l1Instruction: 32 << 10, l2: 1 << 20, l3: 32 << 20),
            numa: NUMATopology(nodes: nodes, localNode: 0, source: numaSource))
    }

    static let plain = make()
    static let container = make(limit: 1 << 30)
}

/// The error resolving `configuration` against `environment` throws, or nil.
private func resolutionError(
    _ environment: [String: String], prefix: String = HeapConfiguration.defaultEnvironmentPrefix,
    configuration: HeapConfiguration = HeapConfiguration(), machine: MachineFacts = TestMachines.plain
) -> ConfigurationError? {
    do {
        _ = try configuration.resolved(environment: environment, prefix: prefix, machine: machine)
        return nil
    } catch {
        return error
    }
}

@Suite struct ConfigurationResolutionTests {
    static let variables = ["GC_NURSERY", "GC_NURSERY_MAX", "GC_MINOR_PAUSE", "GC_MAJOR_COLLECT", "GC_GROWTH", "GC_MIN", "GC_MAX", "GC_MAX_DELTA",
                            "GC_DEBUG", "GC_CHECKED", "GC_NUMA", "LOG"]

    /// For every variable: a text, the value it means, and code that assigns a different value.
    static let examples: [(variable: String, text: String, value: SettingValue,
                           code: @Sendable (inout HeapConfiguration) -> Void, codeValue: SettingValue)] = [
        ("GC_NURSERY", "8M", .integer(8 << 20), { $0.nurserySize = 2 << 20 }, .integer(2 << 20)),
        ("GC_NURSERY_MAX", "32M", .integer(32 << 20), { $0.maximumNurserySize = 16 << 20 }, .integer(16 << 20)),
        ("GC_MINOR_PAUSE", "20ms", .text("20ms"), { $0.minorPauseGoal = 0.002 }, .text("2ms")),
        ("GC_MAJOR_COLLECT", "2.5", .number(2.5), { $0.majorCollectFactor = 3 }, .number(3)),
        ("GC_GROWTH", "1.5", .number(1.5), { $0.growthFactor = 2 }, .number(2)),
        ("GC_MIN", "64M", .integer(64 << 20), { $0.minimumHeapSize = 48 << 20 }, .integer(48 << 20)),
        ("GC_MAX", "512M", .integer(512 << 20), { $0.maximumHeapSize = 1 << 30 }, .integer(1 << 30)),
        ("GC_MAX_DELTA", "32M", .integer(32 << 20), { $0.maximumDelta = 16 << 20 }, .integer(16 << 20)),
        ("GC_DEBUG", "1", .integer(1), { $0.debugLevel = 2 }, .integer(2)),
        ("GC_CHECKED", "on", .boolean(true), { $0.checked = false }, .boolean(false)),
        ("GC_NUMA", "on", .boolean(true), { $0.numaLocalArenas = false }, .boolean(false)),
        ("LOG", "gc:-", .text("gc:-"), { $0.log = LogSpecification(categories: ["phase"], destination: "-") },
         .text("phase:-")),
    ]

    /// For every variable: a text that does not parse.
    static let unparsable: [(String, String)] = [
        ("GC_NURSERY", "12Q"), ("GC_NURSERY_MAX", "big"), ("GC_MINOR_PAUSE", "5"), ("GC_MAJOR_COLLECT", "abc"), ("GC_GROWTH", "1.5x"), ("GC_MIN", "-1"),
        ("GC_MAX", "lots"), ("GC_MAX_DELTA", "0%"), ("GC_DEBUG", "1.5"), ("GC_CHECKED", "2"), ("GC_NUMA", "maybe"),
        ("LOG", "gc"),
    ]

    // MARK: Defaults and sources

    @Test func everySettingIsReportedInOrder() throws {
        let r = try HeapConfiguration().resolved(environment: [:], machine: TestMachines.plain)
        #expect(r.settings.map(\.variable) == Self.variables)
        #expect(r.settings.map(\.key) == Self.variables.map { $0.lowercased() })
        #expect(r.prefix == "TENURE_")
        #expect(r.machine == TestMachines.plain)
        for s in r.settings { #expect(s.note == nil, "\(s.variable)") }
        for v in Self.variables { #expect(r.setting(v) != nil) }
        #expect(r.setting("GC_NURSRY") == nil)
    }

    @Test func builtInAndDerivedDefaults() throws {
        let machine = TestMachines.plain
        let r = try HeapConfiguration().resolved(environment: [:], machine: machine)
        let c = r.configuration
        let (nursery, nurserySource) = HeapConfiguration.defaultNurserySize(for: machine)
        #expect(c.nurserySize == nursery)
        #expect(r.setting("GC_NURSERY")?.source == nurserySource)
        #expect(r.setting("GC_MAJOR_COLLECT")?.value == .number(1.82))
        #expect(r.setting("GC_MAJOR_COLLECT")?.source == .default)
        #expect(r.setting("GC_GROWTH")?.value == .number(1.4))
        #expect(r.setting("GC_GROWTH")?.source == .default)
        #expect(c.minimumHeapSize == 8 * nursery)
        #expect(r.setting("GC_MIN")?.value == .integer(8 * nursery))
        #expect(r.setting("GC_MIN")?.source.kind == "derived")
        #expect(c.maximumHeapSize == nil)
        #expect(r.setting("GC_MAX")?.value == SettingValue.none)
        #expect(r.setting("GC_MAX")?.source == .default)
        #expect(c.maximumDelta == (8 << 30) / 8)
        #expect(r.setting("GC_MAX_DELTA")?.source == .derived(from: "physical RAM (1/8)"))
        #expect(r.setting("GC_DEBUG")?.value == .integer(0))
        #expect(r.setting("GC_DEBUG")?.source == .default)
        #expect(r.setting("GC_NUMA")?.value == .boolean(false))
        #expect(r.setting("GC_NUMA")?.source.kind == "derived")
        #expect(c.log == nil)
        #expect(r.setting("LOG")?.value == SettingValue.none)
        #expect(r.setting("LOG")?.source == .default)
    }

    @Test func numaIsOnlyWithSeveralNodesFromLibNUMA() throws {
        let several = try HeapConfiguration().resolved(
            environment: [:], machine: TestMachines.make(nodes: 2, numaSource: "libnuma"))
        #expect(several.configuration.numaLocalArenas)
        let sysfs = try HeapConfiguration().resolved(
            environment: [:], machine: TestMachines.make(nodes: 2, numaSource: "sysfs"))
        #expect(!sysfs.configuration.numaLocalArenas)
        let one = try HeapConfiguration().resolved(
            environment: [:], machine: TestMachines.make(nodes: 1, numaSource: "libnuma"))
        #expect(!one.configuration.numaLocalArenas)
    }

    @Test func sourcesDescribeThemselves() {
        let env = SettingSource.environment(variable: "TENURE_GC_MAX")
        #expect(env.kind == "environment" && env.detail == "TENURE_GC_MAX")
        #expect(env.description.contains("TENURE_GC_MAX"))
        #expect(SettingSource.code.kind == "code" && SettingSource.code.detail == nil)
        #expect(SettingSource.default.kind == "default" && SettingSource.default.detail == nil)
        let derived = SettingSource.derived(from: "cgroup limit")
        #expect(derived.kind == "derived" && derived.detail == "cgroup limit")
        #expect(derived.description.contains("cgroup limit"))
    }

    // MARK: The order

    @Test(arguments: 0..<examples.count)
    func environmentBeatsTheDefault(index: Int) throws {
        let e = Self.examples[index]
        let variable = "TENURE_" + e.variable
        let r = try HeapConfiguration().resolved(environment: [variable: e.text], machine: TestMachines.container)
        let s = try #require(r.setting(e.variable))
        #expect(s.value == e.value)
        #expect(s.source == .environment(variable: variable))
        #expect(s.note == nil)
    }

    @Test(arguments: 0..<examples.count)
    func codeBeatsTheEnvironment(index: Int) throws {
        let e = Self.examples[index]
        let variable = "TENURE_" + e.variable
        var c = HeapConfiguration()
        e.code(&c)
        let r = try c.resolved(environment: [variable: e.text], machine: TestMachines.container)
        let s = try #require(r.setting(e.variable))
        #expect(s.value == e.codeValue)
        #expect(s.source == .code)
        let note = try #require(s.note)
        #expect(note.contains("\(variable)=\(e.text)"))
        #expect(note.contains("overridden"))

        // Without the variable, code still wins and there is nothing to note.
        let quiet = try c.resolved(environment: [:], machine: TestMachines.container)
        #expect(quiet.setting(e.variable)?.value == e.codeValue)
        #expect(quiet.setting(e.variable)?.source == .code)
        #expect(quiet.setting(e.variable)?.note == nil)
    }

    @Test(arguments: unparsable)
    func anOverriddenVariableMustStillParse(variable: String, text: String) throws {
        let e = try #require(Self.examples.first { $0.variable == variable })
        var c = HeapConfiguration()
        e.code(&c)
        let error = try #require(resolutionError(["TENURE_" + variable: text], configuration: c))
        #expect(error.setting == "TENURE_" + variable)
        #expect(error.value == text)
    }

    /// Code may set "no max heap" explicitly; that wins over the environment and over a cgroup limit.
    @Test func codeCanSayNoLimit() throws {
        var c = HeapConfiguration()
        c.maximumHeapSize = nil
        let r = try c.resolved(environment: ["TENURE_GC_MAX": "512M"], machine: TestMachines.container)
        #expect(r.configuration.maximumHeapSize == nil)
        #expect(r.setting("GC_MAX")?.value == SettingValue.none)
        #expect(r.setting("GC_MAX")?.source == .code)
        #expect(r.setting("GC_MAX")?.note?.contains("TENURE_GC_MAX=512M") == true)
    }

    /// An overridden value only has to parse: its range does not matter, since it is not used.
    @Test func anOverriddenVariableNeedNotBeInRange() throws {
        var c = HeapConfiguration()
        c.nurserySize = 8 << 20
        let r = try c.resolved(environment: ["TENURE_GC_NURSERY": "32"], machine: TestMachines.plain)
        #expect(r.configuration.nurserySize == 8 << 20)
        #expect(r.setting("GC_NURSERY")?.note?.contains("TENURE_GC_NURSERY=32") == true)
    }

    @Test func derivedSettingsFollowTheEnvironment() throws {
        let r = try HeapConfiguration().resolved(
            environment: ["TENURE_GC_NURSERY": "8M", "TENURE_GC_MAJOR_COLLECT": "10"], machine: TestMachines.plain)
        // GC_MIN: 8 x nursery = 64 MiB, raised to nursery x factor = 80 MiB.
        #expect(r.configuration.minimumHeapSize == 80 << 20)
        #expect(r.setting("GC_MIN")?.source.kind == "derived")

        let inLimit = try HeapConfiguration().resolved(
            environment: ["TENURE_GC_NURSERY": "8M"], machine: TestMachines.container)
        #expect(inLimit.configuration.maximumHeapSize == Int(Double(1 << 30) * 0.7) - (8 << 20))
        #expect(inLimit.setting("GC_MAX")?.source.kind == "derived")
        #expect(inLimit.setting("GC_MAX_DELTA")?.value == .integer((1 << 30) / 8))
        #expect(inLimit.setting("GC_MAX_DELTA")?.source.detail?.contains("cgroup") == true)
    }

    // MARK: Prefixes

    @Test(arguments: 0..<examples.count)
    func everyVariableIsReadUnderItsPrefixOnly(index: Int) throws {
        let e = Self.examples[index]
        let machine = TestMachines.container
        let baseline = try #require(try HeapConfiguration().resolved(environment: [:], machine: machine).setting(e.variable))

        let standard = try HeapConfiguration().resolved(environment: ["TENURE_" + e.variable: e.text], machine: machine)
        #expect(standard.setting(e.variable)?.value == e.value)
        #expect(standard.setting(e.variable)?.source == .environment(variable: "TENURE_" + e.variable))

        let custom = try HeapConfiguration().resolved(
            environment: ["MYLANG_" + e.variable: e.text], prefix: "MYLANG_", machine: machine)
        #expect(custom.prefix == "MYLANG_")
        #expect(custom.setting(e.variable)?.value == e.value)
        #expect(custom.setting(e.variable)?.source == .environment(variable: "MYLANG_" + e.variable))

        // Under the other prefix, or none, the variable means nothing.
        for (environment, prefix) in [(["TENURE_" + e.variable: e.text], "MYLANG_"),
                                      (["MYLANG_" + e.variable: e.text], "TENURE_"),
                                      ([e.variable: e.text], "TENURE_"),
                                      (["OTHER_" + e.variable: e.text], "TENURE_")] {
            let r = try HeapConfiguration().resolved(environment: environment, prefix: prefix, machine: machine)
            #expect(r.setting(e.variable) == baseline, "\(environment) with prefix \(prefix)")
        }
    }

    @Test func allVariablesAtOnceUnderACustomPrefix() throws {
        var environment: [String: String] = ["TENURE_GC_NURSERY": "12Q", "TENURE_GC_NURSRY": "1M"]  // not ours
        for e in Self.examples { environment["MYLANG_" + e.variable] = e.text }
        let r = try HeapConfiguration().resolved(environment: environment, prefix: "MYLANG_", machine: TestMachines.plain)
        for e in Self.examples {
            #expect(r.setting(e.variable)?.value == e.value, "\(e.variable)")
            #expect(r.setting(e.variable)?.source == .environment(variable: "MYLANG_" + e.variable))
        }
        let c = r.configuration
        #expect(c.nurserySize == 8 << 20 && c.majorCollectFactor == 2.5 && c.growthFactor == 1.5)
        #expect(c.minimumHeapSize == 64 << 20 && c.maximumHeapSize == 512 << 20 && c.maximumDelta == 32 << 20)
        #expect(c.debugLevel == 1 && c.checked && c.numaLocalArenas)
        #expect(c.log == LogSpecification(categories: ["gc"], destination: "-"))
    }

    // MARK: Errors

    @Test(arguments: unparsable)
    func unparsableValuesNameTheVariable(variable: String, text: String) throws {
        for prefix in ["TENURE_", "MYLANG_"] {
            let error = try #require(resolutionError([prefix + variable: text], prefix: prefix))
            #expect(error.setting == prefix + variable)
            #expect(error.value == text)
            #expect(error.reason?.isEmpty == false)
            #expect(error.description.contains("accepted"))
            #expect(error.description.contains(prefix + variable + "=" + text))
        }
    }

    @Test(arguments: [("GC_NURSERY", "32"), ("GC_NURSERY", "2T"), ("GC_MAJOR_COLLECT", "1.0"),
                      ("GC_MAJOR_COLLECT", "1"), ("GC_MAJOR_COLLECT", "101"), ("GC_GROWTH", "0.5"),
                      ("GC_DEBUG", "3"), ("GC_MAX_DELTA", "0")])
    func outOfRangeValuesNameTheVariable(variable: String, text: String) throws {
        let error = try #require(resolutionError(["TENURE_" + variable: text]))
        #expect(error.setting == "TENURE_" + variable)
        #expect(error.value == text)
        #expect(error.reason == "out of range")
        #expect(error.description.contains("accepted"))
    }

    @Test func aUnitOnAFactorIsRefused() throws {
        let error = try #require(resolutionError(["TENURE_GC_MAJOR_COLLECT": "2M"]))
        #expect(error.setting == "TENURE_GC_MAJOR_COLLECT")
        #expect(error.value == "2M")
        #expect(error.accepted == SettingSyntax.factorForm)
        #expect(error.reason?.contains("M") == true)
    }

    @Test func theErrorReads() throws {
        let error = try #require(resolutionError(["TENURE_GC_NURSERY": "12Q"]))
        #expect(error.description.hasPrefix("invalid TENURE_GC_NURSERY=12Q: unknown unit \"Q\"; accepted: "))
        #expect(error.accepted == SettingSyntax.sizeForm)
    }

    @Test func misspeltVariablesAreRefused() throws {
        for name in ["TENURE_GC_NURSRY", "TENURE_GC_", "TENURE_JIT_LOOPS", "TENURE_GC_nursery"] {
            let error = try #require(resolutionError([name: "4M"]), "\(name)")
            #expect(error.setting == name)
            #expect(error.value == "4M")
            #expect(error.reason?.hasPrefix("unknown setting") == true)
            #expect(error.accepted.contains("TENURE_GC_NURSERY"))
            #expect(error.description.contains("accepted"))
        }
        let custom = try #require(resolutionError(["MYLANG_GC_NURSRY": "4M"], prefix: "MYLANG_"))
        #expect(custom.setting == "MYLANG_GC_NURSRY")
        #expect(custom.accepted.contains("MYLANG_GC_NURSERY"))
    }

    @Test func everyOtherNameUnderThePrefixIsRefused() throws {
        for name in ["TENURE_SOMETHING_ELSE", "TENURE_LOGGING", "TENURE_GCX", "TENURE_JIT", "TENURE_LOGG",
                     "TENURE_NURSERY", "TENURE_gc_NURSERY", "TENURE_", "TENURE_log"] {
            let error = try #require(resolutionError([name: "1"]), "\(name)")
            #expect(error.setting == name)
            #expect(error.value == "1")
            #expect(error.reason?.hasPrefix("unknown setting") == true)
            for v in Self.variables { #expect(error.accepted.contains("TENURE_" + v), "\(name): \(v)") }
        }
    }

    @Test func namesOutsideThePrefixAreLeftAlone() throws {
        let environment = ["PATH": "/usr/bin", "GC_NURSERY": "12Q", "MYLANG_GC_NURSRY": "1", "TENURELOG": "x",
                           "tenure_GC_NURSERY": "12Q", "XTENURE_GC_NURSERY": "12Q"]
        let r = try HeapConfiguration().resolved(environment: environment, machine: TestMachines.plain)
        let baseline = try HeapConfiguration().resolved(environment: [:], machine: TestMachines.plain)
        #expect(r.settings == baseline.settings)
        #expect(r.configuration == baseline.configuration)
    }

    // MARK: Particular settings

    @Test(arguments: ["0", "none", "NONE", " None ", "0K", "0 MB"])
    func zeroOrNoneMeansNoMaxHeap(text: String) throws {
        // Even inside a cgroup limit, where the default would be derived from it.
        let r = try HeapConfiguration().resolved(environment: ["TENURE_GC_MAX": text], machine: TestMachines.container)
        #expect(r.configuration.maximumHeapSize == nil)
        #expect(r.setting("GC_MAX")?.value == SettingValue.none)
        #expect(r.setting("GC_MAX")?.source == .environment(variable: "TENURE_GC_MAX"))
    }

    @Test func youngLargeObjectLimitFollowsASmallNursery() throws {
        let standard = HeapConfiguration().youngLargeObjectLimit
        let small = try HeapConfiguration().resolved(environment: ["TENURE_GC_NURSERY": "64K"], machine: TestMachines.plain)
        #expect(small.configuration.youngLargeObjectLimit == 64 << 10)
        let tiny = try HeapConfiguration().resolved(environment: ["TENURE_GC_NURSERY": "100"], machine: TestMachines.plain)
        #expect(tiny.configuration.youngLargeObjectLimit == 100)
        let big = try HeapConfiguration().resolved(environment: ["TENURE_GC_NURSERY": "64M"], machine: TestMachines.plain)
        #expect(big.configuration.youngLargeObjectLimit == standard)

        // A limit set in code is kept, and checked against the nursery.
        var c = HeapConfiguration()
        c.youngLargeObjectLimit = 1 << 10
        let kept = try c.resolved(environment: ["TENURE_GC_NURSERY": "64K"], machine: TestMachines.plain)
        #expect(kept.configuration.youngLargeObjectLimit == 1 << 10)
        c.youngLargeObjectLimit = 1 << 20
        let error = try #require(resolutionError(["TENURE_GC_NURSERY": "64K"], configuration: c))
        #expect(error.setting == "youngLargeObjectLimit")
    }

    @Test func codeErrorsNameTheField() throws {
        var c = HeapConfiguration()
        c.debugLevel = 5
        let error = try #require(resolutionError([:], configuration: c))
        #expect(error.setting == "debugLevel")
        #expect(error.description.contains("accepted"))
    }

    // MARK: Using the result

    @Test func aHeapTakesTheResolvedConfiguration() throws {
        let r = try HeapConfiguration().resolved(
            environment: ["TENURE_GC_NURSERY": "256K", "TENURE_GC_MAJOR_COLLECT": "2", "TENURE_GC_DEBUG": "1",
                          "TENURE_GC_MAX": "64M"],
            machine: TestMachines.container)
        let heap = try Heap(configuration: r.configuration)
        #expect(heap.configuration == r.configuration)
        #expect(heap.configuration.nurserySize == 256 << 10)
        #expect(heap.configuration.majorCollectFactor == 2)
        #expect(heap.configuration.maximumHeapSize == 64 << 20)
        #expect(heap.configuration.maximumDelta == (1 << 30) / 8)  // the fixture machine's, not this one's
        let types = try CommonTypes(heap)
        try heap.withRoots(1) { frame in
            frame[0] = try heap.allocateArray(types.references, count: 100)
            for i in 0..<100 { heap.storeItem(try heap.node(types, id: i), into: frame[0]!, at: i) }
            heap.collect()
            for i in 0..<100 { #expect(frame[0]!.loadItem(i)?.nodeID == i) }
            #expect(heap.verify() == [])
        }
    }

    @Test func resolvingTwiceChangesNothing() throws {
        for machine in [TestMachines.plain, TestMachines.container] {
            let first = try HeapConfiguration().resolved(
                environment: ["TENURE_GC_NURSERY": "1M", "TENURE_GC_MAX": "50%"], machine: machine)
            let second = try first.configuration.resolved(environment: [:], machine: machine)
            #expect(second.configuration == first.configuration)
            #expect(second.settings.map(\.value) == first.settings.map(\.value))
            #expect(second.settings.allSatisfy { $0.source == .code })
            // Against another machine too: nothing is left to derive.
            let elsewhere = try first.configuration.resolved(environment: [:], machine: TestMachines.make(ram: 1 << 30))
            #expect(elsewhere.configuration == first.configuration)
        }
    }
}
