// The SVG chart writer: tick labels (bytes, seconds, counts), number
// formatting without the locale, escaping, well-formed documents whose
// series and bands sit where the scales put them, thinning, determinism.
import Foundation
import Testing
@testable import TenurePlot

@Suite struct SVGChartTests {
    // MARK: ticks

    @Test func byteTicksUseOneUnitForTheAxis() {
        let mib = AxisScale(lower: 0, upper: 210_436_096, format: .bytes)
        #expect(mib.labels == ["0 MiB", "50 MiB", "100 MiB", "150 MiB", "200 MiB", "250 MiB"])
        #expect(mib.upper == 250 * 1_048_576)
        #expect(mib.step == 50 * 1_048_576)
        let kib = AxisScale(lower: 0, upper: 700 * 1024, format: .bytes)
        #expect(kib.labels == ["0 KiB", "200 KiB", "400 KiB", "600 KiB", "800 KiB"])
        let gib = AxisScale(lower: 0, upper: 2.2 * 1_073_741_824, format: .bytes)
        #expect(gib.labels == ["0.0 GiB", "0.5 GiB", "1.0 GiB", "1.5 GiB", "2.0 GiB", "2.5 GiB"])
        let small = AxisScale(lower: 0, upper: 600, format: .bytes)
        #expect(small.labels == ["0 B", "200 B", "400 B", "600 B"])
    }

