// The raw tables the interpreter reads on every step.
//
// Plain structs in GrowableBuffers (malloc'd memory): reading one is a load
// from a base pointer, with no reference counting and no exclusivity check.
// The tables hold no heap reference the collector would have to know about:
// classes are type ids, methods and blocks are indices, globals and literals
// are the slots of global roots (whose addresses never change).
import Tenure
import TenureSupport

extension GrowableBuffer {
    /// The element at a table index (the tables index with Int32 ids).
    @inline(__always)
    subscript(index: Int32) -> Element {
        get { base[Int(index)] }
        nonmutating set { base[Int(index)] = newValue }
    }
}

/// A send node's inline cache: the last two classes seen and the methods they found
/// (a site that sees nil and objects, `isNil` say, stays hit).
struct InlineCache {
    var classID: ClassID = -1
    var method: MethodID = -1
    var secondClassID: ClassID = -1
    var secondMethod: MethodID = -1
}

struct HotTables {
    var known = KnownClasses()
    /// The next method activation's marker (for non-local returns).
    var nextActivation = 1
    /// The lowest machine-stack address a call may use (set when a run starts).
    var stackLimit: UInt = 0
    /// The highest shadow-stack slot a call may start at (set when a run starts): the
    /// roots of SOM frames must not overflow the heap's shadow stack either.
    var rootLimit = UnsafeMutablePointer<ObjectRef?>(bitPattern: UInt.max)!
    var nodes = GrowableBuffer<Node>(capacity: 1 << 14)
    var operands = GrowableBuffer<Int32>(capacity: 1 << 14)
    /// One per node (used by send nodes).
    var caches = GrowableBuffer<InlineCache>(capacity: 1 << 14)
    var methods = GrowableBuffer<MethodCode>()
    var blocks = GrowableBuffer<BlockCode>()
    /// The class of each type id (-1: a type that is no class, such as contexts).
    var classOfType = GrowableBuffer<ClassID>()
    /// The global of each symbol: the slot of its global root, or nil while undefined.
    var globals = GrowableBuffer<UnsafeMutablePointer<ObjectRef?>?>(capacity: 1024)
    /// The literals of all compiled code: slots of global roots.
    var literals = GrowableBuffer<UnsafeMutablePointer<ObjectRef?>>(capacity: 1024)
    /// The method lookup cache: (class, selector) -> method, direct-mapped.
    var lookupCache = GrowableBuffer<LookupEntry>(capacity: LookupEntry.tableSize)

    init() {
        lookupCache.extend(to: LookupEntry.tableSize, with: LookupEntry())
    }

    func release() {
        nodes.release()
        operands.release()
        caches.release()
        methods.release()
        blocks.release()
        classOfType.release()
        globals.release()
        literals.release()
        lookupCache.release()
    }
}

/// One entry of the method lookup cache.
struct LookupEntry {
    static let tableSize = 4096
    var classID: ClassID = -1
    var selector: SymbolID = -1
    var method: MethodID = -1

    @inline(__always)
    static func index(_ classID: ClassID, _ selector: SymbolID) -> Int32 {
        Int32(((UInt32(bitPattern: classID) &* 0x9E37_79B1) ^ (UInt32(bitPattern: selector) &* 0x85EB_CA77)) >> 20 & UInt32(tableSize - 1))
    }
}
