// The minor collection: copy what survives out of the nursery.
//
// Survivors are found from the roots and from the old objects the write
// barrier recorded (plus the dirty cards of large arrays). Each survivor is
// copied into the old space, the nursery copy keeps a forwarding address in
// word 1, and the copy is pushed on the same work list as the remembered
// objects, so one loop traces both until nothing is left (a Cheney scan with
// a stack instead of a to-space, since the old space does not move). Every
// survivor is promoted at once, as in PyPy: the nursery holds one age.
//
// The stack makes the copy depth-first, so a structure lands in the old space
// in the order a depth-first walk reads it. That layout is worth more than
// hiding the tracer's own cache misses: a prefetching queue that reordered
// the copy made later marking and the program's own walks slower than it
// made this loop faster (binary-trees depth 20: wall 7-9 s with the queue,
// 6-7 s without; docs/architecture.md).
//
// Then: young weak references are updated or cleared; the destructors of
// every young object that died run (nursery and young large objects, all of
// them before any memory is freed, so a destructor may read another dying
// object); the dead young large objects are freed; the nursery is reset
// (Nursery.swift: it is zeroed in chunks just ahead of allocation), and the
// nursery sizing may give it another size for the next cycle (NurserySizing.swift).

extension HeapState {
    mutating func minorCollection() {
        if configuration.debugLevel >= 2 { verifyOrDie("before a minor collection") }
        let start = beginCollection(.minor)
        let used = fast.pointee.nurseryFree - nursery.start

        roots.forEachSlot { traceYoung($0) }
        traceOldObjectsPointingToYoung()
        fixYoungWeakReferences()
        runDestructorsOfDeadYoungObjects()
        sweepYoungLargeObjects()

        nursery.reset(used: fast.pointee.nurseryFree)
        fast.pointee.nurseryFree = nursery.start
        statistics.nurseryBytesAllocated += used
        let after = oldBytes
        let promoted = after - start.oldBytes
        let size = nursery.size
        let pause = endCollection(start) { pause in
            "pause_ns=\(Int(pause * 1e9)) nursery_used=\(used) promoted=\(promoted) old_bytes=\(after) nursery_size=\(size)"
        }
        resizeNursery(used: used, promoted: promoted, pause: pause)
        if configuration.debugLevel >= 2 { verifyOrDie("after a minor collection") }
    }

    /// Gives the empty nursery the size the sizing asks for (NurserySizing.swift).
    private mutating func resizeNursery(used: Int, promoted: Int, pause: Double) {
        guard nurserySizing.adapts else { return }
        let room = pacing.maximumHeapSize.map { max(0, $0 - oldBytes) }
        let current = nursery.size
        let next = nurserySizing.nextSize(current: current, used: used, promoted: promoted, pause: pause, room: room)
        guard next != current else { return }
        nursery.resize(to: next)
        statistics.nurseryBytes = next
        statistics.nurseryBytesPeak = max(statistics.nurseryBytesPeak, next)
        statistics.nurseryResizes += 1
        updateAllocationLimit()
        if let log, log.specification.includes("gc-nursery") {
            log.write("gc-nursery", "from=\(current) to=\(next) used=\(used) promoted=\(promoted) pause_ns=\(Int(pause * 1e9))")
        }
    }

    /// Updates `slot` if it refers to a young object: copies a nursery object
    /// out (once), or marks a young large object reached.
    @inline(__always)
    mutating func traceYoung(_ slot: UnsafeMutablePointer<ObjectRef?>) {
        guard let object = slot.pointee, !object.isImmediate else { return }
        if isInNursery(object) {
            if object.header & HeaderFlags.forwarded != 0 {
                slot.pointee = object.raw.load(fromByteOffset: ObjectLayout.forwardingOffset, as: ObjectRef.self)
            } else {
                slot.pointee = promote(object)
            }
        } else if large.young.count != 0
                    && object.header & (HeaderFlags.youngLarge | HeaderFlags.reachedYoung) == HeaderFlags.youngLarge {
            object.setHeader(object.header | HeaderFlags.reachedYoung)
            lists.oldObjectsToTrace.push(object)
        }
    }

