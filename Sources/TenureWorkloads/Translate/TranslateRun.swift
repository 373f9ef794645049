// One run of the translation model: the eight phases and what each does.
//
//   annotate             builds every function's graph from the seeded program,
//                        variables typed from a table of TypeDescs;
//   rtype                rewrites each graph bigger (low-level operations); the
//                        annotated graphs die one function at a time;
//   pyjitpl              keeps the graphs and builds jitcodes (copies of a third
//                        of them); three times as many JIT loops as other phases;
//   backendopt           rewrites with inlining (fewer, longer blocks); graphs and
//                        jitcodes of before die gradually;
//   stackcheckinsertion  patches every block in place (a new, longer operations
//                        array stored into an old block: the write barrier);
//   database_c           builds a database node (a name and its subject) per
//                        operation in one big array (a card-marked large object);
//   source_c             writes "source": a text buffer per function, a big file
//                        buffer per 50 functions, all short-lived;
//   compile_c            the graphs and the database die; much garbage (object files).
// Every phase but compile_c (whose graphs are gone) also compiles JIT loops
// over its graphs and enters them.
import SeededRandom
import Tenure
import TenureJIT

struct TranslateRun {
    let heap: Heap
    let host: JITHost
    let parameters: TranslateParameters
    let t: TranslateTypes
    var random: SplitMix64
    var operations = 0
    var nextVariable = 0

    // Global roots: the current graphs, the previous phase's, jitcodes, the database, type descriptors.
    let graphs: GlobalRoot
    let previous: GlobalRoot
    let jitcodes: GlobalRoot
    let database: GlobalRoot
    let typeTable: GlobalRoot

    init(heap: Heap, host: JITHost, parameters: TranslateParameters) throws {
        self.heap = heap
        self.host = host
        self.parameters = parameters
        t = try TranslateTypes(heap)
        random = SplitMix64(seed: parameters.seed)
        graphs = heap.addGlobalRoot(nil)
        previous = heap.addGlobalRoot(nil)
        jitcodes = heap.addGlobalRoot(nil)
        database = heap.addGlobalRoot(nil)
        typeTable = heap.addGlobalRoot(nil)
    }

    mutating func execute(output: (String) -> Void, progress: (TranslatePhase, Double) -> Void,
                          reports: inout [TranslatePhaseReport]) throws -> Int {
        defer { for root in [graphs, previous, jitcodes, database, typeTable] { try? heap.removeGlobalRoot(root) } }
        var checksum = 0
        try makeTypeTable()
        for phase in TranslatePhase.allCases {
            let stopwatch = Stopwatch()
            heap.log("phase", "name=\(phase.rawValue) event=start", sampleMemory: true)
            operations = 0
            checksum &+= try run(phase) { progress(phase, $0) }
            checksum &+= try runLoops(phase)
            heap.log("phase", "name=\(phase.rawValue) event=end", sampleMemory: true)
            let report = TranslatePhaseReport(
                phase: phase.rawValue, seconds: stopwatch.elapsedSeconds, functions: parameters.functions,
                operations: operations, oldBytesAfter: heap.oldGenerationBytes, loopsAlive: host.statistics.loopsAlive)
            reports.append(report)
            output("[translate] \(pad(phase.rawValue)) \(fixed(report.seconds)) s, \(report.operations) operations, "
                   + "old generation \(report.oldBytesAfter >> 20) MiB, \(report.loopsAlive) loops alive")
        }
        return checksum
    }

    // MARK: Phases

