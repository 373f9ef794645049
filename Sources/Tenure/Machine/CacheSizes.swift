// CPU cache sizes from sysfs.
//
// /proc/cpuinfo has a single "cache size" line, which on x86 is the L3 and
// elsewhere may be anything; sysfs describes every level of cpu0's caches
// (/sys/devices/system/cpu/cpu0/cache/indexN/{level,type,size}). Any level
// may be missing (virtual machines often hide L3; some ARM boards expose
// nothing), so every size is optional and the nursery rule copes with none.

/// The data and unified cache sizes of cpu0, in bytes.
@_spi(Machine) public struct CacheSizes: Sendable, Equatable {
    /// Level 1 data cache.
    public var l1Data: Int?
    /// Level 1 instruction cache.
    public var l1Instruction: Int?
    /// Level 2 (unified or data).
    public var l2: Int?
    /// Level 3 (unified or data).
    public var l3: Int?
    /// Unreadable or garbled entries worth a look.
    public var notes: [String] = []

    static let directory = "/sys/devices/system/cpu/cpu0/cache"

    /// Reads cpu0's caches under `files`.
    public static func read(_ files: SystemFiles) -> CacheSizes {
        var caches = CacheSizes()
        guard let entries = files.list(directory) else {
            caches.notes.append("\(directory): missing (cache sizes unknown)")
            return caches
        }
        for entry in entries where entry.hasPrefix("index") {
            let dir = directory + "/" + entry
            guard let levelText = files.readLine(dir + "/level"), let level = Int(levelText),
                  let type = files.readLine(dir + "/type"),
                  let sizeText = files.readLine(dir + "/size") else {
                caches.notes.append("\(dir): level, type or size missing, ignored")
                continue
            }
            guard let size = parseSize(sizeText) else {
                caches.notes.append("\(dir)/size: not a size (\"\(sizeText.prefix(40))\"), ignored")
                continue
            }
            switch (level, type) {
            case (1, "Data"): caches.l1Data = size
            case (1, "Instruction"): caches.l1Instruction = size
            case (1, "Unified"): caches.l1Data = size; caches.l1Instruction = size
            case (2, "Data"), (2, "Unified"): caches.l2 = size
            case (3, "Data"), (3, "Unified"): caches.l3 = size
            default: break
            }
        }
        return caches
    }

    /// sysfs writes sizes as "32K", "1024K", "8M" or plain bytes.
    static func parseSize(_ text: String) -> Int? {
        var digits = Substring(text)
        var scale = 1
        switch digits.last {
        case "K": scale = 1 << 10; digits = digits.dropLast()
        case "M": scale = 1 << 20; digits = digits.dropLast()
        case "G": scale = 1 << 30; digits = digits.dropLast()
        default: break
        }
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
              let value = Int(digits), value > 0, value <= Int.max / scale else { return nil }
        return value * scale
    }
}
