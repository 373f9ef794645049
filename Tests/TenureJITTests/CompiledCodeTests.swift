// Targeted programs, one IR instruction (or one boundary) at a time, each
// compiled to x86-64 and interpreted: wrapping arithmetic at Int.min and
// Int.max, 32-bit immediates at the imm8 and imm32 bounds, every comparison
// with equal, smaller and greater operands, variables and fields past the
// one-byte displacements, class guards that pass, fail and meet nil,
// allocation of types that take the slow path, helper calls and loop entries
// with every argument count, and the validator's refusals.
import Testing
@testable import Tenure
@testable import TenureJIT
#if canImport(Glibc)
import Glibc
#endif

/// A native host on a fresh heap, with a few types; runs programs compiled and interpreted.
final class CompiledCodeBench {
    let heap: Heap
    let host: JITHost
    let pair: ObjectType      // 2 references, 2 words
    let wide: ObjectType      // 1 reference, 30 words (fields past offset 127)
    let fin: ObjectType       // 1 reference, 1 word, a destructor (slow path)
    let finalized = LoopFuzzCounter()

    init(configuration: HeapConfiguration = HeapConfiguration(), backend: JITBackend = .native) throws {
        heap = try Heap(configuration: configuration)
        let counter = finalized
        pair = try heap.register(.object("Pair", references: 2, words: 2))
        wide = try heap.register(.object("Wide", references: 1, words: 30))
        fin = try heap.register(.object("Fin", references: 1, words: 1, destructor: { _ in counter.count += 1 }))
        host = try JITHost(heap: heap, backend: backend)
    }

    /// Compiles `program` with `constants` (made by `build` in root slots) and returns
    /// the outcomes of running it compiled and interpreted with each argument list.
    func both(_ program: LoopProgram, arguments: [[Int]] = [[]],
              build: (Heap) throws -> [ObjectRef?] = { _ in [] }) throws -> [(compiled: LoopOutcome, interpreted: LoopOutcome)] {
        let constants = try build(heap)
        return try withTestRoots(heap, 1 + constants.count) { frame in
            for (i, c) in constants.enumerated() { frame[i + 1] = c }
            frame[0] = try host.compile(program, constants: (0..<constants.count).map { frame[$0 + 1] })
            return arguments.map { args in
                (LoopOutcome { () throws(JITError) -> Int in try host.run(frame[0]!, arguments: args) },
                 LoopOutcome { () throws(JITError) -> Int in try host.interpret(frame[0]!, arguments: args) })
            }
        }
    }

    /// The single outcome of `program`, after checking compiled and interpreted agree.
    func outcome(_ program: LoopProgram, _ arguments: [Int] = [], sourceLocation: SourceLocation = #_sourceLocation,
                 build: (Heap) throws -> [ObjectRef?] = { _ in [] }) throws -> LoopOutcome {
        let result = try both(program, arguments: [arguments], build: build)[0]
        #expect(result.compiled == result.interpreted, "compiled \(result.compiled), interpreted \(result.interpreted)",
                sourceLocation: sourceLocation)
        return result.compiled
    }
}

/// The error a validation or compilation threw, if any.
private func compileError(_ bench: CompiledCodeBench, _ program: LoopProgram, constants: Int = 0) -> JITError? {
    do {
        _ = try bench.host.compile(program, constants: [ObjectRef?](repeating: nil, count: constants))
        return nil
    } catch {
        return error
    }
}

private func program(ints: Int = 4, refs: Int = 0, args: Int = 0, _ instructions: [LoopInstruction]) -> LoopProgram {
    LoopProgram(integerCount: ints, referenceCount: refs, argumentCount: args, instructions: instructions)
}

private let edgeValues: [Int] = [0, 1, -1, 2, -2, 127, 128, -128, -129, 255, 256, Int(Int32.max), Int(Int32.min),
                                 Int(Int32.max) + 1, Int(Int32.min) - 1, Int(UInt32.max), Int(UInt32.max) + 1,
                                 Int.max, Int.min, Int.max - 1, Int.min + 1, 0x5555_5555_5555_5555, -0x3333_3333_3333_3333]

/// A helper that reports its arguments: a * 1000 + b, wrapping.
private func reportingHelper(_ context: UnsafeMutableRawPointer?, _ a: Int, _ b: Int) -> Int {
    a &* 1000 &+ b &+ (context == nil ? 0 : 7)
}

@Suite struct CompiledCodeTests {
    // MARK: Integers

    @Test(arguments: ArithmeticOperation.allCases)
    func arithmeticWrapsAtTheBounds(_ operation: ArithmeticOperation) throws {
        let bench = try CompiledCodeBench()
        // i2 = i0 op i1, and i3 = i3 op i3 in place (destination = both operands).
        let p = program(ints: 4, args: 2, [
            .arithmetic(operation, destination: 2, left: 0, right: 1),
            .arithmetic(operation, destination: 0, left: 0, right: 0),
            .arithmetic(.xor, destination: 2, left: 2, right: 0),
            .returnInteger(source: 2),
        ])
        var arguments: [[Int]] = []
        for a in edgeValues { for b in edgeValues { arguments.append([a, b]) } }
        let results = try bench.both(p, arguments: arguments)
        for (args, result) in zip(arguments, results) {
            let a = args[0], b = args[1]
            func apply(_ x: Int, _ y: Int) -> Int {
                switch operation {
                case .add: return x &+ y
                case .subtract: return x &- y
                case .multiply: return x &* y
                case .and: return x & y
                case .or: return x | y
                case .xor: return x ^ y
                }
            }
            let expected = apply(a, b) ^ apply(a, a)
            #expect(result.compiled == .value(expected), "\(operation) \(a), \(b): compiled \(result.compiled)")
            #expect(result.interpreted == .value(expected), "\(operation) \(a), \(b): interpreted \(result.interpreted)")
        }
    }

