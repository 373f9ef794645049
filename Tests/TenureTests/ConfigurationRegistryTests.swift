// Names under the prefix: the collector's settings, registered settings,
// claims, and everything else refused.
//
// Before the registry, TENURE_LOGG, TENURE_NURSERY and TENURE_gc_NURSERY were
// ignored in silence (only GC_* and JIT_* names were checked). Now every name
// under the prefix must be a setting (the collector's or one a runtime
// registered) or a name the runtime claimed, and the error suggests the
// nearest accepted name. A registered setting is parsed and refused by the
// collector's rules and reported after the collector's own; a claimed name
// or prefix is left to the runtime and listed; the registry refuses claims
// that would hide the collector's names.
import Testing
@_spi(Machine) @_spi(Configuration) @testable import Tenure

private let machine = MachineFacts(
    physicalMemory: PhysicalMemory(bytes: 8 << 30, memTotal: 8 << 30, sysconf: nil, source: "/proc/meminfo", notes: []),
    controlGroup: ControlGroupLimit(bytes: nil, version: nil, file: nil, notes: []),
    caches: CacheSizes(l1Data: 32 << 10, l1Instruction: 32 << 10, l2: 1 << 20, l3: 32 << 20),
    numa: NUMATopology(nodes: 1, localNode: 0, source: "none"))

private func error(_ environment: [String: String], prefix: String = "TENURE_",
                   registry: SettingRegistry = SettingRegistry()) -> ConfigurationError? {
    do {
        _ = try HeapConfiguration().resolved(environment: environment, prefix: prefix, machine: machine, registry: registry)
        return nil
    } catch {
        return error
    }
}

/// A runtime's registry: a thread count, a stack size, a switch, a factor, a text, claims.
private func runtimeRegistry() throws -> SettingRegistry {
    var r = SettingRegistry()
    try r.register(.count("THREADS", default: 4, range: 1...64))
    try r.register(.size("STACK", default: 1 << 20, range: (64 << 10)...(1 << 30)))
    try r.register(.switch("TRACE", default: false))
    try r.register(.factor("INLINE_RATIO", default: 1.5, range: 1.0...4.0))
    try r.register(.text("SCRIPT_PATH"))
    try r.claim("HOME")
    try r.claim(prefix: "OPT_")
    return r
}

@Suite struct ConfigurationRegistryTests {
    // MARK: Unknown names

    @Test(arguments: [("TENURE_LOGG", "TENURE_LOG"), ("TENURE_NURSERY", "TENURE_GC_NURSERY"),
                      ("TENURE_gc_NURSERY", "TENURE_GC_NURSERY"), ("TENURE_GC_NURSRY", "TENURE_GC_NURSERY"),
                      ("TENURE_log", "TENURE_LOG"),
                      ("TENURE_GC_MAXDELTA", "TENURE_GC_MAX_DELTA"), ("TENURE_GC_MAJOR_COLECT", "TENURE_GC_MAJOR_COLLECT")])
    func anUnknownNameSuggestsTheNearest(name: String, nearest: String) throws {
        let e = try #require(error([name: "4M"]))
        #expect(e.setting == name)
        #expect(e.value == "4M")
        #expect(e.reason == "unknown setting (did you mean \(nearest)?)")
        #expect(e.accepted.hasPrefix("the variables TENURE_GC_NURSERY, "))
        #expect(e.description.hasPrefix("invalid \(name)=4M: unknown setting (did you mean \(nearest)?); accepted: the variables "))
    }

    @Test func aFarNameSuggestsNothing() throws {
        for name in ["TENURE_SOMETHING_ELSE", "TENURE_X", "TENURE_", "TENURE_GC_NURSERY_SIZE_BYTES"] {
            let e = try #require(error([name: "1"]), "\(name)")
            #expect(e.reason == "unknown setting", "\(name): \(String(describing: e.reason))")
        }
    }

