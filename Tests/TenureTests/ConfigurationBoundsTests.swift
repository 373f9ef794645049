// Sizes bounded by the machine, and errors that name the setting a value
// came from even when it fails after resolution.
//
// TENURE_GC_NURSERY=1T used to pass resolution (the machine-free range is
// 64 B to 1 TiB) and fail at the first heap with "out of memory: the system
// refused 1099511627776 bytes", naming no setting; TENURE_GC_MIN=1T passed
// and meant that no major collection would ever run. Both are now refused at
// resolution against the machine, naming the variable, the value and the
// range; GC_MAX and GC_MAX_DELTA above the memory fail nothing and get a
// note. A TENURE_LOG destination that cannot be opened is found only when a
// heap opens it: the error names TENURE_LOG (or the field `log` when code
// set it) and the value, where it used to say only "log: cannot open".
import Foundation
import Testing
@_spi(Machine) @_spi(Configuration) @testable import Tenure

private func machine(ram: Int = 8 << 30, limit: Int? = nil) -> MachineFacts {
    MachineFacts(
        physicalMemory: PhysicalMemory(bytes: ram, memTotal: ram, sysconf: nil, source: "/proc/meminfo", notes: []),
        controlGroup: ControlGroupLimit(bytes: limit, version: limit == nil ? nil : 2,
                                        file: limit == nil ? nil : "/sys/fs/cgroup/app/memory.max", notes: []),
        caches: CacheSizes(l1Data: nil, l1Instruction: nil, l2: nil, l3: nil),
        numa: NUMATopology(nodes: 1, localNode: 0, source: "none"))
}

private func resolutionError(_ environment: [String: String], configuration: HeapConfiguration = HeapConfiguration(),
                             machine m: MachineFacts = machine()) -> ConfigurationError? {
    do {
        _ = try configuration.resolved(environment: environment, machine: m)
        return nil
    } catch {
        return error
    }
}

@Suite struct ConfigurationBoundsTests {
    // MARK: The nursery

    @Test(arguments: ["1T", "1TiB", "5G", "4097M"])
    func aNurseryBeyondHalfTheMemoryNamesTheVariable(text: String) throws {
        let e = try #require(resolutionError(["TENURE_GC_NURSERY": text]))
        #expect(e.setting == "TENURE_GC_NURSERY")
        #expect(e.value == text)
        #expect(e.reason == "out of range")
        #expect(e.accepted.hasPrefix("64 bytes up to half the available memory and at most 1 TiB, here 4294967296 bytes (4 GiB), written as a byte count"))
        #expect(e.description.hasPrefix("invalid TENURE_GC_NURSERY=\(text): out of range; accepted: 64 bytes up to half"))
    }

