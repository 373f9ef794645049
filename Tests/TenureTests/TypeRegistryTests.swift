// The type registry: what layouts it accepts, the errors it gives for the
// ones it refuses, and the records it keeps (sizes, reference slots, vtables,
// names) — including past the table's first growth and for reference offsets
// beyond word 63, which take the registry's overflow list instead of its bitmap.
//
// A layout the registry accepts wrongly makes the tracer read garbage as a
// pointer, so the refusals matter as much as the acceptances.
import Testing
@testable import Tenure

@Suite struct TypeRegistryTests {
    /// Registers `layout` and returns the error text, or nil if it was accepted.
    func refusal(_ layout: TypeLayout, array: Bool = false) throws -> String? {
        let heap = try Heap()
        do {
            if array { _ = try heap.registerArray(layout) } else { _ = try heap.register(layout) }
            return nil
        } catch {
            return error.description
        }
    }

    @Test(arguments: [0, 7, -8, Int(Int32.max) + 1, Int.max])
    func badSizesAreRefused(size: Int) throws {
        let text = try #require(try refusal(.object("Bad", size: size)))
        #expect(text.contains("'Bad'"))
        #expect(text.contains("size \(size)"))
        #expect(text.contains("accepted"))
    }

    @Test(arguments: [
        (24, [0]),        // the header
        (24, [4]),        // not a multiple of 8
        (24, [12]),
        (24, [24]),       // past the end
        (24, [-8]),
        (24, [8, 16, 32]),
        (1024, [1024]),
    ])
    func badReferenceOffsetsAreRefused(size: Int, offsets: [Int]) throws {
        let text = try #require(try refusal(.object("BadOffsets", size: size, referenceOffsets: offsets)))
        #expect(text.contains("'BadOffsets'"))
        #expect(text.contains("reference offset"))
        #expect(text.contains("multiples of 8"))
    }

    @Test(arguments: [0, 3, 5, 6, 7, 16, -1])
    func badRawItemSizesAreRefused(itemSize: Int) throws {
        let text = try #require(try refusal(.array("Raw", of: .raw(itemSize: itemSize)), array: true))
        #expect(text.contains("item size \(itemSize)"))
        #expect(text.contains("1, 2, 4 or 8"))
    }

    @Test func arraysAndObjectsMustUseTheirOwnRegistration() throws {
        let asObject = try #require(try refusal(.array("Items", of: .references)))
        #expect(asObject.contains("'Items'") && asObject.contains("registerArray"))
        let asArray = try #require(try refusal(.object("Pair", references: 2), array: true))
        #expect(asArray.contains("'Pair'") && asArray.contains("register"))
    }

    @Test func goodLayoutsAreAccepted() throws {
        let heap = try Heap()
        let headerOnly = try heap.register(.object("Empty", size: 8))
        #expect(headerOnly.size == UInt32(ObjectLayout.minimumObjectSize))
        let odd = try heap.register(.object("Odd", size: 20, referenceOffsets: [8, 8, 16]))
        #expect(odd.size == 24)
        let raw = try heap.register(.object("Raw", references: 0, words: 3))
        #expect(raw.size == 32)
        for itemSize in [1, 2, 4, 8] {
            let a = try heap.registerArray(.array("Raw\(itemSize)", of: .raw(itemSize: itemSize)))
            #expect(1 << Int(a.itemShift) == itemSize)
            #expect(!a.itemsAreReferences)
            #expect(a.instanceSize(count: 0) == 16)
            #expect(a.instanceSize(count: 3) == (16 + 3 * itemSize + 7) & ~7)
        }
        let refs = try heap.registerArray(.array("Refs", of: .references))
        #expect(refs.itemsAreReferences && refs.itemShift == 3)
        #expect(heap.typeName(odd.id) == "Odd")
        #expect(heap.typeName(0) == nil)
        #expect(heap.typeName(9999) == nil)
    }

