// ExecutableMemory: where TenureJIT's machine code lives.
//
// W^X by dual mapping: each chunk is a memfd mapped twice, MAP_SHARED, once
// read-write (code is written there) and once read-execute (code runs there,
// at the same offset). No mapping is ever writable and executable at once,
// yet writing code never changes a protection, so code may run in a chunk
// while other code is written into it. Where memfd_create is missing or its
// memory may not be executable (vm.memfd_noexec=2, a strict LSM), the
// allocator falls back to protection flipping: one anonymous mapping, read-
// write until code is first written into it, read-execute from then on, and
// flipped back to read-write only for the pages a later write touches, and to
// read-execute right after. The consequence: in that mode no code on the
// pages being written (a 64-byte block shares its page with its neighbours)
// may run during a write, on any thread; the caller must see to it.
//
// Blocks are 64-byte multiples with cache-line-aligned starts, taken first-fit
// from an address-ordered free list per chunk; freeing coalesces with both
// neighbours. A block larger than a chunk gets a page-rounded chunk of its own.
// A chunk that becomes wholly free is unmapped and returned to the kernel,
// except that up to `keepSpareChunks` empty ordinary chunks are kept to avoid
// map/unmap churn.
//
// Misuse throws `JITError.invalidArgument` and changes nothing: every block
// carries its allocator's id and a serial number unique within the allocator,
// so freeing (or writing into) a block twice, a block of another allocator,
// or a stale handle whose memory now belongs to a newer block is caught, not
// trapped on and not corrupting the free lists.
//
// An ExecutableMemory is not thread-safe: confine it to one thread or guard
// it with a lock. It is a class because it owns mappings (deinit unmaps every
// chunk; blocks still live then dangle) and is off the collector's fast paths.
import Glibc
import CTenure
@_spi(System) import Tenure
import Synchronization

/// Ids for allocators, so a block can tell which allocator it came from.
private let nextAllocatorID = Atomic<UInt64>(1)

/// A block of executable memory handed out by an `ExecutableMemory`.
///
/// A value handle: copying it does not copy the code. It stays valid until
/// passed to `ExecutableMemory.free(_:)` or until its allocator is deinitialized.
public struct CodeBlock: Hashable, Sendable, CustomStringConvertible {
    /// The address code in this block runs at (in the executable view).
    public let executableAddress: UInt
    /// The usable size in bytes: the requested size rounded up to 64 bytes, or
    /// to whole pages for a block larger than its allocator's chunk size.
    public let size: Int
    /// The address the same bytes are written at (the writable view; equal to
    /// `executableAddress` in protection-flipping mode).
    let writableAddress: UInt
    /// The allocator's id, to refuse blocks of other allocators.
    let allocatorID: UInt64
    /// Unique within the allocator, to refuse a stale handle whose memory was reused.
    let serial: UInt64

    /// The block's first byte in the executable view, for calling code written
    /// at offset 0: `unsafeBitCast(block.entry, to: (@convention(c) (Int) -> Int).self)`.
    public var entry: UnsafeRawPointer {
        UnsafeRawPointer(bitPattern: executableAddress)!
    }

    /// The block's address, size and serial number.
    public var description: String {
        "CodeBlock(0x\(String(executableAddress, radix: 16)), \(size) bytes, #\(serial))"
    }
}

/// The counters of an `ExecutableMemory`.
public struct ExecutableMemoryStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Bytes of code memory mapped (every chunk, spares included, counted once
    /// although in dual-mapping mode it is mapped twice; pages become resident
    /// only when written).
    public var mappedBytes: Int
    /// The sum of the sizes of live blocks.
    public var usedBytes: Int
    /// The highest `usedBytes` has been.
    public var peakUsedBytes: Int
    /// The highest `mappedBytes` has been.
    public var peakMappedBytes: Int
    /// Chunks mapped, spares and big blocks' own chunks included.
    public var chunkCount: Int
    /// Blocks allocated and not freed.
    public var liveBlocks: Int

    /// All counters on one line.
    public var description: String {
        "mapped \(mappedBytes) B (peak \(peakMappedBytes) B) in \(chunkCount) chunks, used \(usedBytes) B (peak \(peakUsedBytes) B) by \(liveBlocks) blocks"
    }
}

