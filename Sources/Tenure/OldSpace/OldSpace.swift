// The old space for small objects: size-class pages inside arenas.
//
// Arenas are aligned blocks mapped from the kernel; each is cut into pages,
// and each page in use holds cells of one size class (every multiple of 8
// bytes up to the small-object limit). Objects never move here: a minor
// collection copies nursery survivors into cells, and a major collection
// sweeps dead cells back into their page's free list.
//
// A page returns to its arena when it has no live cell; an arena with every
// page free is unmapped (beyond what the heap will refill before the next
// major collection), so the resident set falls after a peak. New pages
// come from the arena with the fewest free pages (as in PyPy), so that
// lightly used arenas get the chance to empty.
//
// Free pages inside arenas still in use are given back too (the scavenger
// below, after Go's): one live object per arena would otherwise pin the
// whole arena in memory. Which pages are free, and which of those have no
// memory behind them, is kept in two bitmaps per arena outside the arena,
// since a page given back with madvise loses whatever it held.
//
// A free cell has a zero header word (type id 0 is never registered) and the
// next free cell in word 1. That lets the sweeper and the heap verifier walk a
// page cell by cell without a side table.

#if canImport(Glibc)
import Glibc
#endif

/// The header at the start of every page in use.
struct PageHeader {
    var next: UnsafeMutablePointer<PageHeader>?
    var freeList: UnsafeMutableRawPointer?
    /// Cells from here to the end of the page have never been used.
    var bump: UnsafeMutableRawPointer
    var arena: UnsafeMutablePointer<Arena>
    /// Cell size in bytes; 0 while the page is free.
    var cellSize: Int32
    /// Cells marked by the current major collection (0 between collections).
    var markedCells: Int32
}

/// One arena's bookkeeping (kept outside the arena, in malloc'd memory).
struct Arena {
    var base: UnsafeMutableRawPointer
    /// One bit per page (`OldSpace.bitmapWords` words): set while the page is not in use.
    var free: UnsafeMutablePointer<UInt64>
    /// One bit per page: set while the page is free and has no memory behind
    /// it (never touched since the arena was mapped, or given back with
    /// madvise). Such a page reads as zero, and its first use faults memory in.
    /// Always a subset of `free`, and uniform over each OS page.
    var unbacked: UnsafeMutablePointer<UInt64>
    /// Pages not in use, and how many of them are unbacked.
    var freeCount: Int
    var unbackedCount: Int
}

/// Per size class: the page being filled, and pages with free cells or full.
struct SizeClass {
    var current: UnsafeMutablePointer<PageHeader>?
    var partial: UnsafeMutablePointer<PageHeader>?
    var full: UnsafeMutablePointer<PageHeader>?
}

struct OldSpace {
    static let pageHeaderSize = (MemoryLayout<PageHeader>.stride + 7) & ~7

    let pageSize: Int
    let arenaSize: Int
    let pagesPerArena: Int
    let smallObjectLimit: Int
    private var classes: UnsafeMutablePointer<SizeClass>
    private let classCount: Int
    /// Every mapped arena.
    private(set) var arenas: [UnsafeMutablePointer<Arena>] = []
    /// Base addresses of the mapped arenas, for checked mode's "is this an
    /// old object?" (`containsObject`), one hash lookup per checked store.
    private var arenaBases: Set<UInt> = []
    /// Arenas with free pages, fewest free first; consumed from `nextArena`.
    private var arenasWithFreePages: [UnsafeMutablePointer<Arena>] = []
    private var nextArena = 0
    /// Bytes of cells holding objects (the figure the pacing counts).
    private(set) var usedBytes = 0
    /// Bytes of arenas mapped from the kernel, now and at most.
    var mappedBytes: Int { arenas.count * arenaSize }
    private(set) var mappedBytesPeak = 0
    /// Whether new arenas are asked to live on the local NUMA node.
    let numaLocalArenas: Bool
    /// Arenas unmapped so far (statistics).
    private(set) var arenasReleased = 0
    /// Words of each arena's page bitmaps.
    let bitmapWords: Int
    /// Pages per OS page (1 when a page is at least an OS page): memory goes
    /// back to the kernel only by whole OS pages, so a run of free pages is
    /// given back only where it covers whole OS pages.
    let pagesPerUnit: Int
    /// Free pages with no memory behind them, in every arena.
    private(set) var unbackedPages = 0
    /// Bytes of arena pages with no memory behind them now (statistics).
    var unbackedBytes: Int { unbackedPages * pageSize }
    /// Bytes given back with madvise so far, and the madvise calls that did it.
    private(set) var bytesScavenged = 0
    private(set) var scavengeCalls = 0

