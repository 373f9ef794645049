// The reference semantics of the loop IR: a plain interpreter over the heap API.
//
// Integer variables are a Swift array; reference variables are shadow-stack
// roots, so a collection during an allocation or a helper call updates them
// exactly as it updates the compiled code's slots. Stores use the heap's
// write barrier. Entering another loop interprets that loop (with its own
// token stamped, as compiled code stamps its token on entry). The compiled
// code must give the same result and leave the heap in the same state.
@_spi(CompiledCode) import Tenure

/// Runs loop programs by interpretation.
struct LoopInterpreter {
    let host: JITHost

    /// Runs the loop of `token` with `arguments`; throws what an allocation throws.
    func run(_ token: ObjectRef, arguments: [Int]) throws(JITError) -> Int {
        let heap = host.heap
        let loop = host.codeSpace.record(of: token)
        let program = loop.program
        let table = loop.table
        LoopTokenLayout.stampEntered(token, generation: host.codeSpace.generation.pointee)
        var ints = [Int](repeating: 0, count: max(program.integerCount, 1))
        for (i, a) in arguments.prefix(program.argumentCount).enumerated() { ints[i] = a }
        var labels: [Int: Int] = [:]
        for (index, instruction) in program.instructions.enumerated() {
            if case .label(let l) = instruction { labels[l] = index }
        }
        // One more slot than the variables: the running loop's token, so that its
        // table stays alive even if the constant that led here is replaced.
        return try heap.withRoots(program.referenceCount + 1) { refs throws(JITError) -> Int in
            refs.root(program.referenceCount).value = token
            var pc = 0
            while true {
                let instruction = program.instructions[pc]
                pc += 1
                switch instruction {
                case .setInteger(let d, let v): ints[d] = v
                case .arithmetic(let op, let d, let l, let r):
                    let a = ints[l], b = ints[r]
                    switch op {
                    case .add: ints[d] = a &+ b
                    case .subtract: ints[d] = a &- b
                    case .multiply: ints[d] = a &* b
                    case .and: ints[d] = a & b
                    case .or: ints[d] = a | b
                    case .xor: ints[d] = a ^ b
                    }
                case .addImmediate(let d, let s, let v): ints[d] = ints[s] &+ Int(v)
                case .label: break
                case .branch(let c, let l, let r, let target):
                    if c.holds(ints[l], ints[r]) { pc = labels[target]! }
                case .jump(let target): pc = labels[target]!
                case .loadConstant(let d, let s): refs.root(d).value = table.slot(s).pointee
                case .setNull(let d): refs.root(d).value = nil
                case .copyReference(let d, let s): refs.root(d).value = refs[s]
                case .loadWord(let d, let o, let off): ints[d] = refs[o]!.load(at: Int(off), as: Int.self)
                case .storeWord(let o, let off, let s): refs[o]!.store(ints[s], at: Int(off))
                case .loadReference(let d, let o, let off): refs.root(d).value = refs[o]!.loadReference(at: Int(off))
                case .storeReference(let o, let off, let s): heap.storeReference(refs[s], into: refs[o]!, at: Int(off))
                case .guardType(let o, let typeID, let exit):
                    guard let object = refs[o], object.typeID == typeID else { return Int(exit) }
                case .guardNonNull(let o, let exit):
                    if refs[o] == nil { return Int(exit) }
                case .allocate(let d, let type):
                    do throws(HeapError) {
                        refs.root(d).value = try heap.allocate(type)
                    } catch {
                        throw .heap(error)
                    }
                case .callHelper(let d, let h, let args):
                    let helper = host.helpers[h]
                    ints[d] = helper.function(helper.context, args.count > 0 ? ints[args[0]] : 0, args.count > 1 ? ints[args[1]] : 0)
                case .enterLoop(let d, let s, let args):
                    guard let target = table.slot(s).pointee else {
                        fatalError("TenureJIT: enterLoop through an empty constant slot \(s)")
                    }
                    ints[d] = try run(target, arguments: args.map { ints[$0] })
                case .returnInteger(let s): return ints[s]
                }
            }
        }
    }
}
