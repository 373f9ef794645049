// The JIT host: what a runtime's JIT calls to compile, run and forget loops.
//
// `compile` turns a loop program and its GC constants into a loop token
// (machine code on x86-64, the interpreter elsewhere or when asked), `run`
// enters a loop, and the loop memory manager (LoopMemoryManager.swift) keeps
// the tokens of recently entered loops alive and lets the others go. The
// host reports compiled and freed loops and generations to the heap's event
// log (category jit-mem) and in `statistics`. The loop longevity setting and
// the log categories are TenureJIT's, registered on the runtime's
// configuration (JITSettings.swift).
@_spi(CompiledCode) import Tenure

/// How compiled loops are executed.
public enum JITBackend: Sendable, Equatable {
    /// x86-64 machine code (the interpreter on other hosts).
    case native
    /// The IR interpreter: the reference semantics.
    case interpreter

    /// The backend that runs native code on this machine.
    public static var best: JITBackend {
        #if arch(x86_64)
        return .native
        #else
        return .interpreter
        #endif
    }
}

/// A Swift function compiled code can call: `function(context, a, b) -> result`.
/// It may allocate and collect; it must not throw.
public struct JITHelper: @unchecked Sendable {
    /// The function.
    public let function: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Int
    /// Passed as its first argument.
    public let context: UnsafeMutableRawPointer?

    /// A helper calling `function` with `context`.
    public init(_ function: @convention(c) (UnsafeMutableRawPointer?, Int, Int) -> Int, context: UnsafeMutableRawPointer? = nil) {
        self.function = function
        self.context = context
    }
}

/// What the host has compiled and freed.
public struct JITStatistics: Sendable, Equatable {
    /// Loops compiled so far.
    public var loopsCompiled: Int
    /// Loops whose token died and whose code was freed.
    public var loopsFreed: Int
    /// Loops whose code is still held.
    public var loopsAlive: Int
    /// The most loops alive at once.
    public var loopsAliveMax: Int
    /// Bytes of machine code held now, and at most.
    public var codeBytes: Int
    public var codeBytesPeak: Int
    /// Bytes of executable memory mapped now, and at most.
    public var codeBytesMapped: Int
    public var codeBytesMappedPeak: Int
    /// The current generation and the tokens the memory manager keeps.
    public var generation: Int
    public var loopsKept: Int
}

/// Compiles loops into a heap and runs them.
public final class JITHost {
    /// The heap the loops' objects and tokens live in.
    public let heap: Heap
    /// How loops are executed.
    public let backend: JITBackend
    let codeSpace: CodeSpace
    let tokenType: ObjectType
    private(set) var helpers: [JITHelper] = []
    let manager: LoopMemoryManager
    private var hookToken: CollectionHookToken?

    /// A host for `heap`. `loopLongevity` (default: `defaultLoopLongevity`;
    /// `init(heap:settings:)` takes TENURE_JIT_LOOP_LONGEVITY's value) is how
    /// many generations a loop is kept after its last entry; 0 keeps loops
    /// forever. `generations` says what advances a generation.
    public init(heap: Heap, loopLongevity: Int? = nil, generations: GenerationClock = .tracingStarts,
                backend: JITBackend = .best) throws(JITError) {
        let longevity = loopLongevity ?? JITHost.defaultLoopLongevity
        guard longevity >= 0 else {
            throw .invalidArgument("loop longevity \(longevity); accepted: 0 (never free) or more generations")
        }
        self.heap = heap
        var resolvedBackend = backend
        #if !arch(x86_64)
        resolvedBackend = .interpreter
        #endif
        self.backend = resolvedBackend
        codeSpace = CodeSpace(memory: resolvedBackend == .native ? try ExecutableMemory() : nil, heap: heap)
        do {
            tokenType = try heap.register(LoopTokenLayout.layout(codeSpace))
        } catch {
            throw .invalidArgument("registering the loop token type: \(error)")
        }
        manager = LoopMemoryManager(heap: heap, longevity: longevity, clock: generations, codeSpace: codeSpace)
        // Weak: a hook registered before this one may drop the last reference to the
        // host (whose deinit removes this hook) while the hooks of one collection run.
        hookToken = heap.addCollectionHook { [weak self] event in self?.collectionEnded(event) }
    }