    mutating func run(_ phase: TranslatePhase, progress: (Double) -> Void) throws -> Int {
        let n = parameters.functions
        var checksum = 0
        func tick(_ i: Int) { if i % 256 == 0 { progress(Double(i) / Double(n)) } }
        switch phase {
        case .annotate:
            graphs.value = try heap.allocateArray(t.references, count: n)
            for i in 0..<n {
                tick(i)
                let shape = (0..<(2 + random.below(10))).map { _ in 2 + random.below(12) }
                heap.storeItem(try buildGraph(id: i, shape: shape), into: graphs.value!, at: i)
            }
        case .rtype, .backendopt:
            previous.value = graphs.value
            graphs.value = try heap.allocateArray(t.references, count: n)
            for i in 0..<n {
                tick(i)
                var shape = shapeOf(previous.value!.loadItem(i)!)
                if phase == .rtype {
                    shape = shape.map { $0 + $0 / 3 + 1 }
                } else {
                    shape = stride(from: 0, to: shape.count, by: 2).map { shape[$0] + (($0 + 1 < shape.count) ? shape[$0 + 1] : 0) }
                    if let codes = jitcodes.value, i % 3 == 0, i / 3 < codes.count { heap.storeItem(nil, into: codes, at: i / 3) }
                }
                heap.storeItem(try buildGraph(id: i, shape: shape), into: graphs.value!, at: i)
                heap.storeItem(nil, into: previous.value!, at: i)   // the old graph dies
            }
            previous.value = nil
            if phase == .backendopt { jitcodes.value = nil }
        case .pyjitpl:
            jitcodes.value = try heap.allocateArray(t.references, count: (n + 2) / 3)
            for i in stride(from: 0, to: n, by: 3) {
                tick(i)
                heap.storeItem(try buildGraph(id: i, shape: shapeOf(graphs.value!.loadItem(i)!)), into: jitcodes.value!, at: i / 3)
            }
        case .stackcheckinsertion:
            for i in 0..<n {
                tick(i)
                try insertStackChecks(graphs.value!.loadItem(i)!)
            }
        case .databaseC:
            var total = 0
            for i in 0..<n { total += shapeOf(graphs.value!.loadItem(i)!).reduce(0, +) }
            database.value = try heap.allocateArray(t.references, count: total)
            var k = 0
            for i in 0..<n {
                tick(i)
                k = try addToDatabase(graphs.value!.loadItem(i)!, from: k)
            }
            checksum &+= k
        case .sourceC:
            for i in 0..<n {
                tick(i)
                let ops = shapeOf(graphs.value!.loadItem(i)!).reduce(0, +)
                operations += ops
                let text = try heap.allocateArray(t.bytes, count: 60 * ops)
                text.items.storeBytes(of: UInt8(truncatingIfNeeded: i), as: UInt8.self)
                checksum &+= Int(text.items.load(as: UInt8.self))
                if i % 50 == 49 { _ = try heap.allocateArray(t.bytes, count: 256 << 10) }   // a file written out
            }
        case .compileC:
            database.value = nil
            previous.value = graphs.value
            graphs.value = nil
            for i in 0..<n {
                tick(i)
                heap.storeItem(nil, into: previous.value!, at: i)
                for _ in 0..<20 { _ = try heap.allocateArray(t.bytes, count: 16 + random.below(240)) }
                if i % 200 == 199 { _ = try heap.allocateArray(t.bytes, count: 1 << 20) }   // an object file
            }
            previous.value = nil
        }
        progress(1)
        return checksum
    }

    // MARK: Graphs

    mutating func makeTypeTable() throws {
        typeTable.value = try heap.allocateArray(t.references, count: 64)
        for k in 0..<64 {
            let desc = try heap.allocate(t.typeDesc)
            desc.store(k, at: TranslateTypes.typeKind)
            desc.store(8 << (k % 4), at: TranslateTypes.typeSize)
            heap.storeItem(desc, into: typeTable.value!, at: k)
        }
    }

    /// Operations per block of `graph`.
    func shapeOf(_ graph: ObjectRef) -> [Int] {
        let blocks = graph.loadReference(at: TranslateTypes.graphBlocks)!
        return (0..<blocks.count).map { blocks.loadItem($0)!.loadReference(at: TranslateTypes.blockOperations)!.count }
    }

    mutating func newVariable() throws(HeapError) -> ObjectRef {
        let v = try heap.allocate(t.variable)
        nextVariable += 1
        v.store(nextVariable, at: TranslateTypes.variableID)
        heap.storeReference(typeTable.value!.loadItem(random.below(64)), into: v, at: TranslateTypes.variableType)
        return v
    }