    @Test func addImmediateAtTheImmediateBounds() throws {
        let bench = try CompiledCodeBench()
        let immediates: [Int32] = [0, 1, -1, 127, 128, -128, -129, 255, 256, Int32.max, Int32.min, Int32.max - 1, Int32.min + 1]
        // i1 = i0 + imm (the accumulator form when the source lands in rax), then i2 = i1 + imm again.
        for imm in immediates {
            let p = program(ints: 3, args: 1, [
                .addImmediate(destination: 1, source: 0, value: imm),
                .addImmediate(destination: 2, source: 1, value: imm),
                .arithmetic(.xor, destination: 2, left: 2, right: 1),
                .returnInteger(source: 2),
            ])
            let results = try bench.both(p, arguments: edgeValues.map { [$0] })
            for (a, result) in zip(edgeValues, results) {
                let once = a &+ Int(imm)
                let expected = once ^ (once &+ Int(imm))
                #expect(result.compiled == .value(expected), "\(a) + \(imm): compiled \(result.compiled)")
                #expect(result.interpreted == .value(expected), "\(a) + \(imm): interpreted \(result.interpreted)")
            }
        }
    }

    @Test func setIntegerLoadsEveryConstant() throws {
        let bench = try CompiledCodeBench()
        for value in edgeValues + [Int(UInt32.max) - 1, 1 << 31, -(1 << 31), 1 << 32, -(1 << 32)] {
            let p = program(ints: 2, [.setInteger(destination: 1, value: value), .returnInteger(source: 1)])
            #expect(try bench.outcome(p) == .value(value), "setInteger \(value)")
        }
    }

    @Test func argumentsArriveInOrderAndMissingOnesAreZero() throws {
        let bench = try CompiledCodeBench()
        for count in 0...4 {
            // i_count (not an argument) = sum of i_k * 10^k over the arguments.
            var body: [LoopInstruction] = [.setInteger(destination: 4, value: 0), .setInteger(destination: 5, value: 10),
                                           .setInteger(destination: 6, value: 1)]
            for k in 0..<count {
                body += [.arithmetic(.multiply, destination: 7, left: k, right: 6),
                         .arithmetic(.add, destination: 4, left: 4, right: 7),
                         .arithmetic(.multiply, destination: 6, left: 6, right: 5)]
            }
            body.append(.returnInteger(source: 4))
            let p = program(ints: 8, args: count, body)
            let given = [1, 2, 3, 4]
            for passed in 0...4 {
                let args = Array(given.prefix(passed))
                var expected = 0, scale = 1
                for k in 0..<count {
                    expected += (k < passed ? given[k] : 0) * scale
                    scale *= 10
                }
                #expect(try bench.outcome(p, args) == .value(expected), "\(count) arguments, \(passed) passed")
            }
        }
    }

    @Test func runRefusesMoreThanFourArguments() throws {
        let bench = try CompiledCodeBench()
        let p = program(ints: 1, [.setInteger(destination: 0, value: 1), .returnInteger(source: 0)])
        try withTestRoots(bench.heap, 1) { frame in
            frame[0] = try bench.host.compile(p, constants: [])
            #expect(throws: JITError.self) { try bench.host.run(frame[0]!, arguments: [1, 2, 3, 4, 5]) }
            // Not a token of this host.
            frame[0] = try bench.heap.allocate(bench.pair)
            #expect(throws: JITError.self) { try bench.host.run(frame[0]!) }
            #expect(throws: JITError.self) { try bench.host.interpret(frame[0]!) }
        }
    }

    // MARK: Control flow

    @Test(arguments: Comparison.allCases)
    func branchesCompareSigned(_ comparison: Comparison) throws {
        let bench = try CompiledCodeBench()
        // return (i0 cmp i1) ? 1 : 0, with a forward branch; and the same with a backward one.
        let forward = program(ints: 3, args: 2, [
            .branch(comparison, left: 0, right: 1, label: 10),
            .setInteger(destination: 2, value: 0),
            .returnInteger(source: 2),
            .label(10),
            .setInteger(destination: 2, value: 1),
            .returnInteger(source: 2),
        ])
        let backward = program(ints: 3, args: 2, [
            .jump(label: -5),
            .label(7),
            .setInteger(destination: 2, value: 1),
            .returnInteger(source: 2),
            .label(-5),
            .branch(comparison, left: 0, right: 1, label: 7),
            .setInteger(destination: 2, value: 0),
            .returnInteger(source: 2),
        ])
        let pairs: [(Int, Int)] = [(0, 0), (1, 2), (2, 1), (-1, 1), (1, -1), (Int.min, Int.max), (Int.max, Int.min),
                                   (Int.min, Int.min), (Int.max, Int.max), (-1, -1), (Int.min, 0), (0, Int.min),
                                   (Int(UInt32.max), -1), (-1, Int(UInt32.max)), (Int.min, Int.min + 1)]
        for p in [forward, backward] {
            let results = try bench.both(p, arguments: pairs.map { [$0.0, $0.1] })
            for ((a, b), result) in zip(pairs, results) {
                let taken = comparison.holds(a, b)
                #expect(result.compiled == .value(taken ? 1 : 0), "\(a) \(comparison) \(b): compiled \(result.compiled)")
                #expect(result.interpreted == .value(taken ? 1 : 0), "\(a) \(comparison) \(b): interpreted \(result.interpreted)")
            }
        }
    }

