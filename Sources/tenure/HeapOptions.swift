// Heap settings a workload run can be given on the command line.
//
// Only the Tenure variants use them. The command line plays the embedding
// runtime's code: an option given here wins over the TENURE_* environment
// variable of the same knob, and knobs given neither way come from the
// environment or the machine (`HeapConfiguration.resolved`), with
// TenureJIT's settings and log categories registered (the JIT workloads read
// TENURE_JIT_LOOP_LONGEVITY from the result). Values use the same syntax as
// the environment (64M, 1.5GiB, 1.82), and a bad value or a bad environment
// variable ends the run with a message naming it and what is accepted (exit
// status 2).
import ArgumentParser
@_spi(Configuration) import Tenure
import TenureJIT

/// `--nursery-size` and the other heap settings of `tenure run`.
struct HeapOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Nursery size of the Tenure heap, e.g. 4M or 64MiB (default: TENURE_GC_NURSERY, else derived).",
        valueName: "bytes"))
    var nurserySize: String?

    @Option(name: .long, help: ArgumentHelp(
        "No major collection before the old generation holds this much, e.g. 256M (default: 8 x nursery).",
        valueName: "bytes"))
    var minimumHeapSize: String?

    @Option(name: .long, help: ArgumentHelp(
        "The next major collection starts at this factor times the bytes that survived the last (default 1.82).",
        valueName: "factor"))
    var majorCollectFactor: String?

    @Option(name: .long, help: ArgumentHelp(
        "Verification level of the Tenure heap: 0 none, 1 around major collections, 2 also around minor ones.",
        valueName: "level"))
    var debugLevel: Int?

    /// The settings the options assign, as code would.
    func requestedConfiguration() throws(ValidationError) -> HeapConfiguration {
        var configuration = HeapConfiguration()
        func parse<T>(_ option: String, _ text: String, accepted: String,
                      _ parser: (String) throws(SettingSyntaxError) -> T) throws(ValidationError) -> T {
            do {
                return try parser(text)
            } catch {
                throw ValidationError(ConfigurationError(setting: option, value: text, accepted: accepted, reason: error.reason).description)
            }
        }
        if let nurserySize {
            configuration.nurserySize = try parse("--nursery-size", nurserySize, accepted: SettingSyntax.sizeForm, SettingSyntax.parseSize)
        }
        if let minimumHeapSize {
            configuration.minimumHeapSize = try parse("--minimum-heap-size", minimumHeapSize, accepted: SettingSyntax.sizeForm,
                                                      SettingSyntax.parseSize)
        }
        if let majorCollectFactor {
            configuration.majorCollectFactor = try parse("--major-collect-factor", majorCollectFactor,
                                                         accepted: SettingSyntax.factorForm, SettingSyntax.parseFactor)
        }
        if let debugLevel { configuration.debugLevel = debugLevel }
        return configuration
    }

    /// The option that sets each field, to name it in errors.
    static let optionNames = ["nurserySize": "--nursery-size", "minimumHeapSize": "--minimum-heap-size",
                              "majorCollectFactor": "--major-collect-factor", "debugLevel": "--debug-level"]

    /// The configuration in force: the options, then the environment, then the machine.
    /// Resolved when the command runs, so a bad environment value is reported without usage.
    func resolved() throws(ValidationError) -> ResolvedConfiguration {
        let requested = try requestedConfiguration()
        do {
            return try requested.resolved(environment: HeapConfiguration.processEnvironment, registry: JITHost.registry)
        } catch {
            if let option = HeapOptions.optionNames[error.setting] {
                throw ValidationError(ConfigurationError(setting: option, value: error.value, accepted: error.accepted,
                                                         reason: error.reason).description)
            }
            throw ValidationError(error.description)
        }
    }

    /// The configuration a heap is created with.
    var configuration: HeapConfiguration {
        get throws { try resolved().configuration }
    }

    func validate() throws {
        _ = try requestedConfiguration()
    }
}
