// Collector bugs the model runs found and shrank, kept as regression tests.
// All three broke the maximum heap's bound before allocations learned to
// refuse a promotion that would cross it (AllocationLimits.swift); each test
// says how the old collector went wrong.
import Testing
@_spi(CompiledCode) @testable import Tenure

@Suite struct ModelReproducers {
    /// The maximum heap bounds the old generation to within one nursery
    /// (AllocationLimits.swift, docs/embedding.md). It went further: the
    /// collection that leaves the old generation over the maximum still serves
    /// its allocation from the emptied nursery, and the next allocation's major
    /// collection promotes that object before it finds the heap over the limit
    /// and throws; promoted large objects also count their prefix and cards.
    /// Here: a 4 KiB nursery, an 8 KiB maximum, arrays of 4016 bytes kept in
    /// roots. The fourth array's collection takes the old generation to 12120
    /// bytes (over the maximum, within one nursery), the fourth array is served
    /// from the nursery, and the fifth allocation's major collection promotes it:
    /// 16160 bytes, 3872 over the maximum plus one nursery (12288), before
    /// heapLimitExceeded. Found by ModelBasedTests/randomLayout (seed 62000194)
    /// and twoHeaps (seeds 231000703, 309000937).
    @Test
    func theOldGenerationStaysWithinTheMaximumPlusOneNursery() throws {
        var c = HeapConfiguration()
        c.nurserySize = 4096
        c.youngLargeObjectLimit = 4096
        c.maximumHeapSize = 8192
        c.debugLevel = 1
        let heap = try Heap(configuration: c)
        let refs = try heap.registerArray(.array("Refs", of: .references))
        var most = 0
        var refused = 0
        try heap.withRoots(8) { frame in
            for i in 0..<8 {
                do {
                    frame[i] = try heap.allocateArray(refs, count: 500)
                } catch HeapError.heapLimitExceeded {
                    refused += 1
                }
                most = max(most, heap.oldGenerationBytes)
            }
        }
        #expect(refused > 0, "the maximum heap was never reached")
        #expect(most <= 8192 + 4096, "the old generation held \(most) bytes: more than the maximum (8192) plus one nursery (4096)")
        #expect(heap.verify() == [])
    }

    /// The second half of the same bound: survivors above the small-object limit
    /// become large objects when promoted, and a large object counts its prefix
    /// (two words, and card bytes for arrays of references), so one nursery of
    /// them counts for more than one nursery in the old generation: 24-byte
    /// nodes become 40-byte blocks, and the first promotion that crosses the
    /// maximum can overshoot by two thirds of a nursery more than the bound allows,
    /// with no served allocation involved. (Seed 62000194 of randomLayout shows
    /// both halves: a 57176-byte array in a 57200-byte nursery is promoted as a
    /// 57640-byte block.)
    @Test
    func aNurseryOfLargeSurvivorsCountsForOneNurseryAtMost() throws {
        var c = HeapConfiguration()
        c.nurserySize = 4096
        c.youngLargeObjectLimit = 4096
        c.smallObjectLimit = 16
        c.maximumHeapSize = 8192
        c.debugLevel = 1
        let heap = try Heap(configuration: c)
        let node = try heap.register(.object("Node", references: 1, words: 1))   // 24 bytes
        var most = 0
        var refused = false
        try heap.withRoots(1) { frame in
            for _ in 0..<10_000 where !refused {
                do {
                    let n = try heap.allocate(node)
                    heap.storeReference(frame[0], into: n, at: ObjectLayout.fieldOffset(0))
                    frame[0] = n
                } catch HeapError.heapLimitExceeded {
                    refused = true
                }
                most = max(most, heap.oldGenerationBytes)
            }
        }
        #expect(refused, "the maximum heap was never reached")
        #expect(most <= 8192 + 4096, "the old generation held \(most) bytes: more than the maximum (8192) plus one nursery (4096)")
        #expect(heap.verify() == [])
    }