    @Test func secondTicks() {
        #expect(AxisScale(lower: 0, upper: 0.543, format: .seconds, target: 8).labels
            == ["0.0 s", "0.1 s", "0.2 s", "0.3 s", "0.4 s", "0.5 s", "0.6 s"])
        #expect(AxisScale(lower: 0, upper: 12, format: .seconds).labels
            == ["0.0 s", "2.5 s", "5.0 s", "7.5 s", "10.0 s", "12.5 s"])
        #expect(AxisScale(lower: 0, upper: 1700, format: .seconds).labels
            == ["0 s", "500 s", "1000 s", "1500 s", "2000 s"])
        #expect(AxisScale(lower: 0, upper: 0.0042, format: .seconds).labels
            == ["0.000 s", "0.001 s", "0.002 s", "0.003 s", "0.004 s", "0.005 s"])
    }

    @Test func countTicksAreWholeAndGrouped() {
        #expect(AxisScale(lower: 0, upper: 1684, format: .count).labels == ["0", "500", "1,000", "1,500", "2,000"])
        #expect(AxisScale(lower: 0, upper: 37_000, format: .count).labels
            == ["0", "10,000", "20,000", "30,000", "40,000"])
        // Few loops: steps of one, not halves.
        let few = AxisScale(lower: 0, upper: 3, format: .count)
        #expect(few.labels == ["0", "1", "2", "3"])
        #expect(few.ticks.allSatisfy { $0 == $0.rounded() })
    }

    @Test func degenerateRangesStillHaveTicks() {
        let zero = AxisScale(lower: 0, upper: 0, format: .count)
        #expect(zero.labels == ["0", "1"])
        let flat = AxisScale(lower: 5 * 1_048_576, upper: 5 * 1_048_576, format: .bytes)
        #expect(flat.lower == 0)
        #expect(flat.upper >= 5 * 1_048_576)
        #expect(flat.ticks.count >= 2)
    }

    @Test func numberFormatting() {
        #expect(fixed(0.25, 2) == "0.25")
        #expect(fixed(1.005, 1) == "1.0")
        #expect(fixed(-0.001, 2) == "0.00")
        #expect(fixed(-2.5, 1) == "-2.5")
        #expect(fixed(123, 0) == "123")
        #expect(fixed(0.05, 3) == "0.050")
        #expect(grouped(0) == "0")
        #expect(grouped(999) == "999")
        #expect(grouped(1000) == "1,000")
        #expect(grouped(1_234_567) == "1,234,567")
        #expect(grouped(-12_345) == "-12,345")
        #expect(coordinate(12.5) == "12.5")
        #expect(coordinate(12.0) == "12")
        #expect(coordinate(0.004) == "0")
        #expect(coordinate(-0.001) == "0")
    }

    @Test func escaping() {
        #expect(xmlEscaped("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
        #expect(xmlEscaped("bell\u{7}") == "bell ")
    }

    // MARK: documents

    static let chart = LineChart(
        title: "Test <chart> & co",
        xAxis: Axis(title: "time (s)", format: .seconds),
        yAxis: Axis(title: "memory", format: .bytes),
        series: [
            ChartSeries(name: "RSS", points: [ChartPoint(x: 0, y: 1_048_576), ChartPoint(x: 1, y: 4_194_304), ChartPoint(x: 2, y: 3_145_728)]),
            ChartSeries(name: "steps", points: [ChartPoint(x: 0.5, y: 0), ChartPoint(x: 1.5, y: 2_097_152)], style: .step),
            ChartSeries(name: "dots 'n' <things>", points: [ChartPoint(x: 1, y: 1_048_576)], style: .points),
            ChartSeries(name: "empty", points: []),
        ],
        bands: [ChartBand(start: 0.2, end: 0.9, label: "build"), ChartBand(start: 0.9, end: 1.8, label: "run & <check>")])

    @Test func lineChartIsWellFormedWithSeriesAndBands() throws {
        let chart = SVGChartTests.chart
        let elements = parseXML(chart.svg())
        let root = try #require(elements.first)
        #expect(root.name == "svg")
        #expect(root.attributes["width"] == "960")
        #expect(root.attributes["height"] == "480")
        #expect(elements.first { $0.name == "title" }?.text == "Test <chart> & co")
        let seriesGroups = elements.filter { $0.attributes["class"] == "series" }
        #expect(seriesGroups.map { $0.attributes["data-name"] } == ["RSS", "steps", "dots 'n' <things>", "empty"])
        let legend = elements.filter { $0.ancestors.contains { $0["class"] == "legend" } && $0.name == "text" }.map(\.text)
        #expect(legend == ["RSS", "steps", "dots 'n' <things>", "empty (no data)"])

        // The bands: rectangles where the x scale puts them, labels on top.
        let bands = elements.filter { $0.attributes["class"] == "band" }
        #expect(bands.map { $0.attributes["data-label"] } == ["build", "run & <check>"])
        let area = chart.plotArea
        for (band, spec) in zip(bands, chart.bands) {
            let x0 = chart.pixel(ChartPoint(x: spec.start, y: 0)).x
            let x1 = chart.pixel(ChartPoint(x: spec.end, y: 0)).x
            #expect(abs(try #require(band.number("x")) - x0) < 0.01)
            #expect(abs(try #require(band.number("width")) - (x1 - x0)) < 0.02)
            #expect(band.number("y") == area.top)
            #expect(band.number("height") == area.height)
        }
        let bandLabels = elements.filter { $0.attributes["class"] == "band-label" }.map(\.text)
        #expect(bandLabels == ["build", "run & <check>"])

        // RSS: one polyline through the three points.
        let rss = try #require(seriesElements(elements, "RSS").first { $0.name == "polyline" })
        let rssPoints = polylinePoints(rss)
        #expect(rssPoints.count == 3)
        for (p, q) in zip(rssPoints, chart.series[0].points) {
            let expected = chart.pixel(q)
            #expect(abs(p.0 - expected.x) < 0.01 && abs(p.1 - expected.y) < 0.01)
        }
        // The step series holds its first value until the second point's x.
        let steps = polylinePoints(try #require(seriesElements(elements, "steps").first { $0.name == "polyline" }))
        #expect(steps.count == 3)
        #expect(steps[1].0 == steps[2].0)
        #expect(steps[1].1 == steps[0].1)
        // Points: circles, no line.
        let dots = seriesElements(elements, "dots 'n' <things>")
        #expect(dots.map(\.name) == ["circle"])
        #expect(seriesElements(elements, "empty").isEmpty)
    }

    @Test func everythingDrawnIsInsideThePicture() {
        let elements = parseXML(SVGChartTests.chart.svg())
        let area = SVGChartTests.chart.plotArea
        for e in elements where e.name == "polyline" {
            for (x, y) in polylinePoints(e) {
                #expect(x >= area.left - 0.01 && x <= area.right + 0.01)
                #expect(y >= area.top - 0.01 && y <= area.bottom + 0.01)
            }
        }
        for e in elements where e.name == "text" {
            let x = e.number("x") ?? 0, y = e.number("y") ?? 0
            #expect(x >= 0 && x <= 960 && y >= 0 && y <= 480)
        }
        // The axes end at ticks that cover the data.
        #expect(SVGChartTests.chart.yScale.upper >= 4_194_304)
        #expect(SVGChartTests.chart.xScale.lower == 0)
        #expect(SVGChartTests.chart.xScale.upper >= 2)
    }

    @Test func tickLabelsAppearInTheDocument() {
        let elements = parseXML(SVGChartTests.chart.svg())
        let yTicks = elements.filter { $0.ancestors.contains { $0["class"] == "y-ticks" } }.map(\.text)
        #expect(yTicks == SVGChartTests.chart.yScale.labels)
        #expect(yTicks.last == "5 MiB")
        let xTicks = elements.filter { $0.ancestors.contains { $0["class"] == "x-ticks" } }.map(\.text)
        #expect(xTicks.first == "0.00 s")
        #expect(xTicks.contains("2.00 s"))
    }

    @Test func outputIsDeterministic() {
        let a = SVGChartTests.chart.svg()
        let b = SVGChartTests.chart.svg()
        #expect(a == b)
        var copy = SVGChartTests.chart
        copy.series = copy.series.map { $0 }
        #expect(copy.svg() == a)
    }

    @Test func denseLinesAreThinnedKeepingPeaks() throws {
        // 100,000 points of a saw with one spike: far more than the plot's columns.
        var points: [ChartPoint] = []
        for i in 0..<100_000 { points.append(ChartPoint(x: Double(i), y: Double(i % 100))) }
        points[54_321].y = 1000
        let chart = LineChart(title: "dense", xAxis: Axis(title: "x", format: .number), yAxis: Axis(title: "y", format: .count),
                              series: [ChartSeries(name: "saw", points: points)])
        let svg = chart.svg()
        #expect(svg.utf8.count < 200_000)
        let line = try #require(parseXML(svg).first { $0.name == "polyline" })
        let drawn = polylinePoints(line)
        #expect(drawn.count <= 4 * Int(chart.plotArea.width) + 4)
        let spike = chart.pixel(points[54_321])
        #expect(drawn.contains { abs($0.1 - spike.y) < 0.01 })
        // In order of x.
        #expect(zip(drawn, drawn.dropFirst()).allSatisfy { $0.0 <= $1.0 })
    }

    @Test func scatterChartLabelsItsPoints() throws {
        let chart = ScatterChart(
            title: "trade-off",
            xAxis: Axis(title: "peak RSS", format: .bytes),
            yAxis: Axis(title: "wall time (s)", format: .seconds),
            points: [LabelledPoint(x: 100 * 1_048_576, y: 0.4, label: "longevity=100"),
                     LabelledPoint(x: 280 * 1_048_576, y: 0.8, label: "longevity=0 <never>")])
        let svg = chart.svg()
        #expect(svg == chart.svg())
        let elements = parseXML(svg)
        let groups = elements.filter { $0.attributes["class"] == "point" }
        #expect(groups.map { $0.attributes["data-label"] } == ["longevity=100", "longevity=0 <never>"])
        let circles = elements.filter { $0.name == "circle" }
        #expect(circles.count == 2)
        for (circle, point) in zip(circles, chart.points) {
            let expected = chart.pixel(point)
            #expect(abs(try #require(circle.number("cx")) - expected.x) < 0.01)
            #expect(abs(try #require(circle.number("cy")) - expected.y) < 0.01)
        }
        let labels = elements.filter { $0.name == "text" && $0.ancestors.contains { $0["class"] == "point" } }
        #expect(labels.map(\.text) == ["longevity=100", "longevity=0 <never>"])
        // The right-hand point's label goes to its left.
        #expect(labels[1].attributes["text-anchor"] == "end")
        let xTicks = elements.filter { $0.ancestors.contains { $0["class"] == "x-ticks" } }.map(\.text)
        #expect(xTicks == ["0 MiB", "50 MiB", "100 MiB", "150 MiB", "200 MiB", "250 MiB", "300 MiB"])
    }
}
