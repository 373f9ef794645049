// GrowableBuffer against Swift's Array: random appends, truncations and
// stores, checked element by element after every step.
import SeededRandom
import Testing
import TenureSupport

@Suite struct GrowableBufferTests {
    @Test(arguments: [1, 2, 3, 64])
    func followsAnArray(initialCapacity: Int) {
        var rng = SplitMix64(seed: UInt64(initialCapacity))
        var buffer = GrowableBuffer<Int>(capacity: initialCapacity)
        defer { buffer.release() }
        var model: [Int] = []
        for step in 0..<3000 {
            switch rng.below(10) {
            case 0:
                let keep = rng.below(model.count + 1)
                buffer.truncate(to: keep)
                model.removeLast(model.count - keep)
            case 1 where !model.isEmpty:
                let index = rng.below(model.count)
                buffer[index] = step
                model[index] = step
            case 2:
                let target = model.count + rng.below(5)
                buffer.extend(to: target, with: -step)
                while model.count < target { model.append(-step) }
            default:
                #expect(buffer.append(step) == model.count)
                model.append(step)
            }
            #expect(buffer.count == model.count)
            #expect(buffer.capacity >= buffer.count)
            #expect((0..<model.count).allSatisfy { buffer[$0] == model[$0] })
        }
    }

    @Test func releasesWhatItHolds() {
        final class Counted { nonisolated(unsafe) static var alive = 0; init() { Counted.alive += 1 }; deinit { Counted.alive -= 1 } }
        var buffer = GrowableBuffer<Counted>(capacity: 1)
        for _ in 0..<100 { buffer.append(Counted()) }
        buffer.truncate(to: 40)
        #expect(Counted.alive == 40)
        buffer.release()
        #expect(Counted.alive == 0)
    }
}