    deinit {
        if let hookToken { heap.removeCollectionHook(hookToken) }
        codeSpace.hostAttached = false
        codeSpace.freedSinceLog.removeAll()
        manager.stop()
    }

    /// Generations a loop is kept after its last entry; 0: loops are never freed.
    public var loopLongevity: Int { manager.longevity }
    /// What advances a generation.
    public var generationClock: GenerationClock { manager.clock }

    /// Registers a helper compiled code can call; returns its number for `callHelper`.
    public func registerHelper(_ helper: JITHelper) -> Int {
        helpers.append(helper)
        return helpers.count - 1
    }

    /// A tracing start: advances the generation when generations count tracing starts.
    /// `compile` calls it; a runtime calls it too for traces it abandons.
    public func startTracing() {
        if manager.clock == .tracingStarts { manager.advanceGeneration() }
    }

    /// Compiles `program` with constant slots 1... holding `constants` (slot 0 is
    /// the loop's own token) and returns the loop's token, stamped with the current
    /// generation and kept by the memory manager. Throws for an invalid program or
    /// when the heap or the kernel refuses memory.
    public func compile(_ program: LoopProgram, constants: [ObjectRef?]) throws(JITError) -> ObjectRef {
        startTracing()
        try program.validate(constantCount: constants.count + 1, helperCount: helpers.count)
        // A loop enters only loops of this host: their code, error flag and generation are this host's.
        for slot in program.enteredSlots where slot != 0 {   // slot 0: the loop itself
            guard let target = constants[slot - 1], target.typeID == tokenType.id else {
                throw .invalidArgument("compile: constant slot \(slot) is entered (enterLoop) but does not hold a loop token of this host")
            }
        }
        let id = codeSpace.newLoopID()
        // The constants are roots while the token is allocated (it may collect).
        return try heap.withRoots(constants.count + 1) { frame throws(JITError) -> ObjectRef in
            for (i, c) in constants.enumerated() { frame.root(i + 1).value = c }
            let token: ObjectRef
            do throws(HeapError) {
                token = try heap.allocate(tokenType)
            } catch {
                throw .heap(error)
            }
            frame.root(0).value = token
            let table = ReferenceTable.allocate(count: constants.count + 1)
            token.store(id, at: LoopTokenLayout.offset(LoopTokenLayout.loopIDWord))
            token.store(table.base, at: LoopTokenLayout.offset(LoopTokenLayout.tableWord))
            for i in 0...constants.count { heap.storeReference(frame[i], intoTableOf: token, at: i) }
            var block: CodeBlock?
            if backend == .native, let memory = codeSpace.memory {
                do throws(JITError) {
                    let code = try X86LoopCompiler(host: self, table: table).compile(program)
                    block = try memory.allocate(code.count)
                    try memory.write(code, into: block!)
                } catch {
                    // No loop record will own the table: free it, and leave the token without one.
                    if let block { try? memory.free(block) }
                    token.store(0, at: LoopTokenLayout.offset(LoopTokenLayout.tableWord))
                    table.deallocate()
                    throw error
                }
                token.store(UInt(bitPattern: block!.entry), at: LoopTokenLayout.entryOffset)
            }
            let generation = codeSpace.generation.pointee
            token.store(generation, at: LoopTokenLayout.offset(LoopTokenLayout.compiledWord))
            LoopTokenLayout.stampEntered(token, generation: generation)
            codeSpace.add(LoopRecord(id: id, program: program, table: table, block: block))
            manager.keep(token)
            heap.log("jit-mem", "compiled loop=\(id) code_bytes=\(block?.size ?? 0) constants=\(constants.count + 1) alive=\(codeSpace.alive) generation=\(generation)")
            return frame[0]!
        }
    }