    @Test func longBodiesBranchFarAndTerminate() throws {
        // A loop whose body is thousands of instructions: every jump needs its rel32.
        let bench = try CompiledCodeBench()
        var body: [LoopInstruction] = [.setInteger(destination: 1, value: 0), .setInteger(destination: 2, value: 0),
                                       .setInteger(destination: 3, value: 3), .label(0),
                                       .branch(.greaterOrEqual, left: 2, right: 0, label: 1)]
        for k in 0..<3000 {
            body.append(k % 2 == 0 ? .addImmediate(destination: 1, source: 1, value: Int32(k))
                                   : .arithmetic(.xor, destination: 1, left: 1, right: 3))
        }
        body += [.addImmediate(destination: 2, source: 2, value: 1), .jump(label: 0), .label(1), .returnInteger(source: 1)]
        let p = program(ints: 4, args: 1, body)
        var expected = 0
        for _ in 0..<5 { for k in 0..<3000 { expected = k % 2 == 0 ? expected &+ k : expected ^ 3 } }
        #expect(try bench.outcome(p, [5]) == .value(expected))
    }

    @Test func manyIntegerVariablesUseWideDisplacements() throws {
        let bench = try CompiledCodeBench()
        // 40 variables: i_k = k * 3 + 1, then a weighted sum (offsets past -128 from rbp).
        var body: [LoopInstruction] = []
        for k in 1..<40 { body.append(.setInteger(destination: k, value: k * 3 + 1)) }
        body.append(.setInteger(destination: 0, value: 0))
        for k in 1..<40 {
            body.append(.arithmetic(.multiply, destination: k, left: k, right: k))
            body.append(.arithmetic(.add, destination: 0, left: 0, right: k))
        }
        body.append(.returnInteger(source: 0))
        let expected = (1..<40).reduce(0) { $0 + ($1 * 3 + 1) * ($1 * 3 + 1) }
        #expect(try bench.outcome(program(ints: 40, body)) == .value(expected))
    }

    @Test func theLargestFrameValidates() throws {
        // 65536 integer variables (a 512 KiB frame), the last one used.
        let bench = try CompiledCodeBench()
        let p = program(ints: 1 << 16, args: 1, [
            .addImmediate(destination: (1 << 16) - 1, source: 0, value: 5),
            .returnInteger(source: (1 << 16) - 1),
        ])
        #expect(try bench.outcome(p, [37]) == .value(42))
        let tooMany = program(ints: (1 << 16) + 1, [.returnInteger(source: 0)])
        #expect(compileError(bench, tooMany) != nil)
    }

    // MARK: References and fields

    @Test func manyReferenceVariablesUseWideDisplacements() throws {
        var c = HeapConfiguration()
        c.nurserySize = 4096
        c.debugLevel = 2
        let bench = try CompiledCodeBench(configuration: c)
        // 40 reference variables each holding a new Pair with word k, then the sum of the words:
        // every variable must survive the collections the allocations cause.
        var body: [LoopInstruction] = [.setInteger(destination: 0, value: 0)]
        for k in 0..<40 {
            body += [.allocate(destination: k, type: bench.pair), .setInteger(destination: 1, value: k * k + 1),
                     .storeWord(object: k, offset: 24, source: 1)]
            if k > 0 { body.append(.storeReference(object: k, offset: 8, source: k - 1)) }
        }
        for k in 0..<40 {
            body += [.loadWord(destination: 1, object: k, offset: 24), .arithmetic(.add, destination: 0, left: 0, right: 1)]
        }
        // And down the chain from the last one: 40 steps, summing the words again.
        body += [.copyReference(destination: 0, source: 39), .setInteger(destination: 2, value: 0),
                 .setInteger(destination: 3, value: 0), .setInteger(destination: 4, value: 40),
                 .label(1), .branch(.greaterOrEqual, left: 3, right: 4, label: 2),
                 .guardNonNull(object: 0, exitCode: -1), .loadWord(destination: 1, object: 0, offset: 24),
                 .arithmetic(.add, destination: 2, left: 2, right: 1), .loadReference(destination: 0, object: 0, offset: 8),
                 .addImmediate(destination: 3, source: 3, value: 1), .jump(label: 1),
                 // Past the first object (k = 0), whose ref0 is nil: r0 is nil now.
                 .label(2), .guardNonNull(object: 0, exitCode: -2),
                 .setInteger(destination: 1, value: 1_000_000), .arithmetic(.multiply, destination: 0, left: 0, right: 1),
                 .arithmetic(.add, destination: 0, left: 0, right: 2), .returnInteger(source: 0)]
        let expected = (0..<40).reduce(0) { $0 + $1 * $1 + 1 }
        // After 40 steps r0 is nil (past the first object): the guard exits with -2.
        #expect(try bench.outcome(program(ints: 5, refs: 40, body)) == .value(-2))
        body.removeLast(5)
        body += [.setInteger(destination: 1, value: 1_000_000), .arithmetic(.multiply, destination: 0, left: 0, right: 1),
                 .arithmetic(.add, destination: 0, left: 0, right: 2), .returnInteger(source: 0)]
        #expect(try bench.outcome(program(ints: 5, refs: 40, body)) == .value(expected * 1_000_000 + expected))
        #expect(bench.heap.statistics.minorCollections > 0)
        #expect(bench.heap.verify().isEmpty)
    }

