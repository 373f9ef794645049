// Reference tables: slots outside the heap traced as fields of their owner.
//
// A table's objects must survive minor and major collections while the owner
// lives, be updated when they move, be kept alive by nothing once the owner
// is dead (a cycle through two owners' tables dies whole), and a young object
// stored into an old owner's table must be found by the next minor
// collection (the owner's write barrier). The verifier checks the slots too.
import Testing
@_spi(CompiledCode) @testable import Tenure

@Suite struct ReferenceTableTests {
    static var configuration: HeapConfiguration {
        var c = HeapConfiguration()
        c.nurserySize = 4096
        c.minimumHeapSize = 64 << 10
        c.debugLevel = 2
        return c
    }

    /// An owner type with one reference field and a table word, freeing its table when it dies.
    static func ownerType(_ heap: Heap, freed: UnsafeMutablePointer<Int>) throws -> ObjectType {
        try heap.register(.object("Owner", references: 1, words: 1, referenceTableWord: 0, destructor: { owner in
            let base = owner.load(at: ObjectLayout.fieldOffset(1), as: UnsafeMutableRawPointer?.self)
            if let base { ReferenceTable(base: base).deallocate() }
            freed.pointee += 1
        }))
    }

    static func makeOwner(_ heap: Heap, _ type: ObjectType, slots: Int) throws -> ObjectRef {
        let owner = try heap.allocate(type)
        owner.store(ReferenceTable.allocate(count: slots).base, at: ObjectLayout.fieldOffset(1))
        return owner
    }

    @Test func tableSlotsMoveWithTheirObjectsAndKeepThemAlive() throws {
        let freed = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        freed.initialize(to: 0)
        defer { freed.deallocate() }
        let heap = try Heap(configuration: Self.configuration)
        let owner = try Self.ownerType(heap, freed: freed)
        let leaf = try heap.register(.object("Leaf", references: 0, words: 1))
        let root = heap.pushRoot(try Self.makeOwner(heap, owner, slots: 8))
        defer { heap.popRoots() }
        for i in 0..<8 {
            let object = try heap.allocate(leaf)
            object.store(1000 + i, at: 8)
            heap.storeReference(object, intoTableOf: root.object, at: i)
        }
        heap.collectMinor()   // owner and leaves promoted; slots updated
        for _ in 0..<3 {
            // Young leaves stored into the now old owner's table: the barrier must remember it.
            for i in stride(from: 0, to: 8, by: 2) {
                let object = try heap.allocate(leaf)
                object.store(2000 + i, at: 8)
                heap.storeReference(object, intoTableOf: root.object, at: i)
            }
            for _ in 0..<2000 { _ = try heap.allocate(leaf) }   // many minor collections
            heap.collect()
        }
        let table = ReferenceTable(base: root.object.load(at: ObjectLayout.fieldOffset(1), as: UnsafeMutableRawPointer.self))
        for i in 0..<8 {
            let object = try #require(table[i])
            #expect(object.load(at: 8, as: Int.self) == (i % 2 == 0 ? 2000 : 1000) + i)
            #expect(!heap.isYoung(object))
        }
        #expect(heap.verify().isEmpty)
        #expect(freed.pointee == 0)
    }

    @Test func deadOwnersKeepNothingAliveEvenInACycle() throws {
        let freed = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        freed.initialize(to: 0)
        defer { freed.deallocate() }
        let heap = try Heap(configuration: Self.configuration)
        let owner = try Self.ownerType(heap, freed: freed)
        let weak: ObjectRef
        do {
            let frame = RootFrame(base: heap.pushRoot(nil).slot, count: 2)
            _ = heap.pushRoot(nil)
            frame[0] = try Self.makeOwner(heap, owner, slots: 1)
            frame[1] = try Self.makeOwner(heap, owner, slots: 1)
            heap.storeReference(frame[1], intoTableOf: frame[0]!, at: 0)
            heap.storeReference(frame[0], intoTableOf: frame[1]!, at: 0)
            weak = try heap.makeWeakReference(to: frame[0])
            heap.popRoots(2)
        }
        let weakRoot = heap.pushRoot(weak)
        defer { heap.popRoots() }
        heap.collect()
        #expect(heap.weakTarget(of: weakRoot.object) == nil)
        #expect(freed.pointee == 2)
        #expect(heap.verify().isEmpty)
    }

    @Test func ownerTypeLayoutsAreChecked() throws {
        let heap = try Heap()
        #expect(throws: TypeLayoutError.self) {
            _ = try heap.register(.object("Bad", size: 24, referenceOffsets: [8], referenceTableOffset: 8))
        }
        #expect(throws: TypeLayoutError.self) {
            _ = try heap.register(.object("Bad", size: 24, referenceOffsets: [], referenceTableOffset: 12))
        }
        #expect(throws: TypeLayoutError.self) {
            _ = try heap.register(.object("Bad", size: 24, referenceOffsets: [], referenceTableOffset: 24))
        }
    }
}