/// An allocator of executable memory that is never writable and executable
/// through the same mapping (see the file comment for the design).
public final class ExecutableMemory {
    /// How the allocator keeps code memory W^X.
    public enum Mode: Sendable, Equatable, CustomStringConvertible {
        /// Each chunk is a memfd mapped twice: read-write and read-execute.
        case dualMapping
        /// Each chunk is one anonymous mapping, read-execute except while written.
        case protectionFlipping

        /// "dual mapping" or "protection flipping".
        public var description: String {
            switch self {
            case .dualMapping: return "dual mapping"
            case .protectionFlipping: return "protection flipping"
            }
        }
    }

    /// Block starts and sizes are multiples of this (a cache line).
    public static let blockAlignment = 64

    /// The kernel's page size.
    public static var pageSize: Int { VirtualMemory.pageSize }

    /// The size of an ordinary chunk, a multiple of the page size.
    public let chunkSize: Int
    /// How many wholly free ordinary chunks are kept mapped rather than returned.
    public let keepSpareChunks: Int
    /// How this allocator keeps code memory W^X.
    public let mode: Mode
    /// Why dual mapping was not used, or nil when it is (or when the protection
    /// flipping was asked for).
    public let fallbackReason: String?

    /// This allocator's id, carried by its blocks.
    let id: UInt64
    /// The name of this allocator's memfds (it shows in /proc/self/maps).
    let memfdName: String

    /// Chunks in the order they were mapped.
    private(set) var chunks: [Chunk] = []
    /// Live blocks by executable address.
    private(set) var live: [UInt: LiveBlock] = [:]
    private var nextSerial: UInt64 = 1
    /// Wholly free ordinary chunks still mapped (at most `keepSpareChunks`).
    private(set) var emptyChunks = 0
    private(set) var mappedBytes = 0
    private(set) var usedBytes = 0
    private(set) var peakUsedBytes = 0
    private(set) var peakMappedBytes = 0

    /// Makes an allocator; maps nothing yet beyond a one-page probe of the kernel.
    ///
    /// - Parameters:
    ///   - chunkSize: the size of an ordinary chunk; a positive multiple of the page size.
    ///   - keepSpareChunks: how many wholly free chunks to keep mapped (0 or more).
    ///   - forceProtectionFlipping: use the fallback mode even where dual mapping works (for tests).
    /// - Throws: `JITError.invalidArgument` for a bad parameter;
    ///   `JITError.executableMemoryUnavailable` when the kernel gives no executable memory at all.
    public init(chunkSize: Int = 256 << 10, keepSpareChunks: Int = 1, forceProtectionFlipping: Bool = false) throws(JITError) {
        let page = Self.pageSize
        guard chunkSize > 0, chunkSize % page == 0 else {
            throw .invalidArgument("chunk size \(chunkSize) must be a positive multiple of the page size (\(page) bytes)")
        }
        guard keepSpareChunks >= 0 else {
            throw .invalidArgument("keepSpareChunks \(keepSpareChunks) must be 0 or more")
        }
        self.chunkSize = chunkSize
        self.keepSpareChunks = keepSpareChunks
        id = nextAllocatorID.add(1, ordering: .relaxed).oldValue
        memfdName = "tenure-jit-\(id)"
        if forceProtectionFlipping {
            fallbackReason = nil
            mode = .protectionFlipping
        } else if let reason = Self.probeDualMapping(name: memfdName) {
            fallbackReason = reason
            mode = .protectionFlipping
        } else {
            fallbackReason = nil
            mode = .dualMapping
        }
        if mode == .protectionFlipping, let reason = Self.probeProtectionFlipping() {
            throw .executableMemoryUnavailable(reason)
        }
    }

    deinit {
        for chunk in chunks { unmap(chunk) }
    }

    /// The allocator's counters.
    public var statistics: ExecutableMemoryStatistics {
        ExecutableMemoryStatistics(
            mappedBytes: mappedBytes, usedBytes: usedBytes, peakUsedBytes: peakUsedBytes,
            peakMappedBytes: peakMappedBytes, chunkCount: chunks.count, liveBlocks: live.count)
    }

    /// Whether `block` is live in this allocator (allocated here and not freed).
    public func isLive(_ block: CodeBlock) -> Bool {
        guard block.allocatorID == id, let record = live[block.executableAddress] else { return false }
        return record.serial == block.serial
    }