    @Test func wordsAtNearAndFarOffsets() throws {
        let bench = try CompiledCodeBench()
        // Wide: reference at 8, words at 16...248; write each word with its offset times the argument, read back.
        var body: [LoopInstruction] = [.loadConstant(destination: 0, slot: 1), .setInteger(destination: 1, value: 0)]
        for word in 0..<30 {
            let offset = Int32(16 + 8 * word)
            body += [.setInteger(destination: 2, value: Int(offset)), .arithmetic(.multiply, destination: 2, left: 2, right: 0),
                     .storeWord(object: 0, offset: offset, source: 2)]
        }
        for word in 0..<30 {
            body += [.loadWord(destination: 2, object: 0, offset: Int32(16 + 8 * word)),
                     .arithmetic(.xor, destination: 1, left: 1, right: 2), .addImmediate(destination: 1, source: 1, value: 1)]
        }
        body.append(.returnInteger(source: 1))
        let outcome = try withTestRoots(bench.heap, 1) { frame in
            let result = try bench.outcome(program(ints: 3, refs: 1, args: 1, body), [-3]) { heap in
                frame[0] = try heap.allocate(bench.wide)
                return [frame[0]]
            }
            for word in 0..<30 {
                #expect(frame[0]!.load(at: 16 + 8 * word, as: Int.self) == (16 + 8 * word) * -3)
            }
            return result
        }
        var expected = 0
        for word in 0..<30 { expected = (expected ^ ((16 + 8 * word) * -3)) &+ 1 }
        #expect(outcome == .value(expected))
    }

    @Test func referencesLoadStoreCopyAndNull() throws {
        let bench = try CompiledCodeBench()
        try withTestRoots(bench.heap, 2) { frame in
            // a.ref0 = b (a constant), then r1 = a.ref0; guardNonNull; return r1.word.
            let p = program(ints: 2, refs: 3, [
                .loadConstant(destination: 0, slot: 1), .loadConstant(destination: 2, slot: 2),
                .storeReference(object: 0, offset: 8, source: 2),
                .setNull(destination: 2),
                .guardNonNull(object: 0, exitCode: 91),
                .loadReference(destination: 1, object: 0, offset: 8),
                .guardNonNull(object: 1, exitCode: 92),
                .copyReference(destination: 2, source: 1),
                .loadWord(destination: 0, object: 2, offset: 24),
                // r1 = a.ref1 (nil): the guard exits.
                .loadReference(destination: 1, object: 0, offset: 16),
                .guardNonNull(object: 1, exitCode: Int32.min),
                .returnInteger(source: 0),
            ])
            let outcome = try bench.outcome(p) { heap in
                frame[0] = try heap.allocate(bench.pair)
                frame[1] = try heap.allocate(bench.pair)
                frame[1]!.store(4242, at: 24)
                return [frame[0], frame[1]]
            }
            #expect(outcome == .value(Int(Int32.min)))
            #expect(frame[0]!.loadReference(at: 8) == frame[1])
            // setNull then guardNonNull exits with its code.
            let q = program(ints: 1, refs: 1, [.loadConstant(destination: 0, slot: 0), .setNull(destination: 0),
                                               .guardNonNull(object: 0, exitCode: Int32.max), .setInteger(destination: 0, value: 5),
                                               .returnInteger(source: 0)])
            #expect(try bench.outcome(q) == .value(Int(Int32.max)))
        }
    }

    // MARK: Guards

    @Test func classGuardsPassFailAndMeetNil() throws {
        let bench = try CompiledCodeBench()
        let tokenType = bench.host.tokenType.id
        // r0 = constant of type pair; guard pair passes, wide fails; nil fails; the token guard passes.
        func guardProgram(_ instructions: [LoopInstruction]) -> LoopProgram {
            program(ints: 1, refs: 2, instructions + [.setInteger(destination: 0, value: 777), .returnInteger(source: 0)])
        }
        let cases: [([LoopInstruction], Int)] = [
            ([.loadConstant(destination: 0, slot: 1), .guardType(object: 0, typeID: bench.pair.id, exitCode: 1)], 777),
            ([.loadConstant(destination: 0, slot: 1), .guardType(object: 0, typeID: bench.wide.id, exitCode: -2)], -2),
            ([.loadConstant(destination: 0, slot: 1), .guardType(object: 0, typeID: bench.fin.id, exitCode: Int32.min)], Int(Int32.min)),
            ([.guardType(object: 1, typeID: bench.pair.id, exitCode: Int32.max)], Int(Int32.max)),           // nil at entry
            ([.loadConstant(destination: 1, slot: 2), .guardType(object: 1, typeID: bench.pair.id, exitCode: 3)], 3), // nil constant
            ([.loadConstant(destination: 1, slot: 0), .guardType(object: 1, typeID: tokenType, exitCode: 4)], 777),
            ([.loadConstant(destination: 1, slot: 0), .guardType(object: 1, typeID: tokenType ^ 1 << 31, exitCode: 5)], 5),
            ([.loadConstant(destination: 0, slot: 1), .guardType(object: 0, typeID: bench.pair.id | 1 << 31, exitCode: 6)], 6),
            ([.loadConstant(destination: 0, slot: 1), .guardType(object: 0, typeID: 0, exitCode: 0)], 0),
        ]
        for (instructions, expected) in cases {
            let outcome = try withTestRoots(bench.heap, 1) { frame in
                try bench.outcome(guardProgram(instructions)) { heap in
                    frame[0] = try heap.allocate(bench.pair)
                    return [frame[0], nil]
                }
            }
            #expect(outcome == .value(expected), "\(instructions)")
        }
    }

    @Test func classGuardsOnOldObjectsIgnoreTheirGCFlags() throws {
        let bench = try CompiledCodeBench()
        try withTestRoots(bench.heap, 1) { frame in
            frame[0] = try bench.heap.allocate(bench.fin)
            bench.heap.collect()
            #expect(!bench.heap.isYoung(frame[0]!))
            // The old object's header carries flags in its high half; the guard compares the type id only.
            #expect(frame[0]!.header >> 32 != 0)
            let p = program(ints: 1, refs: 1, [.loadConstant(destination: 0, slot: 1),
                                               .guardType(object: 0, typeID: bench.fin.id, exitCode: 9),
                                               .setInteger(destination: 0, value: 1), .returnInteger(source: 0)])
            #expect(try bench.outcome(p) { _ in [frame[0]] } == .value(1))
        }
    }

