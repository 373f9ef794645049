// Identity hashes that survive the object moving.
//
// A runtime's `identityHash`/`hashcode` must not change when a minor
// collection copies the object out of the nursery. As in HotSpot and Jikes
// RVM, the hash is address-based and the header says what happened to it:
// an object hashed while young gets `hashed`; if a minor collection copies a
// hashed object, the copy is one word bigger and that last word keeps the
// hash of the old address (`hashMoved`). Old objects never move, so an object
// hashed when old (or a young large object, which does not move either)
// needs no flag: its hash is its address's. Objects nobody hashed pay
// nothing but one flag test when they are copied. A nursery address is
// reused after every minor collection, so a young object's hash also mixes in
// the number of minor collections so far (the same when the next minor
// collection copies it): objects hashed at the same nursery address in
// different cycles get different hashes.
//
// Measured (docs/measurements.md, "Identity hash"; the benchmark report's
// section of that name): a hash costs 1.6-2.3 ns; a minor collection copies a
// 24-byte survivor in about 11 ns, 0.7-1.1 ns and 8 bytes more if it was hashed.

extension HeaderFlags {
    /// A nursery object whose identity hash was taken: its copy keeps the hash.
    static let hashed: UInt64 = 1 << 45
    /// A copy of a hashed nursery object: its last word (past the type's size) holds the hash.
    static let hashMoved: UInt64 = 1 << 46
}

extension Heap {
    /// The identity hash of `object`: a non-negative 30-bit number that stays
    /// the same for the object's life, whether or not it moves. Immediate
    /// values hash their bits.
    public func identityHash(of object: ObjectRef) -> Int {
        if object.isImmediate { return IdentityHash.mix(object.address) }
        let header = object.header
        if header & HeaderFlags.hashMoved != 0 {
            let base = fast.pointee.typeTable[Int(object.typeID)].instanceSize(of: object)
            return object.load(at: base, as: Int.self)
        }
        if fast.pointee.isInNursery(object) {
            if header & HeaderFlags.hashed == 0 { object.setHeader(header | HeaderFlags.hashed) }
            return IdentityHash.mix(object.address, epoch: state.pointee.statistics.minorCollections)
        }
        return IdentityHash.mix(object.address)
    }
}

enum IdentityHash {
    /// A well-spread 30-bit number from an address (Fibonacci hashing of its 8-byte words).
    @inline(__always)
    static func mix(_ address: UInt, epoch: Int = 0) -> Int {
        let word = (address >> 3) &+ UInt(bitPattern: epoch) &* 0x632B_E59B_D9B4_E019
        return Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) >> 34)
    }
}
