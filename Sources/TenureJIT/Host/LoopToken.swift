// Loop tokens: the GC objects that own compiled loops.
//
// A token is an ordinary heap object, so a loop lives exactly as long as
// something reaches its token: the loop memory manager (for loops entered
// recently), another loop that enters it (its constant table holds the
// token), or the runtime. The token's raw words hold the code's entry
// address, its constant table (a `ReferenceTable` the collector traces with
// the token, so the code's GC constants are updated when their objects move
// and keep nothing alive once the token is dead), the generations of its
// compilation and its last entry, and its loop id. Its destructor frees the
// machine code and the table: when a token dies, nothing of its loop remains.
@_spi(CompiledCode) import Tenure

/// Where a token keeps what, and how it is registered.
enum LoopTokenLayout {
    /// Raw words after the header.
    static let entryWord = 0
    static let tableWord = 1
    static let lastEnteredWord = 2
    static let compiledWord = 3
    static let loopIDWord = 4
    static let wordCount = 5

    static func offset(_ word: Int) -> Int { ObjectLayout.fieldOffset(word) }
    static let entryOffset = offset(entryWord)
    static let lastEnteredOffset = offset(lastEnteredWord)

    /// The token type for `codeSpace`: its destructor frees the loop's code and table.
    static func layout(_ codeSpace: CodeSpace) -> TypeLayout {
        .object("LoopToken", references: 0, words: wordCount, referenceTableWord: tableWord,
                destructor: { token in codeSpace.free(loopID: loopID(of: token)) })
    }

    static func loopID(of token: ObjectRef) -> Int { token.load(at: offset(loopIDWord), as: Int.self) }

    static func stampEntered(_ token: ObjectRef, generation: Int) {
        token.store(generation, at: lastEnteredOffset)
    }

    static func lastEntered(_ token: ObjectRef) -> Int { token.load(at: lastEnteredOffset, as: Int.self) }
    static func compiledAt(_ token: ObjectRef) -> Int { token.load(at: offset(compiledWord), as: Int.self) }
}
