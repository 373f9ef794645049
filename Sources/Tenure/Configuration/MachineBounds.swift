// The sizes a machine can give, checked when a configuration is resolved.
//
// `HeapConfiguration.validate()` knows nothing of the machine: it refuses
// what no machine could run (a nursery of 2 TiB, a factor of 1.0). Some
// values pass that and still fail later on the machine at hand: a nursery of
// 1 TiB on a 16 GiB machine fails at the first heap with "out of memory" and
// no setting named; a minimum heap larger than the memory means no major
// collection ever runs and the process grows until the kernel or the
// cgroup kills it. `validate(for:)` bounds those by the machine's available
// memory (the smaller of RAM and the cgroup limit), so that resolution fails
// at start-up naming the variable, the value and the range. A maximum heap
// or max delta above the available memory fails nothing (the limit is never
// reached, the delta never used up) and is only noted in `tenure info`.
// The bounds take a `MachineFacts`, so they are `@_spi(Machine)` with it;
// resolution applies them to this machine without one.

extension HeapConfiguration {
    /// The largest nursery `machine` can give: half its available memory (but
    /// never less than the smallest default, 256 KiB), and at most 1 TiB. The
    /// nursery is mapped and zeroed whole, and its survivors need room in the
    /// old generation beside it.
    @_spi(Machine) public static func largestNurserySize(for machine: MachineFacts) -> Int {
        min(1 << 40, max(machine.availableMemory / 2, 256 << 10))
    }

    /// The largest minimum heap `machine` can give: its available memory. No
    /// major collection runs before the old generation reaches the minimum
    /// heap, so a larger one lets the process grow until it is killed.
    @_spi(Machine) public static func largestMinimumHeapSize(for machine: MachineFacts) -> Int {
        machine.availableMemory
    }

    /// Checks every field as `validate()` does, and the sizes against what
    /// `machine` can give (`largestNurserySize(for:)`, `largestMinimumHeapSize(for:)`).
    /// The error names the field, the value and the accepted range.
    @_spi(Machine) public func validate(for machine: MachineFacts) throws(ConfigurationError) {
        let largestNursery = HeapConfiguration.largestNurserySize(for: machine)
        if nurserySize > largestNursery && nurserySize >= 64 {
            throw ConfigurationError(
                setting: "nurserySize", value: "\(nurserySize)",
                accepted: "64 bytes up to half the available memory and at most 1 TiB, here "
                    + ByteCount.describe(largestNursery))
        }
        if let m = maximumNurserySize, m > largestNursery && m > nurserySize {
            throw ConfigurationError(
                setting: "maximumNurserySize", value: "\(m)",
                accepted: "the nursery size up to half the available memory and at most 1 TiB, here "
                    + ByteCount.describe(largestNursery))
        }
        let largestMinimum = HeapConfiguration.largestMinimumHeapSize(for: machine)
        if let m = minimumHeapSize, m > largestMinimum {
            throw ConfigurationError(
                setting: "minimumHeapSize", value: "\(m)",
                accepted: "0 bytes up to the available memory, here " + ByteCount.describe(largestMinimum))
        }
        try validate()
    }

    /// A note for a limit above what `machine` can give: it is never reached.
    static func noteAboveAvailable(_ bytes: Int?, _ machine: MachineFacts, _ what: String) -> String? {
        guard let bytes, bytes > machine.availableMemory else { return nil }
        return "above the available memory (\(ByteCount.describe(machine.availableMemory))): \(what)"
    }
}

/// Byte counts in messages.
enum ByteCount {
    /// "12616466432 bytes (11.7 GiB)"; "512 bytes" below 1 KiB.
    static func describe(_ bytes: Int) -> String {
        let units = [(1 << 40, "TiB"), (1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        for (scale, name) in units where bytes >= scale {
            // One decimal, truncated, and none when it is .0.
            let tenths = Int((Double(bytes) / Double(scale) * 10).rounded(.down))
            let text = tenths % 10 == 0 ? "\(tenths / 10)" : "\(tenths / 10).\(tenths % 10)"
            return "\(bytes) bytes (\(text) \(name))"
        }
        return "\(bytes) bytes"
    }
}
