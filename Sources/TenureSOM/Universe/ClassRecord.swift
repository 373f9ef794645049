// What the VM knows of a SOM class, outside the heap.
//
// Every SOM class (metaclasses included) has one Tenure type for its
// instances, and the class's id is that type's id: an object's header names
// its class with no class word in the object, and an inline cache keyed on a
// class id holds no heap reference (nothing for the collector to trace or
// update). The class itself is also a heap object, an instance of its
// metaclass, kept in a global root; its record here holds what lookup and
// allocation need without touching the heap.
import Tenure

/// A class's id: the Tenure type id of its instances.
typealias ClassID = Int32

/// How a class's instances are laid out.
enum InstanceKind: Equatable {
    /// Fixed fields, all SOM values (reference slots).
    case fields
    /// An Array (or a subclass): an array of references.
    case array
    /// A String or a Symbol: an array of UTF-8 bytes.
    case string
    case symbol
    /// A boxed Double: one raw word.
    case double
    /// A LargeInteger: raw 64-bit words, the sign first, then the magnitude.
    case largeInteger
    /// A Method or a Primitive: signature and holder, then the method's id.
    case method
    /// A block of `arity` arguments (Block1 has none): its context, then its code's id.
    case block(arity: Int)
}

/// One SOM class.
struct ClassRecord {
    var name: String
    var superclass: ClassID?
    var isMetaclass: Bool
    var kind: InstanceKind
    /// Names of every instance field, inherited ones first (for `.fields`).
    var fieldNames: [String]
    /// The handle its instances are allocated with.
    var objectType: ObjectType?
    var arrayType: ArrayType?
    /// Methods defined in this class, by selector.
    var methods: [SymbolID: MethodID] = [:]
    /// The methods in definition order (for `Class>>methods`).
    var methodOrder: [MethodID] = []
    /// The class object (an instance of the metaclass).
    var object: GlobalRoot?
    /// The metaclass's id (nil for metaclasses, whose class is Metaclass).
    var metaclass: ClassID?
}
