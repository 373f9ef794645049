// The figures: loops alive and memory over time with the phases as bands
// (from a sample log written to a file and read back), titles that say
// what a log lacks, the trade-off figure from `tenure run --json` lines, and
// the index page.
import Foundation
import Testing
@testable import TenurePlot

@Suite struct FiguresTests {
    /// A fresh directory, removed by the caller.
    func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("tenure-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func figuresOfASampleLogFile() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("sample.log").path
        try Data(sampleLog.utf8).write(to: URL(fileURLWithPath: path))
        let log = try EventLogReader.read(path: path)
        #expect(log.source == path)

        // Loops: one step series, the three phases as bands, ticks in seconds and counts.
        let loops = parseXML(loopsFigure(log))
        #expect(loops.first { $0.name == "title" }?.text == "Loops alive over time")
        #expect(loops.filter { $0.attributes["class"] == "series" }.map { $0.attributes["data-name"] } == ["loops alive"])
        #expect(loops.filter { $0.attributes["class"] == "band" }.map { $0.attributes["data-label"] } == ["build", "run", "report"])
        let steps = polylinePoints(try #require(seriesElements(loops, "loops alive").first { $0.name == "polyline" }))
        #expect(steps.count == 2 * log.loopsAlive.count - 1)
        let chart = loopsChart(log)
        #expect(chart.xScale.labels.first == "0.000 s")
        #expect(chart.xScale.upper >= 0.012)
        #expect(chart.yScale.labels == ["0", "1", "2", "3"])
        // The "run" band spans 6 ms to 8 ms.
        let run = try #require(loops.first { $0.attributes["data-label"] == "run" })
        let x0 = chart.pixel(ChartPoint(x: 0.006, y: 0)).x, x1 = chart.pixel(ChartPoint(x: 0.008, y: 0)).x
        #expect(abs(try #require(run.number("x")) - x0) < 0.01)
        #expect(abs(try #require(run.number("width")) - (x1 - x0)) < 0.02)

        // Memory: RSS, heap before and heap after, in that order, with dots at the collections.
        let memory = parseXML(memoryFigure(log))
        #expect(memory.filter { $0.attributes["class"] == "series" }.map { $0.attributes["data-name"] }
            == ["RSS", "heap before major collection", "heap after major collection"])
        #expect(memory.filter { $0.attributes["class"] == "band" }.count == 3)
        #expect(polylinePoints(try #require(seriesElements(memory, "RSS").first { $0.name == "polyline" })).count == 5)
        #expect(seriesElements(memory, "heap before major collection").filter { $0.name == "circle" }.count == 2)
        #expect(seriesElements(memory, "heap after major collection").filter { $0.name == "circle" }.count == 2)
        let yTicks = memory.filter { $0.ancestors.contains { $0["class"] == "y-ticks" } }.map(\.text)
        #expect(yTicks == ["0 MiB", "10 MiB", "20 MiB", "30 MiB", "40 MiB"])
        // The highest heap-before dot sits at 12 MiB on that scale.
        let memoryChart = memoryChart(log)
        let dot = try #require(seriesElements(memory, "heap before major collection").last { $0.name == "circle" })
        #expect(abs(try #require(dot.number("cy")) - memoryChart.pixel(ChartPoint(x: 0, y: 12_582_912)).y) < 0.01)

        // The same log read twice gives the same figures.
        let again = try EventLogReader.read(path: path)
        #expect(loopsFigure(again) == loopsFigure(log))
        #expect(memoryFigure(again) == memoryFigure(log))

        let page = indexPage(log, logPath: path)
        #expect(page.contains("<img src=\"loops.svg\""))
        #expect(page.contains("<img src=\"memory.svg\""))
        #expect(!page.contains("tradeoff.svg"))
        #expect(page.contains("<code>\(path)</code>"))
        #expect(page.contains("3 phases"))
        #expect(page.contains("2 major collections"))
        #expect(page.components(separatedBy: "<figcaption>").count == 3)
    }

    @Test func aLogWithoutJITLinesSaysSoInTheLoopsTitle() throws {
        let log = try EventLogReader.parse("1 1000 phase name=only event=start\n2 5000 memory rss=4096\n")
        let elements = parseXML(loopsFigure(log))
        #expect(elements.first { $0.name == "title" }?.text == "Loops alive over time (no jit-mem lines in this log)")
        #expect(elements.filter { $0.attributes["class"] == "band" }.count == 1)
        #expect(seriesElements(elements, "loops alive").isEmpty)
        let withoutAlive = try EventLogReader.parse("1 1000 jit-mem compiled loop=1\n")
        #expect(loopsChart(withoutAlive).title == "Loops alive over time (no jit-mem lines with alive= in this log)")
        let jitOnly = try EventLogReader.parse("1 1000 jit-mem compiled loop=1 alive=1\n")
        #expect(memoryChart(jitOnly).title.hasSuffix("(no memory or gc-collect lines in this log)"))
        _ = parseXML(memoryFigure(jitOnly))
        #expect(indexPage(log, logPath: "x.log").contains("no jit-mem lines"))
    }

