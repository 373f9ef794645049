// The large-object space: objects too big for size-class pages, one
// allocation each.
//
// Every large object gets a small prefix in front of its header: two words
// (the prefix length and the block length, to free it) and, for arrays of
// references, a card table of one byte per `cardSize` items. The write
// barrier marks a card instead of remembering the whole array, so a minor
// collection scans only the dirty part of a big array.
//
// Blocks of 64 KiB or more are mapped from the kernel and unmapped when they
// die, so their memory goes back at once; smaller ones come from malloc.
// Young large objects (allocated since the last minor collection) stay in a
// list of their own: a minor collection frees the ones it did not reach.
import CTenure
import Glibc

struct LargeObjectSpace {
    static let mapThreshold = 64 << 10

    /// Large objects that survived a minor collection.
    var old = AddressStack()
    /// Large objects allocated since the last minor collection.
    var young = AddressStack()
    /// Bytes of all large objects (prefix included), young and old, now and at most.
    private(set) var bytes = 0
    private(set) var bytesPeak = 0
    /// Bytes freed by `free` since the last call to `trimIfWorthIt`, from malloc.
    private var mallocBytesFreed = 0

    /// Number of cards of an array of `count` references.
    @inline(__always)
    static func cardCount(items count: Int, cardSize: Int) -> Int { (count + cardSize - 1) / cardSize }

    /// Card bytes a new large object of this type needs: one per card for arrays of references, none otherwise.
    static func cardCount(for info: TypeInfo, items count: Int, cardSize: Int) -> Int {
        info.kind == .referenceArray ? cardCount(items: count, cardSize: cardSize) : 0
    }

    /// The prefix in front of a large object's header: its card bytes, then
    /// the prefix length and the block length.
    @inline(__always)
    static func prefixBytes(cards: Int) -> Int { ((cards + 7) & ~7) + ObjectLayout.largePrefixWords }

    /// The bytes a large object of `size` bytes with `cards` cards takes (prefix
    /// included): what it adds to the old generation.
    static func blockBytes(size: Int, cards: Int) -> Int { prefixBytes(cards: cards) + size }

    /// A zeroed large object of `size` bytes (header included) with `cards` card bytes in front.
    mutating func allocate(size: Int, cards: Int) throws(SystemCallError) -> ObjectRef {
        let prefix = LargeObjectSpace.prefixBytes(cards: cards)
        let total = prefix + size
        let block: UnsafeMutableRawPointer
        if total >= LargeObjectSpace.mapThreshold {
            block = try VirtualMemory.map(VirtualMemory.roundUp(total, to: VirtualMemory.pageSize))
        } else {
            guard let small = calloc(1, total) else { throw .last("calloc") }
            block = small
        }
        let object = block + prefix
        object.storeBytes(of: prefix, toByteOffset: ObjectLayout.largePrefixLengthOffset, as: Int.self)
        object.storeBytes(of: total, toByteOffset: ObjectLayout.largeBlockLengthOffset, as: Int.self)
        bytes += total
        bytesPeak = max(bytesPeak, bytes)
        return ObjectRef(object)
    }

    /// Frees a large object's block.
    mutating func free(_ object: ObjectRef) {
        let prefix = object.raw.load(fromByteOffset: ObjectLayout.largePrefixLengthOffset, as: Int.self)
        let total = object.raw.load(fromByteOffset: ObjectLayout.largeBlockLengthOffset, as: Int.self)
        let block = object.raw - prefix
        bytes -= total
        if total >= LargeObjectSpace.mapThreshold {
            VirtualMemory.unmap(block, VirtualMemory.roundUp(total, to: VirtualMemory.pageSize))
        } else {
            Glibc.free(block)
            mallocBytesFreed += total
        }
    }

    /// The block size of a large object, prefix included.
    static func blockSize(of object: ObjectRef) -> Int {
        object.raw.load(fromByteOffset: ObjectLayout.largeBlockLengthOffset, as: Int.self)
    }

    /// The card bytes of a large array (card i at index i).
    @inline(__always)
    static func cards(of object: ObjectRef) -> UnsafeMutablePointer<UInt8> {
        let prefix = object.raw.load(fromByteOffset: ObjectLayout.largePrefixLengthOffset, as: Int.self)
        return (object.raw - prefix).assumingMemoryBound(to: UInt8.self)
    }

    /// Gives malloc's free memory back to the kernel after many large objects died.
    mutating func trimIfWorthIt() {
        if mallocBytesFreed >= 16 << 20 {
            tenure_malloc_trim()
            mallocBytesFreed = 0
        }
    }

    /// Frees every large object.
    mutating func release() {
        while let object = young.popObject() { free(object) }
        while let object = old.popObject() { free(object) }
        young.release()
        old.release()
    }
}