    /// Allocates a block of at least `size` bytes of executable memory.
    ///
    /// The block's contents are unspecified (zero in fresh memory, old code in
    /// reused memory) until written with `write(_:into:at:)`.
    /// - Throws: `JITError.invalidArgument` when `size <= 0`;
    ///   `JITError.executableMemoryUnavailable` when the kernel refuses a new chunk.
    public func allocate(_ size: Int) throws(JITError) -> CodeBlock {
        guard size > 0 else {
            throw .invalidArgument("cannot allocate \(size) bytes of code: the size must be at least 1")
        }
        let page = Self.pageSize
        guard size <= Int.max - page else {
            throw .executableMemoryUnavailable("\(size) bytes of code cannot be mapped: the size exceeds the address space")
        }
        if size > chunkSize {
            let chunk = try mapChunk(size: Self.roundUp(size, to: page), dedicated: true)
            chunk.free.removeAll()
            chunk.freeBytes = 0
            return record(chunk, offset: 0, size: chunk.size)
        }
        let rounded = Self.roundUp(size, to: Self.blockAlignment)
        for chunk in chunks where !chunk.dedicated && chunk.freeBytes >= rounded {
            if let offset = take(rounded, from: chunk) {
                return record(chunk, offset: offset, size: rounded)
            }
        }
        let chunk = try mapChunk(size: chunkSize, dedicated: false)
        emptyChunks += 1
        let offset = take(rounded, from: chunk)!
        return record(chunk, offset: offset, size: rounded)
    }

    /// Copies `bytes` into `block` at `offset`, through the writable view (or,
    /// in protection-flipping mode, with the touched pages flipped to read-write
    /// for the copy and back to read-execute right after), and makes the
    /// executable view's instruction fetches see them.
    /// - Throws: `JITError.invalidArgument` when the block is not live here or the
    ///   bytes do not fit; `JITError.executableMemoryUnavailable` when mprotect fails.
    public func write(_ bytes: [UInt8], into block: CodeBlock, at offset: Int = 0) throws(JITError) {
        // Array.withUnsafeBytes rethrows as `any Error`; carry the typed error out in a Result.
        let result = bytes.withUnsafeBytes { source in
            Result { () throws(JITError) in try write(source, into: block, at: offset) }
        }
        try result.get()
    }

    /// Copies the bytes of `source` into `block` at `offset`; see `write(_:into:at:)` for arrays.
    public func write(_ source: UnsafeRawBufferPointer, into block: CodeBlock, at offset: Int = 0) throws(JITError) {
        let record = try liveRecord(of: block, doing: "write into")
        guard offset >= 0, offset <= block.size, source.count <= block.size - offset else {
            throw .invalidArgument("cannot write \(source.count) bytes at offset \(offset) into \(block): they must lie within its \(block.size) bytes")
        }
        guard let base = source.baseAddress, source.count > 0 else { return }
        let chunk = record.chunk
        let at = record.offset + offset
        switch mode {
        case .dualMapping:
            (chunk.writable + at).copyMemory(from: base, byteCount: source.count)
        case .protectionFlipping:
            if !chunk.holdsCode {
                // Still read-write and holding no code: copy, then seal the whole chunk.
                (chunk.writable + at).copyMemory(from: base, byteCount: source.count)
                try Self.protect(chunk.writable, chunk.size, PROT_READ | PROT_EXEC, what: "make a \(chunk.size)-byte code chunk executable")
                chunk.holdsCode = true
            } else {
                let page = Self.pageSize
                let first = at / page * page
                let length = Self.roundUp(at + source.count, to: page) - first
                try Self.protect(chunk.writable + first, length, PROT_READ | PROT_WRITE, what: "make \(length) bytes of code writable")
                (chunk.writable + at).copyMemory(from: base, byteCount: source.count)
                try Self.protect(chunk.writable + first, length, PROT_READ | PROT_EXEC, what: "make \(length) bytes of code executable again")
            }
        }
        let start = UnsafeMutableRawPointer(mutating: chunk.executable + at)
        tenure_flush_instruction_cache(start, start + source.count)
    }