    /// A graph with `shape[b]` operations in block b, variables flowing between
    /// operations, exits linking blocks, and a few temporaries per operation.
    mutating func buildGraph(id: Int, shape: [Int]) throws(HeapError) -> ObjectRef {
        try heap.withRoots(8) { f throws(HeapError) -> ObjectRef in
            f[0] = try heap.allocate(t.graph)
            f[0]!.store(id, at: TranslateTypes.graphID)
            f[1] = try heap.allocateArray(t.references, count: shape.count)
            heap.storeReference(f[1], into: f[0]!, at: TranslateTypes.graphBlocks)
            for (b, opCount) in shape.enumerated() {
                f[2] = try heap.allocate(t.block)
                f[2]!.store(b, at: TranslateTypes.blockID)
                heap.storeItem(f[2], into: f[1]!, at: b)
                let inputs = 1 + random.below(3)
                f[5] = try heap.allocateArray(t.references, count: inputs)
                heap.storeReference(f[5], into: f[2]!, at: TranslateTypes.blockInputs)
                for k in 0..<inputs { heap.storeItem(try newVariable(), into: f[5]!, at: k) }
                f[3] = try heap.allocateArray(t.references, count: opCount)
                heap.storeReference(f[3], into: f[2]!, at: TranslateTypes.blockOperations)
                for o in 0..<opCount {
                    f[4] = try heap.allocate(t.operation)
                    f[4]!.store(random.below(200), at: TranslateTypes.operationCode)
                    heap.storeItem(f[4], into: f[3]!, at: o)
                    let argc = 1 + random.below(3)
                    f[7] = try heap.allocateArray(t.references, count: argc)
                    heap.storeReference(f[7], into: f[4]!, at: TranslateTypes.operationArguments)
                    for a in 0..<argc {
                        let source = o > 0 && random.chance(0.5)
                            ? f[3]!.loadItem(o - 1)!.loadReference(at: TranslateTypes.operationResult)
                            : f[5]!.loadItem(random.below(inputs))
                        heap.storeItem(source, into: f[7]!, at: a)
                    }
                    heap.storeReference(try newVariable(), into: f[4]!, at: TranslateTypes.operationResult)
                    if random.chance(0.3) { _ = try heap.allocateArray(t.bytes, count: 32 + random.below(224)) }
                    operations += 1
                }
            }
            for b in 0..<shape.count {
                let exits = b == shape.count - 1 ? 0 : 1 + random.below(2)
                f[3] = try heap.allocateArray(t.references, count: exits)
                heap.storeReference(f[3], into: f[1]!.loadItem(b)!, at: TranslateTypes.blockExits)
                for e in 0..<exits {
                    f[4] = try heap.allocate(t.link)
                    f[4]!.store(e, at: TranslateTypes.linkExitCase)
                    heap.storeItem(f[4], into: f[3]!, at: e)
                    heap.storeReference(f[1]!.loadItem(random.below(shape.count)), into: f[4]!, at: TranslateTypes.linkTarget)
                    f[7] = try heap.allocateArray(t.references, count: 1)
                    heap.storeReference(f[7], into: f[4]!, at: TranslateTypes.linkArguments)
                    let inputs = f[1]!.loadItem(b)!.loadReference(at: TranslateTypes.blockInputs)!
                    heap.storeItem(inputs.loadItem(0), into: f[7]!, at: 0)
                }
            }
            return f[0]!
        }
    }

    /// Replaces each block's operations array by a longer one with a stack check first.
    mutating func insertStackChecks(_ graph: ObjectRef) throws {
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let g = heap.pushRoot(graph)
        let fresh = heap.pushRoot(nil)
        let check = heap.pushRoot(nil)
        let count = g.object.loadReference(at: TranslateTypes.graphBlocks)!.count
        for b in 0..<count {
            let ops = g.object.loadReference(at: TranslateTypes.graphBlocks)!.loadItem(b)!.loadReference(at: TranslateTypes.blockOperations)!
            fresh.value = try heap.allocateArray(t.references, count: ops.count + 1)
            check.value = try heap.allocate(t.operation)
            check.object.store(999, at: TranslateTypes.operationCode)
            heap.storeItem(check.value, into: fresh.object, at: 0)
            let old = g.object.loadReference(at: TranslateTypes.graphBlocks)!.loadItem(b)!.loadReference(at: TranslateTypes.blockOperations)!
            for k in 0..<old.count { heap.storeItem(old.loadItem(k), into: fresh.object, at: k + 1) }
            let block = g.object.loadReference(at: TranslateTypes.graphBlocks)!.loadItem(b)!
            heap.storeReference(fresh.value, into: block, at: TranslateTypes.blockOperations)
            operations += old.count + 1
        }
    }

