// Running SOM programs from the tests: the material in place, a VM per run
// on a thread with a deep stack, output captured.
//
// The SOM material (standard library, TestSuite, Are We Fast Yet) is used
// where it is, at ../shared/third_party/som from the repository root; when it
// is absent, the tests that need it say that they skipped and why.
import Foundation
import Tenure
@testable import TenureSOM

enum SOMMaterial {
    /// The repository root: two folders above this file's folder.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let root = repository.deletingLastPathComponent().appendingPathComponent("shared/third_party/som").path
    static var smalltalk: String { root + "/Smalltalk" }
    static var testSuite: String { root + "/TestSuite" }
    static var awfy: String { root + "/Examples/AreWeFastYet" }
    static var isPresent: Bool { FileManager.default.fileExists(atPath: smalltalk + "/Object.som") }
    static let skipMessage = "skipped: the SOM material is not at ../shared/third_party/som (the standard library, TestSuite and benchmarks are used in place)"

    /// The class path of the Are We Fast Yet harness (its own Vector before the library's).
    static var benchmarkClassPath: [String] {
        [awfy] + ["Core", "CD", "DeltaBlue", "Havlak", "Json", "NBody", "Richards"].map { awfy + "/" + $0 } + [smalltalk]
    }
}

/// What one run printed and returned.
struct SOMRun {
    var output = ""
    var errors = ""
    var status: Int32 = 0
    var statistics = HeapStatistics()
}

enum SOMRunner {
    /// Runs `arguments` on a new VM (heap configured by `configuration`) with `classPath`.
    static func run(_ arguments: [String], classPath: [String], configuration: HeapConfiguration = HeapConfiguration())
        -> SOMRun {
        final class Box: @unchecked Sendable { var run = SOMRun() }
        let box = Box()
        _ = DeepStack.run {
            do {
                let heap = try Heap(configuration: configuration)
                let universe = try Universe(heap: heap, classPath: classPath)
                universe.output = { box.run.output += $0 }
                universe.errorOutput = { box.run.errors += $0 }
                box.run.status = universe.run(arguments: arguments)
                box.run.statistics = heap.statistics
                let problems = heap.verify()
                if !problems.isEmpty { box.run.errors += "heap verification failed: \(problems.prefix(5))\n"; box.run.status = 99 }
            } catch {
                box.run.errors += "\(error)\n"
                box.run.status = 98
            }
        }
        return box.run
    }

    /// Runs SOM source `program` (a class named like the file) and returns the run.
    static func source(_ name: String, _ program: String, configuration: HeapConfiguration = HeapConfiguration()) throws -> SOMRun {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-som-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try program.write(to: directory.appendingPathComponent(name + ".som"), atomically: true, encoding: .utf8)
        return run([name], classPath: [directory.path, SOMMaterial.smalltalk], configuration: configuration)
    }

    /// A small heap that collects often and checks what it can: a 1 KiB nursery (a minor
    /// collection every few dozen allocations), the verifier around every collection,
    /// checked mode.
    static var stress: HeapConfiguration {
        var c = HeapConfiguration()
        c.nurserySize = 1 << 10
        c.youngLargeObjectLimit = 512
        c.minimumHeapSize = 64 << 10
        c.debugLevel = 2
        c.pageSize = 1024
        c.arenaSize = 64 << 10
        c.smallObjectLimit = 128
        c.cardSize = 8
        c.checked = true
        c.shadowStackCapacity = 1 << 20
        return c
    }
}
