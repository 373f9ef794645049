// The actions of a model run, as data: a run records every action it
// performs, so a failing run can be replayed from its list and shrunk
// (ModelShrinker.swift). An action names objects by their model id (#n, the
// id stamped in the object), never by address, and carries every random
// choice (payloads, lengths, the seed of a burst of garbage), so the same
// list gives the same run on a fresh heap. Replayed on a subset of its run,
// an action whose objects are not reachable, or whose root, global or weak
// slot does not exist, is skipped.
//
// `description` is the action as a Swift expression (a shrunk sequence pastes
// into `ModelRun.replay`), `explanation` the heap calls it makes in words.

/// Where a new object goes.
enum ModelPlace: Equatable, Sendable {
    /// Pushed on the shadow stack.
    case root
    /// Stored into reference slot `slot` of object #`parent` (held in a root while
    /// allocating); `viaField`: an array item stored with `storeReference` at its offset.
    case into(Int, slot: Int, viaField: Bool = false)
}

/// How an object is allocated.
enum ModelAllocationPath: Equatable, Sendable {
    /// `heap.allocate` / `heap.allocateArray` with the type's handle.
    case handle
    /// `heap.compiledCodeInterface.allocate(context, typeID, size, count)`.
    case compiledCode
}

/// What a new object is.
enum ModelShape: Equatable, Sendable {
    /// A fixed-size object of the run's type `type`, its payload word, the raw
    /// memory it reports (destructor types) and its reference table's slots (the Table type).
    case object(String, payload: UInt64, pressure: Int = 0, tableSlots: Int = 0)
    /// An array of `count` references.
    case references(Int)
    /// A byte array of `count` items (contents from the id).
    case bytes(Int)
    /// A word array of `count` items (contents from the id; a destructor type).
    case words(Int)
}

/// One step of a model run.
enum ModelAction: Equatable, Sendable, CustomStringConvertible {
    /// A new object #`id`.
    case allocate(Int, ModelShape, to: ModelPlace, via: ModelAllocationPath = .handle)
    /// Reference slot `slot` of #`object` = #`value`; `viaField` stores an array
    /// item with `storeReference` at the item's offset instead of `storeItem`.
    case write(Int, slot: Int, Int?, viaField: Bool = false)
    /// Shadow-stack root `index` = #`value`.
    case setRoot(Int, Int?)
    /// Pops `count` roots (`toMark`: with `popRoots(to:)`).
    case popRoots(Int, toMark: Bool = false)
    /// Pushes #`id` again.
    case pushRoot(Int)
    case addGlobal(Int?)
    case removeGlobal(Int)
    case setGlobal(Int, Int?)
    /// A weak reference to #`target`, kept in a slot the weak-slot root scanner reports.
    case makeWeak(Int?)
    /// Drops weak slot `index` (the last one takes its place).
    case dropWeak(Int)
    /// Reads weak slot `index` and pushes its target (which may be unreachable: it comes back).
    case readWeak(Int)
    /// Slot `index` of the extra root scanner's memory = #`value` (`index` = count appends).
    case setScannerSlot(Int, Int?)
    /// Drops the extra root scanner's last slot.
    case dropScannerSlot
    /// A new payload word for fixed object #`id`.
    case payload(Int, UInt64)
    case collectMinor
    case collect
    /// `count` unreachable objects, ids from `from`, shapes drawn from `seed`.
    case garbage(from: Int, count: Int, seed: UInt64)
    /// An allocation with a handle of another heap: refused, nothing changes.
    case foreignAllocation(Int)
    /// A compiled-code allocation with wrong figures: refused, nothing changes.
    case badCompiledAllocation(Int)

