// How a model run applies one action to the heap and to the model
// (ModelRun.swift has the state and the checks, ModelAction.swift the actions).
//
// An action that does not apply to the current state (an object that is not
// reachable, a root, global, weak or scanner slot that does not exist) does
// nothing and returns false: a replayed subset of a run skips it. Any
// allocation may collect, so references are read from roots after it; with
// the stress factor (`ModelSetup.majorEvery`) a major collection runs before
// every N-th allocation, where everything the action needs is in roots.
import SeededRandom
@_spi(CompiledCode) @testable import Tenure

extension ModelRun {
    func apply(_ action: ModelAction) throws -> Bool {
        func valid(_ id: Int?) -> Bool { id.map { addressOf[$0] != nil } ?? true }
        switch action {
        case let .allocate(id, shape, place, path):
            guard objects[id] == nil, id != ModelRun.hookBoxID, accepts(shape) else { return false }
            switch place {
            case .root:
                guard rootSlots.count < 40 else { return false }
                stressPoint()
                let (ref, model) = try make(id, shape, path)
                objects[id] = model
                rootSlots.append(heap.pushRoot(ref))
                roots.append(id)
            case let .into(parent, slot, viaField):
                guard let address = addressOf[parent], slot < objects[parent]!.references.count else { return false }
                let mark = heap.rootMark
                defer { heap.popRoots(to: mark) }
                let parentRoot = heap.pushRoot(address)
                stressPoint()
                let (ref, model) = try make(id, shape, path)
                syncHooks()
                objects[id] = model
                store(ref, into: parentRoot.object, parent: parent, slot: slot, viaField: viaField)
                objects[parent]!.references[slot] = id
            }
        case let .write(parent, slot, value, viaField):
            guard let address = addressOf[parent], slot < objects[parent]!.references.count, valid(value) else { return false }
            store(value.map { addressOf[$0]! }, into: address, parent: parent, slot: slot, viaField: viaField)
            objects[parent]!.references[slot] = value
        case let .setRoot(k, value):
            guard k < roots.count, valid(value) else { return false }
            rootSlots[k].value = value.map { addressOf[$0]! }
            roots[k] = value
        case let .popRoots(count, toMark):
            let n = min(count, roots.count)
            guard n > 0 else { return false }
            if toMark {
                heap.popRoots(to: RootMark(top: rootSlots[rootSlots.count - n].slot))
            } else {
                heap.popRoots(n)
            }
            rootSlots.removeLast(n)
            roots.removeLast(n)
        case let .pushRoot(id):
            guard rootSlots.count < 40, let address = addressOf[id] else { return false }
            rootSlots.append(heap.pushRoot(address))
            roots.append(id)
        case let .addGlobal(value):
            guard valid(value) else { return false }
            globals.append((heap.addGlobalRoot(value.map { addressOf[$0]! }), value))
        case let .removeGlobal(k):
            guard k < globals.count else { return false }
            do {
                try heap.removeGlobalRoot(globals[k].root)
            } catch {
                throw fail("removeGlobalRoot: \(error)")
            }
            globals.remove(at: k)
        case let .setGlobal(k, value):
            guard k < globals.count, valid(value) else { return false }
            globals[k].root.value = value.map { addressOf[$0]! }
            globals[k].id = value
        case let .makeWeak(target):
            guard weak.count < weak.capacity, valid(target) else { return false }
            let mark = heap.rootMark
            defer { heap.popRoots(to: mark) }
            let root = heap.pushRoot(target.map { addressOf[$0]! })
            stressPoint()
            let w = try heap.makeWeakReference(to: root.value)
            weak.slots[weak.count] = w
            weak.count += 1
            weakTargets.append(target)
        case let .dropWeak(k):
            guard k < weak.count else { return false }
            weak.slots[k] = weak.slots[weak.count - 1]
            weak.slots[weak.count - 1] = nil
            weak.count -= 1
            weakTargets[k] = weakTargets[weakTargets.count - 1]
            weakTargets.removeLast()
        case let .readWeak(k):
            // Reads a weak reference and roots its target: an unreachable object comes back.
            guard k < weak.count, rootSlots.count < 40, let id = weakTargets[k],
                  let target = heap.weakTarget(of: weak.slots[k]!) else { return false }
            if addressOf[id] == nil { revived += 1 }
            rootSlots.append(heap.pushRoot(target))
            roots.append(id)
        case let .setScannerSlot(k, value):
            guard valid(value), k <= scanned.count, k < scanned.capacity else { return false }
            if k == scanned.count {
                scanned.count += 1
                callbacks.scannerIDs.append(nil)
            }
            scanned.slots[k] = value.map { addressOf[$0]! }
            callbacks.scannerIDs[k] = value
        case .dropScannerSlot:
            guard scanned.count > 0 else { return false }
            scanned.count -= 1
            scanned.slots[scanned.count] = nil
            callbacks.scannerIDs.removeLast()
        case let .payload(id, payload):
            guard let address = addressOf[id], case .fixed(let t) = objects[id]!.kind else { return false }
            address.store(payload, at: fixedTypes[t].payloadOffset)
            objects[id]!.payload = payload
        case .collectMinor:
            requestedCollections += 1
            heap.collectMinor()
        case .collect:
            requestedCollections += 1
            heap.collect()
        case let .garbage(from, count, seed):
            var r = SplitMix64(seed: seed)
            for k in 0..<count {
                let shape = randomShape(&r)
                let path: ModelAllocationPath = r.chance(0.15) ? .compiledCode : .handle
                stressPoint()
                _ = try make(from + k, shape, path)
            }
        case let .foreignAllocation(k):
            try foreignAllocation(k)
        case let .badCompiledAllocation(k):
            try badCompiledAllocation(k)
        }
        return true
    }

