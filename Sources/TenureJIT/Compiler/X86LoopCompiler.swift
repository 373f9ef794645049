// The x86-64 backend: loop IR to machine code that uses the heap like Swift does.
//
// Frame: rbp-based; integer variables live in the native frame
// ([rbp - 32 - 8i]); reference variables live in shadow-stack slots the code
// pushes on entry ([r12 + 8j]), so a collection during a call (allocation
// slow path, helper, another loop) finds them and updates them; every
// instruction reads its operands from memory, so nothing stale survives a
// call. rbx holds the loop's constant table (slot k at [rbx + 8 + 8k]), r13
// the heap's fast state. The fast paths are inline, as in Swift: bump
// allocation checked against the nursery limit, and the write barrier's one
// flag test on the header; their slow paths are out of line after the body.
// A class guard compares the 32-bit type id in the header with an immediate.
// On entry the code stamps its own token (constant slot 0) with the current
// generation and keeps the token in one more shadow-stack slot while it runs:
// a loop entered from another loop is otherwise reachable only through its
// caller's constant table, and a helper may replace that constant and collect
// while the callee runs (its code and table would be freed under it). An
// allocation the heap refuses sets the host's error flag and leaves, and so
// does a call to a loop that left that way.
@_spi(CompiledCode) import Tenure

/// Compiles one loop program against a host and a constant table.
struct X86LoopCompiler {
    let host: JITHost
    let table: ReferenceTable

    private static let calleeSavedBytes: Int32 = 24  // rbx, r12, r13

