// The doors a runtime could walk through by mistake do not compile.
//
// Each snippet is type-checked against the built Tenure module, as a
// runtime's code would be: a reference stored with `ObjectRef.store` (it
// would skip the write barrier), a write to the header, the fast state's
// fields, hand-made roots. A snippet that must compile shows the harness
// itself works. The compiler is found on PATH; without it the test says it
// skipped.
import Foundation
import Testing

@Suite struct PublicSurfaceTests {
    /// The directory of the built modules: the test runner lives next to them.
    static var buildDirectory: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    }

    static var swiftc: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/swiftc" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Type-checks `body` (inside a function given `heap`, `object`, `maybe`) and returns the errors.
    static func typeCheck(_ body: String) throws -> [String]? {
        guard let swiftc else { return nil }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-surface-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = directory.appendingPathComponent("snippet.swift")
        try """
        import Tenure
        func snippet(heap: Heap, object: ObjectRef, maybe: ObjectRef?, slot: UnsafeMutablePointer<ObjectRef?>) throws {
        \(body)
        }
        """.write(to: source, atomically: true, encoding: .utf8)
        let build = buildDirectory
        let process = Process()
        process.executableURL = URL(fileURLWithPath: swiftc)
        process.arguments = ["-typecheck", "-I", build.appendingPathComponent("Modules").path,
                             "-Xcc", "-fmodule-map-file=" + build.appendingPathComponent("CTenure.build/module.modulemap").path,
                             source.path]
        let errors = directory.appendingPathComponent("errors")
        FileManager.default.createFile(atPath: errors.path, contents: nil)
        let handle = try FileHandle(forWritingTo: errors)
        process.standardError = handle
        process.standardOutput = handle
        try process.run()
        process.waitUntilExit()
        try handle.close()
        let text = try String(contentsOf: errors, encoding: .utf8)
        return text.split(separator: "\n").filter { $0.contains("error:") }.map(String.init)
    }

    static let misuse: [(String, String)] = [
        ("object.store(maybe, at: 8)", "the write barrier must see them"),
        ("object.store(object, at: 8)", "the write barrier must see them"),
        ("object.header = 0", "get-only"),
        ("_ = heap.fast", "inaccessible"),
        ("_ = Root(slot: slot)", "inaccessible"),
        ("_ = RootFrame(base: slot, count: 1)", "inaccessible"),
        ("_ = RootMark(top: slot)", "inaccessible"),
        ("let f: HeapFastState? = nil; _ = f?.nurseryFree", "cannot find type 'HeapFastState'"),
    ]

    @Test func misuseDoesNotCompile() throws {
        guard let good = try Self.typeCheck("object.store(7, at: 16); heap.storeReference(maybe, into: object, at: 8)") else {
            print("skipped: no swiftc on PATH to type-check the snippets")
            return
        }
        #expect(good.isEmpty, "the snippet that must compile did not: \(good)")
        for (line, expected) in Self.misuse {
            let errors = try Self.typeCheck(line) ?? []
            #expect(errors.contains { $0.contains(expected) }, "\(line) should not compile (\(expected)); got \(errors)")
        }
    }
}