    // MARK: Allocation

    @Test func slowPathTypesAllocateFromCompiledCode() throws {
        var c = HeapConfiguration()
        c.nurserySize = 8192
        c.youngLargeObjectLimit = 256
        c.debugLevel = 2
        let bench = try CompiledCodeBench(configuration: c)
        let huge = try bench.heap.register(.object("Huge", references: 1, words: 60))
        #expect(bench.fin.allocatesSlowly)
        #expect(huge.allocatesSlowly)
        #expect(!bench.pair.allocatesSlowly)
        // n times: a Fin (destructor), a Huge (young large object) and a Pair; keep the Fins with i & 15 == 9 in a list.
        let p = program(ints: 4, refs: 5, args: 1, [
            .loadConstant(destination: 4, slot: 1),
            .setInteger(destination: 1, value: 0),
            .label(0), .branch(.greaterOrEqual, left: 1, right: 0, label: 1),
            .allocate(destination: 0, type: bench.fin), .storeWord(object: 0, offset: 16, source: 1),
            .allocate(destination: 1, type: huge), .storeWord(object: 1, offset: 480, source: 1),
            .storeReference(object: 1, offset: 8, source: 0),
            .allocate(destination: 2, type: bench.pair), .storeReference(object: 2, offset: 8, source: 1),
            .setInteger(destination: 2, value: 15), .arithmetic(.and, destination: 3, left: 1, right: 2),
            .setInteger(destination: 2, value: 9),
            .branch(.notEqual, left: 3, right: 2, label: 2),
            // Every 16th: fin.next = holder.ref0; holder.ref0 = fin.
            .loadReference(destination: 3, object: 4, offset: 8), .storeReference(object: 0, offset: 8, source: 3),
            .storeReference(object: 4, offset: 8, source: 0),
            .label(2),
            .addImmediate(destination: 1, source: 1, value: 1), .jump(label: 0),
            .label(1), .returnInteger(source: 1),
        ])
        try withTestRoots(bench.heap, 1) { frame in
            let n = 300
            let before = bench.heap.statistics
            let outcome = try bench.outcome(p, [n]) { heap in
                frame[0] = try heap.allocate(bench.pair)
                return [frame[0]]
            }
            #expect(outcome == .value(n))
            #expect(bench.heap.statistics.minorCollections > before.minorCollections)
            #expect(bench.heap.verify().isEmpty)
            // Both runs kept their Fin objects with i & 15 == 9 on the holder's list: walk it.
            var kept: [Int] = []
            var node = frame[0]!.loadReference(at: 8)
            while let n = node {
                #expect(n.typeID == bench.fin.id)
                kept.append(n.load(at: 16, as: Int.self))
                node = n.loadReference(at: 8)
            }
            let picked = (0..<n).filter { $0 & 15 == 9 }
            #expect(kept == (picked + picked).reversed())
            // Every other Fin died and had its destructor run once the heap collected everything.
            bench.heap.collect()
            #expect(bench.finalized.count == 2 * n - kept.count)
        }
    }

    // MARK: Calls

    @Test func helperCallsPassZeroOneOrTwoArguments() throws {
        let bench = try CompiledCodeBench()
        let withContext = bench.host.registerHelper(JITHelper({ c, a, b in reportingHelper(c, a, b) },
                                                              context: UnsafeMutableRawPointer(bitPattern: 0x10)))
        let without = bench.host.registerHelper(JITHelper({ c, a, b in reportingHelper(c, a, b) }))
        for (helper, bias) in [(withContext, 7), (without, 0)] {
            for arguments in [[], [1], [1, 2], [2, 1], [2, 2]] {
                let p = program(ints: 4, args: 4, [
                    .callHelper(destination: 3, helper: helper, arguments: arguments),
                    .returnInteger(source: 3),
                ])
                let values = [0, -5, Int.max, 99]
                let a = arguments.count > 0 ? values[arguments[0]] : 0
                let b = arguments.count > 1 ? values[arguments[1]] : 0
                #expect(try bench.outcome(p, values) == .value(a &* 1000 &+ b &+ bias), "helper \(helper) with \(arguments)")
            }
        }
    }

    @Test func loopEntriesPassUpToFourArguments() throws {
        let bench = try CompiledCodeBench()
        // The callee returns a*1 + b*10 + c*100 + d*1000 over its declared arguments.
        func callee(_ count: Int) -> LoopProgram {
            var body: [LoopInstruction] = [.setInteger(destination: 4, value: 0), .setInteger(destination: 5, value: 1),
                                           .setInteger(destination: 6, value: 10)]
            for k in 0..<count {
                body += [.arithmetic(.multiply, destination: 7, left: k, right: 5), .arithmetic(.add, destination: 4, left: 4, right: 7),
                         .arithmetic(.multiply, destination: 5, left: 5, right: 6)]
            }
            return program(ints: 8, args: count, body + [.returnInteger(source: 4)])
        }
        try withTestRoots(bench.heap, 6) { frame in
            for count in 0...4 { frame[count] = try bench.host.compile(callee(count), constants: []) }
            for count in 0...4 {
                for passed in 0...4 {
                    let caller = program(ints: 5, [
                        .setInteger(destination: 0, value: 1), .setInteger(destination: 1, value: 2),
                        .setInteger(destination: 2, value: 3), .setInteger(destination: 3, value: 4),
                        .setInteger(destination: 4, value: -1),
                        .enterLoop(destination: 4, slot: 1, arguments: Array((0..<4).prefix(passed))),
                        .returnInteger(source: 4),
                    ])
                    let outcome = try bench.outcome(caller) { _ in [frame[count]] }
                    var expected = 0, scale = 1
                    for k in 0..<count {
                        expected += (k < passed ? k + 1 : 0) * scale
                        scale *= 10
                    }
                    #expect(outcome == .value(expected), "callee of \(count) arguments, \(passed) passed")
                }
            }
            // The entered loop stamped its token with the generation of the entry.
            let generation = bench.host.statistics.generation
            #expect(bench.host.lastEnteredGeneration(of: frame[4]!) == generation)
        }
    }

