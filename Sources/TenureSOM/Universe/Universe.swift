// The universe: one SOM virtual machine on one Tenure heap.
//
// It owns the heap, the classes, the symbols, the globals and the compiled
// code. What the interpreter reads on every step (nodes, inline caches,
// method code, the class of each type id, the global cells) lives in raw
// tables behind `hot`, a pointer held in a `let`: the interpreter's loop
// touches no Swift collection and no class stored `var`, so it pays neither
// reference counting nor exclusivity checks. Everything else (class records,
// the symbol table, the class path) is ordinary Swift state, used when
// classes are loaded and methods compiled, and on lookup misses.
import SOMParser
import Tenure

/// A SOM error the VM reports and stops on (a bad class file, a missing class).
public struct SOMError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// One SOM virtual machine.
public final class Universe {
    /// The heap every SOM object lives in.
    public let heap: Heap
    let hot: UnsafeMutablePointer<HotTables>
    var classes: [ClassID: ClassRecord] = [:]
    /// Classes (not metaclasses) by name.
    var classIDs: [String: ClassID] = [:]
    /// While the bootstrap loads the first classes, their methods wait here: compiling
    /// needs String, Symbol, Array and the Method types to make literals and Method objects.
    var pendingCompilation: [(ClassID, ClassDefinition, String)]? = []
    var symbols = SymbolTable()
    var methodNames: [MethodID: String] = [:]
    /// Where class files are looked up, in order.
    public internal(set) var classPath: [String]
    /// Roots the VM holds: nil-free singletons and the literal table.
    var trueObject: GlobalRoot!
    var falseObject: GlobalRoot!
    var systemObject: GlobalRoot!
    /// Where output goes (tests capture it).
    public var output: (String) -> Void = { print($0, terminator: "") }
    public var errorOutput: (String) -> Void = { text in
        FileOutput.standardError.write(text)
    }
    /// Set by `system exit:`.
    var exitCode: Int32?
    let startTime = Clock.nanoseconds()
    /// The stack a thread running the VM has (`DeepStack`); the interpreter stops a
    /// program 256 KiB short of its end.
    public static let stackBytes = 1 << 30

    /// A VM on `heap` that loads classes from `classPath`.
    public init(heap: Heap, classPath: [String]) throws {
        self.heap = heap
        self.classPath = classPath
        hot = .allocate(capacity: 1)
        hot.initialize(to: HotTables())
        try bootstrap()
    }

    deinit {
        hot.pointee.release()
        hot.deinitialize(count: 1)
        hot.deallocate()
    }
}

extension Universe {
    /// The classes and type handles the VM itself uses (set by the bootstrap).
    var known: KnownClasses {
        @inline(__always) get { hot.pointee.known }
    }
}

/// The ids of the classes the VM itself refers to, and the handles it allocates with.
/// Plain values only, so that reading one field through `known` is one load.
struct KnownClasses {
    var object: ClassID = 0, klass: ClassID = 0, metaclass: ClassID = 0
    var nilClass: ClassID = 0, trueClass: ClassID = 0, falseClass: ClassID = 0, boolean: ClassID = 0
    var integer: ClassID = 0, double: ClassID = 0, string: ClassID = 0, symbol: ClassID = 0, array: ClassID = 0
    var method: ClassID = 0, primitive: ClassID = 0, block: ClassID = 0
    var block1: ClassID = 0, block2: ClassID = 0, block3: ClassID = 0, system: ClassID = 0
    var doubleType: ObjectType?
    /// The type id of Doubles, for the arithmetic done at the send.
    var doubleTypeID: UInt32 = 0
    /// The type id of Arrays, for `at:` and `at:put:` done at the send.
    var arrayTypeID: UInt32 = 0
    var stringType: ArrayType?
    var symbolType: ArrayType?
    var arrayType: ArrayType?
    var largeIntegerType: ArrayType?
    /// Heap frames (contexts); no SOM class.
    var contextType: ArrayType?
    /// Blocks of no, one and two arguments.
    var block1Type: ObjectType?
    var block2Type: ObjectType?
    var block3Type: ObjectType?
    var methodType: ObjectType?
    var primitiveType: ObjectType?
    /// The singletons, old from the bootstrap on (old objects never move).
    var trueValue: ObjectRef?
    var falseValue: ObjectRef?
}
