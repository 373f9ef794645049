// The JIT host end to end: compile a loop, run it compiled and interpreted,
// and see the results agree; GC constants move and are read back through
// the updated table; tokens die with their code.
import Testing
@testable import Tenure
@testable import TenureJIT

@Suite struct JITHostTests {
    /// sum = 0; for i in 0..<n { sum += i }; return sum
    static let sumProgram = LoopProgram(integerCount: 4, referenceCount: 0, argumentCount: 1, instructions: [
        .setInteger(destination: 1, value: 0),
        .setInteger(destination: 2, value: 0),
        .label(0),
        .branch(.greaterOrEqual, left: 2, right: 0, label: 1),
        .arithmetic(.add, destination: 1, left: 1, right: 2),
        .addImmediate(destination: 2, source: 2, value: 1),
        .jump(label: 0),
        .label(1),
        .returnInteger(source: 1),
    ])

    @Test func sumLoopCompiledAndInterpretedAgree() throws {
        let heap = try Heap()
        let host = try JITHost(heap: heap)
        let token = try host.compile(Self.sumProgram, constants: [])
        let root = heap.pushRoot(token)
        defer { heap.popRoots() }
        let compiled = try host.run(root.object, arguments: [1000])
        let interpreted = try host.interpret(root.object, arguments: [1000])
        #expect(compiled == 499500)
        #expect(interpreted == 499500)
        #expect(host.statistics.loopsCompiled == 1)
        #expect(host.statistics.codeBytes > 0)
    }

    @Test func allocatingLoopSurvivesCollections() throws {
        var c = HeapConfiguration()
        c.nurserySize = 4096
        c.debugLevel = 2
        let heap = try Heap(configuration: c)
        let host = try JITHost(heap: heap)
        let node = try heap.register(.object("Node", references: 1, words: 1))
        // r0 = constant (a Node); loop n times: r1 = new Node; r1.word = i; r1.next = r0; r0 = r1; end: return sum of words along the list
        let program = LoopProgram(integerCount: 5, referenceCount: 3, argumentCount: 1, instructions: [
            .loadConstant(destination: 0, slot: 1),
            .setInteger(destination: 1, value: 0),
            .label(0),
            .branch(.greaterOrEqual, left: 1, right: 0, label: 1),
            .allocate(destination: 1, type: node),
            .storeWord(object: 1, offset: 16, source: 1),
            .storeReference(object: 1, offset: 8, source: 0),
            .copyReference(destination: 0, source: 1),
            .addImmediate(destination: 1, source: 1, value: 1),
            .jump(label: 0),
            .label(1),
            // walk: sum words while r0 != nil (guardNonNull exits with the sum... use a counter instead)
            .setInteger(destination: 2, value: 0),
            .setInteger(destination: 3, value: 0),
            .label(2),
            .branch(.greaterOrEqual, left: 3, right: 0, label: 3),
            .loadWord(destination: 4, object: 0, offset: 16),
            .arithmetic(.add, destination: 2, left: 2, right: 4),
            .loadReference(destination: 0, object: 0, offset: 8),
            .addImmediate(destination: 3, source: 3, value: 1),
            .jump(label: 2),
            .label(3),
            .guardType(object: 0, typeID: node.id, exitCode: -7),
            .loadWord(destination: 4, object: 0, offset: 16),
            .arithmetic(.add, destination: 2, left: 2, right: 4),
            .returnInteger(source: 2),
        ])
        do {
            let frame = RootFrame(base: heap.pushRoot(nil).slot, count: 2)
            _ = heap.pushRoot(nil)
            defer { heap.popRoots(2) }
            frame[0] = try heap.allocate(node)
            frame[0]!.store(1_000_000, at: 16)
            frame[1] = try host.compile(program, constants: [frame[0]])
            let before = heap.statistics.minorCollections
            let compiled = try host.run(frame[1]!, arguments: [2000])
            let interpreted = try host.interpret(frame[1]!, arguments: [2000])
            #expect(compiled == 1_000_000 + 1999 * 2000 / 2)
            #expect(interpreted == compiled)
            #expect(heap.statistics.minorCollections > before + 10)
            // The constant moved out of the nursery and the table followed it.
            #expect(host.constant(of: frame[1]!, slot: 1) == frame[0])
            #expect(heap.verify().isEmpty)
        }
    }

    @Test func droppedTokenFreesItsCode() throws {
        let heap = try Heap()
        let host = try JITHost(heap: heap, loopLongevity: 1)
        _ = try host.compile(Self.sumProgram, constants: [])
        #expect(host.statistics.loopsAlive == 1)
        host.startTracing()
        host.startTracing()   // not entered for 2 generations: dropped
        heap.collect()
        #expect(host.statistics.loopsAlive == 0)
        #expect(host.statistics.loopsFreed == 1)
        #expect(host.statistics.codeBytes == 0)
    }
}