    /// Whether this run's types can make `shape` (no table type without destructors).
    func accepts(_ shape: ModelShape) -> Bool {
        guard case let .object(name, _, pressure, tableSlots) = shape else { return true }
        guard let t = typeIndex[name] else { return false }
        return (pressure == 0 || fixedTypes[t].pressureOffset != nil) && (tableSlots == 0 || fixedTypes[t].tableOffset != nil)
    }

    /// The stress factor: a major collection before every `majorEvery`-th allocation.
    func stressPoint() {
        guard let n = setup.majorEvery else { return }
        allocations += 1
        if allocations % n == 0 {
            requestedCollections += 1
            heap.collect()
        }
    }

    /// Allocates object #`id`; the caller must root it before allocating again.
    func make(_ id: Int, _ shape: ModelShape, _ path: ModelAllocationPath) throws(HeapError) -> (ObjectRef, ModelObject) {
        switch shape {
        case let .object(name, payload, pressure, tableSlots):
            let t = typeIndex[name]!
            let type = fixedTypes[t]
            let o = path == .handle ? try heap.allocate(type.type)
                : try compiledAllocation(type.type.id, size: Int(type.type.size), count: -1)
            o.store(id, at: type.idOffset)
            o.store(payload, at: type.payloadOffset)
            var references = [Int?](repeating: nil, count: type.referenceOffsets.count)
            if let offset = type.pressureOffset {
                o.store(pressure, at: offset)
                if pressure > 0 {
                    heap.addMemoryPressure(pressure)
                    pressureAdded += pressure
                    pressureOf[id] = pressure
                }
            }
            if let offset = type.tableOffset {
                o.store(ReferenceTable.allocate(count: tableSlots).base, at: offset)
                references += [Int?](repeating: nil, count: tableSlots)
            }
            if type.hasDestructor { destructible.insert(id) }
            return (o, ModelObject(kind: .fixed(t), references: references, payload: payload, pressure: pressure))
        case let .references(n):
            let a = try allocateArray(referenceArray, count: n, path)
            return (a, ModelObject(kind: .references, references: [Int?](repeating: nil, count: n), count: n))
        case let .bytes(n):
            let a = try allocateArray(byteArray, count: n, path)
            let bytes = a.items.assumingMemoryBound(to: UInt8.self)
            for i in 0..<n { bytes[i] = ModelRun.byte(id, i) }
            return (a, ModelObject(kind: .bytes, references: [], count: n))
        case let .words(n):
            let a = try allocateArray(wordArray, count: n, path)
            let words = a.items.assumingMemoryBound(to: UInt64.self)
            for i in 0..<n { words[i] = ModelRun.word(id, i) }
            if n > 0 && setup.destructors { destructible.insert(id) }
            return (a, ModelObject(kind: .words, references: [], count: n))
        }
    }

    func allocateArray(_ type: ArrayType, count: Int, _ path: ModelAllocationPath) throws(HeapError) -> ObjectRef {
        path == .handle ? try heap.allocateArray(type, count: count)
            : try compiledAllocation(type.id, size: type.instanceSize(count: count), count: count)
    }