    /// Copies a nursery object into the old generation and leaves a forwarding
    /// address. A hashed object's copy gets one word more for its hash (IdentityHash.swift).
    @inline(__always)
    private mutating func promote(_ object: ObjectRef) -> ObjectRef {
        // Only the size is read here: a whole TypeInfo kept for the large-object
        // path below was copied to the stack for every survivor.
        let size = types[object.typeID].instanceSize(of: object)
        let hashed = object.header & HeaderFlags.hashed != 0
        let copySize = hashed ? size + 8 : size
        let copy: ObjectRef
        if copySize <= oldSpace.smallObjectLimit {
            copy = ObjectRef(oldSpace.allocate(copySize))
            copyWords(from: object.raw, to: copy.raw, byteCount: size)
        } else {
            copy = promoteToLargeSpace(object, size: size, copySize: copySize)
        }
        if _slowPath(hashed) {
            copy.store(IdentityHash.mix(object.address, epoch: statistics.minorCollections), at: size)
            copy.setHeader(copy.header | HeaderFlags.hashMoved)
        }
        object.setHeader(HeaderFlags.forwarded)
        object.raw.storeBytes(of: copy, toByteOffset: ObjectLayout.forwardingOffset, as: ObjectRef.self)
        lists.oldObjectsToTrace.push(copy)
        statistics.bytesPromoted &+= copySize
        return copy
    }

    /// Copies a small object word by word: cheaper than a call to memmove for a few words.
    @inline(__always)
    private func copyWords(from source: UnsafeMutableRawPointer, to destination: UnsafeMutableRawPointer, byteCount: Int) {
        let from = source.assumingMemoryBound(to: UInt64.self)
        let to = destination.assumingMemoryBound(to: UInt64.self)
        // Every object has at least two words; most small ones have two to four.
        to[0] = from[0]
        to[1] = from[1]
        var i = 2
        while i < byteCount >> 3 {
            to[i] = from[i]
            i &+= 1
        }
    }

    /// A nursery object too big for size-class pages gets a block of its own. The
    /// collection cannot stop here: a refused block is retried after the emergency
    /// reserve is released, and only a second refusal stops the process.
    @inline(never)
    private mutating func promoteToLargeSpace(_ object: ObjectRef, size: Int, copySize: Int) -> ObjectRef {
        let cards = LargeObjectSpace.cardCount(for: types[object.typeID], items: object.count, cardSize: configuration.cardSize)
        guard let copy = MemoryReserve.retrying({ try? large.allocate(size: copySize, cards: cards) }) else {
            tenureStop("out of memory: the system refused \(LargeObjectSpace.blockBytes(size: size, cards: cards)) bytes to copy a \(size)-byte '\(types.names[Int(object.typeID)])' out of the nursery (old generation: \(oldBytes) bytes), and the emergency reserve is already spent")
        }
        copy.raw.copyMemory(from: object.raw, byteCount: size)
        copy.setHeader(copy.header | HeaderFlags.large | (cards > 0 ? HeaderFlags.hasCards : 0))
        large.old.push(copy)
        return copy
    }

    /// The bytes a nursery object takes in the old generation once promoted: its size,
    /// a word more when hashed, and the large-object prefix when that is too big for
    /// the size classes.
    func promotedBytes(of object: ObjectRef) -> Int {
        let info = types[object.typeID]
        let size = info.instanceSize(of: object)
        let copySize = object.header & HeaderFlags.hashed != 0 ? size + 8 : size
        if copySize <= oldSpace.smallObjectLimit { return copySize }
        let cards = LargeObjectSpace.cardCount(for: info, items: object.count, cardSize: configuration.cardSize)
        return LargeObjectSpace.blockBytes(size: copySize, cards: cards)
    }

