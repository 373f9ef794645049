// Interned symbols: every selector and every `#symbol` has one number and one
// heap object.
//
// Sends carry the selector's number (resolved when a method is compiled), so
// lookup hashes an Int32, never a string. The Symbol objects live in the heap
// (raw UTF-8 arrays of the Symbol type) and are kept alive by one global root
// each, so `#foo == #foo` is pointer identity.
import Tenure

/// A symbol's number.
typealias SymbolID = Int32

struct SymbolTable {
    private(set) var names: [String] = []
    private var numbers: [String: SymbolID] = [:]
    /// The heap Symbol of each number (made on first use by `Universe.symbolObject`).
    var objects: [GlobalRoot?] = []

    /// The number of `name`, interning it.
    mutating func intern(_ name: String) -> SymbolID {
        if let n = numbers[name] { return n }
        let n = SymbolID(names.count)
        names.append(name)
        numbers[name] = n
        objects.append(nil)
        return n
    }

    func existing(_ name: String) -> SymbolID? { numbers[name] }

    func name(_ id: SymbolID) -> String { names[Int(id)] }
}
