// Tests of ExecutableMemory, the W^X code allocator, in both of its modes.
//
// Code is tiny x86-64 functions written as bytes and called through the
// executable view (on other architectures those checks are skipped); W^X and
// the return of memory are checked against the kernel's own account in
// /proc/self/maps; a seeded random allocate/free sequence is checked against a
// model for overlap, contents, statistics and the final return of memory.
// The suite is serialized so that no other allocator of this suite maps or
// unmaps code while a test reads /proc/self/maps.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
import SeededRandom
@testable import TenureJIT

/// mov rax, rdi; add rax, rsi; ret
private let addCode: [UInt8] = [0x48, 0x89, 0xF8, 0x48, 0x01, 0xF0, 0xC3]
/// mov rax, rdi; sub rax, rsi; ret
private let subCode: [UInt8] = [0x48, 0x89, 0xF8, 0x48, 0x29, 0xF0, 0xC3]
/// mov rax, rdi; imul rax, rsi; ret
private let mulCode: [UInt8] = [0x48, 0x89, 0xF8, 0x48, 0x0F, 0xAF, 0xC6, 0xC3]

private typealias BinaryFunction = @convention(c) (Int, Int) -> Int

/// Calls the two-argument function whose code starts `offset` bytes into `block`.
private func call(_ block: CodeBlock, at offset: Int = 0, _ a: Int, _ b: Int) -> Int {
    unsafeBitCast(block.entry + offset, to: BinaryFunction.self)(a, b)
}

/// A line of /proc/self/maps.
private struct Mapping: CustomStringConvertible {
    let start: UInt
    let end: UInt
    let permissions: String
    let path: String
    var writableAndExecutable: Bool { permissions.contains("w") && permissions.contains("x") }
    var description: String { "\(String(start, radix: 16))-\(String(end, radix: 16)) \(permissions) \(path)" }
    func overlaps(_ address: UInt, _ size: Int) -> Bool { start < address + UInt(size) && address < end }
}

/// The process's mappings, as the kernel tells them.
private func mappings() -> [Mapping] {
    return processMaps().split(separator: "\n").compactMap { line in
        let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
        guard fields.count >= 5 else { return nil }
        let range = fields[0].split(separator: "-")
        guard range.count == 2, let start = UInt(range[0], radix: 16), let end = UInt(range[1], radix: 16) else { return nil }
        let path = fields.count > 5 ? fields[5].trimmingPrefix(while: { $0 == " " }) : ""
        return Mapping(start: start, end: end, permissions: String(fields[1]), path: String(path))
    }
}

/// Checks that `[address, address + size)` is wholly mapped with permissions starting with `prefix`.
private func expectMapped(_ maps: [Mapping], _ address: UInt, _ size: Int, as prefix: String, _ what: String) {
    let covering = maps.filter { $0.overlaps(address, size) }.sorted { $0.start < $1.start }
    var next = address
    for mapping in covering {
        #expect(mapping.start <= next, "\(what): hole at \(String(next, radix: 16))")
        #expect(mapping.permissions.hasPrefix(prefix), "\(what): \(mapping) is not \(prefix)")
        next = max(next, mapping.end)
    }
    #expect(next >= address + UInt(size), "\(what): \(String(address, radix: 16))+\(size) not wholly mapped: \(covering)")
}

/// Checks W^X process-wide and that every chunk's views have the expected protections.
private func expectWXorX(_ memory: ExecutableMemory, codeWrittenEverywhere: Bool = true) {
    let maps = mappings()
    let offending = maps.filter(\.writableAndExecutable)
    #expect(offending.isEmpty, "writable and executable mappings: \(offending)")
    for chunk in memory.chunkSnapshots {
        switch memory.mode {
        case .dualMapping:
            expectMapped(maps, chunk.executable, chunk.size, as: "r-x", "executable view")
            expectMapped(maps, chunk.writable, chunk.size, as: "rw-", "writable view")
            #expect(chunk.executable != chunk.writable)
        case .protectionFlipping:
            #expect(chunk.executable == chunk.writable)
            if codeWrittenEverywhere {
                expectMapped(maps, chunk.executable, chunk.size, as: "r-x", "flipped chunk")
            }
        }
    }
}

