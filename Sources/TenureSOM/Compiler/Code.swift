// Compiled code: the interpreter's tree of nodes, in flat raw tables.
//
// A method's syntax tree is compiled once into nodes of a few fixed-size
// words, stored with every other method's nodes in one raw table and linked
// by index. The interpreter walks them with a switch: no Swift class per
// node, so no reference counting on the way down the tree (a tree of class
// instances retains and releases each child it visits), and the nodes of a
// hot loop sit next to each other in memory. Lists of children (a send's
// arguments, a sequence's statements) are runs in a second table of indices.
// Each send node has a slot of the same index in the inline-cache table.

/// What a node does; its operands `a`...`d` are documented per case.
enum NodeKind: UInt8 {
    /// The literal in slot `a` of the literal table.
    case literal
    /// The small integer `a` (32-bit literals, the common case).
    case smallInteger
    case nilValue, trueValue, falseValue
    /// The frame slot `a` (arguments and locals of an activation without a context).
    case readSlot
    /// Stores node `b` into frame slot `a`.
    case writeSlot
    /// Variable `b` of the context `a` levels out (0: this activation's own context, in
    /// frame slot `c`; 1 and more: from the running block's context, the block being slot 0).
    case readContext
    /// Stores node `c` into variable `b` of the context `a` levels out (own context in slot `d`).
    case writeContext
    /// Field `a` of self (in frame slot `b`).
    case readField
    /// Stores node `b` into field `a` of self (in frame slot `c`).
    case writeField
    /// The global of symbol `a` (self in frame slot `b`, for `unknownGlobal:`).
    case readGlobal
    /// Sends selector `a` to node `b` with the `d` arguments listed from `c`.
    case send
    /// Sends selector `a` to self, looked up from class `d` (the holder's superclass):
    /// the nodes listed from `c` are self and the `b` arguments.
    case superSend
    /// A new block of block code `a`, closing over this activation's context (in frame slot `b`).
    case block
    /// The statements listed from `a` (`b` of them); the last one's value.
    case sequence
    /// Returns node `a` from the method (from an inlined block, or as the method's last statement).
    case methodReturn
    /// Returns node `a` from the home method, `b` contexts out, of the block running.
    case nonLocalReturn
    /// `cond ifTrue: [then] ifFalse: [else]` inlined: cond `a`, then `b`, else `c`
    /// (-1: nil); `d` = 1 when the senses are swapped (ifFalse:ifTrue:).
    case ifTrue
    /// `[cond] whileTrue: [body]` inlined: cond `a`, body `b` (-1: none); `c` = 1 for whileFalse:.
    case whileTrue
    /// `a and: [b]` (`c` = 0) or `a or: [b]` (`c` = 1) inlined.
    case andOr
    /// `from to: limit do: [:i | body]` inlined: operands listed from `a`: from, limit,
    /// step (-1: 1), body, variable kind (0: slot, 1: own context), variable index,
    /// direction (1 up, -1 down), the own context's slot. Integer bounds loop directly;
    /// others by sending `<=` (or `>=`) and `+`, as Number>>to:do: does.
    case toDo
    /// `n timesRepeat: [body]` inlined: count `a`, body `b`.
    case timesRepeat
    /// `a ifNil: [b]` / `a ifNotNil: [b]` inlined (`c` = 0 / 1), `d` a slot for the block
    /// argument of ifNotNil: (-1: none, context variables encoded as -2 - index).
    case ifNil
}

/// One node: its kind and four operands.
struct Node {
    var kind: NodeKind
    var a: Int32
    var b: Int32
    var c: Int32
    var d: Int32

    init(_ kind: NodeKind, _ a: Int32 = 0, _ b: Int32 = 0, _ c: Int32 = 0, _ d: Int32 = 0) {
        self.kind = kind
        self.a = a
        self.b = b
        self.c = c
        self.d = d
    }
}

/// A method's or a block's number.
typealias MethodID = Int32
typealias BlockCodeID = Int32

/// How a method runs.
enum MethodKind: UInt8 {
    /// The body node.
    case nodes
    /// Primitive `primitive`.
    case primitive
    /// A trivial method, without a frame: return field `operand`, set field
    /// `operand` from the argument and return self, return self, return literal `operand`.
    case returnField, setField, returnSelf, returnLiteral
}

/// What the interpreter needs of a method, in a raw table.
struct MethodCode {
    var kind: MethodKind
    var argumentCount: Int32
    /// Frame slots: self, the arguments, the locals (including inlined blocks' variables).
    var slotCount: Int32
    /// The frame slot holding this activation's context; -1 when it has none.
    var contextSlot: Int32
    /// Context variables (arguments and locals kept in the context).
    var contextSize: Int32
    var body: Int32
    var primitive: Int32
    var operand: Int32
    var selector: SymbolID
    var holder: ClassID
}

/// What the interpreter needs of a block's code.
struct BlockCode {
    var argumentCount: Int32
    /// Frame slots: the block, the arguments, self, the locals.
    var slotCount: Int32
    var contextSlot: Int32
    var contextSize: Int32
    var body: Int32
    /// The method the block is in (for non-local returns and diagnostics).
    var method: MethodID
}