    @Test func theSlowPathFlagFollowsDestructorsAndSize() throws {
        let heap = try Heap(configuration: .stress)  // young large limit 64
        #expect(try !heap.register(.object("Small", references: 1)).allocatesSlowly)
        #expect(try heap.register(.object("Big", size: 72)).allocatesSlowly)
        #expect(try heap.register(.object("Fin", references: 1, destructor: { _ in })).allocatesSlowly)
        #expect(try !heap.registerArray(.array("A", of: .references)).allocatesSlowly)
        #expect(try heap.registerArray(.array("B", of: .references, destructor: { _ in })).allocatesSlowly)
    }

    /// vtable(of:) is the header's type id looked up in the table, for every type,
    /// also after the table has grown (its first capacity is 64 records).
    @Test func vtablesAndManyTypes() throws {
        let heap = try Heap(configuration: Configs.small)
        let tables = UnsafeMutableRawPointer.allocate(byteCount: 300, alignment: 8)
        defer { tables.deallocate() }
        var types: [ObjectType] = []
        var arrays: [ArrayType] = []
        try heap.withRoots(300) { frame in
            for i in 0..<150 {
                let t = try heap.register(.object("T\(i)", references: i % 3, words: 1, vtable: UnsafeRawPointer(tables + i)))
                types.append(t)
                frame[i] = try heap.allocate(t)
                frame[i]!.store(UInt64(i), at: ObjectLayout.fieldOffset(i % 3))
                let a = try heap.registerArray(.array("A\(i)", of: .references, vtable: UnsafeRawPointer(tables + 150 + i)))
                arrays.append(a)
                frame[150 + i] = try heap.allocateArray(a, count: i % 5)
            }
            for round in 0..<3 {
                for i in 0..<150 {
                    let o = try #require(frame[i])
                    #expect(o.typeID == types[i].id)
                    #expect(heap.vtable(of: o) == UnsafeRawPointer(tables + i))
                    #expect(o.load(at: ObjectLayout.fieldOffset(i % 3), as: UInt64.self) == UInt64(i))
                    let a = try #require(frame[150 + i])
                    #expect(heap.vtable(of: a) == UnsafeRawPointer(tables + 150 + i))
                    #expect(a.count == i % 5)
                    #expect(heap.typeName(a.typeID) == "A\(i)")
                }
                if round == 0 { heap.collectMinor() } else { heap.collect() }
            }
        }
        let none = try heap.register(.object("NoVtable", references: 0))
        let o = try heap.allocate(none)
        #expect(heap.vtable(of: o) == nil)
        #expect(heap.verify() == [])
    }

    /// References at word 64 and beyond are kept in the overflow list: they
    /// must be traced (kept alive and updated) like the bitmap ones.
    @Test(arguments: Configs.all.map(\.1))
    func referencesBeyondWord63AreTraced(configuration: HeapConfiguration) throws {
        let heap = try Heap(configuration: configuration)
        let types = try CommonTypes(heap)
        let offsets = [8, 8 * 63, 8 * 64, 8 * 65, 8 * 100]
        let wide = try heap.register(.object("Wide", size: 8 * 101, referenceOffsets: offsets))
        try heap.withRoots(1) { frame in
            frame[0] = try heap.allocate(wide)
            for (k, offset) in offsets.enumerated() {
                let child = try heap.node(types, id: 1000 + k)
                heap.storeReference(child, into: frame[0]!, at: offset)
            }
            for _ in 0..<3 {
                // Garbage in between, so children move and the old copies get reused.
                for i in 0..<2000 { _ = try heap.node(types, id: -i) }
                heap.collectMinor()
                for (k, offset) in offsets.enumerated() {
                    #expect(frame[0]!.loadReference(at: offset)?.nodeID == 1000 + k)
                }
                heap.collect()
                for (k, offset) in offsets.enumerated() {
                    #expect(frame[0]!.loadReference(at: offset)?.nodeID == 1000 + k)
                }
            }
            // Write young children into the now old object: the barrier covers overflow slots too.
            for (k, offset) in offsets.enumerated() {
                let child = try heap.node(types, id: 2000 + k)
                heap.storeReference(child, into: frame[0]!, at: offset)
            }
            heap.collectMinor()
            for (k, offset) in offsets.enumerated() {
                #expect(frame[0]!.loadReference(at: offset)?.nodeID == 2000 + k)
            }
            #expect(heap.verify() == [])
        }
        heap.collect()
        #expect(heap.oldGenerationBytes == 0)
    }
}