/// A pattern of `size` bytes determined by `tag`.
private func pattern(_ tag: UInt8, _ size: Int) -> [UInt8] {
    [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
        for i in 0..<size { buffer[i] = UInt8(truncatingIfNeeded: Int(tag) &+ i &* 7 &+ (i >> 8)) }
        count = size
    }
}

/// Whether the memory at `address` holds `bytes`.
private func holds(_ address: UInt, _ bytes: [UInt8]) -> Bool {
    bytes.withUnsafeBytes { memcmp(UnsafeRawPointer(bitPattern: address)!, $0.baseAddress!, bytes.count) == 0 }
}

private let page = ExecutableMemory.pageSize

private func roundUp(_ n: Int, _ to: Int) -> Int { (n + to - 1) / to * to }

/// The JITError thrown by `body`, or nil when it throws none.
private func jitError(_ body: () throws -> Void) -> JITError? {
    do { try body(); return nil } catch { return error as? JITError }
}

private func isInvalidArgument(_ error: JITError?, mentioning text: String) -> Bool {
    if case let .invalidArgument(message) = error { return message.contains(text) }
    return false
}

/// The random-sequence configurations.
struct RandomRun: Sendable, CustomTestStringConvertible {
    let flip: Bool
    let chunkSize: Int
    let keepSpareChunks: Int
    let seed: UInt64
    var testDescription: String {
        "\(flip ? "flipping" : "dual"), chunk \(chunkSize), keep \(keepSpareChunks), seed \(seed)"
    }
    static let all: [RandomRun] = [
        RandomRun(flip: false, chunkSize: 256 << 10, keepSpareChunks: 1, seed: 1),
        RandomRun(flip: false, chunkSize: 8 << 10, keepSpareChunks: 0, seed: 2),
        RandomRun(flip: true, chunkSize: 256 << 10, keepSpareChunks: 1, seed: 3),
        RandomRun(flip: true, chunkSize: 8 << 10, keepSpareChunks: 2, seed: 4),
    ]
}