    /// Enters the loop of `token` with up to 4 integer arguments and returns its result
    /// (its return value or a guard's exit code). Throws when an allocation in it failed.
    public func run(_ token: ObjectRef, arguments: [Int] = []) throws(JITError) -> Int {
        guard token.typeID == tokenType.id else {
            throw .invalidArgument("run: the object is not a loop token of this host")
        }
        guard arguments.count <= 4 else { throw .invalidArgument("run: \(arguments.count) arguments; accepted: at most 4") }
        if backend == .interpreter { return try interpret(token, arguments: arguments) }
        // The running loop's token stays alive even if the manager drops it meanwhile
        // (a helper that compiles enough loops to end generations).
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let root = heap.pushRoot(token)
        let entry = root.object.load(at: LoopTokenLayout.entryOffset, as: UnsafeRawPointer.self)
        let function = unsafeBitCast(entry, to: (@convention(c) (Int, Int, Int, Int) -> Int).self)
        let a = arguments + [Int](repeating: 0, count: 4 - arguments.count)
        let result = function(a[0], a[1], a[2], a[3])
        if codeSpace.errorFlag.pointee != 0 {
            codeSpace.errorFlag.pointee = 0
            throw .heap(heap.takeCompiledCodeError() ?? .outOfMemory(requested: 0))
        }
        return result
    }

    /// Runs the loop of `token` in the interpreter, whatever the backend (the reference).
    public func interpret(_ token: ObjectRef, arguments: [Int] = []) throws(JITError) -> Int {
        guard token.typeID == tokenType.id else {
            throw .invalidArgument("interpret: the object is not a loop token of this host")
        }
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let root = heap.pushRoot(token)
        return try LoopInterpreter(host: self).run(root.object, arguments: arguments)
    }

    /// Replaces constant `slot` of the loop of `token` (with the token's write barrier).
    /// A slot the loop enters must keep holding a loop token of this host.
    public func setConstant(_ value: ObjectRef?, of token: ObjectRef, slot: Int) throws(JITError) {
        guard token.typeID == tokenType.id else {
            throw .invalidArgument("setConstant: the object is not a loop token of this host")
        }
        let loop = codeSpace.record(of: token)
        guard slot >= 1 && slot < loop.table.count else {
            throw .invalidArgument("setConstant: slot \(slot) out of range 1..<\(loop.table.count) (slot 0 is the loop's own token)")
        }
        if loop.program.enteredSlots.contains(slot), value?.typeID != tokenType.id {
            throw .invalidArgument("setConstant: slot \(slot) is entered (enterLoop) and must hold a loop token of this host")
        }
        heap.storeReference(value, intoTableOf: token, at: slot)
    }

    /// The constant in `slot` of the loop of `token`.
    public func constant(of token: ObjectRef, slot: Int) -> ObjectRef? {
        codeSpace.record(of: token).table[slot]
    }

    /// The generation the loop of `token` was last entered in.
    public func lastEnteredGeneration(of token: ObjectRef) -> Int { LoopTokenLayout.lastEntered(token) }

    /// Counters of compiled, freed and alive loops and code bytes.
    public var statistics: JITStatistics {
        let mapped = codeSpace.memory?.statistics
        return JITStatistics(
            loopsCompiled: codeSpace.compiled, loopsFreed: codeSpace.freed, loopsAlive: codeSpace.alive,
            loopsAliveMax: codeSpace.aliveMax, codeBytes: codeSpace.codeBytes, codeBytesPeak: codeSpace.codeBytesPeak,
            codeBytesMapped: mapped?.mappedBytes ?? 0, codeBytesMappedPeak: mapped?.peakMappedBytes ?? 0,
            generation: codeSpace.generation.pointee, loopsKept: manager.keptCount)
    }

    private func collectionEnded(_ event: CollectionEvent) {
        if event.kind == .major && manager.clock == .majorCollections { manager.advanceGeneration() }
        if !codeSpace.freedSinceLog.isEmpty {
            if heap.isLogging("jit-mem") {
                var alive = codeSpace.alive + codeSpace.freedSinceLog.count
                for (id, bytes) in codeSpace.freedSinceLog {
                    alive -= 1
                    heap.log("jit-mem", "freed loop=\(id) code_bytes=\(bytes) alive=\(alive)")
                }
            }
            codeSpace.freedSinceLog.removeAll(keepingCapacity: true)
        }
    }
}
