// The resident set falls after a peak: PyPy's users' most common complaint
// is that it never does. A structure of more than 200 MiB (small objects in
// arena pages, large objects from mmap and from malloc) is built, measured,
// dropped and collected; the process's RSS must give back most of the peak,
// the heap's arena and large-object figures must fall with it, and doing it
// a second time must not leave more behind than the first.
//
// RSS is a figure of the whole process, and tests run in parallel in one
// process: the measurement runs in a child process of its own (an exit
// test), so no other test's heap is in the figures; the suite is serialized
// too, and the margins are generous (the kept figure may be up to a quarter
// of the peak).
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Tenure

@Suite(.serialized) struct MemoryReturnTests {
    @Test(.disabled(if: Sanitizers.address, "AddressSanitizer quarantines freed memory"))
    func residentSetFallsAfterAPeak() async {
        await #expect(processExitsWith: .success) {
            try MemoryReturnTests.peakAndDrop()
        }
    }

    /// A heap that goes away gives back all it mapped (nursery, shadow stack,
    /// arenas, large objects): twenty heaps in a row leave the address space as it was.
    @Test func teardownUnmapsEverything() async {
        await #expect(processExitsWith: .success) {
            try MemoryReturnTests.heapsComeAndGo()
        }
    }

    static func heapsComeAndGo() throws {
        func oneHeap() throws {
            var c = HeapConfiguration()
            c.nurserySize = 8 << 20
            let heap = try Heap(configuration: c)
            let types = try CommonTypes(heap)
            try heap.withRoots(2) { frame in
                frame[0] = try heap.allocateArray(types.references, count: 20_000)
                for i in 0..<20_000 { heap.storeItem(try heap.node(types, id: i), into: frame[0]!, at: i) }
                frame[1] = try heap.allocateArray(types.words, count: 1 << 18)  // 2 MiB, mapped
                for _ in 0..<50 { _ = try heap.allocateArray(types.bytes, count: 10_000) }  // malloc'd, die young
                _ = try heap.makeWeakReference(to: frame[0])
                _ = heap.addGlobalRoot(frame[1])
                heap.collect()
            }
        }
        try oneHeap()  // let malloc and the runtime settle
        let before = ProcessMemory.virtualBytes()
        for _ in 0..<20 { try oneHeap() }
        let after = ProcessMemory.virtualBytes()
        // One heap maps over 20 MiB; 20 leaked heaps would be 400 MiB.
        #expect(after - before < 16 * mib, "address space grew by \((after - before) / mib) MiB over 20 heaps")
    }

    /// A heap whose creation fails (the kernel refuses the shadow stack's
    /// reservation) leaves nothing behind. (Once broken: the type table and a
    /// prefetch queue were allocated by property initializers before the
    /// mappings, and the `throw`s after a refused `mmap` did not release them,
    /// about 2.7 KB per failed heap.)
    @Test(.disabled(if: Sanitizers.address, "AddressSanitizer quarantines freed memory"))
    func failedCreationLeaksNothing() async {
        await #expect(processExitsWith: .success) {
            var c = HeapConfiguration()
            c.shadowStackCapacity = 1 << 45  // 256 TiB of address space: refused
            func attempt() {
                do {
                    _ = try Heap(configuration: c)
                    Issue.record("a heap with a 256 TiB shadow stack was created")
                } catch {
                    // The kernel's refusal comes with its errno (ENOMEM), named in the message.
                    guard case .outOfMemory(let requested, let errno) = error else {
                        Issue.record("expected outOfMemory, got \(error)")
                        return
                    }
                    #expect(requested == 1 << 48 && errno == ENOMEM, "\(error)")
                    #expect(error.description.contains("errno \(ENOMEM)"), "\(error.description)")
                }
            }
            for _ in 0..<100 { attempt() }
            let before = ProcessMemory.residentBytes()
            for _ in 0..<20_000 { attempt() }
            let grown = ProcessMemory.residentBytes() - before
            #expect(grown < 8 * MemoryReturnTests.mib, "20,000 failed heaps left \(grown / 1024) KiB behind")
        }
    }

    static let mib = 1 << 20

    /// Builds the structure, returns the RSS at its peak.
    static func build(_ heap: Heap, holder: Root) throws -> Int {
        let big = try heap.register(.object("Big", references: 1, words: 30))  // 256 bytes: the largest small class
        let refs = try heap.registerArray(.array("Refs", of: .references))
        let words = try heap.registerArray(.array("Words", of: .raw(itemSize: 8)))
        holder.value = try heap.allocateArray(refs, count: 2000)
        // 820 chunks of 1000 small objects: 205 MiB in arena pages.
        for c in 0..<820 {
            heap.storeItem(try heap.allocateArray(refs, count: 1000), into: holder.object, at: c)
            for i in 0..<1000 {
                let o = try heap.allocate(big)
                o.store(c * 1000 + i, at: ObjectLayout.fieldOffset(1))
                o.store(-1, at: ObjectLayout.fieldOffset(30))  // touch the last word too
                heap.storeItem(o, into: holder.object.loadItem(c)!, at: i)
            }
        }
        // 40 mapped large objects of 1 MiB and 600 malloc'd ones of 40 KiB (24 MiB).
        for k in 0..<40 {
            let a = try heap.allocateArray(words, count: mib / 8)
            a.items.initializeMemory(as: UInt8.self, repeating: 0xA5, count: mib)
            heap.storeItem(a, into: holder.object, at: 1000 + k)
        }
        for k in 0..<600 {
            let a = try heap.allocateArray(words, count: 5000)
            a.items.initializeMemory(as: UInt8.self, repeating: 0x5A, count: 40_000)
            heap.storeItem(a, into: holder.object, at: 1100 + k)
        }
        heap.collect()
        // Spot checks: the structure is all there.
        for c in stride(from: 0, to: 820, by: 41) {
            let chunk = try #require(holder.object.loadItem(c))
            #expect(chunk.loadItem(999)?.load(at: ObjectLayout.fieldOffset(1), as: Int.self) == c * 1000 + 999)
        }
        return ProcessMemory.residentBytes()
    }

    static func peakAndDrop() throws {
        let baseline = ProcessMemory.residentBytes()
        let heap = try Heap()
        let holder = heap.pushRoot(nil)
        var afterDrops: [Int] = []
        var peakDelta = 0
        for round in 0..<2 {
            let peak = try build(heap, holder: holder)
            let stats = heap.statistics
            peakDelta = max(peakDelta, peak - baseline)
            #expect(peak - baseline > 200 * mib, "round \(round): the structure added only \((peak - baseline) / mib) MiB of RSS")
            #expect(stats.arenaBytes >= 205 * mib)
            #expect(stats.largeObjectBytes >= 64 * mib)

            holder.value = nil
            heap.collect()
            let after = ProcessMemory.residentBytes()
            afterDrops.append(after)
            let s = heap.statistics
            #expect(heap.oldGenerationBytes == 0)
            #expect(s.largeObjectBytes == 0)
            // Empty arenas may be kept for the next cycle, up to its threshold: not more.
            #expect(s.arenaBytes <= heap.majorCollectionThreshold,
                    "\(s.arenaBytes / mib) MiB of arenas kept with a threshold of \(heap.majorCollectionThreshold / mib) MiB")
            #expect(s.arenaBytes < stats.arenaBytes / 4)
            #expect(after - baseline < peakDelta / 4,
                    "round \(round): RSS \(baseline / mib) MiB -> peak \(peak / mib) MiB -> \(after / mib) MiB after the drop")
        }
        // The second cycle left no more behind than the first (with 16 MiB of slack).
        #expect(afterDrops[1] <= afterDrops[0] + 16 * mib, "RSS after drops: \(afterDrops.map { $0 / mib }) MiB")
        heap.popRoots()
    }
}