    @Test func enteredLoopsReturnTheirGuardExits() throws {
        let bench = try CompiledCodeBench()
        try withTestRoots(bench.heap, 1) { frame in
            // The callee's guard on nil exits with -77; the caller adds 1 to what it got.
            frame[0] = try bench.host.compile(program(ints: 1, refs: 1, [.guardNonNull(object: 0, exitCode: -77),
                                                                         .setInteger(destination: 0, value: 0),
                                                                         .returnInteger(source: 0)]), constants: [])
            let caller = program(ints: 1, [.enterLoop(destination: 0, slot: 1, arguments: []),
                                           .addImmediate(destination: 0, source: 0, value: 1), .returnInteger(source: 0)])
            #expect(try bench.outcome(caller) { _ in [frame[0]] } == .value(-76))
        }
    }

    @Test func aLoopEntersItselfRecursivelyThroughCollections() throws {
        var c = HeapConfiguration()
        c.nurserySize = 4096
        c.minimumHeapSize = 16 << 10
        c.debugLevel = 2
        let bench = try CompiledCodeBench(configuration: c)
        // rec(n): r0 = new Pair(word0 = n, word1 = n * n); x = n > 0 ? rec(n - 1) : 0;
        // r1 = new Pair; return x + r0.word0 + r0.word1 (r0 must survive the collections below it).
        let p = program(ints: 5, refs: 2, args: 1, [
            .allocate(destination: 0, type: bench.pair),
            .storeWord(object: 0, offset: 24, source: 0),
            .arithmetic(.multiply, destination: 1, left: 0, right: 0),
            .storeWord(object: 0, offset: 32, source: 1),
            .setInteger(destination: 2, value: 0), .setInteger(destination: 3, value: 0),
            .branch(.lessOrEqual, left: 0, right: 3, label: 1),
            .addImmediate(destination: 4, source: 0, value: -1),
            .enterLoop(destination: 2, slot: 0, arguments: [4]),
            .label(1),
            .allocate(destination: 1, type: bench.wide),
            .loadWord(destination: 3, object: 0, offset: 24), .arithmetic(.add, destination: 2, left: 2, right: 3),
            .loadWord(destination: 3, object: 0, offset: 32), .arithmetic(.add, destination: 2, left: 2, right: 3),
            .returnInteger(source: 2),
        ])
        let n = 300
        let before = bench.heap.statistics.minorCollections
        #expect(try bench.outcome(p, [n]) == .value((0...n).reduce(0) { $0 + $1 + $1 * $1 }))
        #expect(bench.heap.statistics.minorCollections > before + 10)
        #expect(bench.heap.verify().isEmpty)
    }

    @Test func aHelperCompilesAndRunsALoopWhileALoopRuns() throws {
        var c = HeapConfiguration()
        c.nurserySize = 4096
        c.debugLevel = 2
        let bench = try CompiledCodeBench(configuration: c)
        final class Context {
            let host: JITHost
            let pair: ObjectType
            var compiled = 0
            init(host: JITHost, pair: ObjectType) { self.host = host; self.pair = pair }
        }
        let context = Context(host: bench.host, pair: bench.pair)
        // The helper compiles a loop that allocates a few Pairs and returns a + b, then runs it.
        let helper = bench.host.registerHelper(JITHelper({ ctx, a, b in
            let c = Unmanaged<Context>.fromOpaque(ctx!).takeUnretainedValue()
            let p = LoopProgram(integerCount: 3, referenceCount: 1, argumentCount: 2, instructions: [
                .allocate(destination: 0, type: c.pair), .allocate(destination: 0, type: c.pair),
                .arithmetic(.add, destination: 2, left: 0, right: 1), .returnInteger(source: 2)])
            guard let token = try? c.host.compile(p, constants: []) else { return -1 }
            c.compiled += 1
            return c.host.heap.withRoot(token) { root in (try? c.host.run(root.object, arguments: [a, b])) ?? -2 }
        }, context: Unmanaged.passUnretained(context).toOpaque()))
        // for i in 0..<n { r0 = new Wide(word = i); x += helper(i, 1); x += r0.word }
        let p = program(ints: 5, refs: 1, args: 1, [
            .setInteger(destination: 1, value: 0), .setInteger(destination: 2, value: 0), .setInteger(destination: 4, value: 1),
            .label(0), .branch(.greaterOrEqual, left: 1, right: 0, label: 1),
            .allocate(destination: 0, type: bench.wide), .storeWord(object: 0, offset: 200, source: 1),
            .callHelper(destination: 3, helper: helper, arguments: [1, 4]),
            .arithmetic(.add, destination: 2, left: 2, right: 3),
            .loadWord(destination: 3, object: 0, offset: 200), .arithmetic(.add, destination: 2, left: 2, right: 3),
            .addImmediate(destination: 1, source: 1, value: 1), .jump(label: 0),
            .label(1), .returnInteger(source: 2),
        ])
        let n = 200
        #expect(try bench.outcome(p, [n]) == .value((0..<n).reduce(0) { $0 + ($1 + 1) + $1 }))
        #expect(context.compiled == 2 * n)
        #expect(bench.heap.verify().isEmpty)
        withExtendedLifetime(context) {}
    }

