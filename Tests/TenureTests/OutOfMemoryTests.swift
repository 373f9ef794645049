// The kernel refusing memory is an error the runtime can catch, on every path.
//
// With the address space limited (RLIMIT_AS), mapping an arena fails. A
// minor collection cannot stop half-way, so it uses the emergency reserve
// (MemoryReserve.swift) and completes; the allocation that ran it, or the
// next one, throws `outOfMemory`, the heap stays consistent, and once the
// runtime drops references allocation works again. Small objects only (every
// survivor goes to arena pages) and a mix with large objects. Each run is a
// child process of its own, since the limit is the process's.
import Testing
@_spi(Machine) @testable import Tenure
#if canImport(Glibc)
import Glibc
#endif

enum AddressSpaceLimit {
    /// Limits the address space to what is mapped now plus `headroom` bytes.
    static func limit(headroom: Int) -> Bool {
        var limit = rlimit()
        limit.rlim_cur = rlim_t(ResidentMemory.virtualBytes() + headroom)
        limit.rlim_max = rlim_t.max
        return setrlimit(Int32(RLIMIT_AS.rawValue), &limit) == 0
    }

    static func lift() {
        var limit = rlimit(rlim_cur: rlim_t.max, rlim_max: rlim_t.max)
        _ = setrlimit(Int32(RLIMIT_AS.rawValue), &limit)
    }

    /// Keeps objects (a fraction of them large when `large`) in a list until the
    /// heap refuses, then checks the error, the list, recovery after dropping half.
    static func run(large: Bool) throws -> Int32 {
        var c = HeapConfiguration()
        c.nurserySize = 1 << 20
        c.shadowStackCapacity = 1 << 12
        let heap = try Heap(configuration: c)
        let types = try CommonTypes(heap)
        guard limit(headroom: 96 << 20) else { return 10 }
        let list = heap.pushRoot(nil)
        var count = 0
        var failure: HeapError?
        while count < 10_000_000 {
            do {
                let n = try heap.node(types, id: count)
                heap.storeReference(list.value, into: n, at: CommonTypes.nodeLeft)
                list.value = n
                if large && count % 64 == 0 {
                    let a = try heap.allocateArray(types.words, count: 2_000)
                    heap.storeReference(a, into: list.object, at: CommonTypes.nodeRight)
                }
                count += 1
            } catch {
                failure = error
                break
            }
        }
        guard case .outOfMemory? = failure else { return 11 }
        // A few more attempts fail or succeed, cleanly.
        for _ in 0..<3 { _ = try? heap.node(types, id: -1) }
        // Drop the older half of the list; allocation must work again.
        var cursor = list.value
        for _ in 0..<(count / 2) { cursor = cursor?.loadReference(at: CommonTypes.nodeLeft) }
        if let cut = cursor { heap.storeReference(nil, into: cut, at: CommonTypes.nodeLeft) }
        heap.collect()
        for i in 0..<10_000 { guard (try? heap.node(types, id: i)) != nil else { return 13 } }
        lift()
        guard heap.verify().isEmpty else { return 14 }
        // The kept half is intact, newest first.
        var expected = count - 1
        cursor = list.value
        while let n = cursor, expected >= count - count / 2 {
            guard n.nodeID == expected else { return 15 }
            expected -= 1
            cursor = n.loadReference(at: CommonTypes.nodeLeft)
        }
        return 0
    }
}

@Suite(.serialized) struct OutOfMemoryTests {
    @Test(.disabled(if: Sanitizers.address, "AddressSanitizer reserves terabytes of address space"))
    func smallObjectsUnderAnAddressSpaceLimit() async {
        await #expect(processExitsWith: .success) {
            exit(try AddressSpaceLimit.run(large: false))
        }
    }

    @Test(.disabled(if: Sanitizers.address, "AddressSanitizer reserves terabytes of address space"))
    func mixedObjectsUnderAnAddressSpaceLimit() async {
        await #expect(processExitsWith: .success) {
            exit(try AddressSpaceLimit.run(large: true))
        }
    }
}
