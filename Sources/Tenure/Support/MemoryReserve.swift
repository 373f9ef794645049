// The emergency memory reserve: what lets a collection finish when the
// kernel refuses memory.
//
// A minor collection cannot stop half-way: every survivor must be copied out
// before the nursery is reset. If the kernel refuses an arena, a large
// object's block or a bigger work list in the middle of one (an address-space
// limit, a system without overcommit), there is no error to throw from there.
// So the process keeps a reserve of mapped, untouched address space (it costs
// no resident memory) big enough for the worst minor collection of any heap:
// when a request is refused inside the collector, the reserve is unmapped and
// the request retried, and the collection completes. The heap then closes its
// allocation fast path; its slow path tries to map the reserve again (after a
// major collection that gives memory back) and throws `outOfMemory` while it
// cannot, so the runtime gets the error `docs/embedding.md` promises, with the
// heap consistent. Only a refusal with the reserve already spent stops the
// process, with the figures.
//
// One reserve serves every heap of the process (the kernel's limit is the
// process's); it is as big as the largest heap needs.
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

enum MemoryReserve {
    private struct State {
        var base: UnsafeMutableRawPointer?
        var size = 0
        /// The size the reserve should have: the most any heap asked for.
        var wanted = 0
    }
    private static let state = Mutex(State())
    private static let held = Atomic<Bool>(true)

    /// The reserve a heap with configuration `c` needs: its worst minor
    /// collection copies the whole nursery at its largest (into pages, with one partly used
    /// page per size class, or into large blocks), grows the trace list by a
    /// word per 16 bytes of survivors, and maps arenas with alignment slack.
    static func bytesNeeded(by c: HeapConfiguration) -> Int {
        let sizeClasses = c.smallObjectLimit / 8
        return 3 * c.nurseryCapacity + sizeClasses * c.pageSize + 2 * c.arenaSize + (1 << 20)
    }

    /// Whether the reserve is mapped (the fast path of every heap is closed while it is not).
    static var isHeld: Bool { held.load(ordering: .relaxed) }

    /// Maps the reserve (at least `bytes`); false when the kernel refuses.
    static func ensure(_ bytes: Int) -> Bool {
        state.withLock { s in
            s.wanted = max(s.wanted, VirtualMemory.roundUp(bytes, to: VirtualMemory.pageSize))
            if s.base != nil && s.size >= s.wanted { return true }
            if let base = s.base { VirtualMemory.unmap(base, s.size) }
            s.base = try? VirtualMemory.map(s.wanted)
            s.size = s.base == nil ? 0 : s.wanted
            held.store(s.base != nil, ordering: .relaxed)
            return s.base != nil
        }
    }

    /// Unmaps the reserve so that a refused request can be retried; false when none was held.
    static func release() -> Bool {
        state.withLock { s in
            guard let base = s.base else { return false }
            VirtualMemory.unmap(base, s.size)
            s.base = nil
            s.size = 0
            held.store(false, ordering: .relaxed)
            return true
        }
    }

    /// The reserve's size now (0 when spent), for messages.
    static var bytesHeld: Int { state.withLock { $0.size } }

    /// `attempt()`, retried once after the reserve is released if it fails.
    @inline(__always)
    static func retrying<T>(_ attempt: () -> T?) -> T? {
        if let result = attempt() { return result }
        guard release() else { return nil }
        return attempt()
    }
}