    init(pageSize: Int, arenaSize: Int, smallObjectLimit: Int, numaLocalArenas: Bool = false) {
        self.numaLocalArenas = numaLocalArenas
        self.pageSize = pageSize
        self.arenaSize = arenaSize
        self.pagesPerArena = arenaSize / pageSize
        self.smallObjectLimit = smallObjectLimit
        bitmapWords = (pagesPerArena + 63) / 64
        pagesPerUnit = max(1, VirtualMemory.pageSize / pageSize)
        classCount = smallObjectLimit / 8 + 1
        classes = .allocate(capacity: classCount)
        classes.initialize(repeating: SizeClass(), count: classCount)
    }

    // MARK: Allocation

    /// A cell of `size` bytes (a multiple of 8, at most the small-object limit).
    /// Its contents are garbage: the caller fills the whole cell.
    @inline(__always)
    mutating func allocate(_ size: Int) -> UnsafeMutableRawPointer {
        usedBytes &+= size
        if let page = classes[size >> 3].current {
            if let cell = page.pointee.freeList {
                page.pointee.freeList = cell.load(fromByteOffset: ObjectLayout.freeCellLinkOffset, as: UnsafeMutableRawPointer?.self)
                return cell
            }
            let cell = page.pointee.bump
            if cell + size <= UnsafeMutableRawPointer(page) + pageSize {
                page.pointee.bump = cell + size
                return cell
            }
        }
        return allocateFromNewPage(size)
    }

    @inline(never)
    private mutating func allocateFromNewPage(_ size: Int) -> UnsafeMutableRawPointer {
        let sizeClass = classes + (size >> 3)
        if let old = sizeClass.pointee.current {
            old.pointee.next = sizeClass.pointee.full
            sizeClass.pointee.full = old
        }
        let page: UnsafeMutablePointer<PageHeader>
        if let partial = sizeClass.pointee.partial {
            sizeClass.pointee.partial = partial.pointee.next
            page = partial
        } else {
            page = takeFreePage(cellSize: size)
        }
        page.pointee.next = nil
        sizeClass.pointee.current = page
        usedBytes &-= size
        return allocate(size)
    }

    private mutating func takeFreePage(cellSize: Int) -> UnsafeMutablePointer<PageHeader> {
        while nextArena < arenasWithFreePages.count && arenasWithFreePages[nextArena].pointee.freeCount == 0 {
            nextArena += 1
        }
        if nextArena == arenasWithFreePages.count {
            arenasWithFreePages.removeAll(keepingCapacity: true)
            nextArena = 0
            arenasWithFreePages.append(mapArena())
        }
        let arena = arenasWithFreePages[nextArena]
        // Whatever the page held before is garbage or (given back) zero: the
        // header is written whole here, and every cell is written whole when
        // the bump pointer hands it out.
        let memory = arena.pointee.base + takePage(arena) * pageSize
        let page = memory.bindMemory(to: PageHeader.self, capacity: 1)
        page.initialize(to: PageHeader(next: nil, freeList: nil, bump: memory + OldSpace.pageHeaderSize,
                                       arena: arena, cellSize: Int32(cellSize), markedCells: 0))
        return page
    }

    /// Takes one of the arena's free pages and returns its index: the lowest
    /// one with memory behind it (no page fault), else the lowest one.
    private mutating func takePage(_ arena: UnsafeMutablePointer<Arena>) -> Int {
        let free = arena.pointee.free, unbacked = arena.pointee.unbacked
        var w = 0
        let index: Int
        if arena.pointee.freeCount > arena.pointee.unbackedCount {
            while free[w] & ~unbacked[w] == 0 { w += 1 }
            index = w << 6 | (free[w] & ~unbacked[w]).trailingZeroBitCount
        } else {
            while free[w] == 0 { w += 1 }
            index = w << 6 | free[w].trailingZeroBitCount
            // The kernel backs the whole OS page at its first touch, so every
            // page of it has memory again.
            let first = index & ~(pagesPerUnit - 1)
            clearBits(arena.pointee.unbacked, first, pagesPerUnit)
            arena.pointee.unbackedCount -= pagesPerUnit
            unbackedPages -= pagesPerUnit
        }
        clearBits(free, index, 1)
        arena.pointee.freeCount -= 1
        return index
    }