    @Test func runStampsTheGeneration() throws {
        let bench = try CompiledCodeBench()
        try withTestRoots(bench.heap, 1) { frame in
            frame[0] = try bench.host.compile(program(ints: 1, [.setInteger(destination: 0, value: 0), .returnInteger(source: 0)]),
                                              constants: [])
            let compiledAt = bench.host.lastEnteredGeneration(of: frame[0]!)
            for _ in 0..<5 { bench.host.startTracing() }
            #expect(bench.host.lastEnteredGeneration(of: frame[0]!) == compiledAt)
            _ = try bench.host.run(frame[0]!)
            #expect(bench.host.lastEnteredGeneration(of: frame[0]!) == compiledAt + 5)
            bench.host.startTracing()
            _ = try bench.host.interpret(frame[0]!)
            #expect(bench.host.lastEnteredGeneration(of: frame[0]!) == compiledAt + 6)
        }
    }

    // MARK: Validation

    @Test func validationNamesTheInstruction() throws {
        let bench = try CompiledCodeBench()
        let helper = bench.host.registerHelper(JITHelper({ c, a, b in reportingHelper(c, a, b) }))
        let ret: LoopInstruction = .returnInteger(source: 0)
        let set: LoopInstruction = .setInteger(destination: 0, value: 0)
        // (program, constants, text the message must contain)
        let cases: [(LoopProgram, Int, String)] = [
            (program(ints: 2, [set, .setInteger(destination: 2, value: 1), ret]), 0, "instruction 1: integer variable 2"),
            (program(ints: 2, [set, .arithmetic(.add, destination: 0, left: -1, right: 0), ret]), 0, "instruction 1: integer variable -1"),
            (program(ints: 2, [set, .addImmediate(destination: 0, source: 5, value: 1), ret]), 0, "instruction 1: integer variable 5"),
            (program(ints: 2, refs: 1, [set, .setNull(destination: 1), ret]), 0, "instruction 1: reference variable 1"),
            (program(ints: 2, refs: 1, [set, .copyReference(destination: 0, source: 3), ret]), 0, "instruction 1: reference variable 3"),
            (program(ints: 2, refs: 1, [set, .loadConstant(destination: 0, slot: 2), ret]), 1, "instruction 1: constant slot 2"),
            (program(ints: 2, refs: 1, [set, .loadConstant(destination: 0, slot: -1), ret]), 1, "instruction 1: constant slot -1"),
            (program(ints: 2, [set, .branch(.less, left: 0, right: 1, label: 9), ret]), 0, "instruction 1: branch to undefined label 9"),
            (program(ints: 2, [set, .label(3), .jump(label: 4)]), 0, "instruction 2: jump to undefined label 4"),
            (program(ints: 2, [set, .label(3), .label(3), ret]), 0, "instruction 2: label 3 defined twice"),
            (program(ints: 2, refs: 1, [set, .loadWord(destination: 0, object: 0, offset: 0), ret]), 0, "instruction 1: field offset 0"),
            (program(ints: 2, refs: 1, [set, .storeWord(object: 0, offset: 12, source: 0), ret]), 0, "instruction 1: field offset 12"),
            (program(ints: 2, refs: 1, [set, .loadReference(destination: 0, object: 0, offset: -8), ret]), 0, "instruction 1: field offset -8"),
            (program(ints: 2, refs: 1, [set, .storeReference(object: 1, offset: 8, source: 0), ret]), 0, "instruction 1: reference variable 1"),
            (program(ints: 2, refs: 1, [set, .guardType(object: 2, typeID: 1, exitCode: 0), ret]), 0, "instruction 1: reference variable 2"),
            (program(ints: 2, refs: 1, [set, .guardNonNull(object: -1, exitCode: 0), ret]), 0, "instruction 1: reference variable -1"),
            (program(ints: 2, refs: 1, [set, .allocate(destination: 1, type: bench.pair), ret]), 0, "instruction 1: reference variable 1"),
            (program(ints: 2, [set, .callHelper(destination: 0, helper: helper + 1, arguments: []), ret]), 0, "instruction 1: helper \(helper + 1)"),
            (program(ints: 2, [set, .callHelper(destination: 0, helper: helper, arguments: [0, 0, 0]), ret]), 0, "instruction 1: 3 helper arguments"),
            (program(ints: 2, [set, .callHelper(destination: 0, helper: helper, arguments: [0, 2]), ret]), 0, "instruction 1: integer variable 2"),
            (program(ints: 2, [set, .enterLoop(destination: 0, slot: 1, arguments: [0, 0, 0, 0, 0]), ret]), 1, "instruction 1: 5 loop arguments"),
            (program(ints: 2, [set, .enterLoop(destination: 0, slot: 2, arguments: []), ret]), 1, "instruction 1: constant slot 2"),
            (program(ints: 2, [set, .enterLoop(destination: 0, slot: 1, arguments: [7]), ret]), 1, "instruction 1: integer variable 7"),
            (program(ints: 2, [set, .returnInteger(source: 2)]), 0, "instruction 1: integer variable 2"),
        ]
        for (p, constants, text) in cases {
            let error = compileError(bench, p, constants: constants)
            guard case .invalidArgument(let message)? = error else {
                Issue.record("\(p.instructions): expected invalidArgument naming '\(text)', got \(String(describing: error))")
                continue
            }
            #expect(message.contains(text), "message '\(message)' does not name '\(text)'")
            #expect(throws: JITError.self) { try p.validate(constantCount: constants + 1, helperCount: helper + 1) }
        }
        // Programs that could run off their end, and counts out of range.
        let wholeProgram: [(LoopProgram, String)] = [
            (program(ints: 2, [set]), "last instruction"),
            (program(ints: 2, []), "last instruction"),
            (program(ints: 2, [set, .label(1), ret, .label(2)]), "last instruction"),
            (program(ints: 2, [set, .branch(.less, left: 0, right: 0, label: 1), .label(1)]), "last instruction"),
            (program(ints: 5, args: 5, [ret]), "5 arguments"),
            (program(ints: 1, args: 2, [ret]), "2 arguments"),
            (program(ints: 2, args: -1, [ret]), "-1 arguments"),
            (program(ints: -1, [ret]), "arguments"),
            (program(ints: 1, refs: -1, [ret]), "reference variables"),
            (program(ints: 1, refs: (1 << 16) + 1, [ret]), "reference variables"),
        ]
        for (p, text) in wholeProgram {
            let error = compileError(bench, p)
            guard case .invalidArgument(let message)? = error else {
                Issue.record("expected invalidArgument mentioning '\(text)', got \(String(describing: error))")
                continue
            }
            #expect(message.contains(text), "message '\(message)' does not mention '\(text)'")
        }
        // Nothing was compiled by the refused programs.
        #expect(bench.host.statistics.loopsCompiled == 0)
        #expect(bench.host.statistics.loopsAlive == 0)
    }

