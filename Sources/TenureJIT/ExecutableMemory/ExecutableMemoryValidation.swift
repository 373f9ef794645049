// The executable-memory allocator checking itself: a snapshot of every
// chunk and the list of broken invariants (free ranges sorted and disjoint,
// live blocks inside their chunks, the byte counters equal to what the chunks
// hold). The allocator's tests call it after every step of their random
// sequences; it reads the allocator's state and changes nothing.
import Tenure

extension ExecutableMemory {

    /// What a chunk looks like: its views, size and free ranges.
    struct ChunkSnapshot {
        let writable: UInt
        let executable: UInt
        let size: Int
        let dedicated: Bool
        let free: [(offset: Int, length: Int)]
    }

    /// Every mapped chunk, in mapping order.
    var chunkSnapshots: [ChunkSnapshot] {
        chunks.map {
            ChunkSnapshot(
                writable: UInt(bitPattern: $0.writable), executable: UInt(bitPattern: $0.executable),
                size: $0.size, dedicated: $0.dedicated, free: $0.free.map { ($0.offset, $0.length) })
        }
    }

    /// Broken invariants, each as a sentence; empty when the allocator is consistent.
    func validate() -> [String] {
        var problems: [String] = []
        var blocksByChunk: [ObjectIdentifier: [LiveBlock]] = [:]
        for record in live.values { blocksByChunk[ObjectIdentifier(record.chunk), default: []].append(record) }
        var used = 0, mapped = 0, empty = 0, blocks = 0
        for (index, chunk) in chunks.enumerated() {
            mapped += chunk.size
            var ranges = chunk.free.map { (offset: $0.offset, length: $0.length, isFree: true) }
            var sum = 0
            for (i, range) in chunk.free.enumerated() {
                sum += range.length
                if range.length <= 0 || range.offset < 0 || range.offset + range.length > chunk.size {
                    problems.append("chunk \(index): free range \(range) out of bounds")
                }
                if range.offset % Self.blockAlignment != 0 || range.length % Self.blockAlignment != 0 {
                    problems.append("chunk \(index): free range \(range) not 64-byte aligned")
                }
                if i > 0 {
                    let previous = chunk.free[i - 1]
                    if previous.offset + previous.length > range.offset { problems.append("chunk \(index): free ranges unordered or overlapping at \(range.offset)") }
                    if previous.offset + previous.length == range.offset { problems.append("chunk \(index): free ranges not coalesced at \(range.offset)") }
                }
            }
            if sum != chunk.freeBytes { problems.append("chunk \(index): free bytes \(chunk.freeBytes) but free ranges sum to \(sum)") }
            let records = blocksByChunk[ObjectIdentifier(chunk)] ?? []
            blocks += records.count
            for record in records {
                used += record.size
                ranges.append((record.offset, record.size, false))
            }
            ranges.sort { $0.offset < $1.offset }
            var end = 0
            for range in ranges {
                if range.offset != end { problems.append("chunk \(index): gap or overlap at offset \(range.offset) (expected \(end))") }
                end = range.offset + range.length
            }
            if end != chunk.size { problems.append("chunk \(index): blocks and free ranges cover \(end) of \(chunk.size) bytes") }
            if chunk.dedicated && records.count != 1 { problems.append("chunk \(index): a big block's chunk holds \(records.count) blocks") }
            if !chunk.dedicated && records.isEmpty { empty += 1 }
        }
        if blocks != live.count { problems.append("\(live.count) live blocks but \(blocks) found in chunks") }
        if used != usedBytes { problems.append("used bytes \(usedBytes) but live blocks sum to \(used)") }
        if mapped != mappedBytes { problems.append("mapped bytes \(mappedBytes) but chunks sum to \(mapped)") }
        if empty != emptyChunks { problems.append("\(emptyChunks) empty chunks counted but \(empty) found") }
        if emptyChunks > keepSpareChunks { problems.append("\(emptyChunks) empty chunks kept, more than \(keepSpareChunks)") }
        if peakUsedBytes < usedBytes || peakMappedBytes < mappedBytes { problems.append("a peak is below its current value") }
        return problems
    }
}