    /// Maps a new arena. It runs inside a minor collection (promotion), which
    /// cannot stop half-way: a refusal is retried after the emergency reserve is
    /// released, and only a second one stops the process, with the figures.
    private mutating func mapArena() -> UnsafeMutablePointer<Arena> {
        let arenaSize = arenaSize
        let bitmapBytes = 2 * bitmapWords * 8
        guard let base = MemoryReserve.retrying({ try? VirtualMemory.mapAligned(arenaSize, alignment: arenaSize) }),
              let record = MemoryReserve.retrying({ malloc(MemoryLayout<Arena>.stride) }),
              let bitmaps = MemoryReserve.retrying({ malloc(bitmapBytes) }) else {
            tenureStop("out of memory: the system refused a \(arenaSize)-byte arena while a minor collection copied survivors (the old space maps \(mappedBytes) bytes, \(usedBytes) in use), and the emergency reserve is already spent")
        }
        if numaLocalArenas { NUMAPlacement.preferLocalNode(base, arenaSize) }
        // Every page is free and untouched: unbacked.
        let free = bitmaps.bindMemory(to: UInt64.self, capacity: 2 * bitmapWords)
        free.initialize(repeating: 0, count: 2 * bitmapWords)
        setBits(free, 0, pagesPerArena)
        setBits(free + bitmapWords, 0, pagesPerArena)
        let arena = record.bindMemory(to: Arena.self, capacity: 1)
        arena.initialize(to: Arena(base: base, free: free, unbacked: free + bitmapWords,
                                   freeCount: pagesPerArena, unbackedCount: pagesPerArena))
        unbackedPages += pagesPerArena
        arenas.append(arena)
        arenaBases.insert(UInt(bitPattern: base))
        mappedBytesPeak = max(mappedBytesPeak, mappedBytes)
        return arena
    }

    // MARK: Sweeping

    /// Counts a marked cell in its page (for `sweep` to skip wholly dead pages).
    @inline(__always)
    func countMarked(_ object: ObjectRef) {
        let page = UnsafeMutablePointer<PageHeader>(bitPattern: object.address & ~UInt(pageSize - 1)).unsafelyUnwrapped
        page.pointee.markedCells &+= 1
    }

    /// Sweeps every page: cells whose object is not marked are freed, marks are
    /// cleared. Empty pages go back to their arena. Destructors of dead objects
    /// have run before (Sweeping.swift), so a page marking never reached goes
    /// back without a look at its cells.
    mutating func sweep(isMarked: (UInt64) -> Bool, clearMark: (inout UInt64) -> Void) {
        var used = 0
        for c in 1..<classCount {
            let sizeClass = classes + c
            var pages = sizeClass.pointee.current
            if let current = pages { current.pointee.next = sizeClass.pointee.partial } else { pages = sizeClass.pointee.partial }
            var tail = pages
            while let t = tail, t.pointee.next != nil { tail = t.pointee.next }
            if let t = tail { t.pointee.next = sizeClass.pointee.full } else { pages = sizeClass.pointee.full }
            sizeClass.pointee = SizeClass()

            let cellSize = c * 8
            while let page = pages {
                pages = page.pointee.next
                // A page marking never reached is wholly dead.
                let live = page.pointee.markedCells == 0
                    ? 0 : sweepPage(page, cellSize: cellSize, isMarked: isMarked, clearMark: clearMark)
                page.pointee.markedCells = 0
                used += live * cellSize
                if live == 0 {
                    releasePage(page)
                } else if page.pointee.freeList == nil
                            && page.pointee.bump + cellSize > UnsafeMutableRawPointer(page) + pageSize {
                    page.pointee.next = sizeClass.pointee.full
                    sizeClass.pointee.full = page
                } else {
                    page.pointee.next = sizeClass.pointee.partial
                    sizeClass.pointee.partial = page
                }
            }
        }
        usedBytes = used
    }

