// Basic behaviour of the heap: allocation, fields, roots, collections.
import Testing
@testable import Tenure

@Suite struct HeapBasicsTests {
    @Test func allocatedObjectsKeepTheirFieldsAcrossCollections() throws {
        for configuration in [HeapConfiguration(), HeapConfiguration.stress] {
            let heap = try Heap(configuration: configuration)
            let node = try heap.register(.object("Node", references: 2, words: 1))
            // A linked list of 1000 nodes held from one root.
            let head = heap.pushRoot(nil)
            for i in 0..<1000 {
                let n = try heap.allocate(node)
                n.store(i, at: ObjectLayout.fieldOffset(2))
                heap.storeReference(head.value, into: n, at: ObjectLayout.fieldOffset(0))
                head.value = n
            }
            heap.collectMinor()
            heap.collect()
            var count = 0
            var cursor = head.value
            while let n = cursor {
                #expect(n.load(at: ObjectLayout.fieldOffset(2), as: Int.self) == 999 - count)
                count += 1
                cursor = n.loadReference(at: ObjectLayout.fieldOffset(0))
            }
            #expect(count == 1000)
            #expect(heap.verify() == [])
            heap.popRoots()
            heap.collect()
            #expect(heap.oldGenerationBytes == 0)
        }
    }
}