    var description: String {
        func id(_ i: Int?) -> String { i.map(String.init) ?? "nil" }
        switch self {
        case let .allocate(i, shape, place, path):
            let to: String
            switch place {
            case .root: to = ".root"
            case let .into(p, slot, viaField): to = ".into(\(p), slot: \(slot)\(viaField ? ", viaField: true" : ""))"
            }
            return ".allocate(\(i), \(shape.swift), to: \(to)\(path == .compiledCode ? ", via: .compiledCode" : ""))"
        case let .write(o, slot, v, viaField):
            return ".write(\(o), slot: \(slot), \(id(v))\(viaField ? ", viaField: true" : ""))"
        case let .setRoot(k, v): return ".setRoot(\(k), \(id(v)))"
        case let .popRoots(n, toMark): return ".popRoots(\(n)\(toMark ? ", toMark: true" : ""))"
        case let .pushRoot(i): return ".pushRoot(\(i))"
        case let .addGlobal(v): return ".addGlobal(\(id(v)))"
        case let .removeGlobal(k): return ".removeGlobal(\(k))"
        case let .setGlobal(k, v): return ".setGlobal(\(k), \(id(v)))"
        case let .makeWeak(t): return ".makeWeak(\(id(t)))"
        case let .dropWeak(k): return ".dropWeak(\(k))"
        case let .readWeak(k): return ".readWeak(\(k))"
        case let .setScannerSlot(k, v): return ".setScannerSlot(\(k), \(id(v)))"
        case .dropScannerSlot: return ".dropScannerSlot"
        case let .payload(i, p): return ".payload(\(i), 0x\(String(p, radix: 16)))"
        case .collectMinor: return ".collectMinor"
        case .collect: return ".collect"
        case let .garbage(from, count, seed): return ".garbage(from: \(from), count: \(count), seed: 0x\(String(seed, radix: 16)))"
        case let .foreignAllocation(k): return ".foreignAllocation(\(k))"
        case let .badCompiledAllocation(k): return ".badCompiledAllocation(\(k))"
        }
    }

    /// The heap calls the action makes, in words (`o7` is the object with id 7).
    var explanation: String {
        func o(_ i: Int?) -> String { i.map { "o\($0)" } ?? "nil" }
        switch self {
        case let .allocate(i, shape, place, path):
            let how = path == .compiledCode ? "compiledCodeInterface.allocate" : "heap.allocate"
            switch place {
            case .root: return "o\(i) = \(how)(\(shape.words)); heap.pushRoot(o\(i))"
            case let .into(p, slot, _): return "o\(i) = \(how)(\(shape.words)) with o\(p) rooted; o\(p).slot\(slot) = o\(i)"
            }
        case let .write(obj, slot, v, viaField):
            return "o\(obj).slot\(slot) = \(o(v))\(viaField ? " (storeReference at the item's offset)" : "")"
        case let .setRoot(k, v): return "root[\(k)].value = \(o(v))"
        case let .popRoots(n, toMark): return toMark ? "heap.popRoots(to: the mark \(n) roots down)" : "heap.popRoots(\(n))"
        case let .pushRoot(i): return "heap.pushRoot(o\(i))"
        case let .addGlobal(v): return "heap.addGlobalRoot(\(o(v)))"
        case let .removeGlobal(k): return "heap.removeGlobalRoot(global[\(k)])"
        case let .setGlobal(k, v): return "global[\(k)].value = \(o(v))"
        case let .makeWeak(t): return "weak.append(heap.makeWeakReference(to: \(o(t))))"
        case let .dropWeak(k): return "weak[\(k)] = weak.removeLast()"
        case let .readWeak(k): return "heap.pushRoot(heap.weakTarget(of: weak[\(k)]))"
        case let .setScannerSlot(k, v): return "scanned[\(k)] = \(o(v)) (a root scanner reports it)"
        case .dropScannerSlot: return "scanned.removeLast()"
        case let .payload(i, _): return "o\(i).payload = a new word"
        case .collectMinor: return "heap.collectMinor()"
        case .collect: return "heap.collect()"
        case let .garbage(_, count, _): return "\(count) unreachable objects"
        case .foreignAllocation: return "heap.allocate(a handle of another heap) is refused"
        case .badCompiledAllocation: return "compiledCodeInterface.allocate(wrong size or count) is refused"
        }
    }
}

extension ModelShape {
    var swift: String {
        switch self {
        case let .object(type, payload, pressure, tableSlots):
            return ".object(\"\(type)\", payload: 0x\(String(payload, radix: 16))"
                + (pressure != 0 ? ", pressure: \(pressure)" : "") + (tableSlots != 0 ? ", tableSlots: \(tableSlots)" : "") + ")"
        case let .references(n): return ".references(\(n))"
        case let .bytes(n): return ".bytes(\(n))"
        case let .words(n): return ".words(\(n))"
        }
    }

    var words: String {
        switch self {
        case let .object(type, _, pressure, tableSlots):
            return type + (pressure != 0 ? ", reporting \(pressure) bytes" : "") + (tableSlots != 0 ? ", \(tableSlots) table slots" : "")
        case let .references(n): return "Refs[\(n)]"
        case let .bytes(n): return "Bytes[\(n)]"
        case let .words(n): return "Words[\(n)]"
        }
    }
}