    /// Sweeps one page; returns its live cell count and rebuilds its free list in address order.
    private func sweepPage(_ page: UnsafeMutablePointer<PageHeader>, cellSize: Int,
                           isMarked: (UInt64) -> Bool, clearMark: (inout UInt64) -> Void) -> Int {
        var live = 0
        var cell = UnsafeMutableRawPointer(page) + OldSpace.pageHeaderSize
        let end = page.pointee.bump
        var freeHead: UnsafeMutableRawPointer? = nil
        var freeTail: UnsafeMutableRawPointer? = nil
        while cell < end {
            var header = cell.load(as: UInt64.self)
            if header != 0 && isMarked(header) {
                clearMark(&header)
                cell.storeBytes(of: header, as: UInt64.self)
                live += 1
            } else {
                cell.storeBytes(of: 0, as: UInt64.self)
                cell.storeBytes(of: nil, toByteOffset: ObjectLayout.freeCellLinkOffset, as: UnsafeMutableRawPointer?.self)
                if let t = freeTail { t.storeBytes(of: cell, toByteOffset: ObjectLayout.freeCellLinkOffset, as: UnsafeMutableRawPointer?.self) } else { freeHead = cell }
                freeTail = cell
            }
            cell += cellSize
        }
        page.pointee.freeList = freeHead
        return live
    }

    private mutating func releasePage(_ page: UnsafeMutablePointer<PageHeader>) {
        let arena = page.pointee.arena
        page.pointee.cellSize = 0  // `containsObject` sees no object in a free page
        setBits(arena.pointee.free, (UnsafeMutableRawPointer(page) - arena.pointee.base) / pageSize, 1)
        arena.pointee.freeCount += 1
    }

    // MARK: Giving memory back

    /// After a sweep: keeps `keepBytes` of free pages (what the heap will
    /// refill before the next major collection) with their memory, gives the
    /// memory of the other free pages back to the kernel, and orders the
    /// arenas with free pages for reuse.
    ///
    /// The pages kept are the ones `takeFreePage` will hand out first, so the
    /// refill does not fault in what was just given back: arenas in reuse
    /// order (fewest free pages first, so lightly used arenas can empty; among
    /// equals, the one with the fewest unbacked pages), and in each arena its
    /// pages with memory, lowest first. A wholly empty arena past the budget is
    /// unmapped; the free pages of the other arenas past it are given back with
    /// madvise, in runs covering whole OS pages.
    ///
    /// Keeping the refill's worth saves the page faults of mapping it again
    /// (binary-trees spent 2.7 s of system time in page faults when every
    /// empty arena was unmapped, 0.4 s with a budget). The budget is the way to
    /// the next threshold, so what stays mapped and resident after a peak is
    /// about that threshold. It is not exact: the minor collection that crosses
    /// the threshold promotes up to a nursery more. On binary-trees depth 18
    /// this budget mapped 199 arenas and took 27,300 page faults, against 179
    /// arenas and 24,800 faults when the free pages of partly used arenas were
    /// all kept on top of it; a budget of one nursery more mapped 133 arenas
    /// (18,900 faults) but keeps more than the threshold after a peak. Wall
    /// times did not differ beyond the noise (1.33-1.67 s for all three), and
    /// no byte was given back with any of them.
    ///
    /// The cost is the kernel's: 0.06-0.12 ms per MiB given back (362 MiB in
    /// 21-43 ms and 1,451 calls, after keeping one 256-byte object in 2,000 of
    /// 400 MiB), paid once per page freed and not refilled; a heap in a steady
    /// state gives nothing back. The rest (ordering the arenas, reading the bitmaps of
    /// those past the budget) took 13-50 us per major collection with 830 arenas.
    ///
    /// MADV_DONTNEED rather than MADV_FREE: a MADV_FREE page stays in the
    /// resident set until the kernel is short of memory, so neither RSS nor a
    /// container's memory accounting falls, which is the point of giving it
    /// back (the pattern above: RSS 427 MiB after MADV_FREE, 65 MiB after
    /// MADV_DONTNEED; the collection took 26-32 ms and 28-51 ms).
    mutating func releaseFreeMemory(keepBytes: Int) {
        let order = arenas.filter { $0.pointee.freeCount > 0 }.sorted {
            ($0.pointee.freeCount, $0.pointee.unbackedCount) < ($1.pointee.freeCount, $1.pointee.unbackedCount)
        }
        var budget = keepBytes / pageSize
        var unmapped = Set<UInt>()
        var withFreePages: [UnsafeMutablePointer<Arena>] = []
        withFreePages.reserveCapacity(order.count)
        for arena in order {
            let freeCount = arena.pointee.freeCount
            if freeCount == pagesPerArena && budget < pagesPerArena {
                unmapped.insert(UInt(bitPattern: arena))
                unmap(arena)
                continue
            }
            withFreePages.append(arena)
            if budget >= freeCount {
                budget -= freeCount
            } else {
                scavenge(arena, keeping: budget)
                budget = 0
            }
        }
        if !unmapped.isEmpty { arenas.removeAll { unmapped.contains(UInt(bitPattern: $0)) } }
        arenasWithFreePages = withFreePages
        nextArena = 0
    }

