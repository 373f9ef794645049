// TenureJIT's setting and log categories, registered on the configuration.
//
// The collector no longer knows JIT_LOOP_LONGEVITY, jit-mem or phase:
// TenureJIT registers them, and they must behave as the collector's own
// settings do (read under the runtime's prefix, refused with the variable
// named and what is accepted, suggested for a near miss, reported with
// their source), be refused like any unknown name when not registered, and
// reach the host a runtime makes from the resolved configuration.
import Foundation
import Testing
@_spi(Configuration) import Tenure
import TenureJIT

private func resolutionError(_ environment: [String: String], prefix: String = "TENURE_",
                             registry: SettingRegistry = JITHost.registry) -> ConfigurationError? {
    do {
        _ = try HeapConfiguration().resolved(environment: environment, prefix: prefix, registry: registry)
        return nil
    } catch {
        return error
    }
}

@Suite struct JITSettingsTests {
    @Test func theLoopLongevityIsReportedAfterTheCollectorsSettings() throws {
        let r = try HeapConfiguration().resolved(environment: [:], registry: JITHost.registry)
        #expect(r.settings.map(\.variable) == SettingRegistry.builtInNames + ["JIT_LOOP_LONGEVITY"])
        let s = try #require(r.setting("JIT_LOOP_LONGEVITY"))
        #expect(s.value == .integer(1000) && s.source == .default && s.isRegistered)
        #expect(JITHost.loopLongevity(in: r) == JITHost.defaultLoopLongevity)
        #expect(r.report.contains { $0.hasPrefix("  TENURE_JIT_LOOP_LONGEVITY ") && $0.hasSuffix("default; registered") })
        #expect(!SettingRegistry.builtInNames.contains("JIT_LOOP_LONGEVITY"))
    }

    @Test func theLoopLongevityIsReadUnderThePrefix() throws {
        for prefix in ["TENURE_", "MYLANG_"] {
            let r = try HeapConfiguration().resolved(environment: [prefix + "JIT_LOOP_LONGEVITY": "50"], prefix: prefix,
                                                     registry: JITHost.registry)
            #expect(r.setting("JIT_LOOP_LONGEVITY")?.value == .integer(50))
            #expect(r.setting("JIT_LOOP_LONGEVITY")?.source == .environment(variable: prefix + "JIT_LOOP_LONGEVITY"))
            #expect(JITHost.loopLongevity(in: r) == 50)
        }
        let never = try HeapConfiguration().resolved(environment: ["TENURE_JIT_LOOP_LONGEVITY": "0"], registry: JITHost.registry)
        #expect(JITHost.loopLongevity(in: never) == 0)
    }

