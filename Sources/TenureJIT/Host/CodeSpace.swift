// The code space: every compiled loop's machine code and constant table.
//
// It outlives the host that compiles into it: the heap's token destructor
// holds it, so that a token dying at heap teardown (after the runtime and the
// host are gone) still finds its code to free. It keeps the per-loop records
// (block, table, program), the counters behind `JITStatistics`, the words
// compiled code reads (the current generation) and writes (the error flag),
// and the frees that happened inside a collection, for the log. Code and
// tables are raw memory the heap cannot see, so they are reported to it as
// memory pressure: a JIT that compiles a lot brings the next major
// collection, and with it the freeing of dead loops, sooner.
@_spi(CompiledCode) import Tenure

/// One compiled loop.
struct LoopRecord {
    let id: Int
    let program: LoopProgram
    let table: ReferenceTable
    /// The machine code; nil when the loop is interpreted.
    let block: CodeBlock?
    var codeBytes: Int { block?.size ?? 0 }
}

/// Owner of the machine code of all loops of one host.
final class CodeSpace {
    let memory: ExecutableMemory?
    /// The heap the tokens live in. Unowned: the heap holds this code space
    /// (through the token type's destructor), not the other way round, and
    /// destructors run while the heap still exists (also at its teardown).
    unowned(unsafe) let heap: Heap
    private(set) var loops: [Int: LoopRecord] = [:]
    private var nextID = 1

    /// The current generation, read by compiled code to stamp its token on entry.
    let generation: UnsafeMutablePointer<Int>
    /// Set to 1 by compiled code when an allocation failed (the heap keeps the error).
    let errorFlag: UnsafeMutablePointer<Int>

    private(set) var compiled = 0
    private(set) var freed = 0
    private(set) var aliveMax = 0
    private(set) var codeBytes = 0
    private(set) var codeBytesPeak = 0
    /// Loops freed since the host last logged: (id, code bytes); not kept once the host is gone.
    var freedSinceLog: [(Int, Int)] = []
    /// Whether a host still drains `freedSinceLog` into the log.
    var hostAttached = true

    init(memory: ExecutableMemory?, heap: Heap) {
        self.memory = memory
        self.heap = heap
        generation = .allocate(capacity: 1)
        generation.initialize(to: 0)
        errorFlag = .allocate(capacity: 1)
        errorFlag.initialize(to: 0)
    }

    deinit {
        for loop in loops.values { release(loop) }
        generation.deallocate()
        errorFlag.deallocate()
    }

    var alive: Int { loops.count }

    func newLoopID() -> Int {
        defer { nextID += 1 }
        return nextID
    }

    /// Raw bytes a loop holds outside the heap (code and constant table), reported
    /// to the heap as memory pressure so that dead loops are found sooner.
    static func rawBytes(_ loop: LoopRecord) -> Int { loop.codeBytes + 8 * (loop.table.count + 1) }

    func add(_ loop: LoopRecord) {
        heap.addMemoryPressure(CodeSpace.rawBytes(loop))
        loops[loop.id] = loop
        compiled += 1
        codeBytes += loop.codeBytes
        codeBytesPeak = max(codeBytesPeak, codeBytes)
        aliveMax = max(aliveMax, loops.count)
    }

    func record(of token: ObjectRef) -> LoopRecord {
        let id = LoopTokenLayout.loopID(of: token)
        guard let loop = loops[id] else { fatalError("TenureJIT: a loop token of unknown loop \(id): the token is not of this host, or its loop was freed") }
        return loop
    }

    func record(id: Int) -> LoopRecord? { loops[id] }

    /// Frees a dead token's loop (called by the token's destructor, inside a collection).
    func free(loopID: Int) {
        guard let loop = loops.removeValue(forKey: loopID) else { return }
        heap.removeMemoryPressure(CodeSpace.rawBytes(loop))
        release(loop)
        freed += 1
        codeBytes -= loop.codeBytes
        if hostAttached { freedSinceLog.append((loopID, loop.codeBytes)) }
    }

    private func release(_ loop: LoopRecord) {
        if let block = loop.block { try? memory?.free(block) }
        loop.table.deallocate()
    }
}