    /// Gives back the memory of the arena's free pages except the first `keep`
    /// that `takePage` will hand out (those with memory, lowest first).
    private mutating func scavenge(_ arena: UnsafeMutablePointer<Arena>, keeping keep: Int) {
        let free = arena.pointee.free, unbacked = arena.pointee.unbacked
        guard arena.pointee.freeCount - arena.pointee.unbackedCount > keep else { return }
        // Pages below `start` hold the `keep` pages kept.
        var start = 0, kept = 0
        while kept < keep {
            if testBit(free, start) && !testBit(unbacked, start) { kept += 1 }
            start += 1
        }
        var unit = (start + pagesPerUnit - 1) / pagesPerUnit * pagesPerUnit
        var run = -1
        while unit < pagesPerArena {
            if allBits(free, unit, pagesPerUnit) && noBits(unbacked, unit, pagesPerUnit) {
                if run < 0 { run = unit }
            } else if run >= 0 {
                giveBack(arena, from: run, count: unit - run)
                run = -1
            }
            unit += pagesPerUnit
        }
        if run >= 0 { giveBack(arena, from: run, count: pagesPerArena - run) }
    }

    /// Gives the memory of `count` free pages from `first` back to the kernel;
    /// they read as zero afterwards.
    private mutating func giveBack(_ arena: UnsafeMutablePointer<Arena>, from first: Int, count: Int) {
        guard VirtualMemory.discard(arena.pointee.base + first * pageSize, count * pageSize) else { return }
        setBits(arena.pointee.unbacked, first, count)
        arena.pointee.unbackedCount += count
        unbackedPages += count
        bytesScavenged += count * pageSize
        scavengeCalls += 1
    }

    private mutating func unmap(_ arena: UnsafeMutablePointer<Arena>) {
        VirtualMemory.unmap(arena.pointee.base, arenaSize)
        arenaBases.remove(UInt(bitPattern: arena.pointee.base))
        unbackedPages -= arena.pointee.unbackedCount
        free(arena.pointee.free)  // the two bitmaps are one block
        free(arena)
        arenasReleased += 1
    }

    // MARK: Page bitmaps