    func compile(_ program: LoopProgram) throws(JITError) -> [UInt8] {
        var a = X86Assembler()
        let interface = host.heap.compiledCodeInterface
        let epilogue = a.newLabel()
        let errorExit = a.newLabel()
        var labels: [Int: X86Assembler.Label] = [:]
        for instruction in program.instructions {
            if case .label(let l) = instruction { labels[l] = a.newLabel() }
        }
        var stubs: [(inout X86Assembler) -> Void] = []

        func int(_ i: Int) -> Memory { Memory(.rbp, -Self.calleeSavedBytes - 8 - Int32(8 * i)) }
        func ref(_ j: Int) -> Memory { Memory(.r12, Int32(8 * j)) }
        func slot(_ k: Int) -> Memory { Memory(.rbx, Int32(8 + 8 * k)) }
        func fast(_ offset: Int) -> Memory { Memory(.r13, Int32(offset)) }
        func callAddress(_ address: UInt) {
            a.mov(.rax, immediate: Int64(bitPattern: UInt64(address)))
            a.call(.rax)
        }
        let context = Int64(Int(bitPattern: interface.context))

        // Prologue.
        a.push(.rbp)
        a.mov(.rbp, .rsp)
        a.push(.rbx)
        a.push(.r12)
        a.push(.r13)
        var frameBytes = 8 * max(program.integerCount, 1)
        if frameBytes % 16 == 0 { frameBytes += 8 }  // rsp is 8 mod 16 after the pushes
        a.sub(.rsp, immediate: Int32(frameBytes))
        a.mov(.r13, immediate: Int64(Int(bitPattern: interface.fastState)))
        a.mov(.rbx, immediate: Int64(Int(bitPattern: table.base)))
        a.load(.r12, fast(CompiledCodeInterface.shadowTopOffset))
        // Reference variables, then the running loop's own token.
        a.lea(.rax, Memory(.r12, Int32(8 * (program.referenceCount + 1))))
        a.cmp(fast(CompiledCodeInterface.shadowLimitOffset), .rax)
        let overflow = a.newLabel()
        a.jump(.below, overflow)
        stubs.append { a in
            a.bind(overflow)
            a.mov(.rax, immediate: Int64(Int(bitPattern: unsafeBitCast(shadowStackOverflow, to: UnsafeRawPointer.self))))
            a.call(.rax)
            a.int3()
        }
        a.store(fast(CompiledCodeInterface.shadowTopOffset), .rax)
        for j in 0..<program.referenceCount { a.store(ref(j), immediate: 0) }
        a.load(.rax, slot(0))  // rax: free again; rdi, rsi, rdx and rcx still hold the arguments
        a.store(ref(program.referenceCount), .rax)
        let argumentRegisters: [Register] = [.rdi, .rsi, .rdx, .rcx]
        for i in 0..<program.argumentCount { a.store(int(i), argumentRegisters[i]) }
        // The other integer variables start at 0, as in the interpreter. Zeroing runs
        // from the highest address down, so it also touches every page of a large
        // frame in order: the stack's guard page cannot be skipped.
        let unset = max(program.integerCount, 1) - program.argumentCount
        if unset > 0 {
            let zero = a.newLabel()
            a.lea(.rdx, int(program.argumentCount))
            a.mov(.rcx, immediate: Int64(unset))
            a.xor(.rax, .rax)
            a.bind(zero)
            a.store(Memory(.rdx), .rax)
            a.sub(.rdx, immediate: 8)
            a.sub(.rcx, immediate: 1)
            a.jump(.notEqual, zero)
        }
        // Stamp the token with the generation of this entry.
        a.load(.rax, slot(0))
        a.mov(.rcx, immediate: Int64(Int(bitPattern: host.codeSpace.generation)))
        a.load(.rcx, Memory(.rcx))
        a.store(Memory(.rax, Int32(LoopTokenLayout.lastEnteredOffset)), .rcx)

        for instruction in program.instructions {
            switch instruction {
            case .setInteger(let d, let v):
                a.mov(.rax, immediate: Int64(v))
                a.store(int(d), .rax)
            case .arithmetic(let op, let d, let l, let r):
                a.load(.rax, int(l))
                a.load(.rcx, int(r))
                switch op {
                case .add: a.add(.rax, .rcx)
                case .subtract: a.sub(.rax, .rcx)
                case .multiply: a.imul(.rax, .rcx)
                case .and: a.and(.rax, .rcx)
                case .or: a.or(.rax, .rcx)
                case .xor: a.xor(.rax, .rcx)
                }
                a.store(int(d), .rax)
            case .addImmediate(let d, let s, let v):
                a.load(.rax, int(s))
                a.add(.rax, immediate: v)
                a.store(int(d), .rax)
            case .label(let l):
                a.bind(labels[l]!)
            case .branch(let c, let l, let r, let target):
                a.load(.rax, int(l))
                a.load(.rcx, int(r))
                a.cmp(.rax, .rcx)
                a.jump(Self.condition(c), labels[target]!)
            case .jump(let target):
                a.jump(labels[target]!)
            case .loadConstant(let d, let s):
                a.load(.rax, slot(s))
                a.store(ref(d), .rax)
            case .setNull(let d):
                a.store(ref(d), immediate: 0)
            case .copyReference(let d, let s):
                a.load(.rax, ref(s))
                a.store(ref(d), .rax)
            case .loadWord(let d, let o, let off):
                a.load(.rax, ref(o))
                a.load(.rax, Memory(.rax, off))
                a.store(int(d), .rax)
            case .storeWord(let o, let off, let s):
                a.load(.rax, ref(o))
                a.load(.rcx, int(s))
                a.store(Memory(.rax, off), .rcx)
            case .loadReference(let d, let o, let off):
                a.load(.rax, ref(o))
                a.load(.rax, Memory(.rax, off))
                a.store(ref(d), .rax)
            case .storeReference(let o, let off, let s):
                a.load(.rax, ref(o))
                a.load(.rcx, ref(s))
                a.store(Memory(.rax, off), .rcx)
                a.testByte(Memory(.rax, Int32(CompiledCodeInterface.barrierFlagByteOffset)),
                           immediate: CompiledCodeInterface.barrierFlagMask)
                let slow = a.newLabel(), done = a.newLabel()
                a.jump(.notEqual, slow)
                a.bind(done)
                stubs.append { a in
                    a.bind(slow)
                    a.mov(.rdi, immediate: context)
                    a.mov(.rsi, .rax)
                    a.mov(.rax, immediate: Int64(Int(bitPattern: unsafeBitCast(interface.remember, to: UnsafeRawPointer.self))))
                    a.call(.rax)
                    a.jump(done)
                }
            case .guardType(let o, let typeID, let exitCode):
                let exit = a.newLabel()
                a.load(.rax, ref(o))
                a.test(.rax, .rax)
                a.jump(.equal, exit)
                a.cmp32(Memory(.rax), immediate: Int32(bitPattern: typeID))
                a.jump(.notEqual, exit)
                stubs.append { a in
                    a.bind(exit)
                    a.mov(.rax, immediate: Int64(exitCode))
                    a.jump(epilogue)
                }
            case .guardNonNull(let o, let exitCode):
                let exit = a.newLabel()
                a.load(.rax, ref(o))
                a.test(.rax, .rax)
                a.jump(.equal, exit)
                stubs.append { a in
                    a.bind(exit)
                    a.mov(.rax, immediate: Int64(exitCode))
                    a.jump(epilogue)
                }
            case .allocate(let d, let type):
                guard host.heap.owns(type) else {
                    throw .invalidArgument("allocate: the type handle (id \(type.id)) was registered with another heap than this host's")
                }
                // The slow path takes the type id as a sign-extended 32-bit immediate: ids stay below 2^31.
                guard type.id < 1 << 31 else { throw .invalidArgument("allocate: type id \(type.id) does not fit a 31-bit immediate") }
                let slow = a.newLabel(), done = a.newLabel()
                if type.allocatesSlowly {
                    a.jump(slow)
                } else {
                    a.load(.rax, fast(CompiledCodeInterface.nurseryFreeOffset))
                    a.lea(.rcx, Memory(.rax, Int32(type.size)))
                    a.cmp(fast(CompiledCodeInterface.nurseryTopOffset), .rcx)
                    a.jump(.below, slow)
                    a.store(fast(CompiledCodeInterface.nurseryFreeOffset), .rcx)
                    // The whole header word: the type id and the type's flags.
                    a.mov(.rdx, immediate: Int64(bitPattern: type.header))
                    a.store(Memory(.rax), .rdx)
                }
                a.bind(done)
                a.store(ref(d), .rax)
                stubs.append { a in
                    a.bind(slow)
                    a.mov(.rdi, immediate: context)
                    a.mov(.rsi, immediate: Int64(type.id))
                    a.mov(.rdx, immediate: Int64(type.size))
                    a.mov(.rcx, immediate: -1)
                    a.mov(.rax, immediate: Int64(Int(bitPattern: unsafeBitCast(interface.allocate, to: UnsafeRawPointer.self))))
                    a.call(.rax)
                    a.test(.rax, .rax)
                    a.jump(.equal, errorExit)
                    a.jump(done)
                }
            case .callHelper(let d, let h, let args):
                let helper = host.helpers[h]
                a.mov(.rdi, immediate: Int64(Int(bitPattern: helper.context)))
                if args.count > 0 { a.load(.rsi, int(args[0])) } else { a.mov(.rsi, immediate: 0) }
                if args.count > 1 { a.load(.rdx, int(args[1])) } else { a.mov(.rdx, immediate: 0) }
                a.mov(.rax, immediate: Int64(Int(bitPattern: unsafeBitCast(helper.function, to: UnsafeRawPointer.self))))
                a.call(.rax)
                a.store(int(d), .rax)
            case .enterLoop(let d, let s, let args):
                a.load(.rax, slot(s))
                a.load(.rax, Memory(.rax, Int32(LoopTokenLayout.entryOffset)))
                for (i, arg) in args.enumerated() { a.load(argumentRegisters[i], int(arg)) }
                for i in args.count..<4 { a.mov(argumentRegisters[i], immediate: 0) }
                a.call(.rax)
                a.mov(.rcx, immediate: Int64(Int(bitPattern: host.codeSpace.errorFlag)))
                a.load(.rcx, Memory(.rcx))
                a.test(.rcx, .rcx)
                a.jump(.notEqual, epilogue)
                a.store(int(d), .rax)
            case .returnInteger(let s):
                a.load(.rax, int(s))
                a.jump(epilogue)
            }
        }
        for stub in stubs { stub(&a) }
        a.bind(errorExit)
        a.mov(.rcx, immediate: Int64(Int(bitPattern: host.codeSpace.errorFlag)))
        a.store(Memory(.rcx), immediate: 1)
        a.mov(.rax, immediate: 0)
        a.bind(epilogue)
        a.store(fast(CompiledCodeInterface.shadowTopOffset), .r12)
        a.lea(.rsp, Memory(.rbp, -Self.calleeSavedBytes))
        a.pop(.r13)
        a.pop(.r12)
        a.pop(.rbx)
        a.pop(.rbp)
        a.ret()
        do {
            return try a.finish()
        } catch {
            throw .invalidArgument("loop program: \(error)")
        }
    }

    static func condition(_ c: Comparison) -> Condition {
        switch c {
        case .equal: return .equal
        case .notEqual: return .notEqual
        case .less: return .less
        case .lessOrEqual: return .lessOrEqual
        case .greater: return .greater
        case .greaterOrEqual: return .greaterOrEqual
        }
    }
}

/// Called by compiled code whose reference variables do not fit the shadow stack.
private let shadowStackOverflow: @convention(c) () -> Void = {
    fatalError("TenureJIT: a compiled loop's reference variables overflow the shadow stack; raise HeapConfiguration.shadowStackCapacity")
}