    @Test func ofSeveralUnknownNamesTheFirstInOrderIsReported() throws {
        let environment = ["TENURE_ZZZ": "1", "TENURE_MMM": "1", "TENURE_BBB": "1", "TENURE_YYY": "1"]
        for _ in 0..<10 { #expect(error(environment)?.setting == "TENURE_BBB") }
    }

    @Test func anUnknownNameIsReportedBeforeABadValue() throws {
        #expect(error(["TENURE_GC_NURSERY": "12Q", "TENURE_NURSERY": "4M"])?.setting == "TENURE_NURSERY")
    }

    @Test func anEmptyPrefixIsRefused() throws {
        let e = try #require(error(["PATH": "/bin"], prefix: ""))
        #expect(e.setting == "prefix")
        #expect(e.description.contains("accepted"))
    }

    // MARK: Registered settings

    @Test func registeredSettingsAreReadAndReportedAfterTheCollectorsOwn() throws {
        let environment = ["MYLANG_THREADS": "8", "MYLANG_STACK": "8M", "MYLANG_TRACE": "on", "MYLANG_INLINE_RATIO": "2.5",
                           "MYLANG_SCRIPT_PATH": "/srv/a b.lang", "MYLANG_GC_NURSERY": "1M"]
        let r = try HeapConfiguration().resolved(environment: environment, prefix: "MYLANG_", machine: machine,
                                                 registry: try runtimeRegistry())
        #expect(r.settings.map(\.variable) == SettingRegistry.builtInNames
                    + ["THREADS", "STACK", "TRACE", "INLINE_RATIO", "SCRIPT_PATH"])
        #expect(r.settings.filter(\.isRegistered).count == 5)
        let builtIn = r.settings.prefix(SettingRegistry.builtInNames.count)
        #expect(builtIn.allSatisfy { !$0.isRegistered })
        #expect(r.setting("THREADS")?.value == .integer(8))
        #expect(r.setting("THREADS")?.source == .environment(variable: "MYLANG_THREADS"))
        #expect(r.setting("STACK")?.value == .integer(8 << 20))
        #expect(r.setting("TRACE")?.value == .boolean(true))
        #expect(r.setting("INLINE_RATIO")?.value == .number(2.5))
        #expect(r.setting("SCRIPT_PATH")?.value == .text("/srv/a b.lang"))
        #expect(r.configuration.nurserySize == 1 << 20)
        #expect(r.registry.settings.count == 5)
    }

    @Test func registeredSettingsDefaultWhenUnset() throws {
        let r = try HeapConfiguration().resolved(environment: [:], machine: machine, registry: try runtimeRegistry())
        #expect(r.setting("THREADS")?.value == .integer(4))
        #expect(r.setting("THREADS")?.source == .default)
        #expect(r.setting("STACK")?.value == .integer(1 << 20))
        #expect(r.setting("TRACE")?.value == .boolean(false))
        #expect(r.setting("INLINE_RATIO")?.value == .number(1.5))
        #expect(r.setting("SCRIPT_PATH")?.value == SettingValue.none)
        #expect(r.claimed.isEmpty)
    }

    @Test(arguments: [("TENURE_THREADS", "0", "out of range"), ("TENURE_THREADS", "65", "out of range"),
                      ("TENURE_THREADS", "4x", "unexpected \"x\" after the number"),
                      ("TENURE_STACK", "12Q", "unknown unit \"Q\""), ("TENURE_STACK", "2G", "out of range"),
                      ("TENURE_TRACE", "maybe", "not on or off"), ("TENURE_INLINE_RATIO", "5", "out of range"),
                      ("TENURE_INLINE_RATIO", "1e3", "exponent notation is not accepted")])
    func aBadRegisteredValueNamesTheVariable(variable: String, text: String, reason: String) throws {
        let e = try #require(error([variable: text], registry: try runtimeRegistry()))
        #expect(e.setting == variable)
        #expect(e.value == text)
        #expect(e.reason == reason)
        #expect(e.description.hasPrefix("invalid \(variable)=\(text): \(reason); accepted: "))
    }

    @Test func registeredFormsSayWhatTheyAccept() throws {
        let r = try runtimeRegistry()
        let accepted = Dictionary(uniqueKeysWithValues: r.settings.map { ($0.name, $0.accepted) })
        #expect(accepted["THREADS"] == "a whole number from 1 to 64")
        #expect(accepted["STACK"]?.hasPrefix("65536 bytes (64 KiB) to 1073741824 bytes (1 GiB), written as a byte count") == true)
        #expect(accepted["TRACE"]?.contains("on or off") == true)
        #expect(accepted["INLINE_RATIO"]?.hasPrefix("a number from 1.0 to 4.0") == true)
    }

