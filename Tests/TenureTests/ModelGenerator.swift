// How a model run draws its next action from its seed: what a runtime does,
// weighted (allocation into roots and into objects, stores, root pushes,
// pops and overwrites, global roots, weak references, the root scanner's
// slots, payload writes, collections, bursts of garbage, and now and then a
// foreign handle or a compiled-code allocation with wrong figures). Every
// choice is made from the current model state and the generator, so a seed
// gives the same run every time; the choice is then an action
// (ModelAction.swift) that records all of it.
import SeededRandom
@testable import Tenure

extension ModelRun {
    func pickReachable() -> Int? {
        reachable.isEmpty ? nil : reachable[random.below(reachable.count)]
    }

    /// A reachable object with at least one reference slot, and one of its slots.
    func pickSlot() -> (id: Int, slot: Int)? {
        guard !slotted.isEmpty else { return nil }
        let id = slotted[random.below(slotted.count)]
        return (id, random.below(objects[id]!.references.count))
    }

    func pickValue() -> Int? { random.chance(0.15) ? nil : pickReachable() }

    /// An array length: mostly short, sometimes at the configuration's limits.
    func arrayLength(itemSize: Int, _ r: inout SplitMix64) -> Int {
        let c = setup.configuration
        let x = r.below(100)
        if x < 65 { return r.below(7) }
        if x < 85 { return r.below(c.smallObjectLimit / itemSize + 6) }
        if x < 95 { return max(0, c.cardSize * (1 + r.below(3)) + r.below(3) - 1) }
        if r.chance(setup.bigArrayChance * 10) {
            // Around the young-large limit, or above it.
            let limit = (c.youngLargeObjectLimit - ObjectLayout.arrayItemsOffset) / itemSize
            return max(0, limit + r.below(7) - 3)
        }
        return r.below(12)
    }

    /// A shape of object: a fixed type (with a payload, reported memory for the
    /// destructor types, table slots for the table type) or an array.
    func randomShape(_ r: inout SplitMix64) -> ModelShape {
        let x = r.below(100)
        if x < 60 {
            let type = fixedTypes[r.below(fixedTypes.count)]
            let payload = r.next()
            // A little raw memory now and then (pressure brings major collections sooner:
            // much of it would turn the small configurations into major-collection runs).
            let pressure = type.pressureOffset != nil && r.chance(0.25) ? 1 + r.below(128) : 0
            let tableSlots = type.tableOffset != nil ? r.below(6) : 0
            return .object(type.name, payload: payload, pressure: pressure, tableSlots: tableSlots)
        } else if x < 85 {
            return .references(arrayLength(itemSize: 8, &r))
        } else if x < 93 {
            return .bytes(arrayLength(itemSize: 1, &r))
        } else {
            return .words(arrayLength(itemSize: 8, &r))
        }
    }

    func newObject(to place: ModelPlace) -> ModelAction {
        let id = nextID
        nextID += 1
        let shape = randomShape(&random)
        return .allocate(id, shape, to: place, via: random.chance(0.15) ? .compiledCode : .handle)
    }

    func allocateToRoot() -> ModelAction? {
        guard rootSlots.count < 40 else { return popRoots() }
        return newObject(to: .root)
    }

    /// The runtime's usual pattern: hold the parent in a root, allocate, store the new object into the parent.
    func allocateIntoSlot() -> ModelAction? {
        guard let (parent, slot) = pickSlot() else { return allocateToRoot() }
        return newObject(to: .into(parent, slot: slot, viaField: random.chance(0.2)))
    }

    func popRoots() -> ModelAction? {
        guard !roots.isEmpty else { return nil }
        return .popRoots(1 + random.below(min(4, roots.count)), toMark: random.chance(0.5))
    }

    /// The next action, drawn from the generator; nil for none this step.
    func nextAction() -> ModelAction? {
        let crowded = addressOf.count > setup.liveTarget
        if setup.grows {
            if step < shrinkUntil {
                if random.chance(0.3) { return popRoots() }
            } else if random.chance(0.3) {
                return allocateIntoSlot()
            }
        }
        let r = random.below(1000)
        switch r {
        case 0..<90: return allocateToRoot()
        case 90..<260: return allocateIntoSlot()
        case 260..<440:
            guard let (parent, slot) = pickSlot() else { return nil }
            return .write(parent, slot: slot, pickValue(), viaField: random.chance(0.15))
        case 440..<452:
            return .setScannerSlot(random.below(min(scanned.count + 1, scanned.capacity)), pickValue())
        case 452..<456: return scanned.count > 0 ? .dropScannerSlot : nil
        case 456..<458: return .foreignAllocation(random.below(64))
        case 458..<460: return .badCompiledAllocation(random.below(64))
        case 460..<520:
            guard !roots.isEmpty else { return nil }
            return .setRoot(random.below(roots.count), pickValue())
        case 520..<(crowded ? 640 : 560): return popRoots()
        case 640..<680:
            guard rootSlots.count < 40, let id = pickReachable() else { return nil }
            return .pushRoot(id)
        case 680..<720:
            let x = random.below(3)
            if x == 0 && globals.count < 4 { return .addGlobal(pickValue()) }
            guard !globals.isEmpty else { return nil }
            if x == 1 { return .removeGlobal(random.below(globals.count)) }
            return .setGlobal(random.below(globals.count), pickValue())
        case 720..<780:
            guard weak.count < weak.capacity else { return weak.count > 0 ? .dropWeak(random.below(weak.count)) : nil }
            return .makeWeak(random.chance(0.05) ? nil : pickReachable())
        case 780..<800: return weak.count > 0 ? .dropWeak(random.below(weak.count)) : nil
        case 800..<830:
            guard weak.count > 0, rootSlots.count < 40 else { return nil }
            return .readWeak(random.below(weak.count))
        case 830..<870:
            guard !fixedReachable.isEmpty else { return nil }
            return .payload(fixedReachable[random.below(fixedReachable.count)], random.next())
        case 870..<905: return .collectMinor
        case 905..<920: return .collect
        case 920..<960:
            // Unreachable objects of every kind, enough to fill the nursery a few times in the small configurations.
            let n = setup.configuration.nurserySize <= 64 << 10 ? 20 + random.below(200) : 100 + random.below(2000)
            let first = nextID
            nextID += n
            return .garbage(from: first, count: n, seed: random.next())
        default:
            return crowded ? popRoots() : allocateToRoot()
        }
    }
}
