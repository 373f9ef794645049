// The objects of the translation model: flow graphs as a compiler keeps them.
//
// A function is a Graph of Blocks; a Block holds Operations, its input
// Variables and its exit Links; an Operation has argument Variables and a
// result; Variables carry a TypeDesc once annotated. These are the
// structures PyPy's translation toolchain builds by the million, and the
// reason its heap is large, long-lived and pointer-rich. Fields are plain
// heap fields (references first, then raw words), read and written through
// the heap API with the write barrier.
import Tenure

/// The registered types of the model and their field offsets.
struct TranslateTypes {
    let graph: ObjectType       // blocks, returnVariable | id
    let block: ObjectType       // operations, exits, inputs | id
    let operation: ObjectType   // arguments, result | opcode
    let variable: ObjectType    // type | id
    let link: ObjectType        // target, arguments | exitCase
    let typeDesc: ObjectType    // | kind, size
    let references: ArrayType
    let bytes: ArrayType

    init(_ heap: Heap) throws {
        graph = try heap.register(.object("Graph", references: 2, words: 1))
        block = try heap.register(.object("Block", references: 3, words: 1))
        operation = try heap.register(.object("Operation", references: 2, words: 1))
        variable = try heap.register(.object("Variable", references: 1, words: 1))
        link = try heap.register(.object("Link", references: 2, words: 1))
        typeDesc = try heap.register(.object("TypeDesc", references: 0, words: 2))
        references = try heap.registerArray(.array("References", of: .references))
        bytes = try heap.registerArray(.array("Bytes", of: .raw(itemSize: 1)))
    }

    // Field offsets.
    static let graphBlocks = ObjectLayout.fieldOffset(0)
    static let graphReturn = ObjectLayout.fieldOffset(1)
    static let graphID = ObjectLayout.fieldOffset(2)
    static let blockOperations = ObjectLayout.fieldOffset(0)
    static let blockExits = ObjectLayout.fieldOffset(1)
    static let blockInputs = ObjectLayout.fieldOffset(2)
    static let blockID = ObjectLayout.fieldOffset(3)
    static let operationArguments = ObjectLayout.fieldOffset(0)
    static let operationResult = ObjectLayout.fieldOffset(1)
    static let operationCode = ObjectLayout.fieldOffset(2)
    static let variableType = ObjectLayout.fieldOffset(0)
    static let variableID = ObjectLayout.fieldOffset(1)
    static let linkTarget = ObjectLayout.fieldOffset(0)
    static let linkArguments = ObjectLayout.fieldOffset(1)
    static let linkExitCase = ObjectLayout.fieldOffset(2)
    static let typeKind = ObjectLayout.fieldOffset(0)
    static let typeSize = ObjectLayout.fieldOffset(1)
    /// Item 0 of an array.
    static let firstItem = ObjectLayout.arrayItemsOffset
}

/// The phases of the model, in order, as PyPy's translation names them.
public enum TranslatePhase: String, CaseIterable, Sendable {
    case annotate, rtype, pyjitpl, backendopt, stackcheckinsertion
    case databaseC = "database_c", sourceC = "source_c", compileC = "compile_c"
}
