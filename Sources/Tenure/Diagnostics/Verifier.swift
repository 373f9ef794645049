// The heap verifier: checks every invariant the collector relies on.
//
// It walks every object (nursery, young large, old pages, old large) and
// every root, and checks that each reference points to the start of a live
// object, that no old object refers to a young one unless the barrier
// recorded it (remembered, or in a dirty card), that flags are where they
// belong, and that the byte counts match the objects. It is slow (hash sets
// of every object) and meant for tests and `debugLevel` 1 and 2, where it
// runs around collections and stops the process at the first broken heap.

extension Heap {
    /// Checks the heap; returns the problems found (empty: the heap is consistent).
    /// Not from a destructor or root scanner (the heap is half-way through a collection then).
    public func verify() -> [String] {
        refuseWhileCollecting("verify()")
        return state.pointee.verify()
    }
}

extension HeapState {
    mutating func verifyOrDie(_ when: String) {
        let problems = verify()
        if !problems.isEmpty {
            tenureStop("heap verification failed \(when):\n" + problems.prefix(20).joined(separator: "\n"))
        }
    }

    mutating func verify() -> [String] {
        var problems: [String] = []
        func problem(_ text: String) { if problems.count < 100 { problems.append(text) } }
        func hex(_ a: UInt) -> String { "0x" + String(a, radix: 16) }

        // Every object, by space.
        var young = Set<UInt>()
        var oldSmall = Set<UInt>()
        var oldLarge = Set<UInt>()
        var p = nursery.start
        while p < fast.pointee.nurseryFree {
            let object = ObjectRef(p)
            guard types.isRegistered(object.typeID) else {
                problem("nursery object \(hex(object.address)) has unregistered type id \(object.typeID); walk stopped")
                break
            }
            if object.header & ~(HeaderFlags.typeMask | HeaderFlags.typeFlags | HeaderFlags.hashed) != 0 {
                problem("nursery object \(hex(object.address)) has GC flags \(hex(UInt(object.header >> 32)))")
            }
            young.insert(object.address)
            p += size(of: object)
        }
        if p > fast.pointee.nurseryFree { problem("the last nursery object runs past the allocation pointer") }
        for i in 0..<large.young.count {
            let object = ObjectRef(address: large.young[i])!
            young.insert(object.address)
            if object.header & (HeaderFlags.youngLarge | HeaderFlags.large) != HeaderFlags.youngLarge | HeaderFlags.large {
                problem("young large object \(hex(object.address)) lacks its young-large flags")
            }
        }
        var smallBytes = 0
        oldSpace.forEachObject { object in
            oldSmall.insert(object.address)
            smallBytes += size(of: object)
        }
        var largeBytes = 0
        for i in 0..<large.old.count {
            oldLarge.insert(large.old[i])
            largeBytes += LargeObjectSpace.blockSize(of: ObjectRef(address: large.old[i])!)
        }
        for address in young where large.young.count > 0 && !isInNursery(ObjectRef(address: address)!) {
            largeBytes += LargeObjectSpace.blockSize(of: ObjectRef(address: address)!)
        }
        let staleCounts = oldSpace.pagesWithMarkCounts()
        if staleCounts > 0 { problem("\(staleCounts) old-space pages keep a marked-cell count between collections") }
        if smallBytes != oldSpace.usedBytes {
            problem("old space counts \(oldSpace.usedBytes) bytes in use but its objects add up to \(smallBytes)")
        }
        if largeBytes != large.bytes {
            problem("large-object space counts \(large.bytes) bytes but its objects add up to \(largeBytes)")
        }

        var remembered = Set<UInt>()
        for i in 0..<lists.oldObjectsToTrace.count { remembered.insert(lists.oldObjectsToTrace[i]) }
        var dirty = Set<UInt>()
        for i in 0..<lists.arraysWithDirtyCards.count { dirty.insert(lists.arraysWithDirtyCards[i]) }

        func isObject(_ a: UInt) -> Bool { young.contains(a) || oldSmall.contains(a) || oldLarge.contains(a) }

        // Every reference.
        func checkFields(of object: ObjectRef, isOld: Bool) {
            guard types.isRegistered(object.typeID) else {
                problem("object \(hex(object.address)) has unregistered type id \(object.typeID)")
                return
            }
            let header = object.header
            if header & (HeaderFlags.visited | HeaderFlags.forwarded | HeaderFlags.reachedYoung) != 0 {
                problem("object \(hex(object.address)) has collection-time flags \(hex(UInt(header >> 32))) between collections")
            }
            let info = typeInfo(of: object)
            let hasCards = header & HeaderFlags.hasCards != 0
            let tracks = header & HeaderFlags.trackYoungPointers != 0
            if isOld && !tracks && !remembered.contains(object.address) {
                problem("old object \(hex(object.address)) has no barrier flag and is not remembered")
            }
            if hasCards && header & HeaderFlags.cardsSet != 0 && !dirty.contains(object.address) {
                problem("array \(hex(object.address)) says its cards are set but is not in the dirty list")
            }
            let itemsStart = object.raw + ObjectLayout.arrayItemsOffset
            info.forEachReferenceSlot(of: object) { slot in
                guard let target = slot.pointee, !target.isImmediate else { return }
                if !isObject(target.address) {
                    problem("\(typeName(info, object)) \(hex(object.address)) refers to \(hex(target.address)), which is not an object")
                    return
                }
                guard isOld && tracks && young.contains(target.address) else { return }
                if hasCards {
                    let index = (UnsafeMutableRawPointer(slot) - itemsStart) / 8
                    let card = index / configuration.cardSize
                    if LargeObjectSpace.cards(of: object)[card] == 0 {
                        problem("array \(hex(object.address)) item \(index) refers to young \(hex(target.address)) in a clean card")
                    }
                } else {
                    problem("old object \(hex(object.address)) refers to young \(hex(target.address)) without being remembered")
                }
            }
            if info.kind == .weakReference, let target = object.loadReference(at: ObjectLayout.weakTargetOffset), !target.isImmediate, !isObject(target.address) {
                problem("weak reference \(hex(object.address)) refers to \(hex(target.address)), which is not an object")
            }
        }
        func typeName(_ info: TypeInfo, _ object: ObjectRef) -> String { types.names[Int(object.typeID)] }

        for a in young { checkFields(of: ObjectRef(address: a)!, isOld: false) }
        for a in oldSmall { checkFields(of: ObjectRef(address: a)!, isOld: true) }
        for a in oldLarge {
            let object = ObjectRef(address: a)!
            if object.header & HeaderFlags.large == 0 { problem("large object \(hex(a)) lacks the large flag") }
            checkFields(of: object, isOld: true)
        }
        for a in remembered where !oldSmall.contains(a) && !oldLarge.contains(a) {
            problem("remembered \(hex(a)) is not an old object")
        }

        roots.forEachSlot { slot in
            if let target = slot.pointee, !target.isImmediate, !isObject(target.address) {
                problem("root slot \(hex(UInt(bitPattern: slot))) refers to \(hex(target.address)), which is not an object")
            }
        }
        for i in 0..<lists.youngWeakReferences.count where !young.contains(lists.youngWeakReferences[i]) {
            problem("young weak reference list holds \(hex(lists.youngWeakReferences[i])), not a young object")
        }
        for i in 0..<lists.oldWeakReferences.count where !oldSmall.contains(lists.oldWeakReferences[i]) {
            problem("old weak reference list holds \(hex(lists.oldWeakReferences[i])), not an old small object")
        }
        for i in 0..<lists.youngObjectsWithDestructors.count where !young.contains(lists.youngObjectsWithDestructors[i]) {
            problem("young destructor list holds \(hex(lists.youngObjectsWithDestructors[i])), not a young object")
        }
        var withDestructors = Set<UInt>()
        for i in 0..<lists.oldObjectsWithDestructors.count {
            let a = lists.oldObjectsWithDestructors[i]
            if !oldSmall.contains(a) && !oldLarge.contains(a) {
                problem("old destructor list holds \(hex(a)), not an old object")
            } else if !withDestructors.insert(a).inserted {
                problem("old destructor list holds \(hex(a)) twice")
            }
        }
        for a in oldSmall.union(oldLarge) where types.isRegistered(ObjectRef(address: a)!.typeID)
            && types[ObjectRef(address: a)!.typeID].hasDestructor && !withDestructors.contains(a) {
            problem("old object \(hex(a)) has a destructor but is not in the old destructor list")
        }
        return problems
    }
}
