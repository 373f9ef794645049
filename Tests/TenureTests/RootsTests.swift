// Roots: the shadow stack (withRoots, withRoot, pushRoot/popRoots,
// popRoots(to:), rootDepth), global roots (add, remove, remove twice) and
// root scanners whose slots live in memory the runtime allocated itself.
//
// A root is the only thing that keeps an object alive across an allocation,
// and the only place the collector writes an object's new address: each test
// makes the object reachable through one kind of root only, forces it to move
// (minor collection) and to be marked (major collection), and checks the slot
// was updated and the object kept. Misuse that the heap turns into a
// fatal error (stack underflow, overflow) is checked in a child process.
import Testing
@testable import Tenure

@Suite struct ShadowStackTests {
    @Test(arguments: Configs.all.map(\.1))
    func withRootsKeepsAndUpdatesSlots(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        #expect(heap.rootDepth == 0)
        try heap.withRoots(8) { frame in
            #expect(heap.rootDepth == 8)
            #expect(frame.count == 8)
            for i in 0..<8 { #expect(frame[i] == nil) }
            for i in 0..<8 { frame[i] = try heap.node(types, id: i) }
            let before = (0..<8).map { frame[$0]!.address }
            let wasYoung = (0..<8).map { heap.isYoung(frame[$0]!) }
            heap.collectMinor()
            for i in 0..<8 {
                #expect(frame[i]?.nodeID == i)
                // In .stress most were promoted already by the allocations after them.
                #expect((frame[i]!.address != before[i]) == wasYoung[i], "slot \(i): moved iff it was young")
                #expect(frame.root(i).object.nodeID == i)
            }
            heap.collect()
            for i in 0..<8 { #expect(frame[i]?.nodeID == i) }
            heap.withRoot(try heap.node(types, id: 99)) { root in
                #expect(heap.rootDepth == 9)
                heap.collectMinor()
                #expect(root.object.nodeID == 99)
                #expect(!heap.isYoung(root.object))
            }
            #expect(heap.rootDepth == 8)
        }
        #expect(heap.rootDepth == 0)
        heap.collect()
        #expect(heap.oldGenerationBytes == 0)
    }

    @Test func framesArePoppedWhenTheBodyThrows() throws {
        let heap = try Heap(configuration: Configs.small)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try heap.withRoots(3) { _ in
                try heap.withRoot(nil) { _ in
                    #expect(heap.rootDepth == 4)
                    throw Boom()
                }
            }
        }
        #expect(heap.rootDepth == 0)
    }

    @Test func pushPopAndMarks() throws {
        let heap = try Heap(configuration: .stress)
        let types = try CommonTypes(heap)
        let start = heap.rootMark
        var roots: [Root] = []
        for i in 0..<100 { roots.append(heap.pushRoot(try heap.node(types, id: i))) }
        #expect(heap.rootDepth == 100)
        let middle = heap.rootMark
        for i in 100..<150 { heap.pushRoot(try heap.node(types, id: i)) }
        heap.popRoots(10)
        #expect(heap.rootDepth == 140)
        heap.popRoots(to: middle)
        #expect(heap.rootDepth == 100)
        #expect(heap.rootMark == middle)
        heap.collect()
        for i in 0..<100 { #expect(roots[i].object.nodeID == i) }
        // Popped slots are no roots any more: their objects die.
        heap.popRoots(50)
        heap.collect()
        for i in 0..<50 { #expect(roots[i].object.nodeID == i) }
        #expect(heap.oldGenerationBytes == 50 * 40)
        heap.popRoots(to: start)
        #expect(heap.rootDepth == 0)
        heap.popRoots(0)
        #expect(heap.rootDepth == 0)
        heap.collect()
        #expect(heap.oldGenerationBytes == 0)
    }

    /// A popped slot reused by a later push starts from the pushed value, not the stale one.
    @Test func reusedSlotsHoldTheNewValue() throws {
        let heap = try Heap(configuration: .stress)
        let types = try CommonTypes(heap)
        heap.pushRoot(try heap.node(types, id: 1))
        heap.popRoots()
        heap.withRoots(1) { frame in
            #expect(frame[0] == nil)
            heap.collect()
            #expect(heap.oldGenerationBytes == 0)
        }
    }

    @Test func popBelowTheBaseStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            let heap = try! Heap(configuration: .stress)
            heap.pushRoot(nil)
            heap.popRoots(2)
        }
        await #expect(processExitsWith: .failure) {
            let heap = try! Heap(configuration: .stress)
            let mark = heap.rootMark
            heap.pushRoot(nil)
            let above = heap.rootMark
            heap.popRoots(to: mark)
            heap.popRoots(to: above)  // a mark above the top
        }
    }

