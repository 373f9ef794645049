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
    /// Free pages that were used before, linked through their first word.
    var freePages: UnsafeMutableRawPointer?
    /// Pages from this index on have never been used.
    var untouchedFrom: Int
    /// Pages not in use (on the free list or untouched).
    var freeCount: Int
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
    /// Base addresses of the mapped arenas, for the verifier's lookups.
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

    init(pageSize: Int, arenaSize: Int, smallObjectLimit: Int, numaLocalArenas: Bool = false) {
        self.numaLocalArenas = numaLocalArenas
        self.pageSize = pageSize
        self.arenaSize = arenaSize
        self.pagesPerArena = arenaSize / pageSize
        self.smallObjectLimit = smallObjectLimit
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
                page.pointee.freeList = cell.load(fromByteOffset: 8, as: UnsafeMutableRawPointer?.self)
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
        let memory: UnsafeMutableRawPointer
        if let free = arena.pointee.freePages {
            arena.pointee.freePages = free.load(as: UnsafeMutableRawPointer?.self)
            memory = free
        } else {
            memory = arena.pointee.base + arena.pointee.untouchedFrom * pageSize
            arena.pointee.untouchedFrom += 1
        }
        arena.pointee.freeCount -= 1
        let page = memory.bindMemory(to: PageHeader.self, capacity: 1)
        page.initialize(to: PageHeader(next: nil, freeList: nil, bump: memory + OldSpace.pageHeaderSize,
                                       arena: arena, cellSize: Int32(cellSize), markedCells: 0))
        return page
    }

    /// Maps a new arena. It runs inside a minor collection (promotion), which
    /// cannot stop half-way: a refusal is retried after the emergency reserve is
    /// released, and only a second one stops the process, with the figures.
    private mutating func mapArena() -> UnsafeMutablePointer<Arena> {
        let arenaSize = arenaSize
        guard let base = MemoryReserve.retrying({ VirtualMemory.mapAligned(arenaSize, alignment: arenaSize) }),
              let record = MemoryReserve.retrying({ malloc(MemoryLayout<Arena>.stride) }) else {
            tenureStop("out of memory: the system refused a \(arenaSize)-byte arena while a minor collection copied survivors (the old space maps \(mappedBytes) bytes, \(usedBytes) in use), and the emergency reserve is already spent")
        }
        if numaLocalArenas { NUMAPlacement.preferLocalNode(base, arenaSize) }
        let arena = record.bindMemory(to: Arena.self, capacity: 1)
        arena.initialize(to: Arena(base: base, freePages: nil, untouchedFrom: 0, freeCount: pagesPerArena))
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
                cell.storeBytes(of: nil, toByteOffset: 8, as: UnsafeMutableRawPointer?.self)
                if let t = freeTail { t.storeBytes(of: cell, toByteOffset: 8, as: UnsafeMutableRawPointer?.self) } else { freeHead = cell }
                freeTail = cell
            }
            cell += cellSize
        }
        page.pointee.freeList = freeHead
        return live
    }

    private mutating func releasePage(_ page: UnsafeMutablePointer<PageHeader>) {
        let arena = page.pointee.arena
        page.pointee.cellSize = 0
        let memory = UnsafeMutableRawPointer(page)
        memory.storeBytes(of: arena.pointee.freePages, as: UnsafeMutableRawPointer?.self)
        arena.pointee.freePages = memory
        arena.pointee.freeCount += 1
    }

    /// Unmaps wholly empty arenas beyond `keepBytes` of them, and orders the
    /// arenas with free pages for reuse. Keeping as many empty arenas as the
    /// heap will fill before the next major collection anyway saves the page
    /// faults of mapping them again; the rest goes back to the kernel.
    mutating func releaseEmptyArenas(keepBytes: Int) {
        var kept: [UnsafeMutablePointer<Arena>] = []
        kept.reserveCapacity(arenas.count)
        var emptyKept = 0
        for arena in arenas {
            if arena.pointee.freeCount == pagesPerArena && emptyKept + arenaSize > keepBytes {
                VirtualMemory.unmap(arena.pointee.base, arenaSize)
                arenaBases.remove(UInt(bitPattern: arena.pointee.base))
                free(arena)
                arenasReleased += 1
            } else {
                if arena.pointee.freeCount == pagesPerArena { emptyKept += arenaSize }
                kept.append(arena)
            }
        }
        arenas = kept
        arenasWithFreePages = kept.filter { $0.pointee.freeCount > 0 }.sorted { $0.pointee.freeCount < $1.pointee.freeCount }
        nextArena = 0
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
            free(arena)
        }
        arenas = []
        arenaBases = []
        arenasWithFreePages = []
        classes.deinitialize(count: classCount)
        classes.deallocate()
        usedBytes = 0
    }
}
