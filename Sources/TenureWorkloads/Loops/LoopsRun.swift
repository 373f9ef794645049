// One run of the loops workload: phases of data, compiled loops and entries.
//
// The loop shapes are small IR programs over a phase's list of nodes
// (Node: a `next` reference, a `payload` reference, a `value` word):
//   walk:    follow `next` for n steps, class-guarding each node, summing values;
//   build:   allocate n fresh nodes chained together (temporaries), return n;
//   update:  walk n steps storing a fresh node into each node's payload
//            (old-to-young stores: the write barrier's slow path);
//   caller:  enter another loop of the phase (its token in a constant slot)
//            and add its result, n / 16 times.
import Tenure
import SeededRandom
import TenureJIT

struct LoopsRun {
    let heap: Heap
    let host: JITHost
    let parameters: LoopsParameters
    let node: ObjectType
    private var random: SplitMix64

    static let nextOffset: Int32 = Int32(ObjectLayout.fieldOffset(0))
    static let payloadOffset: Int32 = Int32(ObjectLayout.fieldOffset(1))
    static let valueOffset: Int32 = Int32(ObjectLayout.fieldOffset(2))

    init(heap: Heap, host: JITHost, parameters: LoopsParameters) throws {
        self.heap = heap
        self.host = host
        self.parameters = parameters
        node = try heap.register(.object("Node", references: 2, words: 1))
        random = SplitMix64(seed: parameters.seed)
    }

    mutating func execute(output: (String) -> Void, figures: inout LoopsFigures) throws -> Int {
        // Global roots: the current phase's list head, and the core loops' tokens.
        let list = heap.addGlobalRoot(nil)
        defer { try? heap.removeGlobalRoot(list) }
        var core: [GlobalRoot] = []
        defer { for root in core { try? heap.removeGlobalRoot(root) } }
        var checksum = 0
        figures.longevity = host.loopLongevity
        list.value = try buildList()
        for _ in 0..<parameters.coreLoops {
            core.append(heap.addGlobalRoot(try compileLoop(shape: .walk, list: list.value!, target: nil)))
        }
        for phase in 0..<parameters.phases {
            heap.log("phase", "name=phase-\(phase) event=start", sampleMemory: true)
            list.value = try buildList()  // the previous phase's list dies
            let count = phase < parameters.phases / 2 ? parameters.loopsPerEarlyPhase : parameters.loopsPerLatePhase
            // This phase's loops are roots only while the phase runs.
            let mark = heap.rootMark
            var loops: [Root] = []
            for i in 0..<count {
                let shape = LoopShape.allCases[random.below(LoopShape.allCases.count)]
                let target = (shape == .caller && i > 0) ? loops[random.below(i)].value : nil
                loops.append(heap.pushRoot(try compileLoop(shape: shape == .caller && i == 0 ? .walk : shape,
                                                           list: list.value!, target: target)))
            }
            for _ in 0..<parameters.entriesPerPhase {
                let token = random.below(10) == 0 && !core.isEmpty
                    ? core[random.below(core.count)].value! : loops[random.below(loops.count)].object
                checksum = checksum &+ (try host.run(token, arguments: [parameters.iterations]))
            }
            heap.popRoots(to: mark)
            let statistics = host.statistics
            figures.jit.loopsAliveByPhase.append(statistics.loopsAlive)
            figures.jit.loopsAliveMax = max(figures.jit.loopsAliveMax, statistics.loopsAliveMax)
            if phase % 10 == 9 || phase == parameters.phases - 1 {
                output("phase \(phase + 1): \(statistics.loopsCompiled) loops compiled, \(statistics.loopsAlive) alive, "
                       + "\(statistics.codeBytes / 1024) KiB of code, generation \(statistics.generation)")
            }
        }
        heap.collect()
        let s = host.statistics
        figures.jit.loopsCompiled = s.loopsCompiled
        figures.jit.loopsFreed = s.loopsFreed
        figures.jit.loopsAliveMax = max(figures.jit.loopsAliveMax, s.loopsAliveMax)
        figures.jit.loopsAliveEnd = s.loopsAlive
        figures.jit.codeBytesPeak = s.codeBytesPeak
        figures.jit.codeBytesEnd = s.codeBytes
        figures.jit.codeBytesMappedPeak = s.codeBytesMappedPeak
        figures.jit.codeBytesMappedEnd = s.codeBytesMapped
        figures.jit.generations = s.generation
        return checksum
    }

    /// A list of `listLength` nodes with values 1, 2, ...; returns its head.
    func buildList() throws -> ObjectRef {
        try heap.withRoots(2) { frame throws(HeapError) -> ObjectRef in
            for i in (1...parameters.listLength).reversed() {
                frame[1] = try heap.allocate(node)
                frame[1]!.store(i, at: Int(Self.valueOffset))
                heap.storeReference(frame[0], into: frame[1]!, at: Int(Self.nextOffset))
                frame[0] = frame[1]
            }
            return frame[0]!
        }
    }

    enum LoopShape: CaseIterable { case walk, build, update, caller }

    func compileLoop(shape: LoopShape, list: ObjectRef, target: ObjectRef?) throws -> ObjectRef {
        // Variables: i0 = n (argument), i1 = counter, i2 = accumulator, i3 = scratch.
        // r0 = current node, r1 = scratch node. Constants: slot 1 = list head, slot 2 = target.
        var code: [LoopInstruction] = [
            .loadConstant(destination: 0, slot: 1),
            .setInteger(destination: 1, value: 0),
            .setInteger(destination: 2, value: 0),
            .label(0),
            .branch(.greaterOrEqual, left: 1, right: 0, label: 1),
        ]
        switch shape {
        case .walk:
            code += [
                .guardType(object: 0, typeID: node.id, exitCode: -1),
                .loadWord(destination: 3, object: 0, offset: Self.valueOffset),
                .arithmetic(.add, destination: 2, left: 2, right: 3),
                .loadReference(destination: 0, object: 0, offset: Self.nextOffset),
            ]
        case .build:
            code += [
                .allocate(destination: 1, type: node),
                .storeWord(object: 1, offset: Self.valueOffset, source: 1),
                .storeReference(object: 1, offset: Self.nextOffset, source: 0),
                .copyReference(destination: 0, source: 1),
                .addImmediate(destination: 2, source: 2, value: 1),
            ]
        case .update:
            code += [
                .guardNonNull(object: 0, exitCode: -2),
                .allocate(destination: 1, type: node),
                .storeWord(object: 1, offset: Self.valueOffset, source: 1),
                .storeReference(object: 0, offset: Self.payloadOffset, source: 1),
                .loadReference(destination: 0, object: 0, offset: Self.nextOffset),
                .addImmediate(destination: 2, source: 2, value: 1),
            ]
        case .caller:
            code += [
                .setInteger(destination: 3, value: 16),
                .enterLoop(destination: 3, slot: 2, arguments: [3]),
                .arithmetic(.add, destination: 2, left: 2, right: 3),
                .addImmediate(destination: 1, source: 1, value: 15),
            ]
        }
        code += [
            .addImmediate(destination: 1, source: 1, value: 1),
            .jump(label: 0),
            .label(1),
            .returnInteger(source: 2),
        ]
        let program = LoopProgram(integerCount: 4, referenceCount: 2, argumentCount: 1, instructions: code)
        return try host.compile(program, constants: shape == .caller ? [list, target] : [list])
    }
}