    @Test func overflowStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            var c = HeapConfiguration.stress
            c.shadowStackCapacity = 16
            let heap = try! Heap(configuration: c)
            for _ in 0..<17 { heap.pushRoot(nil) }
        }
        await #expect(processExitsWith: .failure) {
            var c = HeapConfiguration.stress
            c.shadowStackCapacity = 16
            let heap = try! Heap(configuration: c)
            heap.withRoots(17) { _ in }
        }
    }

    /// The whole capacity is usable.
    @Test func fullCapacityIsUsable() throws {
        var c = HeapConfiguration.stress
        c.shadowStackCapacity = 1024
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        try heap.withRoots(1024) { frame in
            for i in 0..<1024 { frame[i] = try heap.node(types, id: i) }
            heap.collect()
            for i in 0..<1024 { #expect(frame[i]?.nodeID == i) }
        }
    }
}

@Suite struct GlobalRootTests {
    @Test(arguments: Configs.all.map(\.1))
    func globalRootsKeepAndUpdate(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        var globals: [GlobalRoot] = []
        for i in 0..<20 { globals.append(heap.addGlobalRoot(try heap.node(types, id: i))) }
        let empty = heap.addGlobalRoot(nil)
        #expect(heap.rootDepth == 0)
        let addresses = globals.map { $0.object.address }
        let wasYoung = globals.map { heap.isYoung($0.object) }
        heap.collectMinor()
        for i in 0..<20 {
            #expect(globals[i].object.nodeID == i)
            #expect((globals[i].object.address != addresses[i]) == wasYoung[i])
        }
        #expect(empty.value == nil)
        heap.collect()
        for i in 0..<20 { #expect(globals[i].object.nodeID == i) }
        // Remove half: their objects die at the next major collection.
        for i in stride(from: 0, to: 20, by: 2) { try heap.removeGlobalRoot(globals[i]) }
        heap.collect()
        #expect(heap.oldGenerationBytes == 10 * 40)
        for i in stride(from: 1, to: 20, by: 2) { #expect(globals[i].object.nodeID == i) }
        // A global root can be rewritten without a barrier.
        globals[1].value = try heap.node(types, id: 100)
        heap.collectMinor()
        #expect(globals[1].object.nodeID == 100)
        for i in stride(from: 1, to: 20, by: 2) { try heap.removeGlobalRoot(globals[i]) }
        try heap.removeGlobalRoot(empty)
        heap.collect()
        #expect(heap.oldGenerationBytes == 0)
        #expect(heap.verify() == [])
    }

    @Test func removingTwiceThrows() throws {
        let heap = try Heap(configuration: Configs.small)
        let root = heap.addGlobalRoot(nil)
        try heap.removeGlobalRoot(root)
        #expect {
            try heap.removeGlobalRoot(root)
        } throws: { error in
            guard case HeapError.invalidArgument(let text) = error else { return false }
            return text.contains("removeGlobalRoot")
        }
        // A root of another heap is not a root of this one.
        let other = try Heap(configuration: Configs.small)
        let foreign = other.addGlobalRoot(nil)
        #expect(throws: HeapError.self) { try heap.removeGlobalRoot(foreign) }
        try other.removeGlobalRoot(foreign)
    }

    /// Removing a root twice must throw even when a new global root was added
    /// in between: the table keys roots by slot address, and a freed slot's
    /// address is the first one malloc hands back.
    @Test func removingTwiceThrowsAfterTheSlotIsReused() throws {
        let heap = try Heap(configuration: Configs.small)
        let types = try CommonTypes(heap)
        let first = heap.addGlobalRoot(nil)
        try heap.removeGlobalRoot(first)
        let second = heap.addGlobalRoot(try heap.node(types, id: 7))
        let reused = second.cell == first.cell
        #expect(throws: HeapError.self, "second removal of a root succeeded (slot reused: \(reused))") {
            try heap.removeGlobalRoot(first)
        }
        // If the stale removal went through, the second root is gone (its slot freed).
        heap.collect()
        #expect(heap.oldGenerationBytes == 40, "the object held by the second global root died")
        #expect(second.value?.nodeID == 7)
        // A global root's `root` view works wherever a `Root` does.
        #expect(second.root.object.nodeID == 7)
        try heap.removeGlobalRoot(second)
    }
}

