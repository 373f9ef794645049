// The event log: TENURE_LOG's categories select the lines, every line has
// a tick, nanoseconds and its category, and a destination that cannot be
// opened is an error at heap creation, not silence.
import Foundation
import Testing
@testable import Tenure

@Suite struct EventLogTests {
    @Test func collectionsAndRuntimeEventsAreLogged() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-log-\(UUID().uuidString)-%d.log").path
        var c = HeapConfiguration()
        c.nurserySize = 4096
        c.minimumHeapSize = 32 << 10
        c.log = LogSpecification(categories: ["gc", "phase"], destination: path)
        do {
            let heap = try Heap(configuration: c)
            let types = try heap.register(.object("Node", references: 1))
            #expect(heap.isLogging("gc-minor"))
            #expect(heap.isLogging("phase"))
            #expect(!heap.isLogging("jit-mem"))
            heap.log("phase", "name=start")
            heap.log("jit-mem", "not written")
            let root = heap.pushRoot(nil)
            for _ in 0..<5000 {
                let n = try heap.allocate(types)
                heap.storeReference(root.value, into: n, at: 8)
                root.value = n
            }
            heap.collect()
            heap.popRoots()
        }
        let file = path.replacingOccurrences(of: "%d", with: "\(getpid())")
        defer { try? FileManager.default.removeItem(atPath: file) }
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.contains { $0.contains(" phase name=start") })
        #expect(!lines.contains { $0.contains("jit-mem") })
        let minors = lines.filter { $0.contains(" gc-minor ") }
        let majors = lines.filter { $0.contains(" gc-collect ") }
        #expect(minors.count > 5)
        #expect(majors.count >= 1)
        for line in lines {
            let fields = line.split(separator: " ")
            #expect(fields.count >= 3)
            #expect(UInt64(fields[0]) != nil && Int(fields[1]) != nil)
        }
        #expect(majors.last!.contains("heap_before=") && majors.last!.contains("heap_after="))
    }

    /// Two heaps of one process logging to one path: the file holds whole lines of both.
    @Test func heapsSharingADestinationInterleaveWholeLines() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-shared-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        var c = HeapConfiguration()
        c.nurserySize = 4096
        c.log = LogSpecification(categories: ["phase"], destination: path)
        do {
            let first = try Heap(configuration: c)
            first.log("phase", "name=first event=start")
            let second = try Heap(configuration: c)
            for i in 0..<200 {
                first.log("phase", "name=first-\(i) event=start")
                second.log("phase", "name=second-\(i) event=start")
            }
        }
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("\0"))
        let lines = text.split(separator: "\n")
        #expect(lines.count == 401)
        #expect(lines.contains { $0.hasSuffix("name=first event=start") })
        #expect(lines.allSatisfy { $0.split(separator: " ").count == 5 })
    }

    @Test func unopenableDestinationIsAnError() throws {
        var c = HeapConfiguration()
        c.log = try LogSpecification.parse("gc:/nonexistent-directory/x.log")
        #expect {
            _ = try Heap(configuration: c)
        } throws: { error in
            guard case HeapError.invalidArgument(let text) = error else { return false }
            return text.contains("/nonexistent-directory/x.log")
        }
    }
}