    @Test func aCustomParserSeesTheMachine() throws {
        var registry = SettingRegistry()
        try registry.register(RegisteredSetting(name: "ARENA_SHARE", accepted: "a percentage of available memory",
                                                default: .none) { text, machine throws(SettingSyntaxError) in
            guard case .percentOfAvailable = try SettingSyntax.parseAmount(text) else {
                throw SettingSyntaxError(reason: "not a percentage")
            }
            return .integer(try SettingSyntax.parseAmount(text).bytes(ofAvailable: machine.availableMemory))
        })
        let r = try HeapConfiguration().resolved(environment: ["TENURE_ARENA_SHARE": "25%"], machine: machine, registry: registry)
        #expect(r.setting("ARENA_SHARE")?.value == .integer(2 << 30))
        let e = try #require(error(["TENURE_ARENA_SHARE": "1G"], registry: registry))
        #expect(e.reason == "not a percentage")
        #expect(e.accepted == "a percentage of available memory")
    }

    @Test func registeredNamesAreSuggested() throws {
        let e = try #require(error(["TENURE_THREDS": "8"], registry: try runtimeRegistry()))
        #expect(e.reason == "unknown setting (did you mean TENURE_THREADS?)")
        #expect(e.accepted.contains("TENURE_THREADS"))
        #expect(e.accepted.contains("TENURE_HOME"))
        #expect(e.accepted.hasSuffix(", and any name beginning TENURE_OPT_"))
    }

    // MARK: Claims

    @Test func claimedNamesAreLeftToTheRuntimeAndListed() throws {
        let environment = ["TENURE_HOME": "/opt/lang", "TENURE_OPT_LEVEL": "3", "TENURE_OPT_": "x", "TENURE_GC_DEBUG": "1"]
        let r = try HeapConfiguration().resolved(environment: environment, machine: machine, registry: try runtimeRegistry())
        #expect(r.claimed == ["TENURE_HOME": "/opt/lang", "TENURE_OPT_LEVEL": "3", "TENURE_OPT_": "x"])
        #expect(r.configuration.debugLevel == 1)
        #expect(r.setting("HOME") == nil)
        #expect(r.registry.claimedNames == ["HOME"])
        #expect(r.registry.claimedPrefixes == ["OPT_"])
        // A name near a claimed prefix but outside it is still refused.
        #expect(error(["TENURE_OPT": "3"], registry: try runtimeRegistry())?.setting == "TENURE_OPT")
    }

