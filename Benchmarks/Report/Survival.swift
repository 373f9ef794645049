// Minor-collection throughput: the survival loops at 0, 10 and 50 % survival,
// against malloc/free, ARC and two bump arenas, in this process, interleaved.
//
// One Tenure heap per survival rate (default configuration), warmed up by a
// few nurseries' worth of the loop; a collection hook records every pause
// while the measured loops run, so the pause figures are those of the
// measured collections only. Loop times are thread CPU time, as in (a).
import BenchKernels
import Foundation
import Tenure

/// Pauses and collector totals gathered by a collection hook.
final class PauseRecorder {
    var recording = false
    var minorPauses = PauseHistogram()
    var majorPauses = PauseHistogram()
    var minorSeconds = 0.0
    /// Major collections' own time: their pause less the minor collection that starts each.
    var majorOnlySeconds = 0.0
    private var lastMinor = 0.0

    func record(_ event: CollectionEvent) {
        guard recording else { return }
        switch event.kind {
        case .minor:
            minorPauses.record(event.seconds)
            minorSeconds += event.seconds
            lastMinor = event.seconds
        case .major:
            majorPauses.record(event.seconds)
            majorOnlySeconds += max(0, event.seconds - lastMinor)
        }
    }
}

/// What the survival loops measured at one survival rate.
struct SurvivalFigures {
    /// Keep every `keepEvery`-th object (0: none).
    var keepEvery: Int
    var ringCount: Int
    var objectsPerRepetition: Int
    /// ns per object, CPU time, per repetition.
    var tenure = Series(name: "Tenure")
    var malloc = Series(name: "malloc + free")
    var arc = Series(name: "Swift final class (ARC)")
    var arena = Series(name: "two bump arenas, each released in one piece")
    /// Tenure's collections during the measured loops (all repetitions).
    var pauses = PauseRecorder()
    var nurseryBytes = 0
    var promotedBytes = 0
    var tenureCPUSeconds = 0.0
    var tenureWallSeconds = 0.0
    var oldSpacePeakBytes = 0
    var repetitions = 0

    /// The nominal share of the nursery that survives.
    var nominalPercent: Int { keepEvery == 0 ? 0 : 100 / keepEvery }
    /// The share of nursery bytes that were copied out, as measured.
    var measuredSurvival: Double { nurseryBytes > 0 ? Double(promotedBytes) / Double(nurseryBytes) : 0 }
    var minorCollections: Int { pauses.minorPauses.count }
    var majorCollections: Int { pauses.majorPauses.count }
    /// Nursery bytes collected per second of minor-collection time.
    var nurseryBytesPerMinorSecond: Double { Double(nurseryBytes) / pauses.minorSeconds }
    /// Survivor bytes copied per second of minor-collection time.
    var copiedBytesPerMinorSecond: Double { Double(promotedBytes) / pauses.minorSeconds }
}

/// The survival rates measured: keep none, every 10th, every 2nd.
let survivalKeepEvery = [0, 10, 2]

