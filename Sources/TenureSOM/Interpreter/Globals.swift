// Globals: the classes and what `system global:put:` stores.
//
// Each global is a global root; the interpreter reads it through the root's
// slot, found by symbol number in a raw table. Reading an undefined global
// loads the class of that name from the class path, and when there is none
// sends `unknownGlobal:` to self, as SOM specifies.
import Tenure

extension Universe {
    func setGlobal(_ symbol: SymbolID, _ value: Value) {
        hot.pointee.globals.extend(to: Int(symbol) + 1, with: nil)
        if let cell = hot.pointee.globals[symbol] {
            cell.pointee = value
        } else {
            hot.pointee.globals[symbol] = heap.addGlobalRoot(value).slot
        }
    }

    /// The global of `symbol` when it is defined (after loading its class, when `loading`).
    func globalValue(_ symbol: SymbolID, loading: Bool) throws(Unwind) -> GlobalLookup {
        if Int(symbol) < hot.pointee.globals.count, let cell = hot.pointee.globals[symbol] { return .defined(cell.pointee) }
        guard loading else { return .undefined }
        guard try loadClassOrFail(symbols.name(symbol)) != nil else { return .undefined }
        return globalValue(symbol)
    }

    private func globalValue(_ symbol: SymbolID) -> GlobalLookup {
        guard Int(symbol) < hot.pointee.globals.count, let cell = hot.pointee.globals[symbol] else { return .undefined }
        return .defined(cell.pointee)
    }

    /// `loadClass`, with its errors as the interpreter's.
    func loadClassOrFail(_ name: String) throws(Unwind) -> ClassID? {
        do {
            return try loadClass(named: name)
        } catch let error as SOMError {
            throw .fatal(error.description)
        } catch {
            throw .fatal("\(name): \(error)")
        }
    }

    /// The global of node `readGlobal` (symbol `symbol`, self in frame slot `selfSlot`).
    func global(_ symbol: SymbolID, _ selfSlot: Int32, _ frame: UnsafeMutablePointer<ObjectRef?>) throws(Unwind) -> Value {
        if Int(symbol) < hot.pointee.globals.count, let cell = hot.pointee.globals[symbol] { return cell.pointee }
        if case .defined(let value) = try globalValue(symbol, loading: true) { return value }
        let mark = heap.rootMark
        defer { heap.popRoots(to: mark) }
        let slots = heap.pushRoot(frame[Int(selfSlot)]).slot
        heap.pushRoot(try symbolObject(symbol))
        let selector = symbols.intern("unknownGlobal:")
        guard let handler = lookup(classOf(slots[0]), selector) else {
            throw .fatal("unknown global \(symbols.name(symbol)) (no class file \(symbols.name(symbol)).som on the class path, and \(describe(slots[0])) does not understand #unknownGlobal:)")
        }
        return try invoke(handler, slots, 1)
    }
}

/// Whether a global is defined, and its value.
enum GlobalLookup {
    case undefined
    case defined(Value)
}