    @Test func halfTheMemoryIsTheLargestNursery() throws {
        let r = try HeapConfiguration().resolved(environment: ["TENURE_GC_NURSERY": "4G"], machine: machine())
        #expect(r.configuration.nurserySize == 4 << 30)
        // In a container, half of the limit.
        let limited = machine(limit: 1 << 30)
        #expect(try HeapConfiguration().resolved(environment: ["TENURE_GC_NURSERY": "512M"], machine: limited)
                    .configuration.nurserySize == 512 << 20)
        let e = try #require(resolutionError(["TENURE_GC_NURSERY": "513M"], machine: limited))
        #expect(e.accepted.contains("half the available memory and at most 1 TiB, here 536870912 bytes (512 MiB)"))
        // At most 1 TiB on any machine.
        #expect(HeapConfiguration.largestNurserySize(for: machine(ram: 16 << 40)) == 1 << 40)
        // Never below the smallest default, so the defaults resolve on any machine.
        #expect(HeapConfiguration.largestNurserySize(for: machine(ram: 300 << 10)) == 256 << 10)
    }

    @Test func theDefaultsResolveOnATinyMachine() throws {
        for ram in [300 << 10, 1 << 20, 16 << 20] {
            let r = try HeapConfiguration().resolved(environment: [:], machine: machine(ram: ram))
            #expect(r.configuration.nurserySize <= HeapConfiguration.largestNurserySize(for: machine(ram: ram)))
            #expect(try #require(r.configuration.minimumHeapSize) <= ram)
        }
    }

    @Test func aNurseryInCodeBeyondTheMachineNamesTheField() throws {
        var c = HeapConfiguration()
        c.nurserySize = 6 << 30
        let e = try #require(resolutionError([:], configuration: c))
        #expect(e.setting == "nurserySize")
        #expect(e.value == "\(6 << 30)")
        #expect(e.accepted.contains("half the available memory"))
        // The heap refuses it on this machine too instead of failing to map it.
        var huge = HeapConfiguration()
        huge.nurserySize = 1 << 40
        #expect {
            _ = try Heap(configuration: huge)
        } throws: { error in
            guard case HeapError.invalidArgument(let text) = error else { return false }
            return text.hasPrefix("invalid nurserySize=1099511627776") && text.contains("half the available memory")
        }
    }

    // MARK: The minimum heap

    @Test(arguments: ["1T", "9G", "8193M"])
    func aMinimumHeapBeyondTheMemoryNamesTheVariable(text: String) throws {
        let e = try #require(resolutionError(["TENURE_GC_MIN": text]))
        #expect(e.setting == "TENURE_GC_MIN")
        #expect(e.value == text)
        #expect(e.reason == "out of range")
        #expect(e.accepted.hasPrefix("0 bytes up to the available memory, here 8589934592 bytes (8 GiB), written as a byte count"))
    }

    @Test func theMemoryIsTheLargestMinimumHeap() throws {
        let r = try HeapConfiguration().resolved(environment: ["TENURE_GC_MIN": "8G"], machine: machine())
        #expect(r.configuration.minimumHeapSize == 8 << 30)
        let limited = machine(limit: 1 << 30)
        #expect(resolutionError(["TENURE_GC_MIN": "1G"], machine: limited) == nil)
        #expect(resolutionError(["TENURE_GC_MIN": "1025M"], machine: limited)?.setting == "TENURE_GC_MIN")
        var c = HeapConfiguration()
        c.minimumHeapSize = (1 << 30) + 1
        #expect(resolutionError([:], configuration: c, machine: limited)?.setting == "minimumHeapSize")
    }

    @Test func theDerivedMinimumHeapStopsAtTheMemory() throws {
        // 8 x a 2 GiB nursery would be 16 GiB: no major collection on an 8 GiB machine, ever.
        let r = try HeapConfiguration().resolved(environment: ["TENURE_GC_NURSERY": "2G"], machine: machine())
        #expect(r.configuration.minimumHeapSize == 8 << 30)
        #expect(r.setting("GC_MIN")?.value == .integer(8 << 30))
        #expect(r.setting("GC_MIN")?.source.detail?.contains("at most the available memory") == true)
        // Below it, the rule is unchanged.
        let small = try HeapConfiguration().resolved(environment: ["TENURE_GC_NURSERY": "8M"], machine: machine())
        #expect(small.configuration.minimumHeapSize == 64 << 20)
    }

    // MARK: Limits above the memory

    @Test func limitsAboveTheMemoryAreKeptWithANote() throws {
        let r = try HeapConfiguration().resolved(
            environment: ["TENURE_GC_MAX": "1000T", "TENURE_GC_MAX_DELTA": "64G"], machine: machine())
        #expect(r.configuration.maximumHeapSize == 1000 << 40)
        #expect(r.configuration.maximumDelta == 64 << 30)
        #expect(r.setting("GC_MAX")?.note?.hasPrefix("above the available memory (8589934592 bytes (8 GiB))") == true)
        #expect(r.setting("GC_MAX_DELTA")?.note?.hasPrefix("above the available memory") == true)
        // A heap with them works: the limit is simply never reached.
        let heap = try Heap(configuration: r.configuration)
        let types = try CommonTypes(heap)
        for i in 0..<1000 { _ = try heap.node(types, id: i) }
        heap.collect()
        #expect(heap.verify() == [])

        // Within the memory, or code overriding the environment, no such note.
        let within = try HeapConfiguration().resolved(environment: ["TENURE_GC_MAX": "8G"], machine: machine())
        #expect(within.setting("GC_MAX")?.note == nil)
        var c = HeapConfiguration()
        c.maximumHeapSize = 1 << 30
        let overridden = try c.resolved(environment: ["TENURE_GC_MAX": "1000T"], machine: machine())
        #expect(overridden.setting("GC_MAX")?.note == "TENURE_GC_MAX=1000T is overridden by code")
    }

    @Test func byteCountsRead() {
        #expect(ByteCount.describe(512) == "512 bytes")
        #expect(ByteCount.describe(1 << 10) == "1024 bytes (1 KiB)")
        #expect(ByteCount.describe(12_616_466_432) == "12616466432 bytes (11.7 GiB)")
        #expect(ByteCount.describe(1 << 40) == "1099511627776 bytes (1 TiB)")
    }

    // MARK: The log

    @Test func theLogRemembersTheVariableItCameFrom() throws {
        let r = try HeapConfiguration().resolved(environment: ["TENURE_LOG": "gc:-"], machine: machine())
        #expect(r.configuration.log?.setting == "TENURE_LOG")
        let custom = try HeapConfiguration().resolved(environment: ["MYLANG_LOG": "gc:-"], prefix: "MYLANG_", machine: machine())
        #expect(custom.configuration.log?.setting == "MYLANG_LOG")
        var c = HeapConfiguration()
        c.log = LogSpecification(categories: ["gc"], destination: "-")
        let code = try c.resolved(environment: ["TENURE_LOG": "memory:-"], machine: machine())
        #expect(code.configuration.log?.setting == "log")
        // Where it came from is not part of its value.
        #expect(r.configuration.log == c.log)
        #expect(r.configuration == code.configuration)
    }

    @Test func anUnopenableLogNamesTheVariableAndTheValue() throws {
        let r = try HeapConfiguration().resolved(environment: ["TENURE_LOG": "gc-minor:/nonexistent/x.log"])
        #expect {
            _ = try Heap(configuration: r.configuration)
        } throws: { error in
            guard case HeapError.invalidArgument(let text) = error else { return false }
            return text.hasPrefix("invalid TENURE_LOG=gc-minor:/nonexistent/x.log: cannot open /nonexistent/x.log for writing: No such file or directory; accepted: categories:destination")
        }
    }

    @Test func anUnopenableLogSetInCodeNamesTheField() throws {
        var c = HeapConfiguration()
        c.log = LogSpecification(categories: ["*"], destination: "/nonexistent/dir/%d.log")
        #expect {
            _ = try Heap(configuration: c)
        } throws: { error in
            guard case HeapError.invalidArgument(let text) = error else { return false }
            return text.hasPrefix("invalid log=*:/nonexistent/dir/%d.log: cannot open /nonexistent/dir/\(getpid()).log for writing: ")
        }
        // A runtime that builds it from an option of its own names that option.
        c.log = LogSpecification(categories: ["*"], destination: "/nonexistent/y.log", setting: "--log")
        #expect {
            _ = try Heap(configuration: c)
        } throws: { error in
            guard case HeapError.invalidArgument(let text) = error else { return false }
            return text.contains("invalid --log=*:/nonexistent/y.log: cannot open /nonexistent/y.log")
        }
    }
}