/// Runs the survival loops at each rate, `repetitions` times each variant, interleaved.
func measureSurvival(repetitions: Int, log: (String) -> Void) -> [SurvivalFigures] {
    let nurseryBytes = HeapConfiguration().nurserySize
    let perNursery = SurvivalKernels.nurseryCapacity(nurseryBytes: nurseryBytes)
    let count = 50 * perNursery
    var results: [SurvivalFigures] = []
    for keepEvery in survivalKeepEvery {
        let ringCount = SurvivalKernels.ringCount(nurseryBytes: nurseryBytes, keepEvery: keepEvery)
        var figures = SurvivalFigures(keepEvery: keepEvery, ringCount: ringCount, objectsPerRepetition: count)
        let (heap, pair) = AllocationKernels.makeHeap()
        let ring = SurvivalKernels.makeRing(heap: heap, count: ringCount)
        let recorder = figures.pauses
        let token = heap.addCollectionHook { recorder.record($0) }
        let mallocRing = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: ringCount)
        mallocRing.initialize(repeating: nil, count: ringCount)
        let arcRing = UnsafeMutablePointer<SwiftPair?>.allocate(capacity: ringCount)
        arcRing.initialize(repeating: nil, count: ringCount)
        let arenaRing = UnsafeMutablePointer<UnsafeMutableRawPointer?>.allocate(capacity: ringCount)
        arenaRing.initialize(repeating: nil, count: ringCount)
        let arenas = ArenaPair(bytes: nurseryBytes)
        var positions = [0, 0, 0, 0]
        var checksum: UInt = 0

        // Warm-up: a few nurseries' worth each, so that the old generation and malloc's lists reach their steady state.
        let warm = 5 * perNursery
        checksum &+= SurvivalKernels.tenure(heap: heap, type: pair, ring: ring, ringCount: ringCount,
                                            keepEvery: keepEvery, count: warm, position: &positions[0])
        checksum &+= SurvivalKernels.mallocFree(ring: mallocRing, ringCount: ringCount, keepEvery: keepEvery,
                                                count: warm, position: &positions[1])
        checksum &+= SurvivalKernels.swiftClass(ring: arcRing, ringCount: ringCount, keepEvery: keepEvery,
                                                count: warm, position: &positions[2])
        checksum &+= SurvivalKernels.arena(arenas, ring: arenaRing, ringCount: ringCount, keepEvery: keepEvery,
                                           count: warm, position: &positions[3])

        for repetition in 0..<repetitions {
            for step in 0..<4 {
                switch (step + repetition) % 4 {
                case 0:
                    let before = heap.statistics
                    recorder.recording = true
                    let wallStart = monotonicSeconds()
                    let seconds = timedCPU {
                        checksum &+= SurvivalKernels.tenure(heap: heap, type: pair, ring: ring, ringCount: ringCount,
                                                            keepEvery: keepEvery, count: count, position: &positions[0])
                    }
                    figures.tenureWallSeconds += monotonicSeconds() - wallStart
                    recorder.recording = false
                    let after = heap.statistics
                    figures.tenure.values.append(seconds * 1e9 / Double(count))
                    figures.tenureCPUSeconds += seconds
                    figures.nurseryBytes += after.nurseryBytesAllocated - before.nurseryBytesAllocated
                    figures.promotedBytes += after.bytesPromoted - before.bytesPromoted
                case 1:
                    let seconds = timedCPU {
                        checksum &+= SurvivalKernels.mallocFree(ring: mallocRing, ringCount: ringCount, keepEvery: keepEvery,
                                                                count: count, position: &positions[1])
                    }
                    figures.malloc.values.append(seconds * 1e9 / Double(count))
                case 2:
                    let seconds = timedCPU {
                        checksum &+= SurvivalKernels.swiftClass(ring: arcRing, ringCount: ringCount, keepEvery: keepEvery,
                                                                count: count, position: &positions[2])
                    }
                    figures.arc.values.append(seconds * 1e9 / Double(count))
                default:
                    let seconds = timedCPU {
                        checksum &+= SurvivalKernels.arena(arenas, ring: arenaRing, ringCount: ringCount, keepEvery: keepEvery,
                                                           count: count, position: &positions[3])
                    }
                    figures.arena.values.append(seconds * 1e9 / Double(count))
                }
            }
            figures.repetitions += 1
            log(String(format: "  survival %d %%, repetition %d: tenure %.2f ns, malloc %.2f ns, arc %.2f ns, arena %.2f ns",
                       figures.nominalPercent, repetition + 1, figures.tenure.values.last!, figures.malloc.values.last!,
                       figures.arc.values.last!, figures.arena.values.last!))
        }
        figures.oldSpacePeakBytes = heap.statistics.arenaBytesPeak + heap.statistics.largeObjectBytesPeak
        heap.removeCollectionHook(token)
        SurvivalKernels.freeRing(mallocRing, ringCount: ringCount)
        mallocRing.deallocate()
        arcRing.deinitialize(count: ringCount)
        arcRing.deallocate()
        arenaRing.deallocate()
        consume(checksum)
        results.append(figures)
    }
    return results
}