    // MARK: Bugs and traps

    /// Integer variables that are not arguments start at 0 in the interpreter
    /// (the reference), but compiled code leaves them as whatever the stack held.
    @Test func unsetIntegerVariablesStartAtZero() throws {
        let bench = try CompiledCodeBench()
        // First run a loop that fills its 64 variables with 0x5A5A...; then one that returns the
        // bitwise or of its 63 unset variables i1...i63 (into i0, set first).
        let filler = program(ints: 64, (0..<64).map { .setInteger(destination: $0, value: 0x5A5A_5A5A_5A5A_5A5A) }
                                           + [.returnInteger(source: 0)])
        let reader = program(ints: 64, [.setInteger(destination: 0, value: 0)]
                                       + (1..<64).map { .arithmetic(.or, destination: 0, left: 0, right: $0) }
                                       + [.returnInteger(source: 0)])
        try withTestRoots(bench.heap, 2) { frame in
            frame[0] = try bench.host.compile(filler, constants: [])
            frame[1] = try bench.host.compile(reader, constants: [])
            _ = try bench.host.run(frame[0]!)
            let compiled = try bench.host.run(frame[1]!)
            let interpreted = try bench.host.interpret(frame[1]!)
            #expect(interpreted == 0)
            #expect(compiled == interpreted, "compiled code read \(compiled) from an unset variable")
        }
    }

    /// Two hosts on one heap, each with a loop of id 1: a loop of host A may not
    /// enter host B's loop (their code spaces, error flags and generations differ),
    /// neither at compilation nor by a later `setConstant`.
    @Test func enteringALoopOfAnotherHostIsRefused() throws {
        let bench = try CompiledCodeBench()
        let other = try JITHost(heap: bench.heap)
        func constant(_ value: Int) -> LoopProgram {
            program(ints: 1, [.setInteger(destination: 0, value: value), .returnInteger(source: 0)])
        }
        try withTestRoots(bench.heap, 3) { frame in
            frame[0] = try bench.host.compile(constant(222), constants: [])
            frame[1] = try other.compile(constant(111), constants: [])
            let entering = program(ints: 1, [.enterLoop(destination: 0, slot: 1, arguments: []), .returnInteger(source: 0)])
            #expect {
                _ = try bench.host.compile(entering, constants: [frame[1]])
            } throws: { error in
                guard case JITError.invalidArgument(let text) = error else { return false }
                return text.contains("slot 1") && text.contains("this host")
            }
            frame[2] = try bench.host.compile(entering, constants: [frame[0]])
            #expect(try bench.host.run(frame[2]!) == 222)
            #expect(throws: JITError.self) { try bench.host.setConstant(frame[1], of: frame[2]!, slot: 1) }
            #expect(throws: JITError.self) { try bench.host.setConstant(nil, of: frame[2]!, slot: 1) }
            #expect(try bench.host.interpret(frame[2]!) == 222)
        }
    }

    @Test func referenceVariablesThatOverflowTheShadowStackStopTheProcess() async throws {
        // 16 slots: the caller's root, run's root and the loop's own slot hold the token,
        // so 13 reference variables fit and 14 do not.
        await #expect(processExitsWith: .success) {
            var c = HeapConfiguration()
            c.shadowStackCapacity = 16
            let heap = try! Heap(configuration: c)
            let host = try! JITHost(heap: heap)
            let p = LoopProgram(integerCount: 1, referenceCount: 13, argumentCount: 0, instructions: [
                .loadConstant(destination: 12, slot: 0), .guardNonNull(object: 12, exitCode: 1),
                .setInteger(destination: 0, value: 3), .returnInteger(source: 0)])
            let token = heap.pushRoot(try! host.compile(p, constants: []))
            guard (try? host.run(token.object)) == 3, (try? host.interpret(token.object)) == 3 else { exit(1) }
            exit(0)
        }
        await #expect(processExitsWith: .failure) {
            var c = HeapConfiguration()
            c.shadowStackCapacity = 16
            let heap = try! Heap(configuration: c)
            let host = try! JITHost(heap: heap)
            let p = LoopProgram(integerCount: 1, referenceCount: 14, argumentCount: 0, instructions: [
                .setInteger(destination: 0, value: 3), .returnInteger(source: 0)])
            let token = heap.pushRoot(try! host.compile(p, constants: []))
            _ = try? host.run(token.object)
        }
    }
}
