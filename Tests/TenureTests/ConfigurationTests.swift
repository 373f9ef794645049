// Configuration: every field that does not validate is refused by
// `Heap.init` with an error that names the field, the value and what is
// accepted; the limits that do validate make a working heap; memory
// pressure moves the threshold and brings the next major collection sooner;
// misuse of the pressure calls stops the process.
import Testing
@_spi(System) @testable import Tenure

@Suite struct ConfigurationTests {
    static let refusals: [(String, @Sendable (inout HeapConfiguration) -> Void)] = [
        ("nurserySize", { $0.nurserySize = 63 }),
        ("nurserySize", { $0.nurserySize = -1 }),
        ("majorCollectFactor", { $0.majorCollectFactor = 1.0 }),
        ("majorCollectFactor", { $0.majorCollectFactor = .nan }),
        ("majorCollectFactor", { $0.majorCollectFactor = .infinity }),
        ("growthFactor", { $0.growthFactor = 0.5 }),
        ("minimumHeapSize", { $0.minimumHeapSize = -1 }),
        ("maximumHeapSize", { $0.maximumHeapSize = 0 }),
        ("maximumDelta", { $0.maximumDelta = 0 }),
        ("debugLevel", { $0.debugLevel = 3 }),
        ("pageSize", { $0.pageSize = 3000 }),
        ("pageSize", { $0.pageSize = 128 }),
        ("arenaSize", { $0.arenaSize = 12 << 10 }),
        ("arenaSize", { $0.arenaSize = 4 << 10 }),  // smaller than the 8 KiB page
        ("smallObjectLimit", { $0.smallObjectLimit = 12 }),
        ("smallObjectLimit", { $0.smallObjectLimit = 100 }),
        ("smallObjectLimit", { $0.smallObjectLimit = 8 << 10 }),
        ("youngLargeObjectLimit", { $0.youngLargeObjectLimit = 8 }),
        ("youngLargeObjectLimit", { $0.nurserySize = 64 << 10; $0.youngLargeObjectLimit = 128 << 10 }),
        ("cardSize", { $0.cardSize = 0 }),
        ("cardSize", { $0.cardSize = 3 }),
        ("shadowStackCapacity", { $0.shadowStackCapacity = 15 }),
    ]

    @Test(arguments: 0..<refusals.count)
    func refusedSettingsNameTheField(index: Int) {
        let (field, change) = Self.refusals[index]
        var c = HeapConfiguration()
        change(&c)
        #expect {
            try c.validate()
        } throws: { error in
            guard let e = error as? ConfigurationError else { return false }
            return e.setting == field && e.description.contains("accepted")
        }
        #expect {
            _ = try Heap(configuration: c)
        } throws: { error in
            guard case HeapError.invalidArgument(let text) = error else { return false }
            return text.contains(field)
        }
    }

    @Test func boundaryValuesMakeWorkingHeaps() throws {
        var configurations: [HeapConfiguration] = [HeapConfiguration(), .stress, Configs.small, Configs.everyAllocation()]
        var c = HeapConfiguration.stress
        c.nurserySize = 100  // not a multiple of 8
        c.youngLargeObjectLimit = 100
        c.smallObjectLimit = 16
        c.pageSize = 256
        c.arenaSize = VirtualMemory.pageSize
        c.cardSize = 1
        c.minimumHeapSize = 0
        configurations.append(c)
        for configuration in configurations {
            let heap = try Heap(configuration: configuration)
            let types = try CommonTypes(heap)
            try heap.withRoots(2) { frame in
                frame[0] = try heap.allocateArray(types.references, count: 40)
                for i in 0..<40 { heap.storeItem(try heap.node(types, id: i), into: frame[0]!, at: i) }
                heap.collect()
                for i in 0..<40 { #expect(frame[0]!.loadItem(i)?.nodeID == i) }
                #expect(heap.verify() == [])
            }
        }
    }

    @Test func memoryPressureBringsTheNextMajorCollectionSooner() throws {
        var c = Configs.small
        c.minimumHeapSize = 8 << 20
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        // Nothing survives: without pressure no major collection would start.
        for i in 0..<20_000 { _ = try heap.node(types, id: i) }
        #expect(heap.statistics.majorCollections == 0)
        heap.addMemoryPressure(16 << 20)
        #expect(heap.majorCollectionThreshold < 0)
        for i in 0..<20_000 { _ = try heap.node(types, id: i) }
        #expect(heap.statistics.majorCollections >= 1)
        // The pressure is forgotten when the threshold is recomputed.
        #expect(heap.majorCollectionThreshold >= 8 << 20)
        #expect(heap.statistics.rawBytesReported == 16 << 20)
        heap.removeMemoryPressure(16 << 20)
        #expect(heap.statistics.rawBytesReported == 16 << 20)
    }

    @Test func pressureMisuseStopsTheProcess() async {
        await #expect(processExitsWith: .failure) {
            let heap = try! Heap(configuration: .stress)
            heap.addMemoryPressure(-1)
        }
        await #expect(processExitsWith: .failure) {
            let heap = try! Heap(configuration: .stress)
            heap.addMemoryPressure(10)
            heap.removeMemoryPressure(11)
        }
    }
}
