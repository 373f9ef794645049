// The loop memory manager: loops are kept for `loopLongevity` generations
// after their last entry, then left to the collector.
//
// PyPy's memory doubled over a translation because every compiled loop was
// kept forever. The manager holds the token of each loop in a root slot;
// when a generation ends it drops the tokens not entered for more than the
// longevity, and from then on a loop lives only as long as something else
// reaches its token (a loop that enters it, the runtime). A dropped token
// dies at the next major collection and its destructor frees the code.
// What a generation is, is a choice (docs/jit.md has the measurements):
// PyPy counts starts of tracing, V8 counts major collections.
import Tenure
import TenureSupport

/// What advances the loop memory manager's generation.
public enum GenerationClock: Sendable, Equatable {
    /// Every start of tracing (each `compile`, and `JITHost.startTracing()`), as PyPy.
    case tracingStarts
    /// Every major collection, as V8 ages its code.
    case majorCollections
}

/// Keeps recently entered loops' tokens alive.
final class LoopMemoryManager {
    let heap: Heap
    let longevity: Int
    let clock: GenerationClock
    let codeSpace: CodeSpace
    /// The kept tokens, each a root slot.
    private var slots = GrowableBuffer<ObjectRef?>(capacity: 64)
    var keptCount: Int { slots.count }
    private var scanner: RootScannerToken?

    init(heap: Heap, longevity: Int, clock: GenerationClock, codeSpace: CodeSpace) {
        self.heap = heap
        self.longevity = longevity
        self.clock = clock
        self.codeSpace = codeSpace
        scanner = heap.addRootScanner { [weak self] visit in
            guard let self else { return }
            for i in 0..<self.slots.count { visit(self.slots.base + i) }
        }
    }

    /// Drops every kept token (the host is going away); the loops die at the next major collection.
    func stop() {
        if let scanner { heap.removeRootScanner(scanner) }
        scanner = nil
        slots.truncate(to: 0)
    }

    deinit {
        stop()
        slots.release()
    }

    func keep(_ token: ObjectRef) {
        slots.append(token)
    }

    /// Ends a generation: drops the tokens last entered more than `longevity` generations ago.
    func advanceGeneration() {
        codeSpace.generation.pointee += 1
        let now = codeSpace.generation.pointee
        var dropped = 0
        if longevity > 0 {
            var kept = 0
            for i in 0..<keptCount {
                let token = slots[i]!
                if now - LoopTokenLayout.lastEntered(token) > longevity {
                    dropped += 1
                } else {
                    slots[kept] = token
                    kept += 1
                }
            }
            slots.truncate(to: kept)
        }
        if dropped > 0 || heap.isLogging("jit-mem") && now % 100 == 0 {
            heap.log("jit-mem", "generation generation=\(now) dropped=\(dropped) kept=\(keptCount) alive=\(codeSpace.alive)")
        }
    }
}
