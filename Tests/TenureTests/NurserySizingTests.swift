// The nursery sizing: its rule on made-up collections, its settings, and a
// heap whose nursery grows and shrinks while the verifier checks every
// minor collection and every object is read back.
import Testing
@testable @_spi(Machine) @_spi(Configuration) import Tenure

@Suite struct NurserySizingTests {
    static let mib = 1 << 20

    /// Feeds `count` collections of a full nursery with `survival` and `pause`; returns the sizes.
    static func run(_ sizing: inout NurserySizing, from size: Int, count: Int, survival: Double,
                    pause: Double, room: Int? = nil) -> [Int] {
        var size = size
        var sizes: [Int] = []
        for _ in 0..<count {
            size = sizing.nextSize(current: size, used: size, promoted: Int(Double(size) * survival),
                                   pause: pause, room: room)
            sizes.append(size)
        }
        return sizes
    }

    @Test func growsWhileSurvivorsAreManyAndPausesShort() {
        // A goal the assumed copy cost allows 64 MiB under (1.3 ms/MiB x 1.3 x 64 MiB = 108 ms).
        var sizing = NurserySizing(minimum: 4 * Self.mib, maximum: 64 * Self.mib, pauseGoal: 0.2)
        // 10 % survive in 10 us: cheap copies, growth after every `growthPatience` collections.
        let sizes = Self.run(&sizing, from: 4 * Self.mib, count: 40, survival: 0.10, pause: 1e-5)
        #expect(sizes.prefix(NurserySizing.growthPatience - 1).allSatisfy { $0 == 4 * Self.mib })
        #expect(sizes[NurserySizing.growthPatience - 1] == 8 * Self.mib)
        #expect(sizes.last == 64 * Self.mib)
        #expect(sizes.allSatisfy { $0 <= 64 * Self.mib })
    }

    @Test func aLongPauseHalvesItDownToTheMinimum() {
        var sizing = NurserySizing(minimum: 4 * Self.mib, maximum: 64 * Self.mib, pauseGoal: 0.010)
        let sizes = Self.run(&sizing, from: 64 * Self.mib, count: 6, survival: 0.10, pause: 0.020)
        #expect(sizes == [32, 16, 8, 4, 4, 4].map { $0 * Self.mib })
    }

    @Test func doesNotGrowWhenThePredictedPauseIsOverTheGoal() {
        var sizing = NurserySizing(minimum: 4 * Self.mib, maximum: 64 * Self.mib, pauseGoal: 0.010)
        // Everything survives at 1.3 ms per MiB: doubling to 8 MiB would pause about 13 ms.
        let sizes = Self.run(&sizing, from: 4 * Self.mib, count: 50, survival: 1.0, pause: 0.0052)
        #expect(sizes.allSatisfy { $0 == 4 * Self.mib })
    }

    /// The copy cost: at least the assumed one, raised by what is measured.
    @Test func theCopyCostBoundsTheSize() {
        // The assumed 1.3 ms per MiB: 8 MiB predicts 13.5 ms, under a 20 ms goal; 16 MiB does not.
        var assumed = NurserySizing(minimum: 4 * Self.mib, maximum: 64 * Self.mib, pauseGoal: 0.020)
        #expect(Self.run(&assumed, from: 4 * Self.mib, count: 40, survival: 0.10, pause: 1e-5).last == 8 * Self.mib)
        // With the defaults (10 ms) a 4 MiB nursery does not grow at the assumed cost.
        var defaults = NurserySizing(minimum: 4 * Self.mib, maximum: 64 * Self.mib, pauseGoal: 0.010)
        #expect(Self.run(&defaults, from: 4 * Self.mib, count: 40, survival: 0.10, pause: 1e-5).last == 4 * Self.mib)
        // A full survival copied at 2 ms per MiB: 8 MiB would pause about 21 ms, over the 20 ms goal.
        var measured = NurserySizing(minimum: 4 * Self.mib, maximum: 64 * Self.mib, pauseGoal: 0.020)
        _ = measured.nextSize(current: 4 * Self.mib, used: 4 * Self.mib, promoted: 4 * Self.mib, pause: 0.008, room: nil)
        #expect(Self.run(&measured, from: 4 * Self.mib, count: 40, survival: 0.10, pause: 1e-5).last == 4 * Self.mib)
    }

    @Test func fewSurvivorsShrinkItAfterAWhile() {
        var sizing = NurserySizing(minimum: 4 * Self.mib, maximum: 64 * Self.mib, pauseGoal: 0.010)
        let sizes = Self.run(&sizing, from: 16 * Self.mib, count: 2 * NurserySizing.shrinkPatience,
                             survival: 0.001, pause: 1e-4)
        #expect(sizes[NurserySizing.shrinkPatience - 2] == 16 * Self.mib)
        #expect(sizes[NurserySizing.shrinkPatience - 1] == 8 * Self.mib)
        #expect(sizes.last == 4 * Self.mib)
    }

    @Test func aBarelyUsedNurseryIsNoEvidence() {
        var sizing = NurserySizing(minimum: 4 * Self.mib, maximum: 64 * Self.mib, pauseGoal: 0.010)
        var size = 4 * Self.mib
        for _ in 0..<20 {
            size = sizing.nextSize(current: size, used: 4096, promoted: 4096, pause: 1e-5, room: nil)
        }
        #expect(size == 4 * Self.mib)
    }

