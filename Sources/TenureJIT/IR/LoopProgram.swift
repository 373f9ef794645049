// The loop IR: what a tracing JIT hands the backend, reduced to its core.
//
// A program is a list of instructions over two register files: integer
// variables (i0, i1, ...; the first ones receive the arguments) and
// reference variables (r0, r1, ...; they hold heap objects and are roots
// while the program runs). Slot 0 of the program's constant table is its own
// loop token; other slots hold GC constants (objects the trace guarded or
// loaded) and the tokens of loops it enters. Control flow is labels,
// conditional branches and jumps (a jump to an earlier label is the loop's
// back-edge). Guards leave the loop with an exit code, as a failing guard
// leaves a trace. The interpreter (LoopInterpreter.swift) defines the
// semantics; the x86-64 compiler must agree with it on every program.
import Tenure

/// An integer operation of the IR.
public enum ArithmeticOperation: Sendable, Hashable, CaseIterable {
    case add, subtract, multiply, and, or, xor
}

/// A comparison of two integers (signed).
public enum Comparison: Sendable, Hashable, CaseIterable {
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual

    /// Whether `a` compares to `b` this way.
    public func holds(_ a: Int, _ b: Int) -> Bool {
        switch self {
        case .equal: return a == b
        case .notEqual: return a != b
        case .less: return a < b
        case .lessOrEqual: return a <= b
        case .greater: return a > b
        case .greaterOrEqual: return a >= b
        }
    }
}

/// One instruction. `i` names an integer variable, `r` a reference variable.
public enum LoopInstruction: Sendable, Hashable {
    /// i[destination] = value.
    case setInteger(destination: Int, value: Int)
    /// i[destination] = i[left] op i[right] (wrapping).
    case arithmetic(ArithmeticOperation, destination: Int, left: Int, right: Int)
    /// i[destination] = i[source] + value (wrapping).
    case addImmediate(destination: Int, source: Int, value: Int32)
    /// A branch target.
    case label(Int)
    /// Goes to `label` when i[left] compares to i[right] as asked.
    case branch(Comparison, left: Int, right: Int, label: Int)
    /// Goes to `label`.
    case jump(label: Int)
    /// r[destination] = constant slot `slot`.
    case loadConstant(destination: Int, slot: Int)
    /// r[destination] = nil.
    case setNull(destination: Int)
    /// r[destination] = r[source].
    case copyReference(destination: Int, source: Int)
    /// i[destination] = the raw word at byte `offset` of r[object] (which must not be nil).
    case loadWord(destination: Int, object: Int, offset: Int32)
    /// The raw word at byte `offset` of r[object] = i[source].
    case storeWord(object: Int, offset: Int32, source: Int)
    /// r[destination] = the reference at byte `offset` of r[object].
    case loadReference(destination: Int, object: Int, offset: Int32)
    /// The reference at byte `offset` of r[object] = r[source], with the write barrier.
    case storeReference(object: Int, offset: Int32, source: Int)
    /// Leaves with `exitCode` unless r[object] is non-nil and of type `typeID` (a class guard).
    case guardType(object: Int, typeID: UInt32, exitCode: Int32)
    /// Leaves with `exitCode` when r[object] is nil.
    case guardNonNull(object: Int, exitCode: Int32)
    /// r[destination] = a new zeroed object of `type` (may collect).
    case allocate(destination: Int, type: ObjectType)
    /// i[destination] = helper `helper` of the host called with i[arguments] (at most 2; may collect).
    case callHelper(destination: Int, helper: Int, arguments: [Int])
    /// i[destination] = the result of running the loop whose token is in constant
    /// slot `slot`, with i[arguments] (at most 4) as its arguments.
    case enterLoop(destination: Int, slot: Int, arguments: [Int])
    /// Leaves the loop with i[source].
    case returnInteger(source: Int)
}

/// A loop as the JIT compiles it.
public struct LoopProgram: Sendable, Hashable {
    /// Number of integer variables; the first `argumentCount` receive the arguments.
    public var integerCount: Int
    /// Number of reference variables (nil at entry).
    public var referenceCount: Int
    /// Number of integer arguments (at most 4).
    public var argumentCount: Int
    /// The instructions; the program must end every path with `returnInteger` or a guard exit.
    public var instructions: [LoopInstruction]

    /// A program with these variables and instructions.
    public init(integerCount: Int, referenceCount: Int, argumentCount: Int, instructions: [LoopInstruction]) {
        self.integerCount = integerCount
        self.referenceCount = referenceCount
        self.argumentCount = argumentCount
        self.instructions = instructions
    }