    /// Returns `block` to the allocator; its chunk is unmapped when wholly free,
    /// unless kept as one of the `keepSpareChunks` spares.
    /// - Throws: `JITError.invalidArgument` when the block was freed already, is
    ///   stale, or belongs to another allocator; nothing changes then.
    public func free(_ block: CodeBlock) throws(JITError) {
        let record = try liveRecord(of: block, doing: "free")
        live[block.executableAddress] = nil
        usedBytes -= record.size
        let chunk = record.chunk
        if chunk.dedicated {
            retire(chunk)
            return
        }
        chunk.release(offset: record.offset, length: record.size)
        if chunk.freeBytes == chunk.size {
            if emptyChunks < keepSpareChunks {
                emptyChunks += 1
            } else {
                retire(chunk)
            }
        }
    }

    // MARK: - Blocks

    private func record(_ chunk: Chunk, offset: Int, size: Int) -> CodeBlock {
        let serial = nextSerial
        nextSerial += 1
        let block = CodeBlock(
            executableAddress: UInt(bitPattern: chunk.executable + offset), size: size,
            writableAddress: UInt(bitPattern: chunk.writable + offset), allocatorID: id, serial: serial)
        live[block.executableAddress] = LiveBlock(serial: serial, size: size, chunk: chunk, offset: offset)
        usedBytes += size
        peakUsedBytes = max(peakUsedBytes, usedBytes)
        return block
    }

    /// First fit in `chunk`: the offset of `size` bytes taken from the front of
    /// the lowest free range that holds them, or nil.
    private func take(_ size: Int, from chunk: Chunk) -> Int? {
        guard let index = chunk.free.firstIndex(where: { $0.length >= size }) else { return nil }
        if chunk.freeBytes == chunk.size { emptyChunks -= 1 }
        let offset = chunk.free[index].offset
        if chunk.free[index].length == size {
            chunk.free.remove(at: index)
        } else {
            chunk.free[index].offset += size
            chunk.free[index].length -= size
        }
        chunk.freeBytes -= size
        return offset
    }

    private func liveRecord(of block: CodeBlock, doing action: String) throws(JITError) -> LiveBlock {
        guard block.allocatorID == id else {
            throw .invalidArgument("cannot \(action) \(block): it belongs to another allocator")
        }
        guard let record = live[block.executableAddress] else {
            throw .invalidArgument("cannot \(action) \(block): it is not live (freed already)")
        }
        guard record.serial == block.serial, record.size == block.size else {
            throw .invalidArgument("cannot \(action) \(block): it was freed and its memory now belongs to block #\(record.serial)")
        }
        return record
    }

    // MARK: - Chunks

    private func mapChunk(size: Int, dedicated: Bool) throws(JITError) -> Chunk {
        let chunk: Chunk
        switch mode {
        case .dualMapping:
            let views = try Self.mapDual(size: size, name: memfdName)
            chunk = Chunk(writable: views.writable, executable: UnsafeRawPointer(views.executable), size: size, dedicated: dedicated)
        case .protectionFlipping:
            let p: UnsafeMutableRawPointer
            do { p = try VirtualMemory.map(size) } catch {
                throw .executableMemoryUnavailable("the kernel refused \(size) bytes of code memory: \(error)")
            }
            chunk = Chunk(writable: p, executable: UnsafeRawPointer(p), size: size, dedicated: dedicated)
        }
        chunks.append(chunk)
        mappedBytes += size
        peakMappedBytes = max(peakMappedBytes, mappedBytes)
        return chunk
    }

    /// Unmaps a chunk that holds no live block and forgets it.
    private func retire(_ chunk: Chunk) {
        if let index = chunks.firstIndex(where: { $0 === chunk }) { chunks.remove(at: index) }
        mappedBytes -= chunk.size
        unmap(chunk)
    }

    private func unmap(_ chunk: Chunk) {
        VirtualMemory.unmap(chunk.writable, chunk.size)
        if mode == .dualMapping {
            VirtualMemory.unmap(UnsafeMutableRawPointer(mutating: chunk.executable), chunk.size)
        }
    }

    // MARK: - The kernel