    @Test func theMaximumHeapLeavesRoomForTheSurvivors() {
        var sizing = NurserySizing(minimum: 4 * Self.mib, maximum: 64 * Self.mib, pauseGoal: 0.2)
        // 40 MiB of room: a 8 MiB nursery needs 32, a 16 MiB one 64.
        let sizes = Self.run(&sizing, from: 4 * Self.mib, count: 40, survival: 0.10, pause: 1e-5, room: 40 * Self.mib)
        #expect(sizes.last == 8 * Self.mib)
        // Room shrinks under half the nursery: it halves at once.
        #expect(sizing.nextSize(current: 8 * Self.mib, used: 8 * Self.mib, promoted: 0, pause: 1e-4,
                                room: 6 * Self.mib) == 4 * Self.mib)
    }

    @Test func aFixedNurseryStaysFixed() {
        var sizing = NurserySizing(minimum: 4 * Self.mib, maximum: 4 * Self.mib, pauseGoal: 0.010)
        #expect(!sizing.adapts)
        #expect(Self.run(&sizing, from: 4 * Self.mib, count: 30, survival: 0.5, pause: 0.5).allSatisfy { $0 == 4 * Self.mib })
    }

    // MARK: Settings

    @Test func aDefaultNurseryAdaptsAndAGivenOneIsFixed() throws {
        let machine = TestMachines.plain
        let byDefault = try HeapConfiguration().resolved(environment: [:], machine: machine)
        #expect(byDefault.configuration.maximumNurserySize
                == HeapConfiguration.defaultMaximumNurserySize(for: machine, nurserySize: byDefault.configuration.nurserySize))
        #expect(byDefault.configuration.maximumNurserySize! > byDefault.configuration.nurserySize)
        #expect(byDefault.setting("GC_NURSERY_MAX")?.source.kind == "derived")
        #expect(byDefault.setting("GC_MINOR_PAUSE")?.value == .text("10ms"))

        let fromEnvironment = try HeapConfiguration().resolved(environment: ["TENURE_GC_NURSERY": "8M"], machine: machine)
        #expect(fromEnvironment.configuration.maximumNurserySize == 8 << 20)
        var c = HeapConfiguration()
        c.nurserySize = 1 << 20
        #expect(try c.resolved(environment: [:], machine: machine).configuration.maximumNurserySize == 1 << 20)
        let both = try c.resolved(environment: ["TENURE_GC_NURSERY_MAX": "16M"], machine: machine)
        #expect(both.configuration.maximumNurserySize == 16 << 20)
        #expect(both.configuration.nurserySize == 1 << 20)
    }

    @Test func badValuesNameTheVariableAndWhatIsAccepted() {
        func failure(_ environment: [String: String]) -> ConfigurationError? {
            do { _ = try HeapConfiguration().resolved(environment: environment, machine: TestMachines.plain); return nil }
            catch { return error }
        }
        let noUnit = failure(["TENURE_GC_MINOR_PAUSE": "5"])
        #expect(noUnit?.setting == "TENURE_GC_MINOR_PAUSE")
        #expect(noUnit?.description.contains("unit") == true)
        #expect(noUnit?.accepted.contains("5ms") == true)
        #expect(failure(["TENURE_GC_MINOR_PAUSE": "5 parsecs"])?.description.contains("parsecs") == true)
        let below = failure(["TENURE_GC_NURSERY": "8M", "TENURE_GC_NURSERY_MAX": "4M"])
        #expect(below?.setting == "TENURE_GC_NURSERY_MAX")
        #expect(below?.accepted.contains("the nursery size") == true)
        #expect(failure(["TENURE_GC_MINOR_PAUSE": "20s"])?.setting == "TENURE_GC_MINOR_PAUSE")
    }

    @Test func durationsReadAndWriteBack() throws {
        #expect(try SettingSyntax.parseDuration("5ms") == 0.005)
        #expect(try SettingSyntax.parseDuration(" 250us ") == 0.00025)
        #expect(try SettingSyntax.parseDuration("0.5s") == 0.5)
        #expect(SettingSyntax.describeDuration(0.010) == "10ms")
        #expect(SettingSyntax.describeDuration(0.00025) == "250us")
        #expect(SettingSyntax.describeDuration(2) == "2s")
        #expect(SettingSyntax.describeDuration(0.0015) == "1.5ms")
    }

    // MARK: A heap

    /// A list that keeps every node (many survivors: the nursery grows), then garbage
    /// only (few survivors: it shrinks back); every node is read back at the end.
    @Test(arguments: [false, true])
    func aGrowingAndShrinkingNurseryLosesNothing(checked: Bool) throws {
        var c = HeapConfiguration()
        c.nurserySize = 4 << 10
        c.maximumNurserySize = 64 << 10
        c.youngLargeObjectLimit = 1 << 10
        c.minorPauseGoal = 10
        c.debugLevel = 2
        c.checked = checked
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        let list = heap.pushRoot(nil)
        defer { heap.popRoots() }
        let kept = 6000
        for i in 0..<kept {
            let node = try heap.allocate(types.node)
            heap.storeReference(list.value, into: node, at: CommonTypes.nodeLeft)
            node.store(UInt64(i), at: CommonTypes.nodeID)
            list.value = node
        }
        let grown = heap.statistics
        #expect(grown.nurseryBytesPeak > 4 << 10)
        #expect(grown.nurseryBytesPeak <= 64 << 10)
        for _ in 0..<200_000 { _ = try heap.allocate(types.leaf) }
        #expect(heap.statistics.nurseryBytes == 4 << 10, "few survivors: back to the configured size")
        #expect(heap.statistics.nurseryResizes >= 2)
        heap.collect()
        var node = list.value
        var expected = kept - 1
        while let n = node {
            #expect(n.load(at: CommonTypes.nodeID, as: UInt64.self) == UInt64(expected))
            expected -= 1
            node = n.loadReference(at: CommonTypes.nodeLeft)
        }
        #expect(expected == -1)
    }
}