    /// The same bug as the model run found it: seed 231000703 of twoHeaps (layout
    /// "random layout 231000703": nursery 5456, young-large limit 5456, pages of
    /// 16 KiB, small-object limit 1656, cards of 64, maximum heap 16 KiB),
    /// shrunk from 480 actions to 32. The allocation of #1803 (5440 bytes, in the
    /// nursery) runs the collection that leaves 16392 bytes; the next allocation's
    /// major collection promotes #1803 with its prefix: 21864 bytes, over
    /// 16384 + 5456.
    @Test
    func shrunkRandomLayout231000703() throws {
        let (_, failure) = try ModelRun.replayed(.randomLayout(seed: 231000703), [
        .allocate(172, .object("Fin40", payload: 0x7b25b0f03da35837), to: .into(0, slot: 1), via: .compiledCode), // o172 = compiledCodeInterface.allocate(Fin40) with o0 rooted; o0.slot1 = o172
        .allocate(374, .object("N2", payload: 0xdb79e5a44ffb828), to: .into(172, slot: 31)), // o374 = heap.allocate(N2) with o172 rooted; o172.slot31 = o374
        .allocate(375, .references(678), to: .into(172, slot: 36)),               // o375 = heap.allocate(Refs[678]) with o172 rooted; o172.slot36 = o375
        .allocate(382, .references(678), to: .into(172, slot: 3), via: .compiledCode), // o382 = compiledCodeInterface.allocate(Refs[678]) with o172 rooted; o172.slot3 = o382
        .allocate(390, .references(4), to: .into(382, slot: 186), via: .compiledCode), // o390 = compiledCodeInterface.allocate(Refs[4]) with o382 rooted; o382.slot186 = o390
        .allocate(408, .object("N0", payload: 0x9f39cec6dc223065), to: .root),    // o408 = heap.allocate(N0); heap.pushRoot(o408)
        .allocate(409, .object("Table", payload: 0xd24824d989859a4, tableSlots: 3), to: .into(374, slot: 0)), // o409 = heap.allocate(Table, 3 table slots) with o374 rooted; o374.slot0 = o409
        .allocate(410, .object("N1", payload: 0x1a31d678b3406292), to: .into(172, slot: 4)), // o410 = heap.allocate(N1) with o172 rooted; o172.slot4 = o410
        .allocate(411, .object("Table", payload: 0xdc07910be5d97f86, tableSlots: 4), to: .into(172, slot: 37)), // o411 = heap.allocate(Table, 4 table slots) with o172 rooted; o172.slot37 = o411
        .allocate(413, .references(4), to: .root),                                // o413 = heap.allocate(Refs[4]); heap.pushRoot(o413)
        .allocate(463, .object("N20", payload: 0xfb363bb69de122cf), to: .into(375, slot: 196)), // o463 = heap.allocate(N20) with o375 rooted; o375.slot196 = o463
        .allocate(465, .references(3), to: .root),                                // o465 = heap.allocate(Refs[3]); heap.pushRoot(o465)
        .allocate(466, .bytes(1), to: .into(411, slot: 0, viaField: true)),       // o466 = heap.allocate(Bytes[1]) with o411 rooted; o411.slot0 = o466
        .allocate(468, .bytes(634), to: .root),                                   // o468 = heap.allocate(Bytes[634]); heap.pushRoot(o468)
        .allocate(469, .references(0), to: .root),                                // o469 = heap.allocate(Refs[0]); heap.pushRoot(o469)
        .allocate(472, .object("N2", payload: 0x2c0cbf3e362484ff), to: .into(410, slot: 0, viaField: true)), // o472 = heap.allocate(N2) with o410 rooted; o410.slot0 = o472
        .allocate(473, .object("N4", payload: 0xd4968891da6cab78), to: .into(374, slot: 1)), // o473 = heap.allocate(N4) with o374 rooted; o374.slot1 = o473
        .allocate(479, .object("Table", payload: 0xccfa069b18c5c7df), to: .into(463, slot: 2), via: .compiledCode), // o479 = compiledCodeInterface.allocate(Table) with o463 rooted; o463.slot2 = o479
        .allocate(1468, .object("N1", payload: 0x52b57cb207bc785), to: .into(473, slot: 2)), // o1468 = heap.allocate(N1) with o473 rooted; o473.slot2 = o1468
        .allocate(1469, .words(0), to: .root),                                    // o1469 = heap.allocate(Words[0]); heap.pushRoot(o1469)
        .allocate(1584, .references(5), to: .root),                               // o1584 = heap.allocate(Refs[5]); heap.pushRoot(o1584)
        .allocate(1587, .references(2), to: .into(409, slot: 0), via: .compiledCode), // o1587 = compiledCodeInterface.allocate(Refs[2]) with o409 rooted; o409.slot0 = o1587
        .allocate(1590, .object("Wide", payload: 0xe45775a0c98bd40), to: .into(382, slot: 384), via: .compiledCode), // o1590 = compiledCodeInterface.allocate(Wide) with o382 rooted; o382.slot384 = o1590
        .allocate(1591, .object("N0", payload: 0x4066772b8e220698), to: .root),   // o1591 = heap.allocate(N0); heap.pushRoot(o1591)
        .allocate(1790, .object("N20", payload: 0xf8a2cf420f654fec), to: .into(411, slot: 3), via: .compiledCode), // o1790 = compiledCodeInterface.allocate(N20) with o411 rooted; o411.slot3 = o1790
        .allocate(1792, .object("N20", payload: 0xa091d09b2d417296), to: .root),  // o1792 = heap.allocate(N20); heap.pushRoot(o1792)
        .allocate(1794, .bytes(1477), to: .into(382, slot: 399)),                 // o1794 = heap.allocate(Bytes[1477]) with o382 rooted; o382.slot399 = o1794
        .allocate(1795, .references(133), to: .into(1790, slot: 10)),             // o1795 = heap.allocate(Refs[133]) with o1790 rooted; o1790.slot10 = o1795
        .allocate(1800, .words(2), to: .root),                                    // o1800 = heap.allocate(Words[2]); heap.pushRoot(o1800)
        .allocate(1801, .object("N0", payload: 0x8cea2016f665961), to: .root),    // o1801 = heap.allocate(N0); heap.pushRoot(o1801)
        .allocate(1803, .references(678), to: .root),                             // o1803 = heap.allocate(Refs[678]); heap.pushRoot(o1803)
        .allocate(1804, .references(0), to: .into(1790, slot: 15), via: .compiledCode), // o1804 = compiledCodeInterface.allocate(Refs[0]) with o1790 rooted; o1790.slot15 = o1804
        ])
        #expect(failure == nil, "\(failure?.what ?? "")")
    }
}