@Suite struct RootScannerTests {
    /// Slots in memory the test allocated, visited by a scanner: the objects
    /// survive, and the slots follow them when they move.
    @Test(arguments: Configs.all.map(\.1))
    func scannerSlotsKeepAndUpdate(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let slotCount = 64
        let slots = UnsafeMutablePointer<ObjectRef?>.allocate(capacity: slotCount)
        slots.initialize(repeating: nil, count: slotCount)
        defer { slots.deallocate() }
        var visits = 0
        let token = heap.addRootScanner { visit in
            visits += 1
            for i in 0..<slotCount { visit(slots + i) }
        }
        for i in 0..<slotCount where i % 3 != 0 {
            slots[i] = try heap.node(types, id: i)
            // A young child reachable only through the scanned object.
            let child = try heap.node(types, id: 1000 + i)
            heap.storeReference(child, into: slots[i]!, at: CommonTypes.nodeLeft)
        }
        let before = (0..<slotCount).map { slots[$0]?.address }
        let wasYoung = (0..<slotCount).map { slots[$0].map(heap.isYoung) ?? false }
        heap.collectMinor()
        #expect(visits >= 1)
        for i in 0..<slotCount {
            if i % 3 == 0 {
                #expect(slots[i] == nil)
            } else {
                #expect(slots[i]?.nodeID == i)
                #expect((slots[i]?.address != before[i]) == wasYoung[i])
                #expect(slots[i]?.loadReference(at: CommonTypes.nodeLeft)?.nodeID == 1000 + i)
            }
        }
        heap.collect()
        for i in 0..<slotCount where i % 3 != 0 {
            #expect(slots[i]?.nodeID == i)
            #expect(slots[i]?.loadReference(at: CommonTypes.nodeLeft)?.nodeID == 1000 + i)
        }
        #expect(heap.verify() == [])
        heap.removeRootScanner(token)
        let visitsBefore = visits
        heap.collect()
        #expect(visits == visitsBefore)
        #expect(heap.oldGenerationBytes == 0)
    }

    @Test func severalScannersAndRemoval() throws {
        let heap = try Heap(configuration: .stress)
        let types = try CommonTypes(heap)
        let a = UnsafeMutablePointer<ObjectRef?>.allocate(capacity: 1)
        let b = UnsafeMutablePointer<ObjectRef?>.allocate(capacity: 1)
        defer { a.deallocate(); b.deallocate() }
        a.initialize(to: try heap.node(types, id: 1))
        let ta = heap.addRootScanner { $0(a) }
        b.initialize(to: try heap.node(types, id: 2))
        let tb = heap.addRootScanner { $0(b) }
        #expect(ta != tb)
        heap.collect()
        #expect(a.pointee?.nodeID == 1 && b.pointee?.nodeID == 2)
        heap.removeRootScanner(ta)
        heap.collect()
        #expect(heap.oldGenerationBytes == 40)
        #expect(b.pointee?.nodeID == 2)
        heap.removeRootScanner(tb)
        heap.removeRootScanner(tb)  // removing twice is harmless
        heap.collect()
        #expect(heap.oldGenerationBytes == 0)
    }
}