    /// The constant slots the program enters with `enterLoop`.
    public var enteredSlots: Set<Int> {
        Set(instructions.compactMap { if case .enterLoop(_, let slot, _) = $0 { return slot } else { return nil } })
    }

    /// Checks variable numbers, labels, argument counts and that the program
    /// cannot run off its end; the message names the instruction.
    public func validate(constantCount: Int, helperCount: Int) throws(JITError) {
        func fail(_ index: Int, _ what: String) -> JITError {
            .invalidArgument("loop program: instruction \(index): \(what)")
        }
        guard (0...4).contains(argumentCount), argumentCount <= integerCount else {
            throw .invalidArgument("loop program: \(argumentCount) arguments; accepted: 0 to 4, at most the integer variable count")
        }
        guard integerCount >= 0, referenceCount >= 0, integerCount <= 1 << 16, referenceCount <= 1 << 16 else {
            throw .invalidArgument("loop program: \(integerCount) integer and \(referenceCount) reference variables; accepted: 0 to 65536 each")
        }
        var labels = Set<Int>()
        for (index, instruction) in instructions.enumerated() {
            if case .label(let l) = instruction {
                guard labels.insert(l).inserted else { throw fail(index, "label \(l) defined twice") }
            }
        }
        func int(_ v: Int, _ index: Int) throws(JITError) {
            guard v >= 0 && v < integerCount else { throw fail(index, "integer variable \(v) out of range 0..<\(integerCount)") }
        }
        func ref(_ v: Int, _ index: Int) throws(JITError) {
            guard v >= 0 && v < referenceCount else { throw fail(index, "reference variable \(v) out of range 0..<\(referenceCount)") }
        }
        func slot(_ s: Int, _ index: Int) throws(JITError) {
            guard s >= 0 && s < constantCount else { throw fail(index, "constant slot \(s) out of range 0..<\(constantCount)") }
        }
        func offset(_ o: Int32, _ index: Int) throws(JITError) {
            guard o >= 8 && o % 8 == 0 else { throw fail(index, "field offset \(o); accepted: a multiple of 8, at least 8 (past the header)") }
        }
        for (index, instruction) in instructions.enumerated() {
            switch instruction {
            case .setInteger(let d, _): try int(d, index)
            case .arithmetic(_, let d, let l, let r): try int(d, index); try int(l, index); try int(r, index)
            case .addImmediate(let d, let s, _): try int(d, index); try int(s, index)
            case .label: break
            case .branch(_, let l, let r, let target):
                try int(l, index); try int(r, index)
                guard labels.contains(target) else { throw fail(index, "branch to undefined label \(target)") }
            case .jump(let target):
                guard labels.contains(target) else { throw fail(index, "jump to undefined label \(target)") }
            case .loadConstant(let d, let s): try ref(d, index); try slot(s, index)
            case .setNull(let d): try ref(d, index)
            case .copyReference(let d, let s): try ref(d, index); try ref(s, index)
            case .loadWord(let d, let o, let off): try int(d, index); try ref(o, index); try offset(off, index)
            case .storeWord(let o, let off, let s): try ref(o, index); try offset(off, index); try int(s, index)
            case .loadReference(let d, let o, let off): try ref(d, index); try ref(o, index); try offset(off, index)
            case .storeReference(let o, let off, let s): try ref(o, index); try offset(off, index); try ref(s, index)
            case .guardType(let o, _, _), .guardNonNull(let o, _): try ref(o, index)
            case .allocate(let d, _): try ref(d, index)
            case .callHelper(let d, let h, let args):
                try int(d, index)
                guard h >= 0 && h < helperCount else { throw fail(index, "helper \(h) out of range 0..<\(helperCount)") }
                guard args.count <= 2 else { throw fail(index, "\(args.count) helper arguments; accepted: at most 2") }
                for a in args { try int(a, index) }
            case .enterLoop(let d, let s, let args):
                try int(d, index); try slot(s, index)
                guard args.count <= 4 else { throw fail(index, "\(args.count) loop arguments; accepted: at most 4") }
                for a in args { try int(a, index) }
            case .returnInteger(let s): try int(s, index)
            }
        }
        switch instructions.last {
        case .returnInteger, .jump: break
        default: throw .invalidArgument("loop program: the last instruction must be a return or a jump (a program cannot run off its end)")
        }
    }
}