    @Test func pathsAndNamesAreEscaped() throws {
        let log = try EventLogReader.parse("1 1000 phase name=<a&b> event=start\n2 5000 memory rss=4096\n")
        let elements = parseXML(memoryFigure(log))
        #expect(elements.first { $0.attributes["class"] == "band" }?.attributes["data-label"] == "<a&b>")
        let page = indexPage(log, logPath: "/tmp/a <b> & \"c\".log")
        #expect(page.contains("<code>/tmp/a &lt;b&gt; &amp; &quot;c&quot;.log</code>"))
    }

    static let results = """
        {"workload":"loops","variant":"tenure","parameters":{"loop_longevity":100,"phases":60},"peak_rss_bytes":97000000,"wall_seconds":0.43}
        {"workload":"loops","variant":"tenure","parameters":{"loop_longevity":1000,"phases":60},"peak_rss_bytes":210436096,"wall_seconds":0.64}

        not json
        {"workload":"loops","wall_seconds":1}
        {"label":"never free","workload":"loops","variant":"tenure","parameters":{"loop_longevity":0,"phases":60},"peak_rss_bytes":297000000,"wall_seconds":0.78}
        """

    @Test func readsRunResults() throws {
        let (results, malformed) = try RunResultsReader.parse(FiguresTests.results)
        #expect(results.map(\.line) == [1, 2, 6])
        #expect(malformed == [MalformedLine(line: 4, reason: "not a JSON object"),
                              MalformedLine(line: 5, reason: "no numbers peak_rss_bytes and wall_seconds")])
        #expect(results[0].parameters == ["loop_longevity": "100", "phases": "60"])
        #expect(results[2].label == "never free")
        #expect(results[1].peakRSSBytes == 210_436_096)
        #expect(tradeoffLabels(results) == ["loop_longevity=100", "loop_longevity=1000", "never free"])
        #expect(throws: RunResultsError.self) { try RunResultsReader.parse("\n") }
        #expect(throws: RunResultsError.self) { try RunResultsReader.parse("{\"peak_rss_bytes\":true,\"wall_seconds\":1}\n") }
    }

    @Test func tradeoffLabelsNameWhatDiffers() {
        let a = RunResult(line: 1, workload: "loops", variant: "tenure", parameters: ["depth": "10", "x": "1"], peakRSSBytes: 1, wallSeconds: 1)
        let b = RunResult(line: 2, workload: "loops", variant: "arc", parameters: ["depth": "12", "x": "1"], peakRSSBytes: 2, wallSeconds: 2)
        #expect(tradeoffLabels([a, b]) == ["tenure depth=10", "arc depth=12"])
        #expect(tradeoffLabels([a, a]) == ["run 1", "run 1"])
        let labelled = RunResult(line: 3, label: "mine", peakRSSBytes: 3, wallSeconds: 3)
        #expect(tradeoffLabels([labelled]) == ["mine"])
    }

    @Test func tradeoffFigurePlacesEachRun() throws {
        let (results, _) = try RunResultsReader.parse(FiguresTests.results)
        let svg = tradeoffFigure(results)
        #expect(svg == tradeoffFigure(results))
        let elements = parseXML(svg)
        #expect(elements.first { $0.name == "title" }?.text == "Space/time trade-off: wall time against peak RSS")
        #expect(elements.filter { $0.attributes["class"] == "point" }.map { $0.attributes["data-label"] }
            == ["loop_longevity=100", "loop_longevity=1000", "never free"])
        let chart = tradeoffChart(results)
        let circles = elements.filter { $0.name == "circle" }
        for (circle, point) in zip(circles, chart.points) {
            #expect(abs(try #require(circle.number("cx")) - chart.pixel(point).x) < 0.01)
        }
        // More RSS is further right, more time is higher.
        let cx = circles.compactMap { $0.number("cx") }, cy = circles.compactMap { $0.number("cy") }
        #expect(cx[0] < cx[1] && cx[1] < cx[2])
        #expect(cy[0] > cy[1] && cy[1] > cy[2])
        let xTicks = elements.filter { $0.ancestors.contains { $0["class"] == "x-ticks" } }.map(\.text)
        #expect(xTicks.last == "300 MiB")
    }
}
