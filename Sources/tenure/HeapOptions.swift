// Heap settings a workload run can be given on the command line.
//
// Only the Tenure variants use them. Sizes take an optional K, M or G suffix
// (powers of 1024). Settings not given keep `HeapConfiguration`'s defaults;
// the whole configuration is validated by the heap, whose error names the
// setting and what it accepts.
import ArgumentParser
import Tenure

/// A byte count typed as 4194304, 4096K, 64M or 1G.
struct ByteCount: ExpressibleByArgument {
    let bytes: Int

    init?(argument: String) {
        let units: [Character: Int] = ["k": 1 << 10, "m": 1 << 20, "g": 1 << 30]
        var digits = Substring(argument)
        var scale = 1
        if let last = digits.last, let unit = units[Character(last.lowercased())] {
            scale = unit
            digits = digits.dropLast()
        }
        guard let value = Int(digits), value >= 0, value <= Int.max / scale else { return nil }
        bytes = value * scale
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// `--nursery-size` and the other heap settings of `tenure run`.
struct HeapOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "Nursery size of the Tenure heap, e.g. 4M or 64M (default: the heap's own).", valueName: "bytes"))
    var nurserySize: ByteCount?

    @Option(name: .long, help: ArgumentHelp(
        "No major collection before the old generation holds this much, e.g. 256M (default: 8 x nursery).",
        valueName: "bytes"))
    var minimumHeapSize: ByteCount?

    @Option(name: .long, help: ArgumentHelp(
        "The next major collection starts at this factor times the bytes that survived the last (default 1.82).",
        valueName: "factor"))
    var majorCollectFactor: Double?

    @Option(name: .long, help: ArgumentHelp(
        "Verification level of the Tenure heap: 0 none, 1 around major collections, 2 also around minor ones.",
        valueName: "level"))
    var debugLevel: Int?

    /// The configuration these options describe.
    var configuration: HeapConfiguration {
        var configuration = HeapConfiguration()
        if let nurserySize {
            configuration.nurserySize = nurserySize.bytes
            // Keep the young large-object limit within the nursery when it shrinks.
            configuration.youngLargeObjectLimit = min(configuration.youngLargeObjectLimit, nurserySize.bytes)
        }
        if let minimumHeapSize { configuration.minimumHeapSize = minimumHeapSize.bytes }
        if let majorCollectFactor { configuration.majorCollectFactor = majorCollectFactor }
        if let debugLevel { configuration.debugLevel = debugLevel }
        return configuration
    }

    func validate() throws {
        do {
            try configuration.validate()
        } catch {
            throw ValidationError(error.description)
        }
    }
}