    /// An allocation as compiled code makes it: raw figures, 0 and an error kept for later when refused.
    func compiledAllocation(_ typeID: UInt32, size: Int, count: Int) throws(HeapError) -> ObjectRef {
        let address = interface.allocate(interface.context, typeID, size, count)
        guard address != 0 else { throw heap.takeCompiledCodeError() ?? .outOfMemory(requested: size) }
        return ObjectRef(UnsafeMutableRawPointer(bitPattern: address)!)
    }

    /// Stores through the barrier: `storeReference` for fields, `storeReference(_:intoTableOf:at:)`
    /// for table slots, `storeItem` (or a field store at the item's offset) for arrays.
    /// The caller updates the model.
    func store(_ value: ObjectRef?, into ref: ObjectRef, parent: Int, slot: Int, viaField: Bool) {
        switch objects[parent]!.kind {
        case .fixed(let t):
            let type = fixedTypes[t]
            if slot < type.referenceOffsets.count {
                heap.storeReference(value, into: ref, at: type.referenceOffsets[slot])
            } else {
                heap.storeReference(value, intoTableOf: ref, at: slot - type.referenceOffsets.count)
            }
        case .references:
            if viaField {
                heap.storeReference(value, into: ref, at: ObjectLayout.arrayItemsOffset + 8 * slot)
            } else {
                heap.storeItem(value, into: ref, at: slot)
            }
        case .bytes, .words:
            preconditionFailure("no reference slots")
        }
    }

    /// What must not change when the heap refuses a call.
    struct Untouched: Equatable {
        let nurseryFree: UnsafeMutableRawPointer
        let collections: Int
        let oldBytes: Int
        let depth: Int

        init(_ heap: Heap) {
            nurseryFree = heap.fast.pointee.nurseryFree
            let s = heap.statistics
            collections = s.minorCollections + s.majorCollections
            oldBytes = heap.oldGenerationBytes
            depth = heap.rootDepth
        }
    }

    /// A handle of another heap: refused with invalidArgument, nothing allocated or collected in either heap.
    func foreignAllocation(_ k: Int) throws {
        if foreign == nil { foreign = try ModelForeignHandles.privateHeap() }
        let f = foreign!
        let before = Untouched(heap), otherBefore = Untouched(f.heap)
        let what: String
        do {
            if k % 2 == 0 {
                let type = f.objects[(k / 2) % f.objects.count]
                what = "allocate(\(f.heap.typeName(type.id) ?? "?") of another heap)"
                _ = try heap.allocate(type)
            } else {
                let type = f.arrays[(k / 2) % f.arrays.count]
                what = "allocateArray(\(f.heap.typeName(type.id) ?? "?") of another heap, count: \(k % 7))"
                _ = try heap.allocateArray(type, count: k % 7)
            }
        } catch HeapError.invalidArgument(let text) {
            guard text.contains("another heap") else { throw fail("a foreign handle refused with \"\(text)\"") }
            if Untouched(heap) != before || Untouched(f.heap) != otherBefore {
                throw fail("a refused foreign handle changed a heap: \(before) -> \(Untouched(heap))")
            }
            return
        } catch {
            throw fail("a foreign handle refused with \(error)")
        }
        throw fail("\(what) was accepted")
    }

    /// Compiled code's allocation entry with figures that do not match the type: refused, nothing changed.
    func badCompiledAllocation(_ k: Int) throws {
        let n2 = fixedTypes[typeIndex["N2"]!].type
        let n = 1 + k % 5
        let cases: [(UInt32, Int, Int)] = [
            (n2.id, Int(n2.size) + 8, -1),                                       // a fixed type, the wrong size
            (n2.id, Int(n2.size), n),                                            // a fixed type with a count
            (referenceArray.id, referenceArray.instanceSize(count: n) + 8, n),   // an array, the wrong size
            (referenceArray.id, referenceArray.instanceSize(count: n), n + 2),   // an array, the wrong count
            (wordArray.id, 16, -1),                                              // an array without a count
            (60_000, 16, -1),                                                    // no such type
        ]
        let (id, size, count) = cases[k % cases.count]
        let before = Untouched(heap)
        let address = interface.allocate(interface.context, id, size, count)
        guard address == 0 else { throw fail("compiled-code allocate(\(id), \(size), \(count)) was accepted") }
        guard case .invalidArgument? = heap.takeCompiledCodeError() else {
            throw fail("compiled-code allocate(\(id), \(size), \(count)) refused without invalidArgument")
        }
        if Untouched(heap) != before { throw fail("a refused compiled-code allocation changed the heap") }
    }
}