    /// An upper bound of what `used` nursery bytes take once promoted, without looking
    /// at them: each object (16 bytes at least) may gain a hash word, each one above the
    /// small-object limit a prefix of 16 bytes and its cards (one byte per `cardSize`
    /// items, rounded up to a word).
    func promotedBytesBound(used: Int) -> Int {
        let hashWords = used / 16 * 8
        let prefixes = (used / (oldSpace.smallObjectLimit + 8) + 1) * (ObjectLayout.largePrefixWords + 8) + used / (8 * configuration.cardSize)
        return used + hashWords + prefixes
    }

    /// Traces remembered objects, promoted copies and dirty cards until none is left.
    private mutating func traceOldObjectsPointingToYoung() {
        while true {
            while let object = lists.oldObjectsToTrace.popObject() {
                types[object.typeID].forEachReferenceSlot(of: object) { traceYoung($0) }
                object.setHeader(object.header | HeaderFlags.trackYoungPointers)
            }
            guard let array = lists.arraysWithDirtyCards.popObject() else { break }
            traceDirtyCards(of: array)
        }
    }

    private mutating func traceDirtyCards(of array: ObjectRef) {
        let cards = LargeObjectSpace.cards(of: array)
        let count = array.count
        let cardSize = configuration.cardSize
        let items = array.items.assumingMemoryBound(to: ObjectRef?.self)
        for card in 0..<LargeObjectSpace.cardCount(items: count, cardSize: cardSize) where cards[card] != 0 {
            cards[card] = 0
            for i in card * cardSize..<min(count, (card + 1) * cardSize) { traceYoung(items + i) }
        }
        array.setHeader(array.header & ~HeaderFlags.cardsSet)
    }

    /// What a young object became after tracing: its copy, itself (young large, reached), or nil (dead).
    /// Old objects are returned unchanged.
    func survivor(of object: ObjectRef) -> ObjectRef? {
        if isInNursery(object) {
            guard object.header & HeaderFlags.forwarded != 0 else { return nil }
            return object.raw.load(fromByteOffset: ObjectLayout.forwardingOffset, as: ObjectRef.self)
        }
        if object.header & HeaderFlags.youngLarge != 0 {
            return object.header & HeaderFlags.reachedYoung != 0 ? object : nil
        }
        return object
    }

    private mutating func fixYoungWeakReferences() {
        while let weak = lists.youngWeakReferences.popObject() {
            guard let survivingWeak = survivor(of: weak) else { continue }
            if let target = survivingWeak.loadReference(at: ObjectLayout.weakTargetOffset), !target.isImmediate {
                survivingWeak.raw.storeBytes(of: survivor(of: target), toByteOffset: ObjectLayout.weakTargetOffset,
                                             as: ObjectRef?.self)
            }
            lists.oldWeakReferences.push(survivingWeak)
        }
    }

    /// Runs the destructors of the young objects that died (nursery objects not
    /// copied, young large objects not reached) and moves the survivors with
    /// destructors to the old list. Nothing is freed yet.
    private mutating func runDestructorsOfDeadYoungObjects() {
        while let object = lists.youngObjectsWithDestructors.popObject() {
            if let copy = survivor(of: object) {
                lists.oldObjectsWithDestructors.push(copy)
            } else {
                runDestructor(object)
            }
        }
        for i in 0..<large.young.count {
            let object = ObjectRef(address: large.young[i])!
            guard types[object.typeID].hasDestructor else { continue }
            if object.header & HeaderFlags.reachedYoung != 0 {
                lists.oldObjectsWithDestructors.push(object)
            } else {
                runDestructor(object)
            }
        }
    }

    /// Frees the young large objects that were not reached; the others become old.
    private mutating func sweepYoungLargeObjects() {
        while let object = large.young.popObject() {
            if object.header & HeaderFlags.reachedYoung != 0 {
                object.setHeader(object.header & ~(HeaderFlags.youngLarge | HeaderFlags.reachedYoung))
                large.old.push(object)
            } else {
                large.free(object)
            }
        }
    }
}
