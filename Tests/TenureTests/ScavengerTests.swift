// Free pages inside arenas still in use go back to the kernel after a major
// collection (`OldSpace.releaseFreeMemory`): keeping one object in 2,000
// must not keep the arenas of the other 1,999 resident.
//
// The resident-set test runs in a child process of its own (an exit test),
// like MemoryReturnTests, so that no other test's heap is in the figures.
// The others check that pages given back and handed out again hold correct
// objects (a churn with the verifier, and the model-based run with small
// heaps), and the bookkeeping itself on an old space driven directly: only
// runs of free pages covering whole OS pages go back when pages are smaller
// than an OS page, the pages kept are the ones handed out first, and the
// kernel really dropped the pages given back (mincore).
import SeededRandom
import Testing
@_spi(System) @testable import Tenure
#if canImport(Glibc)
import Glibc
#endif

@Suite(.serialized) struct ScavengerTests {
    static let mib = 1 << 20

    // MARK: The resident set

    @Test(.disabled(if: Sanitizers.address, "AddressSanitizer quarantines freed memory"))
    func oneObjectInTwoThousandLeavesLittleResident() async {
        await #expect(processExitsWith: .success) {
            try ScavengerTests.oneInTwoThousand()
        }
    }

    /// 64 MiB of 256-byte objects, all alive at the peak, then all but one in
    /// 2,000 dropped: every arena still holds a live object, so no arena can be
    /// unmapped, and the resident set must fall to about the live pages, the
    /// nursery and the free pages kept for the next cycle's refill. Twice,
    /// the second time into the pages given back the first.
    static func oneInTwoThousand() throws {
        var c = HeapConfiguration()
        c.nurserySize = 1 << 20
        c.minimumHeapSize = 2 << 20
        let baseline = ProcessMemory.residentBytes()
        let heap = try Heap(configuration: c)
        let big = try heap.register(.object("Big", references: 1, words: 30))  // 256 bytes: the largest small class
        let refs = try heap.registerArray(.array("Refs", of: .references))
        // Chunk arrays of 80 KB are mapped on their own, so their memory goes when they do.
        let objects = 64 * mib / 256, chunk = 10_000, stride = 2_000
        let chunks = (objects + chunk - 1) / chunk
        let keptCount = (objects + stride - 1) / stride
        let id = ObjectLayout.fieldOffset(1), last = ObjectLayout.fieldOffset(30)
        try heap.withRoots(2) { frame in
            for round in 0..<2 {
                frame[0] = try heap.allocateArray(refs, count: chunks)
                for k in 0..<chunks {
                    heap.storeItem(try heap.allocateArray(refs, count: chunk), into: frame[0]!, at: k)
                    for i in 0..<min(chunk, objects - k * chunk) {
                        let o = try heap.allocate(big)
                        o.store(round << 32 | (k * chunk + i), at: id)
                        o.store(-1, at: last)  // touch the whole cell
                        heap.storeItem(o, into: frame[0]!.loadItem(k)!, at: i)
                    }
                }
                heap.collect()
                let peak = ProcessMemory.residentBytes()
                #expect(peak - baseline > 60 * mib, "round \(round): the structure added only \((peak - baseline) / mib) MiB")

                frame[1] = try heap.allocateArray(refs, count: keptCount)
                for n in Swift.stride(from: 0, to: objects, by: stride) {
                    heap.storeItem(frame[0]!.loadItem(n / chunk)!.loadItem(n % chunk), into: frame[1]!, at: n / stride)
                }
                frame[0] = nil
                heap.collect()
                let after = ProcessMemory.residentBytes()
                let s = heap.statistics
                let refill = heap.majorCollectionThreshold - heap.oldGenerationBytes
                // Each kept object pins its page; the refill's worth of free pages (to the
                // threshold, and one nursery of survivors past it) keeps its memory.
                let arenas = refill + c.nurserySize + keptCount * c.pageSize
                #expect(s.arenaBytes - s.scavengedBytes <= arenas,
                        "round \(round): \(s.arenaBytes / 1024) KiB of arenas, \(s.scavengedBytes / 1024) KiB given back, expected at most \(arenas / 1024) KiB resident")
                // The nursery, and 8 MiB for the rest of the process's growth (shadow stack, tables, malloc).
                #expect(after - baseline < c.nurserySize + arenas + 8 * mib,
                        "round \(round): RSS \(baseline / mib) MiB -> peak \(peak / mib) MiB -> \(after / mib) MiB with \(keptCount) objects kept")
                for n in Swift.stride(from: 0, to: objects, by: stride) {
                    #expect(frame[1]!.loadItem(n / stride)?.load(at: id, as: Int.self) == round << 32 | n)
                }
                #expect(heap.verify().isEmpty)
                #expect(heap.state.pointee.oldSpace.pageMapProblems().isEmpty)
            }
        }
    }

    // MARK: Pages handed out again

    /// The heap configurations of the churn: the default pages, pages smaller
    /// than an OS page (only whole OS pages go back), and pages of 256 bytes in
    /// arenas of 16 OS pages.
    static let churnConfigurations: [(String, HeapConfiguration)] = [
        ("8 KiB pages", {
            var c = Configs.small
            c.minimumHeapSize = 16 << 10
            return c
        }()),
        ("1 KiB pages", {
            var c = Configs.small
            c.pageSize = 1024
            c.arenaSize = max(64 << 10, VirtualMemory.pageSize)
            c.smallObjectLimit = 256
            c.minimumHeapSize = 16 << 10
            return c
        }()),
        ("256-byte pages", {
            var c = Configs.small
            c.pageSize = 256
            c.arenaSize = 16 * VirtualMemory.pageSize
            c.smallObjectLimit = 96
            c.minimumHeapSize = 16 << 10
            c.debugLevel = 2
            return c
        }()),
    ]

    /// Grows a structure of objects of every size class (each with a child it
    /// alone refers to), drops 94 % of it, collects (the free pages go
    /// back), and grows it again into those pages, six times; every object's
    /// every word is checked after each collection, with the verifier and the
    /// page bitmaps.
    @Test(arguments: churnConfigurations.indices)
    func pagesGivenBackAndReusedHoldCorrectObjects(_ which: Int) throws {
        let (name, c) = ScavengerTests.churnConfigurations[which]
        let heap = try Heap(configuration: c)
        let limit = c.smallObjectLimit
        // Objects of 1 reference and w words: sizes 16 + 8w, from 24 bytes to the small-object limit.
        let shapes = Array(Swift.stride(from: 1, through: (limit - 16) / 8, by: max(1, (limit - 16) / 8 / 6)))
        let types = try shapes.map { try heap.register(.object("W\($0)", references: 1, words: $0)) }
        let leaf = try heap.register(.object("Leaf", references: 0, words: 1))
        let slots = 4_000
        var random = SplitMix64(seed: UInt64(which) &+ 77)
        var model: [(id: Int, shape: Int)?] = Array(repeating: nil, count: slots)
        var nextID = 1
        func word(_ id: Int, _ i: Int) -> Int { id &* 0x9E37_79B9 &+ i }
        let space = { heap.state.pointee.oldSpace }

        func check(_ table: ObjectRef, _ when: String) {
            for (slot, entry) in model.enumerated() {
                guard let entry else {
                    #expect(table.loadItem(slot) == nil)
                    continue
                }
                guard let o = table.loadItem(slot) else {
                    Issue.record("\(name), \(when): slot \(slot) lost object #\(entry.id)")
                    return
                }
                let w = shapes[entry.shape]
                for i in 0..<w where o.load(at: ObjectLayout.fieldOffset(1 + i), as: Int.self) != word(entry.id, i) {
                    Issue.record("\(name), \(when): object #\(entry.id) word \(i) is \(o.load(at: ObjectLayout.fieldOffset(1 + i), as: Int.self))")
                    return
                }
                if o.loadReference(at: ObjectLayout.fieldOffset(0))?.load(at: ObjectLayout.fieldOffset(0), as: Int.self) != -entry.id {
                    Issue.record("\(name), \(when): object #\(entry.id) lost its child")
                    return
                }
            }
            let problems = heap.verify() + space().pageMapProblems()
            #expect(problems.isEmpty, "\(name), \(when): \(problems.prefix(4))")
        }

        var scavengedAfterDrops: [Int] = []
        let slotArray = try heap.registerArray(.array("Slots", of: .references))
        try heap.withRoots(2) { frame in
            frame[0] = try heap.allocateArray(slotArray, count: slots)
            for cycle in 0..<6 {
                for slot in 0..<slots where model[slot] == nil {
                    let shape = Int(random.next() % UInt64(shapes.count))
                    let o = try heap.allocate(types[shape])
                    for i in 0..<shapes[shape] { o.store(word(nextID, i), at: ObjectLayout.fieldOffset(1 + i)) }
                    frame[1] = o
                    let child = try heap.allocate(leaf)
                    child.store(-nextID, at: ObjectLayout.fieldOffset(0))
                    heap.storeReference(child, into: frame[1]!, at: ObjectLayout.fieldOffset(0))
                    heap.storeItem(frame[1], into: frame[0]!, at: slot)
                    model[slot] = (nextID, shape)
                    nextID += 1
                }
                frame[1] = nil
                heap.collect()
                check(frame[0]!, "cycle \(cycle), grown")
                // Keep one block of 50 slots in 20 (whole pages of survivors) and 1 % of the rest.
                for slot in 0..<slots where (slot / 50) % 20 != cycle && random.next() % 100 != 0 {
                    heap.storeItem(nil, into: frame[0]!, at: slot)
                    model[slot] = nil
                }
                heap.collect()
                check(frame[0]!, "cycle \(cycle), dropped")
                scavengedAfterDrops.append(space().bytesScavenged)
            }
        }
        // Each drop gave pages back, and the grown structure took them again.
        #expect(scavengedAfterDrops.first! > 0, "\(name): nothing was given back")
        #expect(scavengedAfterDrops.last! > scavengedAfterDrops.first!, "\(name): \(scavengedAfterDrops)")
    }

    /// The model-based run (random allocation, stores, roots, weak references,
    /// destructors, collections; every object checked after every step) with
    /// small heaps, so that free pages go back after many of its major
    /// collections and are handed out again.
    /// (Not with 256-byte pages: the run scatters its objects, so no free run
    /// covers a whole OS page; the churn above and `onlyWholeOSPagesGoBack` do.)
    @Test(arguments: [0, 1].flatMap { config in (0..<UInt64(3)).map { (config, $0) } })
    func modelRunOverPagesGivenBack(_ config: Int, _ seed: UInt64) throws {
        let (name, c) = ScavengerTests.churnConfigurations[config]
        // A nursery of 2 KiB: the threshold in force (at least 1.82 nurseries)
        // stays below the pages the run fills, so most major collections give some back.
        var configuration = c
        configuration.nurserySize = 2 << 10
        configuration.youngLargeObjectLimit = 512
        configuration.minimumHeapSize = 4 << 10
        let setup = ModelSetup(name: "scavenging, \(name)", configuration: configuration, steps: 1200,
                               liveTarget: 600, bigArrayChance: 0.03)
        let run = try ModelRun(setup: setup, seed: seed &* 7_919 &+ UInt64(config))
        try run.run()
        let space = run.heap.state.pointee.oldSpace
        #expect(space.pageMapProblems().isEmpty, "\(space.pageMapProblems().prefix(4))")
        #expect(space.bytesScavenged > 0, "\(name), seed \(seed): no page was given back")
    }

    // MARK: The old space's bookkeeping

    static let markBit: UInt64 = 1 << 40

    /// Fills `arenas` arenas of `space` with cells of `size` bytes stamped with
    /// their number; returns the cells in allocation order.
    static func fill(_ space: inout OldSpace, arenas: Int, cellSize size: Int) -> [UnsafeMutableRawPointer] {
        let perPage = (space.pageSize - OldSpace.pageHeaderSize) / size
        var cells: [UnsafeMutableRawPointer] = []
        for n in 0..<(arenas * space.pagesPerArena * perPage) {
            let cell = space.allocate(size)
            cell.storeBytes(of: 1, as: UInt64.self)  // a header: type id 1
            cell.storeBytes(of: UInt64(n), toByteOffset: 8, as: UInt64.self)
            cells.append(cell)
        }
        return cells
    }

    /// Marks the cells `keep` says, sweeps, and gives back the free pages beyond `keepBytes`.
    static func sweep(_ space: inout OldSpace, _ cells: [UnsafeMutableRawPointer], keepBytes: Int = 0,
                      keep: (UnsafeMutableRawPointer) -> Bool) {
        for cell in cells where keep(cell) {
            cell.storeBytes(of: cell.load(as: UInt64.self) | markBit, as: UInt64.self)
            space.countMarked(ObjectRef(cell))
        }
        space.sweep(isMarked: { $0 & markBit != 0 }, clearMark: { $0 &= ~markBit })
        space.releaseFreeMemory(keepBytes: keepBytes)
    }

    /// Whether every OS page of `bytes` from `start` is resident (true) or none is (false); nil when mixed.
    static func resident(_ start: UnsafeMutableRawPointer, _ bytes: Int) -> Bool? {
        let os = VirtualMemory.pageSize
        var vector = [UInt8](repeating: 0, count: bytes / os)
        let status = vector.withUnsafeMutableBufferPointer { mincore(start, bytes, $0.baseAddress) }
        #expect(status == 0)
        let count = vector.filter { $0 & 1 != 0 }.count
        return count == vector.count ? true : count == 0 ? false : nil
    }

    /// Pages of 256 bytes, sixteen to a 4 KiB OS page: only free runs covering
    /// whole OS pages go back. Arena 0 keeps a cell in every OS page (nothing can
    /// go), arena 1 in every other OS page (half goes), arena 2 nothing (it is
    /// unmapped), arena 3 one cell in its first page (all but that OS page goes).
    /// Then every free page is handed out again and holds what is written.
    @Test func onlyWholeOSPagesGoBack() throws {
        let os = VirtualMemory.pageSize
        var space = OldSpace(pageSize: 256, arenaSize: 16 * os, smallObjectLimit: 96)
        defer { space.release() }
        let unit = os / 256, osPages = 16, size = 64
        let cells = ScavengerTests.fill(&space, arenas: 4, cellSize: size)
        let arenas = space.arenas.map { UnsafeMutableRawPointer($0.pointee.base) }
        #expect(arenas.count == 4)
        #expect(space.unbackedPages == 0)
        func place(_ cell: UnsafeMutableRawPointer) -> (arena: Int, osPage: Int, page: Int)? {
            guard let a = arenas.firstIndex(where: { cell >= $0 && cell < $0 + 16 * os }) else { return nil }
            let offset = cell - arenas[a]
            return (a, offset / os, offset / 256)
        }
        // The first cell of the chosen pages lives.
        var survivors: [(cell: UnsafeMutableRawPointer, n: Int)] = []
        ScavengerTests.sweep(&space, cells) { cell in
            guard let (a, osPage, page) = place(cell), (cell - arenas[a]) % 256 == OldSpace.pageHeaderSize else { return false }
            let lives = switch a {
            case 0: page % unit == 3
            case 1: osPage % 2 == 0 && page % unit == 0
            case 3: page == 0
            default: false
            }
            if lives { survivors.append((cell, cells.firstIndex(of: cell)!)) }
            return lives
        }
        #expect(survivors.count == 16 + 8 + 1)
        #expect(space.arenas.count == 3, "the empty arena is unmapped")
        let kept = space.arenas.map { $0.pointee }
        #expect(kept.map(\.unbackedCount) == [0, osPages / 2 * unit, (osPages - 1) * unit])
        #expect(kept.map(\.freeCount) == [16 * unit - osPages, 16 * unit - osPages / 2, 16 * unit - 1])
        #expect(space.bytesScavenged == (osPages / 2 + osPages - 1) * os)
        #expect(space.pageMapProblems().isEmpty, "\(space.pageMapProblems())")
        // The kernel holds no memory for the OS pages given back, and still does for the others.
        for osPage in 0..<osPages {
            #expect(ScavengerTests.resident(arenas[0] + osPage * os, os) == true)
            #expect(ScavengerTests.resident(arenas[1] + osPage * os, os) == (osPage % 2 == 0))
            #expect(ScavengerTests.resident(arenas[3] + osPage * os, os) == (osPage == 0))
        }
        // The surviving cells are intact.
        for (cell, n) in survivors {
            #expect(cell.load(as: UInt64.self) == 1)
            #expect(cell.load(fromByteOffset: 8, as: UInt64.self) == UInt64(n))
        }

        // Fill every free page again: no new arena, no page handed out twice, and what is written stays.
        let free = kept.reduce(0) { $0 + $1.freeCount }
        let perPage = (256 - OldSpace.pageHeaderSize) / size
        let partial = (16 + 8 + 1) * (perPage - 1)  // the free cells of the kept pages
        var again: [UnsafeMutableRawPointer] = []
        for n in 0..<(free * perPage + partial) {
            let cell = space.allocate(size)
            cell.storeBytes(of: 1, as: UInt64.self)
            cell.storeBytes(of: UInt64(1_000_000 + n), toByteOffset: 8, as: UInt64.self)
            cell.storeBytes(of: UInt64(n), toByteOffset: size - 8, as: UInt64.self)
            again.append(cell)
        }
        #expect(space.arenas.count == 3)
        #expect(space.unbackedPages == 0)
        #expect(Set(again).count == again.count)
        for (n, cell) in again.enumerated() {
            #expect(cell.load(fromByteOffset: 8, as: UInt64.self) == UInt64(1_000_000 + n))
            #expect(cell.load(fromByteOffset: size - 8, as: UInt64.self) == UInt64(n))
        }
        #expect(space.pageMapProblems().isEmpty, "\(space.pageMapProblems())")
    }

    /// The free pages kept are the refill's worth, in the order they will be
    /// handed out: three arenas of 8 KiB pages, each with one live page; a
    /// budget of 100 pages keeps one arena's 63 free pages and 37 of the next.
    /// The refill takes those 100 before any page given back.
    @Test func theRefillsWorthStaysAndIsUsedFirst() throws {
        let pageSize = 8 << 10
        guard pageSize >= VirtualMemory.pageSize else { return }  // a page must be at least an OS page here
        var space = OldSpace(pageSize: pageSize, arenaSize: 512 << 10, smallObjectLimit: 256)
        defer { space.release() }
        let cells = ScavengerTests.fill(&space, arenas: 3, cellSize: 128)
        let bases = Set(space.arenas.map { UInt(bitPattern: $0.pointee.base) })
        // The first cell of each arena's first page lives.
        ScavengerTests.sweep(&space, cells, keepBytes: 100 * pageSize) { bases.contains(UInt(bitPattern: $0) - UInt(OldSpace.pageHeaderSize)) }
        #expect(space.arenas.count == 3)
        #expect(space.arenas.map(\.pointee.unbackedCount).sorted() == [0, 63 - 37, 63])
        #expect(space.unbackedPages == 63 - 37 + 63)
        #expect(space.pageMapProblems().isEmpty, "\(space.pageMapProblems())")
        // The kept page's free cells come first, then 100 pages with memory, then the others.
        let perPage = (pageSize - OldSpace.pageHeaderSize) / 128
        for _ in 0..<(3 * (perPage - 1) + 100 * perPage) { space.allocate(128).storeBytes(of: 1, as: UInt64.self) }
        #expect(space.unbackedPages == 63 - 37 + 63, "a page given back was handed out before a kept one")
        space.allocate(128).storeBytes(of: 1, as: UInt64.self)
        #expect(space.unbackedPages == 63 - 37 + 63 - 1)
        #expect(space.pageMapProblems().isEmpty, "\(space.pageMapProblems())")
    }

    /// Nothing to keep (no emergency reserve, or a budget of 0): every free page
    /// goes back, and a space whose pages were all given back is used as new.
    @Test func withoutABudgetEverythingFreeGoesBack() throws {
        var space = OldSpace(pageSize: 8 << 10, arenaSize: 512 << 10, smallObjectLimit: 256)
        defer { space.release() }
        let cells = ScavengerTests.fill(&space, arenas: 2, cellSize: 256)
        let first = cells[0]
        ScavengerTests.sweep(&space, cells) { $0 == first }
        #expect(space.arenas.count == 1)
        #expect(space.unbackedPages == space.pagesPerArena - 1)
        #expect(first.load(fromByteOffset: 8, as: UInt64.self) == 0)
        ScavengerTests.sweep(&space, [first]) { _ in false }
        #expect(space.arenas.isEmpty)
        #expect(space.unbackedPages == 0)
        let again = ScavengerTests.fill(&space, arenas: 1, cellSize: 256)
        #expect(again.enumerated().allSatisfy { $1.load(fromByteOffset: 8, as: UInt64.self) == UInt64($0) })
        #expect(space.pageMapProblems().isEmpty, "\(space.pageMapProblems())")
    }
}