    /// A memfd of `size` bytes mapped read-write and read-execute; the fd is closed.
    private static func mapDual(size: Int, name: String) throws(JITError) -> (writable: UnsafeMutableRawPointer, executable: UnsafeMutableRawPointer) {
        let fd = tenure_memfd_create_executable(name)
        guard fd >= 0 else {
            throw .executableMemoryUnavailable("no memfd for \(size) bytes of code: \(SystemCallError.last("memfd_create"))")
        }
        defer { close(fd) }
        guard ftruncate(fd, off_t(size)) == 0 else {
            throw .executableMemoryUnavailable("the kernel refused \(size) bytes of code memory: \(SystemCallError.last("ftruncate"))")
        }
        do {
            let w = try VirtualMemory.mapShared(size, file: fd, protection: PROT_READ | PROT_WRITE, call: "mmap(PROT_READ|PROT_WRITE, MAP_SHARED)")
            do {
                let x = try VirtualMemory.mapShared(size, file: fd, protection: PROT_READ | PROT_EXEC, call: "mmap(PROT_READ|PROT_EXEC, MAP_SHARED)")
                return (w, x)
            } catch {
                VirtualMemory.unmap(w, size)
                throw error
            }
        } catch {
            throw .executableMemoryUnavailable("the kernel refused \(size) bytes of code memory: \(error)")
        }
    }

    /// Nil when a one-page memfd can be mapped read-write and read-execute; else why not.
    private static func probeDualMapping(name: String) -> String? {
        do {
            let views = try mapDual(size: pageSize, name: name)
            VirtualMemory.unmap(views.writable, pageSize)
            VirtualMemory.unmap(views.executable, pageSize)
            return nil
        } catch {
            return error.description
        }
    }

    /// Nil when an anonymous page can be written and then made read-execute; else why not.
    private static func probeProtectionFlipping() -> String? {
        let p: UnsafeMutableRawPointer
        do { p = try VirtualMemory.map(pageSize) } catch {
            return "the kernel refused a page of code memory: \(error)"
        }
        defer { VirtualMemory.unmap(p, pageSize) }
        p.storeBytes(of: 0xC3, as: UInt8.self)
        do { try VirtualMemory.protect(p, pageSize, PROT_READ | PROT_EXEC, call: "mprotect(PROT_READ|PROT_EXEC)") } catch {
            return "the kernel refused to make a written page executable: \(error)"
        }
        return nil
    }

    private static func protect(_ p: UnsafeMutableRawPointer, _ length: Int, _ protection: Int32, what: String) throws(JITError) {
        do { try VirtualMemory.protect(p, length, protection) } catch {
            throw .executableMemoryUnavailable("the kernel refused to \(what): \(error)")
        }
    }

    static func roundUp(_ size: Int, to alignment: Int) -> Int { VirtualMemory.roundUp(size, to: alignment) }

}

/// A free range of a chunk, as offsets from its start.
struct FreeRange {
    var offset: Int
    var length: Int
}

/// What the allocator knows of a live block.
struct LiveBlock {
    let serial: UInt64
    let size: Int
    let chunk: Chunk
    let offset: Int
}

/// One mapping (two views in dual-mapping mode) of code memory.
final class Chunk {
    let writable: UnsafeMutableRawPointer
    let executable: UnsafeRawPointer
    let size: Int
    /// Holds one block larger than the chunk size; unmapped when it is freed.
    let dedicated: Bool
    /// Address-ordered, coalesced.
    var free: [FreeRange]
    var freeBytes: Int
    /// Protection flipping: whether the chunk has been made read-execute.
    var holdsCode = false

    init(writable: UnsafeMutableRawPointer, executable: UnsafeRawPointer, size: Int, dedicated: Bool) {
        self.writable = writable
        self.executable = executable
        self.size = size
        self.dedicated = dedicated
        free = [FreeRange(offset: 0, length: size)]
        freeBytes = size
    }

    /// Returns a range to the free list, merged with the free ranges it touches.
    func release(offset: Int, length: Int) {
        var low = 0, high = free.count
        while low < high {
            let mid = (low + high) / 2
            if free[mid].offset < offset { low = mid + 1 } else { high = mid }
        }
        let joinsPrevious = low > 0 && free[low - 1].offset + free[low - 1].length == offset
        let joinsNext = low < free.count && offset + length == free[low].offset
        switch (joinsPrevious, joinsNext) {
        case (true, true):
            free[low - 1].length += length + free[low].length
            free.remove(at: low)
        case (true, false):
            free[low - 1].length += length
        case (false, true):
            free[low].offset = offset
            free[low].length += length
        case (false, false):
            free.insert(FreeRange(offset: offset, length: length), at: low)
        }
        freeBytes += length
    }
}