    @inline(__always)
    private func testBit(_ bits: UnsafeMutablePointer<UInt64>, _ index: Int) -> Bool {
        bits[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// The mask of bits `from..<from + count` within word `w`.
    @inline(__always)
    private func mask(word w: Int, _ from: Int, _ count: Int) -> UInt64 {
        let lo = max(from, w << 6) - (w << 6), hi = min(from + count, (w + 1) << 6) - (w << 6)
        return hi - lo == 64 ? ~0 : ((1 << UInt64(hi - lo)) - 1) << UInt64(lo)
    }

    private func setBits(_ bits: UnsafeMutablePointer<UInt64>, _ from: Int, _ count: Int) {
        for w in (from >> 6)...((from + count - 1) >> 6) { bits[w] |= mask(word: w, from, count) }
    }

    private func clearBits(_ bits: UnsafeMutablePointer<UInt64>, _ from: Int, _ count: Int) {
        for w in (from >> 6)...((from + count - 1) >> 6) { bits[w] &= ~mask(word: w, from, count) }
    }

    private func allBits(_ bits: UnsafeMutablePointer<UInt64>, _ from: Int, _ count: Int) -> Bool {
        for w in (from >> 6)...((from + count - 1) >> 6) {
            let m = mask(word: w, from, count)
            if bits[w] & m != m { return false }
        }
        return true
    }

    private func noBits(_ bits: UnsafeMutablePointer<UInt64>, _ from: Int, _ count: Int) -> Bool {
        for w in (from >> 6)...((from + count - 1) >> 6) where bits[w] & mask(word: w, from, count) != 0 { return false }
        return true
    }

    /// What is wrong with the page bitmaps and counts (empty when nothing):
    /// for tests, next to `Heap.verify()`.
    func pageMapProblems() -> [String] {
        var problems: [String] = []
        var unbackedTotal = 0, freeTotal = 0
        for (n, arena) in arenas.enumerated() {
            let a = arena.pointee
            var free = 0, unbacked = 0
            for w in 0..<bitmapWords {
                free += a.free[w].nonzeroBitCount
                unbacked += a.unbacked[w].nonzeroBitCount
                if a.unbacked[w] & ~a.free[w] != 0 { problems.append("arena \(n): a page in use is marked unbacked") }
            }
            if free != a.freeCount { problems.append("arena \(n): \(free) free bits, free count \(a.freeCount)") }
            if unbacked != a.unbackedCount { problems.append("arena \(n): \(unbacked) unbacked bits, count \(a.unbackedCount)") }
            for unit in stride(from: 0, to: pagesPerArena, by: pagesPerUnit)
            where !allBits(a.unbacked, unit, pagesPerUnit) && !noBits(a.unbacked, unit, pagesPerUnit) {
                problems.append("arena \(n): OS page at page \(unit) is partly unbacked")
            }
            for p in 0..<pagesPerArena where testBit(a.free, p) && !testBit(a.unbacked, p)
                && (a.base + p * pageSize).load(fromByteOffset: MemoryLayout<PageHeader>.offset(of: \.cellSize)!, as: Int32.self) != 0 {
                problems.append("arena \(n): free page \(p) has a cell size")
            }
            unbackedTotal += unbacked
            freeTotal += free
        }
        if unbackedTotal != unbackedPages { problems.append("\(unbackedTotal) unbacked pages, counted \(unbackedPages)") }
        var inUse = 0
        forEachPage { page in
            inUse += 1
            let arena = page.pointee.arena
            if testBit(arena.pointee.free, (UnsafeMutableRawPointer(page) - arena.pointee.base) / pageSize) {
                problems.append("page \(UnsafeMutableRawPointer(page)) is in use and marked free")
            }
        }
        if inUse + freeTotal != arenas.count * pagesPerArena {
            problems.append("\(inUse) pages in use and \(freeTotal) free in \(arenas.count) arenas of \(pagesPerArena)")
        }
        return problems
    }

    // MARK: Walking (verifier, teardown)

    /// Calls `body` with every object (non-free cell) in the old space.
    func forEachObject(_ body: (ObjectRef) -> Void) {
        forEachPage { page in
            let cellSize = Int(page.pointee.cellSize)
            var cell = UnsafeMutableRawPointer(page) + OldSpace.pageHeaderSize
            while cell < page.pointee.bump {
                if cell.load(as: UInt64.self) != 0 { body(ObjectRef(cell)) }
                cell += cellSize
            }
        }
    }

    /// Calls `body` with every page in use (current, partial and full, of every size class).
    private func forEachPage(_ body: (UnsafeMutablePointer<PageHeader>) -> Void) {
        for c in 1..<classCount {
            for list in [classes[c].current, classes[c].partial, classes[c].full] {
                var page = list
                while let p = page {
                    body(p)
                    page = p.pointee.next
                }
            }
        }
    }

    /// Pages in use whose marked-cell count is not 0 (between collections, there must be none).
    func pagesWithMarkCounts() -> Int {
        var found = 0
        forEachPage { if $0.pointee.markedCells != 0 { found += 1 } }
        return found
    }

    /// Whether `address` is the start of an object in a page in use.
    func containsObject(at address: UInt) -> Bool {
        guard isInArena(address) else { return false }
        let pageStart = address & ~UInt(pageSize - 1)
        guard let page = UnsafeMutablePointer<PageHeader>(bitPattern: pageStart) else { return false }
        let cellSize = Int(page.pointee.cellSize)
        let first = pageStart + UInt(OldSpace.pageHeaderSize)
        guard cellSize > 0, address >= first, address < UInt(bitPattern: page.pointee.bump),
              (address - first) % UInt(cellSize) == 0 else { return false }
        return UnsafeRawPointer(bitPattern: address)!.load(as: UInt64.self) != 0
    }

    /// Whether `address` lies inside any arena (a valid object or not).
    func isInArena(_ address: UInt) -> Bool {
        arenaBases.contains(address & ~UInt(arenaSize - 1))
    }

    /// Unmaps every arena.
    mutating func release() {
        for arena in arenas {
            VirtualMemory.unmap(arena.pointee.base, arenaSize)
            free(arena.pointee.free)
            free(arena)
        }
        arenas = []
        unbackedPages = 0
        arenaBases = []
        arenasWithFreePages = []
        classes.deinitialize(count: classCount)
        classes.deallocate()
        usedBytes = 0
    }
}