    /// A database node (name bytes and the operation) per operation of `graph`, from index `k`.
    mutating func addToDatabase(_ graph: ObjectRef, from k: Int) throws -> Int {
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let g = heap.pushRoot(graph)
        let node = heap.pushRoot(nil)
        var k = k
        let blocks = g.object.loadReference(at: TranslateTypes.graphBlocks)!.count
        for b in 0..<blocks {
            let count = g.object.loadReference(at: TranslateTypes.graphBlocks)!.loadItem(b)!
                .loadReference(at: TranslateTypes.blockOperations)!.count
            for o in 0..<count {
                node.value = try heap.allocate(t.link)   // a node: name (target slot) and subject (arguments slot)
                let name = try heap.allocateArray(t.bytes, count: 16 + random.below(24))
                heap.storeReference(name, into: node.object, at: TranslateTypes.linkTarget)
                let op = g.object.loadReference(at: TranslateTypes.graphBlocks)!.loadItem(b)!
                    .loadReference(at: TranslateTypes.blockOperations)!.loadItem(o)
                heap.storeReference(op, into: node.object, at: TranslateTypes.linkArguments)
                heap.storeItem(node.value, into: database.value!, at: k)
                k += 1
                operations += 1
            }
        }
        return k
    }

    // MARK: JIT loops

    /// Compiles this phase's loops over random graphs and enters them.
    mutating func runLoops(_ phase: TranslatePhase) throws -> Int {
        // The count, not the array: compiling allocates, and a young array may move.
        guard let functionCount = (graphs.value ?? previous.value)?.count, functionCount > 0,
              parameters.loopsPerScale > 0 else { return 0 }
        let count = parameters.loopsPerPhase * (phase == .pyjitpl ? 3 : 1)
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        var loops: [Root] = []
        for _ in 0..<count {
            guard let graph = (graphs.value ?? previous.value)?.loadItem(random.below(functionCount)) else { continue }
            loops.append(heap.pushRoot(try host.compile(Self.walkProgram(t), constants: [graph])))
        }
        guard !loops.isEmpty else { return 0 }
        var checksum = 0
        for _ in 0..<parameters.entriesPerPhase {
            checksum &+= try host.run(loops[random.below(loops.count)].object, arguments: [parameters.iterations])
        }
        return checksum
    }

    /// i0 = n: n times, follow graph -> first block -> first operation, class-guard
    /// it, add its opcode, and give it a fresh result variable (a rewrite).
    static func walkProgram(_ t: TranslateTypes) -> LoopProgram {
        LoopProgram(integerCount: 4, referenceCount: 4, argumentCount: 1, instructions: [
            .loadConstant(destination: 0, slot: 1),
            .setInteger(destination: 1, value: 0),
            .setInteger(destination: 2, value: 0),
            .label(0),
            .branch(.greaterOrEqual, left: 1, right: 0, label: 1),
            .loadReference(destination: 1, object: 0, offset: Int32(TranslateTypes.graphBlocks)),
            .loadReference(destination: 2, object: 1, offset: Int32(TranslateTypes.firstItem)),
            .guardType(object: 2, typeID: t.block.id, exitCode: -1),
            .loadReference(destination: 1, object: 2, offset: Int32(TranslateTypes.blockOperations)),
            .loadReference(destination: 2, object: 1, offset: Int32(TranslateTypes.firstItem)),
            .guardType(object: 2, typeID: t.operation.id, exitCode: -2),
            .loadWord(destination: 3, object: 2, offset: Int32(TranslateTypes.operationCode)),
            .arithmetic(.add, destination: 2, left: 2, right: 3),
            .allocate(destination: 3, type: t.variable),
            .storeWord(object: 3, offset: Int32(TranslateTypes.variableID), source: 1),
            .storeReference(object: 2, offset: Int32(TranslateTypes.operationResult), source: 3),
            .addImmediate(destination: 1, source: 1, value: 1),
            .jump(label: 0),
            .label(1),
            .returnInteger(source: 2),
        ])
    }
}

private func pad(_ s: String) -> String { s + String(repeating: " ", count: max(0, 19 - s.count)) }
private func fixed(_ x: Double) -> String {
    let scaled = (x * 100).rounded() / 100
    return "\(scaled)"
}
