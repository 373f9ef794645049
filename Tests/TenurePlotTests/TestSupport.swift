// Helpers for the TenurePlot tests: a sample log with every category, and an
// SVG reader on Foundation's XMLParser that fails on a document that is not
// well-formed and collects the elements with their attributes and text.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import TenurePlot

/// A log with every category: three phases (the second ended by its own
/// end line, the third by the end of the log), loops compiled and freed,
/// two major collections and memory samples.
let sampleLog = """
    100 1000000 phase name=build event=start
    110 1000000 memory rss=10485760 old_bytes=0 arena_bytes=0 large_bytes=0 nursery_bytes=4194304 raw_bytes=0
    120 2000000 jit-mem compiled loop=1 code_bytes=320 constants=2 alive=1 generation=1
    130 3000000 jit-mem compiled loop=2 code_bytes=448 constants=2 alive=2 generation=2
    140 4000000 gc-minor pause_ns=50000 nursery_used=4194304 promoted=1048576 old_bytes=1048576
    150 5000000 gc-collect pause_ns=900000 heap_before=8388608 heap_after=2097152 next_threshold=16777216 mapped=9437184 rss=20971520
    160 5000000 memory rss=20971520 old_bytes=2097152 arena_bytes=9437184 large_bytes=0 nursery_bytes=4194304 raw_bytes=1376
    170 6000000 phase name=run event=start
    180 7000000 jit-mem generation generation=100 dropped=1 kept=1 alive=1
    190 7500000 jit-mem freed loop=1 code_bytes=320 alive=1
    200 8000000 phase name=run event=end
    210 9000000 gc-collect pause_ns=1200000 heap_before=12582912 heap_after=3145728 next_threshold=25165824 mapped=13631488 rss=31457280
    220 10000000 phase name=report event=start
    230 12000000 memory rss=25165824 old_bytes=3145728 arena_bytes=13631488 large_bytes=0 nursery_bytes=4194304 raw_bytes=1376

    """

/// One element of a parsed SVG document.
struct Element {
    var name: String
    var attributes: [String: String]
    var text: String
    /// The names of the elements it is inside, outermost first.
    var ancestors: [[String: String]]

    func number(_ key: String) -> Double? { attributes[key].flatMap(Double.init) }
}

/// Parses `xml` with XMLParser; records an issue when it is not well-formed.
func parseXML(_ xml: String, sourceLocation: SourceLocation = #_sourceLocation) -> [Element] {
    final class Collector: NSObject, XMLParserDelegate {
        var elements: [Element] = []
        var open: [Int] = []
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?,
                    qualifiedName: String?, attributes: [String: String] = [:]) {
            let ancestors = open.map { elements[$0].attributes }
            elements.append(Element(name: name, attributes: attributes, text: "", ancestors: ancestors))
            open.append(elements.count - 1)
        }
        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            open.removeLast()
        }
        func parser(_ parser: XMLParser, foundCharacters string: String) {
            if let last = open.last { elements[last].text += string }
        }
    }
    let parser = XMLParser(data: Data(xml.utf8))
    let collector = Collector()
    parser.delegate = collector
    let ok = parser.parse()
    #expect(ok, "not well-formed XML: \(String(describing: parser.parserError))", sourceLocation: sourceLocation)
    return collector.elements
}

/// The points of a polyline's `points` attribute.
func polylinePoints(_ element: Element) -> [(Double, Double)] {
    (element.attributes["points"] ?? "").split(separator: " ").map { pair in
        let xy = pair.split(separator: ",").map { Double($0)! }
        return (xy[0], xy[1])
    }
}

/// The elements inside the series group named `name`.
func seriesElements(_ elements: [Element], _ name: String) -> [Element] {
    elements.filter { e in e.ancestors.contains { $0["class"] == "series" && $0["data-name"] == name } }
}