    @Test(arguments: [("-3", "negative"), ("soon", nil), ("1.5", nil), ("1099511627777", "out of range")])
    func aBadLoopLongevityNamesTheVariable(text: String, reason: String?) throws {
        let e = try #require(resolutionError(["TENURE_JIT_LOOP_LONGEVITY": text]))
        #expect(e.setting == "TENURE_JIT_LOOP_LONGEVITY")
        #expect(e.value == text)
        if let reason { #expect(e.reason?.hasPrefix(reason) == true, "\(String(describing: e.reason))") }
        #expect(e.accepted == "a whole number of generations from 0 (never free loops) to 2^40")
        #expect(e.description.hasPrefix("invalid TENURE_JIT_LOOP_LONGEVITY=\(text): "))
    }

    @Test func unregisteredTheLoopLongevityIsAnUnknownSetting() throws {
        let e = try #require(resolutionError(["TENURE_JIT_LOOP_LONGEVITY": "50"], registry: SettingRegistry()))
        #expect(e.reason == "unknown setting")
        let r = try HeapConfiguration().resolved(environment: [:])
        #expect(r.setting("JIT_LOOP_LONGEVITY") == nil)
        #expect(JITHost.loopLongevity(in: r) == JITHost.defaultLoopLongevity)
    }

    @Test func aNearMissSuggestsTheLoopLongevity() throws {
        for name in ["TENURE_LOOP_LONGEVITY", "TENURE_JIT_LOOP_LONGEVITI", "TENURE_jit_loop_longevity"] {
            let e = try #require(resolutionError([name: "4"]), "\(name)")
            #expect(e.reason == "unknown setting (did you mean TENURE_JIT_LOOP_LONGEVITY?)", "\(name)")
            #expect(e.accepted.contains("TENURE_JIT_LOOP_LONGEVITY"))
        }
    }

    @Test func registrationsThatClashAreRefused() throws {
        var twice = JITHost.registry
        #expect(throws: ConfigurationError.self) { try JITHost.register(in: &twice) }
        var claimed = JITHost.registry
        #expect(throws: ConfigurationError.self) { try claimed.claim("JIT_LOOP_LONGEVITY") }
        #expect(throws: ConfigurationError.self) { try claimed.claim(prefix: "JIT_") }
        // A runtime's setting of the same name first: the JIT's is refused.
        var runtime = SettingRegistry()
        try runtime.register(.count("JIT_LOOP_LONGEVITY", default: 1, range: 0...9))
        #expect(throws: ConfigurationError.self) { try JITHost.register(in: &runtime) }
        // Its categories are taken too.
        var categories = SettingRegistry()
        try categories.registerLogCategories(["phase"])
        #expect(throws: ConfigurationError.self) { try JITHost.register(in: &categories) }
    }

    @Test func theLogAcceptsTheJITsCategoriesOnlyWhenRegistered() throws {
        for text in ["jit-mem,phase:-", "jit:-", "gc,jit-mem:/tmp/x-%d.log", "*:-"] {
            let r = try HeapConfiguration().resolved(environment: ["TENURE_LOG": text], registry: JITHost.registry)
            #expect(r.configuration.log?.description == text.replacingOccurrences(of: " ", with: ""))
        }
        #expect(JITHost.registry.logCategories == LogSpecification.knownCategories + ["jit-mem", "phase"])
        for text in ["jit-mem:-", "phase:-", "gc,phase:-"] {
            let e = try #require(resolutionError(["TENURE_LOG": text], registry: SettingRegistry()), "\(text)")
            #expect(e.setting == "TENURE_LOG")
            #expect(e.reason?.hasPrefix("unknown category") == true)
            #expect(!e.accepted.contains("jit-mem"))
        }
        let e = try #require(resolutionError(["TENURE_LOG": "jit-memory:-"]))
        #expect(e.accepted.contains("jit-mem, phase"))
    }

    @Test func logCategoriesAreCheckedWhenRegistered() throws {
        for bad in ["", "Phase", "jit mem", "-x", "gc-minor", "a:b", "*"] {
            var r = SettingRegistry()
            #expect(throws: ConfigurationError.self, "\(bad)") { try r.registerLogCategories([bad]) }
            #expect(r.registeredLogCategories.isEmpty)
        }
        var r = SettingRegistry()
        try r.registerLogCategories(["parse", "opt-2"])
        #expect(r.registeredLogCategories == ["parse", "opt-2"])
    }

    @Test func aHostTakesTheResolvedLongevity() throws {
        var c = HeapConfiguration()
        c.nurserySize = 64 << 10
        let resolved = try c.resolved(environment: ["TENURE_JIT_LOOP_LONGEVITY": "7"], registry: JITHost.registry)
        let heap = try Heap(configuration: resolved.configuration)
        let host = try JITHost(heap: heap, settings: resolved)
        #expect(host.loopLongevity == 7)
        let plain = try JITHost(heap: heap)
        #expect(plain.loopLongevity == JITHost.defaultLoopLongevity)
        let given = try JITHost(heap: heap, loopLongevity: 3)
        #expect(given.loopLongevity == 3)
    }

    /// A line logged with `sampleMemory` is followed by a memory line; one without is not.
    @Test func aLineCanAskForAMemorySample() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-jit-phase-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let resolved = try HeapConfiguration().resolved(environment: ["TENURE_LOG": "phase,memory:" + path],
                                                        registry: JITHost.registry)
        do {
            let heap = try Heap(configuration: resolved.configuration)
            heap.log("phase", "name=a event=start", sampleMemory: true)
            heap.log("phase", "name=a event=end")
        }
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map { $0.split(separator: " ") }
        #expect(lines.map { String($0[2]) } == ["phase", "memory", "phase"])
        #expect(lines[1].contains { $0.hasPrefix("rss=") })
    }
}