    @Test func theClaimedNamesParameterKeepsTheShortForm() throws {
        let environment = ["MYLANG_HOME": "/opt/lang", "MYLANG_X_Y": "2", "MYLANG_GC_NURSERY": "2M"]
        let r = try HeapConfiguration().resolved(environment: environment, prefix: "MYLANG_", machine: machine,
                                                 claimedNames: ["HOME"], claimedPrefixes: ["X_"])
        #expect(r.claimed == ["MYLANG_HOME": "/opt/lang", "MYLANG_X_Y": "2"])
        #expect(r.configuration.nurserySize == 2 << 20)
        // Not claimed: refused although the runtime claims others.
        let unclaimed = ["MYLANG_HOME": "/opt/lang", "MYLANG_HOMEDIR": "/opt"]
        #expect(throws: ConfigurationError.self) {
            _ = try HeapConfiguration().resolved(environment: unclaimed, prefix: "MYLANG_", machine: machine, claimedNames: ["HOME"])
        }
    }

    @Test(arguments: ["G", "GC", "GC_", "GC_X", "J", "JIT_", "JIT_LOOP", "L", "LO", "", "A-B", "É"])
    func aPrefixThatWouldHideTheCollectorsNamesIsRefused(prefix: String) {
        var r = SettingRegistry()
        #expect(throws: ConfigurationError.self, "\(prefix)") { try r.claim(prefix: prefix) }
        #expect(r.claimedPrefixes.isEmpty)
    }

    @Test func registrationsThatClashAreRefused() throws {
        var r = try runtimeRegistry()
        for name in ["GC_NURSERY", "LOG", "THREADS", "HOME", "OPT_LEVEL", "", "A B", "Ä"] {
            #expect(throws: ConfigurationError.self, "register \(name)") { try r.register(.count(name, default: 1, range: 0...9)) }
        }
        for name in ["GC_FOO", "JIT_BAR", "THREADS", "HOME", "OPT_X", "STACK"] {
            #expect(throws: ConfigurationError.self, "claim \(name)") { try r.claim(name) }
        }
        #expect(throws: ConfigurationError.self) { try r.claim(prefix: "OPT_") }        // claimed already
        #expect(throws: ConfigurationError.self) { try r.claim(prefix: "THR") }         // covers THREADS
        #expect(throws: ConfigurationError.self) { try r.claim(prefix: "HO") }          // covers HOME
        #expect(r.settings.count == 5 && r.claimedNames == ["HOME"] && r.claimedPrefixes == ["OPT_"])
        // A module of this package may register under GC_ and JIT_.
        try r.register(.count("JIT_TRACE_LIMIT", default: 6000, range: 1...1_000_000))
        let resolved = try HeapConfiguration().resolved(environment: ["TENURE_JIT_TRACE_LIMIT": "100"], machine: machine,
                                                        registry: r)
        #expect(resolved.setting("JIT_TRACE_LIMIT")?.value == .integer(100))
        #expect(throws: ConfigurationError.self) {
            _ = try SettingRegistry(claimedNames: ["HOME"], claimedPrefixes: ["GC_"])
        }
    }

    @Test func theErrorOfARefusedClaimReads() throws {
        var r = SettingRegistry()
        do {
            try r.claim(prefix: "GC")
            Issue.record("claimed GC")
        } catch {
            #expect(error.description.hasPrefix("invalid claimed prefix=GC: overlaps the collector's GC_ names; accepted: "))
        }
    }

    // MARK: The report

    @Test func theReportShowsRegisteredSettingsAndClaims() throws {
        let environment = ["TENURE_THREADS": "8", "TENURE_HOME": "/opt/lang", "TENURE_OPT_LEVEL": "3"]
        let r = try HeapConfiguration().resolved(environment: environment, machine: machine, registry: try runtimeRegistry())
        let report = r.report
        let settingsEnd = try #require(report.firstIndex { $0.hasPrefix("claimed") })
        let rows = report[1..<settingsEnd]
        #expect(rows.count == SettingRegistry.builtInNames.count + 5)
        let threads = try #require(rows.first { $0.hasPrefix("  TENURE_THREADS ") })
        #expect(threads.contains(" 8 "))
        #expect(threads.hasSuffix("environment (TENURE_THREADS); registered"))
        let stack = try #require(rows.first { $0.hasPrefix("  TENURE_STACK ") })
        #expect(stack.hasSuffix("default; registered"))
        #expect(rows.last?.hasPrefix("  TENURE_SCRIPT_PATH ") == true)
        #expect(report[settingsEnd] == "claimed by the runtime (not read by Tenure): TENURE_HOME, TENURE_OPT_*")
        #expect(report[settingsEnd + 1] == "  TENURE_HOME=/opt/lang")
        #expect(report[settingsEnd + 2] == "  TENURE_OPT_LEVEL=3")
        #expect(report[settingsEnd + 3] == "machine:")

        // Without a registry: the collector's settings, then the machine.
        let plain = try HeapConfiguration().resolved(environment: [:], machine: machine).report
        #expect(plain[0] == "settings (value, source):")
        #expect(plain[SettingRegistry.builtInNames.count + 1] == "machine:")
        #expect(plain[1].hasPrefix("  TENURE_GC_NURSERY ") && plain[1].contains("4194304 (4 MiB)"))
        #expect(!plain.contains { $0.contains("registered") || $0.contains("claimed") })
    }

    @Test func editDistance() {
        func d(_ a: String, _ b: String) -> Int { SettingRegistry.editDistance(Array(a.utf8), Array(b.utf8)) }
        #expect(d("", "") == 0 && d("", "ab") == 2 && d("ab", "") == 2)
        #expect(d("LOGG", "LOG") == 1 && d("GC_NURSRY", "GC_NURSERY") == 1 && d("kitten", "sitting") == 3)
        #expect(d("NURSERY", "GC_NURSERY") == 3)
    }
}