@Suite(.serialized) struct ExecutableMemoryTests {
    @Test func modes() throws {
        let dual = try ExecutableMemory()
        #expect(dual.mode == .dualMapping, "fell back: \(dual.fallbackReason ?? "")")
        #expect(dual.fallbackReason == nil)
        #expect(dual.chunkSize == 256 << 10 && dual.keepSpareChunks == 1)
        let flipping = try ExecutableMemory(forceProtectionFlipping: true)
        #expect(flipping.mode == .protectionFlipping)
        #expect(flipping.fallbackReason == nil)
        #expect(dual.statistics == ExecutableMemoryStatistics(
            mappedBytes: 0, usedBytes: 0, peakUsedBytes: 0, peakMappedBytes: 0, chunkCount: 0, liveBlocks: 0))
    }

    @Test(arguments: [false, true]) func writtenCodeRuns(flip: Bool) throws {
        let memory = try ExecutableMemory(forceProtectionFlipping: flip)
        let add = try memory.allocate(addCode.count)
        let sub = try memory.allocate(subCode.count)
        let mul = try memory.allocate(mulCode.count)
        #expect(add.size == 64 && sub.size == 64 && mul.size == 64)
        for block in [add, sub, mul] { #expect(block.executableAddress % 64 == 0) }
        try memory.write(addCode, into: add)
        try memory.write(subCode, into: sub)
        // In two pieces, the second at an offset.
        try memory.write(Array(mulCode[0..<3]), into: mul)
        try memory.write(Array(mulCode[3...]), into: mul, at: 3)
        #expect(memory.isLive(add) && memory.isLive(sub) && memory.isLive(mul))
        #if arch(x86_64)
        #expect(call(add, 2, 40) == 42)
        #expect(call(sub, 2, 40) == -38)
        #expect(call(mul, 6, 7) == 42)
        // Patch code that has run: the executable view sees the new bytes at once.
        try memory.write(mulCode, into: add)
        #expect(call(add, 5, 5) == 25)
        #expect(call(sub, 50, 8) == 42)
        #endif
        expectWXorX(memory)
        #expect(memory.validate() == [])
    }

    @Test(arguments: [false, true]) func noMappingIsWritableAndExecutable(flip: Bool) throws {
        let memory = try ExecutableMemory(chunkSize: 16 << 10, forceProtectionFlipping: flip)
        var blocks: [CodeBlock] = []
        for size in [1, 64, 65, 500, 4096, 10_000, 20_000, 7, 3000] {
            let block = try memory.allocate(size)
            try memory.write(addCode, into: block)
            blocks.append(block)
        }
        #expect(memory.statistics.chunkCount >= 3)
        expectWXorX(memory)
        #if arch(x86_64)
        for block in blocks { #expect(call(block, 20, 22) == 42) }
        #endif
        // Rewrites (page flips in the fallback) leave everything W^X as well.
        for block in blocks { try memory.write(subCode, into: block) }
        expectWXorX(memory)
        #if arch(x86_64)
        for block in blocks { #expect(call(block, 50, 8) == 42) }
        #endif
    }

    @Test(arguments: [false, true]) func viewsHoldTheSameBytes(flip: Bool) throws {
        let memory = try ExecutableMemory(forceProtectionFlipping: flip)
        let block = try memory.allocate(3000)
        #expect(block.size == 3008)
        let bytes = pattern(9, block.size)
        try memory.write(bytes, into: block)
        #expect(holds(block.executableAddress, bytes))
        #expect(holds(block.writableAddress, bytes))
        switch memory.mode {
        case .dualMapping:
            #expect(block.writableAddress != block.executableAddress)
            // A store through the writable view is what the executable view reads: one memory.
            UnsafeMutableRawPointer(bitPattern: block.writableAddress)!.storeBytes(of: 0xAB, toByteOffset: 100, as: UInt8.self)
            #expect(block.entry.load(fromByteOffset: 100, as: UInt8.self) == 0xAB)
        case .protectionFlipping:
            #expect(block.writableAddress == block.executableAddress)
        }
    }

    @Test(arguments: [(false, 0), (false, 1), (true, 0), (true, 1)])
    func freeingCoalescesWithBothNeighbours(flip: Bool, keep: Int) throws {
        let chunk = 64 << 10
        let memory = try ExecutableMemory(chunkSize: chunk, keepSpareChunks: keep, forceProtectionFlipping: flip)
        let a = try memory.allocate(1000), b = try memory.allocate(1000), c = try memory.allocate(1000)
        #expect(b.executableAddress == a.executableAddress + 1024)
        #expect(c.executableAddress == b.executableAddress + 1024)
        for block in [a, b, c] { try memory.write(addCode, into: block) }
        #expect(memory.chunkSnapshots.map { $0.free.map(\.offset) } == [[3072]])
        #expect(memory.statistics.usedBytes == 3072 && memory.statistics.liveBlocks == 3)

        try memory.free(b)
        #expect(memory.chunkSnapshots[0].free.map { [$0.offset, $0.length] } == [[1024, 1024], [3072, chunk - 3072]])
        try memory.free(a)
        #expect(memory.chunkSnapshots[0].free.map { [$0.offset, $0.length] } == [[0, 2048], [3072, chunk - 3072]])
        #if arch(x86_64)
        #expect(call(c, 1, 2) == 3)
        #endif
        try memory.free(c)
        let stats = memory.statistics
        #expect(stats.usedBytes == 0 && stats.liveBlocks == 0)
        #expect(stats.peakUsedBytes == 3072 && stats.peakMappedBytes == chunk)
        if keep == 0 {
            #expect(stats.chunkCount == 0 && stats.mappedBytes == 0)
        } else {
            #expect(stats.chunkCount == 1 && stats.mappedBytes == chunk)
            #expect(memory.chunkSnapshots[0].free.map { [$0.offset, $0.length] } == [[0, chunk]])
            // The spare is reused: the next block starts where `a` did.
            let d = try memory.allocate(3000)
            #expect(d.executableAddress == a.executableAddress)
            #expect(memory.statistics.peakMappedBytes == chunk)
        }
        #expect(memory.validate() == [])
    }

    @Test func firstFitTakesTheLowestHoleThatFits() throws {
        let memory = try ExecutableMemory(chunkSize: 64 << 10)
        let blocks = try (0..<6).map { _ throws(JITError) in try memory.allocate(128) }
        try memory.free(blocks[1])  // a 128-byte hole
        try memory.free(blocks[3]); try memory.free(blocks[4])  // a 256-byte hole
        let big = try memory.allocate(200)
        #expect(big.executableAddress == blocks[3].executableAddress)
        let small = try memory.allocate(64)
        #expect(small.executableAddress == blocks[1].executableAddress)
        let rest = try memory.allocate(64)
        #expect(rest.executableAddress == blocks[1].executableAddress + 64)
        #expect(memory.validate() == [])
    }

    @Test(arguments: [0, 1, 2]) func emptyChunksGoBackBeyondTheSpareAllowance(keep: Int) throws {
        let chunk = 16 << 10
        let memory = try ExecutableMemory(chunkSize: chunk, keepSpareChunks: keep)
        let blocks = try (0..<4).map { _ throws(JITError) in try memory.allocate(chunk) }
        #expect(memory.statistics.chunkCount == 4 && memory.statistics.mappedBytes == 4 * chunk)
        for block in blocks { try memory.free(block) }
        #expect(memory.statistics.chunkCount == keep)
        #expect(memory.statistics.mappedBytes == keep * chunk)
        #expect(memory.statistics.peakMappedBytes == 4 * chunk)
        // Spares are used before anything new is mapped.
        for _ in 0..<keep { _ = try memory.allocate(100) }
        #expect(memory.statistics.chunkCount == keep)
        #expect(memory.validate() == [])
    }

    @Test(arguments: [false, true]) func bigBlocksGetChunksOfTheirOwn(flip: Bool) throws {
        let chunk = 64 << 10
        let memory = try ExecutableMemory(chunkSize: chunk, keepSpareChunks: 1, forceProtectionFlipping: flip)
        let small = try memory.allocate(100)
        let big = try memory.allocate(chunk + 1)
        #expect(big.size == chunk + page)
        #expect(memory.statistics.chunkCount == 2)
        #expect(memory.statistics.mappedBytes == chunk + chunk + page)
        #expect(memory.statistics.usedBytes == 128 + chunk + page)
        #expect(memory.chunkSnapshots.map(\.dedicated) == [false, true])
        #expect(memory.chunkSnapshots[1].free.isEmpty)
        // The whole of the big block is executable: code at its start and at its very end.
        try memory.write(addCode, into: big)
        try memory.write(subCode, into: big, at: big.size - subCode.count)
        #expect(jitError { try memory.write(subCode, into: big, at: big.size - subCode.count + 1) } != nil)
        #if arch(x86_64)
        #expect(call(big, 40, 2) == 42)
        #expect(call(big, at: big.size - subCode.count, 44, 2) == 42)
        #endif
        expectWXorX(memory, codeWrittenEverywhere: false)
        // A freed big block's chunk is unmapped, never kept as a spare.
        try memory.free(big)
        #expect(memory.statistics.chunkCount == 1 && memory.statistics.mappedBytes == chunk)
        // A block of exactly the chunk size is an ordinary block in an ordinary chunk.
        let whole = try memory.allocate(chunk)
        #expect(whole.size == chunk)
        #expect(memory.chunkSnapshots.map(\.dedicated) == [false, false])
        try memory.free(whole)  // kept as the spare
        #expect(memory.statistics.chunkCount == 2)
        try memory.free(small)  // beyond the allowance: unmapped
        #expect(memory.statistics.chunkCount == 1 && memory.statistics.mappedBytes == chunk)
        #expect(memory.validate() == [])
    }

    @Test(arguments: [false, true]) func misuseIsRefusedAndChangesNothing(flip: Bool) throws {
        let memory = try ExecutableMemory(forceProtectionFlipping: flip)
        #expect(isInvalidArgument(jitError { _ = try memory.allocate(0) }, mentioning: "at least 1"))
        #expect(isInvalidArgument(jitError { _ = try memory.allocate(-5) }, mentioning: "-5"))

        let keeper = try memory.allocate(64)
        try memory.write(addCode, into: keeper)
        let a = try memory.allocate(100)
        try memory.free(a)
        let before = memory.statistics
        let doubleFree = jitError { try memory.free(a) }
        #expect(isInvalidArgument(doubleFree, mentioning: "not live"), "\(String(describing: doubleFree))")
        #expect(isInvalidArgument(jitError { try memory.write(addCode, into: a) }, mentioning: "not live"))
        #expect(memory.statistics == before)
        #expect(memory.validate() == [])

        // The freed memory is reused; the stale handle must not free or overwrite the new block.
        let b = try memory.allocate(100)
        #expect(b.executableAddress == a.executableAddress)
        #expect(b != a)
        try memory.write(subCode, into: b)
        let stale = jitError { try memory.free(a) }
        #expect(isInvalidArgument(stale, mentioning: "now belongs"), "\(String(describing: stale))")
        #expect(isInvalidArgument(jitError { try memory.write(addCode, into: a) }, mentioning: "now belongs"))
        #expect(memory.isLive(b) && !memory.isLive(a))
        #if arch(x86_64)
        #expect(call(b, 50, 8) == 42)
        #expect(call(keeper, 40, 2) == 42)
        #endif

        // A block of another allocator.
        let other = try ExecutableMemory(forceProtectionFlipping: flip)
        let foreign = try other.allocate(64)
        #expect(isInvalidArgument(jitError { try memory.free(foreign) }, mentioning: "another allocator"))
        #expect(isInvalidArgument(jitError { try memory.write(addCode, into: foreign) }, mentioning: "another allocator"))
        #expect(!memory.isLive(foreign))
        try other.free(foreign)

        // Writes must lie within the block.
        #expect(isInvalidArgument(jitError { try memory.write(pattern(1, 65), into: keeper) }, mentioning: "within"))
        #expect(isInvalidArgument(jitError { try memory.write(addCode, into: keeper, at: -1) }, mentioning: "within"))
        #expect(isInvalidArgument(jitError { try memory.write(addCode, into: keeper, at: 60) }, mentioning: "within"))
        try memory.write([], into: keeper, at: 64)
        #if arch(x86_64)
        #expect(call(keeper, 40, 2) == 42)
        #endif

        try memory.free(b)
        try memory.free(keeper)
        #expect(memory.statistics.liveBlocks == 0 && memory.statistics.usedBytes == 0)
        #expect(memory.validate() == [])
    }

    @Test func badParametersAreRefused() {
        #expect(isInvalidArgument(jitError { _ = try ExecutableMemory(chunkSize: 1000) }, mentioning: "page size"))
        #expect(isInvalidArgument(jitError { _ = try ExecutableMemory(chunkSize: 0) }, mentioning: "page size"))
        #expect(isInvalidArgument(jitError { _ = try ExecutableMemory(keepSpareChunks: -1) }, mentioning: "0 or more"))
    }

    @Test(arguments: [false, true]) func kernelRefusalIsAThrownError(flip: Bool) throws {
        let memory = try ExecutableMemory(forceProtectionFlipping: flip)
        let block = try memory.allocate(64)
        let before = memory.statistics
        let size = 1 << 62
        let error = jitError { _ = try memory.allocate(size) }
        guard case let .executableMemoryUnavailable(message) = error else {
            Issue.record("expected executableMemoryUnavailable, got \(String(describing: error))")
            return
        }
        #expect(message.contains("\(size)") && message.contains("errno"), "\(message)")
        #expect(memory.statistics == before)
        let overflow = jitError { _ = try memory.allocate(Int.max) }
        if case .executableMemoryUnavailable = overflow {} else { Issue.record("allocate(Int.max): \(String(describing: overflow))") }
        #expect(memory.isLive(block))
        #expect(memory.validate() == [])
    }

    @Test(arguments: [false, true]) func deinitUnmapsEverything(flip: Bool) throws {
        weak var weakMemory: ExecutableMemory?
        var ranges: [(address: UInt, size: Int)] = []
        var name = ""
        do {
            let memory = try ExecutableMemory(chunkSize: 64 << 10, keepSpareChunks: 1, forceProtectionFlipping: flip)
            weakMemory = memory
            name = memory.memfdName
            var blocks: [CodeBlock] = []
            for size in [5000, 5000, 70_000, 64 << 10, 100, 30_000, 40_000] {
                let block = try memory.allocate(size)
                try memory.write(addCode, into: block)
                blocks.append(block)
            }
            try memory.free(blocks[3])  // an empty chunk, kept as the spare
            #expect(memory.statistics.chunkCount >= 4)
            for chunk in memory.chunkSnapshots {
                ranges.append((chunk.executable, chunk.size))
                if chunk.writable != chunk.executable { ranges.append((chunk.writable, chunk.size)) }
            }
            let maps = mappings()
            for range in ranges { #expect(maps.contains { $0.overlaps(range.address, range.size) }) }
            if !flip { #expect(maps.contains { $0.path.hasPrefix("/memfd:\(name) ") }) }
        }
        #expect(weakMemory == nil)
        let maps = mappings()
        // No executable anonymous memory is left where the chunks were (a library that a
        // test running in parallel dlopens could land there, hence the path check), and no
        // view of this allocator's memfds at all.
        for range in ranges {
            let left = maps.filter {
                $0.overlaps(range.address, range.size) && $0.permissions.contains("x")
                    && ($0.path.isEmpty || $0.path.hasPrefix("/memfd:\(name) "))
            }
            #expect(left.isEmpty, "still mapped: \(left)")
        }
        #expect(!maps.contains { $0.path.hasPrefix("/memfd:\(name) ") })
    }

    @Test(arguments: RandomRun.all) func randomSequenceMatchesTheModel(run: RandomRun) throws {
        let memory = try ExecutableMemory(
            chunkSize: run.chunkSize, keepSpareChunks: run.keepSpareChunks, forceProtectionFlipping: run.flip)
        var rng = SplitMix64(seed: run.seed)
        var live: [(block: CodeBlock, tag: UInt8)] = []
        var used = 0, peakUsed = 0
        let operations = 6000
        var problems = 0

        func expectedSize(_ size: Int) -> Int {
            size > run.chunkSize ? roundUp(size, page) : roundUp(size, 64)
        }
        func verify(_ entry: (block: CodeBlock, tag: UInt8)) {
            if !holds(entry.block.executableAddress, pattern(entry.tag, entry.block.size)) {
                problems += 1
                Issue.record("contents of \(entry.block) changed")
            }
        }
        func checkStatistics(_ step: Int) {
            let stats = memory.statistics
            let ok = stats.usedBytes == used && stats.liveBlocks == live.count && stats.peakUsedBytes == peakUsed
                && stats.mappedBytes >= used && stats.mappedBytes % page == 0 && stats.peakMappedBytes >= stats.mappedBytes
            if !ok {
                problems += 1
                Issue.record("step \(step): \(stats) but the model has used \(used) (peak \(peakUsed)) by \(live.count) blocks")
            }
        }

        for step in 0..<operations {
            let allocating = live.isEmpty || Double.random(in: 0..<1, using: &rng) < (step < operations / 2 ? 0.6 : 0.4)
            if allocating {
                let size = Int.random(in: 1...9000, using: &rng)
                let block = try memory.allocate(size)
                #expect(block.size == expectedSize(size))
                #expect(block.executableAddress % 64 == 0 && block.writableAddress % 64 == 0)
                let start = block.executableAddress, end = start + UInt(block.size)
                for other in live {
                    let otherStart = other.block.executableAddress, otherEnd = otherStart + UInt(other.block.size)
                    if start < otherEnd && otherStart < end {
                        problems += 1
                        Issue.record("step \(step): \(block) overlaps \(other.block)")
                    }
                }
                let tag = UInt8.random(in: 0...255, using: &rng)
                try memory.write(pattern(tag, block.size), into: block)
                live.append((block, tag))
                used += block.size
                peakUsed = max(peakUsed, used)
            } else {
                let index = Int.random(in: 0..<live.count, using: &rng)
                let entry = live[index]
                verify(entry)
                live.swapAt(index, live.count - 1)
                live.removeLast()
                try memory.free(entry.block)
                used -= entry.block.size
            }
            checkStatistics(step)
            if step % 250 == 249 {
                for entry in live { verify(entry) }
                let broken = memory.validate()
                #expect(broken == [], "step \(step)")
                if step % 1000 == 999 { expectWXorX(memory, codeWrittenEverywhere: false) }
            }
            if problems > 10 { break }
        }
        #expect(memory.statistics.peakUsedBytes > 10 * run.chunkSize / 8)
        for entry in live {
            verify(entry)
            try memory.free(entry.block)
        }
        live.removeAll()
        used = 0
        checkStatistics(operations)
        let stats = memory.statistics
        #expect(stats.mappedBytes <= run.keepSpareChunks * run.chunkSize, "\(stats)")
        #expect(stats.chunkCount <= run.keepSpareChunks)
        #expect(memory.validate() == [])
    }
}
