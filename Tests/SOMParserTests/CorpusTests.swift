// Every .som file of the SOM material: the standard library, the test
// suite and the Are We Fast Yet benchmarks must parse, each file must
// define the class its name says, and each must survive the printer's round
// trip. The material lives outside the repository, next to it on the build
// machines; where it is absent the tests say so and pass.
import Foundation
import Testing
@testable import SOMParser

@Suite struct CorpusTests {
    /// The SOM material: /work/shared/third_party/som, found from the repository root
    /// (two levels above this file's folder) as ../shared/third_party/som.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // SOMParserTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root
        .deletingLastPathComponent()  // its parent
        .appendingPathComponent("shared/third_party/som")

    /// The .som files under `root`, sorted, or nil if the folder is absent.
    static func files() -> [URL]? {
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil) else {
            return nil
        }
        let files = enumerator.compactMap { $0 as? URL }.filter { $0.pathExtension == "som" }
        return files.isEmpty ? nil : files.sorted { $0.path < $1.path }
    }

    /// A file's path relative to `root`, for messages.
    static func relative(_ url: URL) -> String {
        String(url.path.dropFirst(root.path.count + 1))
    }

    @Test func everyFileParsesAndNamesItsClass() throws {
        guard let files = Self.files() else {
            print("skipped: no .som files under \(Self.root.path) (the SOM material is not on this machine)")
            return
        }
        var methods = 0
        var primitives = 0
        var classSides = 0
        for url in files {
            let source = try String(contentsOf: url, encoding: .utf8)
            let definition: ClassDefinition
            do {
                definition = try Parser.parseClass(source, file: Self.relative(url))
            } catch {
                Issue.record("\(error)")
                continue
            }
            #expect(definition.name == url.deletingPathExtension().lastPathComponent, "\(Self.relative(url))")
            let all = definition.instanceMethods + definition.classMethods
            methods += all.count
            primitives += all.filter(\.isPrimitive).count
            if !definition.classMethods.isEmpty || !definition.classFields.isEmpty { classSides += 1 }
        }
        print("parsed \(files.count) files (\(files.count) classes, \(classSides) with a class side), "
              + "\(methods) methods, \(primitives) of them primitive")
        #expect(files.count >= 150)
    }

    @Test func everyFileRoundTripsThroughThePrinter() throws {
        guard let files = Self.files() else {
            print("skipped: no .som files under \(Self.root.path) (the SOM material is not on this machine)")
            return
        }
        for url in files {
            let source = try String(contentsOf: url, encoding: .utf8)
            guard let first = try? Parser.parseClass(source, file: Self.relative(url)) else { continue }
            let printed = SOMPrinter.print(first)
            do {
                let second = try Parser.parseClass(printed, file: Self.relative(url) + " (printed)")
                #expect(second.withoutPositions == first.withoutPositions, "\(Self.relative(url))")
                #expect(SOMPrinter.print(second) == printed, "\(Self.relative(url))")
            } catch {
                Issue.record("\(error)")
            }
        }
    }

    @Test func parsingTheWholeCorpusIsFast() throws {
        guard let files = Self.files() else {
            print("skipped: no .som files under \(Self.root.path) (the SOM material is not on this machine)")
            return
        }
        let sources = try files.map { (Self.relative($0), try String(contentsOf: $0, encoding: .utf8)) }
        let bytes = sources.reduce(0) { $0 + $1.1.utf8.count }
        var best = (lexing: Duration.seconds(1000), parsing: Duration.seconds(1000))
        let clock = ContinuousClock()
        for _ in 0..<5 {
            let lexing = try clock.measure {
                for (file, source) in sources { _ = try Lexer.tokenize(source, file: file) }
            }
            let parsing = try clock.measure {
                for (file, source) in sources { _ = try Parser.parseClass(source, file: file) }
            }
            best = (min(best.lexing, lexing), min(best.parsing, parsing))
        }
        print("parsed \(sources.count) files, \(bytes) bytes, in \(best.parsing) "
              + "(lexing alone \(best.lexing); best of 5)")
    }
}
