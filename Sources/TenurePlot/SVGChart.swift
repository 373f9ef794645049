// A small SVG chart writer without dependencies: line and step charts over
// time with grey bands (the program's phases), and labelled scatter plots.
//
// The figures are the 2010 PyPy article's (one panel, time on x, phases as
// grey bars), so this writes exactly that and nothing more: a title, a legend
// row under it, one plot area with tick labels a person can read (seconds,
// KiB/MiB/GiB, counts with thousands separators), and the series. Output is
// deterministic (numbers are formatted without the locale, series and bands
// in the order given) so that figures can be compared and tested, and text is
// escaped. Lines with more points than the plot has pixels are thinned per
// pixel column, keeping each column's first, lowest, highest and last point,
// so that peaks survive and files stay small.
import Foundation

/// How the values of an axis are written in tick labels.
public enum ValueFormat: Sendable, Equatable {
    /// Seconds: "0.25 s".
    case seconds
    /// Bytes in the unit that suits the axis: "512 KiB", "200 MiB", "1.5 GiB".
    case bytes
    /// Whole counts with thousands separators: "12,000". Ticks are whole numbers.
    case count
    /// Plain numbers.
    case number
}

/// One axis: its title and how its values are written.
public struct Axis: Sendable, Equatable {
    public var title: String
    public var format: ValueFormat
    /// The smallest value shown; nil: 0, or the data's minimum if it is negative.
    public var lower: Double?
    /// The largest value shown at least; nil: the data's maximum. The axis ends at the next tick.
    public var upper: Double?

    public init(title: String, format: ValueFormat, lower: Double? = nil, upper: Double? = nil) {
        self.title = title
        self.format = format
        self.lower = lower
        self.upper = upper
    }
}

/// A point of a series, in data units.
public struct ChartPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double

    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// How a series is drawn.
public enum SeriesStyle: String, Sendable, Equatable {
    /// Straight segments between the points.
    case line
    /// Each value held until the next point (a count that changes at events).
    case step
    /// A dot at each point.
    case points
    /// Segments and a dot at each point.
    case lineAndPoints = "line-and-points"
}

/// A named series.
public struct ChartSeries: Sendable, Equatable {
    public var name: String
    public var points: [ChartPoint]
    public var style: SeriesStyle
    /// An SVG colour; nil: the next colour of the palette.
    public var color: String?

    public init(name: String, points: [ChartPoint], style: SeriesStyle = .line, color: String? = nil) {
        self.name = name
        self.points = points
        self.style = style
        self.color = color
    }
}

/// A grey vertical band over an interval of x, with a label (a phase).
public struct ChartBand: Sendable, Equatable {
    public var start: Double
    public var end: Double
    public var label: String

    public init(start: Double, end: Double, label: String) {
        self.start = start
        self.end = end
        self.label = label
    }
}

/// The ticks of one axis: the range shown and the labelled values.
public struct AxisScale: Sendable, Equatable {
    /// The ends of the axis, in data units (both are ticks).
    public var lower: Double
    public var upper: Double
    /// The distance between ticks, in data units.
    public var step: Double
    /// The tick values, from `lower` to `upper`.
    public var ticks: [Double]
    /// The tick labels.
    public var labels: [String]

    /// Ticks at a round step (1, 2, 2.5 or 5 times a power of ten, in the
    /// axis's unit) covering `lower...upper` with about `target` intervals.
    public init(lower: Double, upper: Double, format: ValueFormat, target: Int = 5) {
        var lo = lower.isFinite ? lower : 0
        var hi = upper.isFinite ? upper : 1
        if hi < lo { swap(&lo, &hi) }
        let unit = AxisScale.unit(for: Swift.max(abs(lo), abs(hi)), format: format)
        if hi - lo <= 0 {
            // One value: a range around it (from 0 when it is positive).
            if hi > 0 { lo = Swift.min(lo, 0) } else if hi < 0 { hi = 0 } else { hi = unit.scale }
            if hi - lo <= 0 { hi = lo + unit.scale }
        }
        let span = (hi - lo) / unit.scale
        var step = AxisScale.roundStep(span / Double(Swift.max(1, target)), allowQuarter: format != .count)
        if format == .count { step = Swift.max(1, step) }
        let first = (lo / unit.scale / step).rounded(.down)
        let last = (hi / unit.scale / step).rounded(.up)
        let count = Int(last - first)
        var ticks: [Double] = []
        for i in 0...Swift.max(1, count) { ticks.append((first + Double(i)) * step * unit.scale) }
        self.lower = ticks.first!
        self.upper = ticks.last!
        self.step = step * unit.scale
        self.ticks = ticks
        let decimals = AxisScale.decimals(for: step)
        self.labels = ticks.map { AxisScale.label($0 / unit.scale, decimals: decimals, unit: unit.name, format: format) }
    }

    /// The unit of an axis whose values reach `magnitude`: its size and name.
    static func unit(for magnitude: Double, format: ValueFormat) -> (scale: Double, name: String) {
        switch format {
        case .bytes:
            for (scale, name) in [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] where magnitude >= Double(scale) {
                return (Double(scale), name)
            }
            return (1, "B")
        case .seconds: return (1, "s")
        case .count, .number: return (1, "")
        }
    }

    /// The round step (1, 2, 2.5, 5 times a power of ten) at or above `raw`.
    static func roundStep(_ raw: Double, allowQuarter: Bool) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        let residual = raw / magnitude
        let multiples: [Double] = allowQuarter ? [1, 2, 2.5, 5, 10] : [1, 2, 5, 10]
        let m = multiples.first { residual <= $0 * (1 + 1e-9) } ?? 10
        return m * magnitude
    }

    /// The digits after the point that multiples of `step` need.
    static func decimals(for step: Double) -> Int {
        var d = 0
        while d < 9 {
            let scaled = step * pow(10, Double(d))
            if abs(scaled - scaled.rounded()) < 1e-6 * Swift.max(1, scaled) { break }
            d += 1
        }
        return d
    }

    /// One tick label.
    static func label(_ value: Double, decimals: Int, unit: String, format: ValueFormat) -> String {
        switch format {
        case .count:
            return grouped(Int(value.rounded()))
        case .number:
            return fixed(value, decimals)
        case .seconds, .bytes:
            return fixed(value, decimals) + " " + unit
        }
    }
}

/// `value` with `digits` digits after the point, without the locale ("-0" written "0").
public func fixed(_ value: Double, _ digits: Int) -> String {
    guard value.isFinite else { return "0" }
    let scale = pow(10, Double(digits))
    let n = (abs(value) * scale).rounded()
    guard n < 9e18 else { return value < 0 ? "-" + String(format: "%.0f", abs(value)) : String(format: "%.0f", value) }
    let whole = Int(n)
    let negative = value < 0 && whole != 0
    var text = String(whole)
    if digits > 0 {
        if text.count <= digits { text = String(repeating: "0", count: digits - text.count + 1) + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
    }
    return (negative ? "-" : "") + text
}

/// An integer with a comma every three digits: "12,345".
public func grouped(_ n: Int) -> String {
    let digits = String(n.magnitude)
    var out = ""
    for (i, c) in digits.enumerated() {
        if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
        out.append(c)
    }
    return (n < 0 ? "-" : "") + out
}

/// `text` escaped for XML text and attribute values.
public func xmlEscaped(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.count)
    for c in text.unicodeScalars {
        switch c {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&apos;"
        default:
            // Control characters other than tab and newline are not allowed in XML 1.0.
            if c.value < 0x20 && c != "\t" && c != "\n" { out += " " } else { out.unicodeScalars.append(c) }
        }
    }
    return out
}

/// A coordinate with at most two decimals.
func coordinate(_ v: Double) -> String {
    var s = fixed(v, 2)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s == "-0" ? "0" : s
}

/// Where a chart draws: the plot area inside the picture, in pixels.
public struct PlotArea: Sendable, Equatable {
    public var left: Double
    public var top: Double
    public var right: Double
    public var bottom: Double

    public var width: Double { right - left }
    public var height: Double { bottom - top }
}

/// The colours given to series without one, in order.
public let chartPalette = ["#1f77b4", "#d62728", "#8c564b", "#e0a800", "#2ca02c", "#9467bd", "#17becf", "#7f7f7f"]

/// The frame shared by both charts: size, plot area, scales, and the SVG around them.
struct ChartFrame {
    let width: Int
    let height: Int
    let area: PlotArea
    let x: AxisScale
    let y: AxisScale
    let xAxis: Axis
    let yAxis: Axis

    /// The y axis reaches 5% past the highest value, so that no line runs
    /// along the top edge; `xHeadroom` does the same for x (scatter plots).
    init(width: Int, height: Int, xAxis: Axis, yAxis: Axis, xs: [Double], ys: [Double], xHeadroom: Bool = false) {
        self.width = width
        self.height = height
        self.xAxis = xAxis
        self.yAxis = yAxis
        area = PlotArea(left: 84, top: 64, right: Double(width) - 28, bottom: Double(height) - 56)
        func range(_ values: [Double], _ axis: Axis, headroom: Bool) -> (Double, Double) {
            let finite = values.filter(\.isFinite)
            let lo = axis.lower ?? Swift.min(0, finite.min() ?? 0)
            var hi = Swift.max(axis.upper ?? -Double.infinity, finite.max() ?? -Double.infinity)
            if headroom && hi.isFinite && hi > lo { hi += 0.05 * (hi - lo) }
            return (lo, hi.isFinite ? hi : lo)
        }
        let (x0, x1) = range(xs, xAxis, headroom: xHeadroom)
        let (y0, y1) = range(ys, yAxis, headroom: true)
        x = AxisScale(lower: x0, upper: x1, format: xAxis.format, target: 8)
        y = AxisScale(lower: y0, upper: y1, format: yAxis.format, target: 5)
    }

    /// The pixel column of `value`.
    func px(_ value: Double) -> Double { area.left + (value - x.lower) / (x.upper - x.lower) * area.width }

    /// The pixel row of `value`.
    func py(_ value: Double) -> Double { area.bottom - (value - y.lower) / (y.upper - y.lower) * area.height }

    /// The opening of the document: header, title element, background, title text.
    func open(title: String, kind: String) -> [String] {
        let t = xmlEscaped(title)
        return [
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>",
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" "
                + "font-family=\"Helvetica, Arial, sans-serif\" class=\"\(kind)\">",
            "<title>\(t)</title>",
            "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(width)\" height=\"\(height)\" fill=\"#ffffff\"/>",
            "<text class=\"title\" x=\"\(coordinate(Double(width) / 2))\" y=\"26\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(t)</text>",
        ]
    }

    /// Grid lines, axes, tick labels and axis titles.
    func axes() -> [String] {
        var out = ["<g class=\"grid\" stroke=\"#dddddd\" stroke-width=\"1\">"]
        for v in y.ticks.dropFirst() {
            out.append("<line x1=\"\(coordinate(area.left))\" y1=\"\(coordinate(py(v)))\" x2=\"\(coordinate(area.right))\" y2=\"\(coordinate(py(v)))\"/>")
        }
        out.append("</g>")
        out.append("<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\">")
        out.append("<line x1=\"\(coordinate(area.left))\" y1=\"\(coordinate(area.bottom))\" x2=\"\(coordinate(area.right))\" y2=\"\(coordinate(area.bottom))\"/>")
        out.append("<line x1=\"\(coordinate(area.left))\" y1=\"\(coordinate(area.top))\" x2=\"\(coordinate(area.left))\" y2=\"\(coordinate(area.bottom))\"/>")
        for v in x.ticks {
            out.append("<line x1=\"\(coordinate(px(v)))\" y1=\"\(coordinate(area.bottom))\" x2=\"\(coordinate(px(v)))\" y2=\"\(coordinate(area.bottom + 5))\"/>")
        }
        for v in y.ticks {
            out.append("<line x1=\"\(coordinate(area.left - 5))\" y1=\"\(coordinate(py(v)))\" x2=\"\(coordinate(area.left))\" y2=\"\(coordinate(py(v)))\"/>")
        }
        out.append("</g>")
        out.append("<g class=\"x-ticks\" font-size=\"12\" fill=\"#333333\" text-anchor=\"middle\">")
        for (v, label) in zip(x.ticks, x.labels) {
            out.append("<text x=\"\(coordinate(px(v)))\" y=\"\(coordinate(area.bottom + 19))\">\(xmlEscaped(label))</text>")
        }
        out.append("</g>")
        out.append("<g class=\"y-ticks\" font-size=\"12\" fill=\"#333333\" text-anchor=\"end\">")
        for (v, label) in zip(y.ticks, y.labels) {
            out.append("<text x=\"\(coordinate(area.left - 8))\" y=\"\(coordinate(py(v) + 4))\">\(xmlEscaped(label))</text>")
        }
        out.append("</g>")
        out.append("<text class=\"x-title\" x=\"\(coordinate((area.left + area.right) / 2))\" y=\"\(height - 14)\" "
            + "text-anchor=\"middle\" font-size=\"13\">\(xmlEscaped(xAxis.title))</text>")
        let yMid = coordinate((area.top + area.bottom) / 2)
        out.append("<text class=\"y-title\" x=\"18\" y=\"\(yMid)\" transform=\"rotate(-90 18 \(yMid))\" "
            + "text-anchor=\"middle\" font-size=\"13\">\(xmlEscaped(yAxis.title))</text>")
        return out
    }

    /// A clip path for the plot area, referenced as url(#plot-area).
    func clip() -> String {
        "<defs><clipPath id=\"plot-area\"><rect x=\"\(coordinate(area.left))\" y=\"\(coordinate(area.top))\" "
            + "width=\"\(coordinate(area.width))\" height=\"\(coordinate(area.height))\"/></clipPath></defs>"
    }
}

/// Estimated width in pixels of `text` in a sans-serif font of `size`.
func textWidth(_ text: String, size: Double) -> Double { Double(text.count) * size * 0.58 }

/// A line or step chart over one x axis, with a legend and optional bands.
public struct LineChart: Sendable {
    public var title: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var series: [ChartSeries]
    public var bands: [ChartBand]
    public var width: Int
    public var height: Int

    public init(title: String, xAxis: Axis, yAxis: Axis, series: [ChartSeries], bands: [ChartBand] = [],
                width: Int = 960, height: Int = 480) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.series = series
        self.bands = bands
        self.width = width
        self.height = height
    }

    /// The frame: scales from every series' points and every band.
    var frame: ChartFrame {
        let xs = series.flatMap { $0.points.map(\.x) } + bands.flatMap { [$0.start, $0.end] }
        return ChartFrame(width: width, height: height, xAxis: xAxis, yAxis: yAxis,
                          xs: xs, ys: series.flatMap { $0.points.map(\.y) })
    }

    /// The plot area in pixels.
    public var plotArea: PlotArea { frame.area }
    /// The x axis's ticks.
    public var xScale: AxisScale { frame.x }
    /// The y axis's ticks.
    public var yScale: AxisScale { frame.y }

    /// The pixel position of a data point.
    public func pixel(_ p: ChartPoint) -> (x: Double, y: Double) {
        let f = frame
        return (f.px(p.x), f.py(p.y))
    }

    /// The chart as an SVG document.
    public func svg() -> String {
        let f = frame
        var out = f.open(title: title, kind: "line-chart")
        out.append(f.clip())
        out += bandElements(f)
        out += f.axes()
        for (i, s) in series.enumerated() {
            out += seriesElements(s, color: s.color ?? chartPalette[i % chartPalette.count], frame: f)
        }
        out += legend(f)
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The bands, alternately darker and lighter grey, with labels written
    /// upwards from the top of the plot where there is room for them.
    func bandElements(_ f: ChartFrame) -> [String] {
        guard !bands.isEmpty else { return [] }
        var out = ["<g class=\"bands\">"]
        var labels: [String] = []
        var lastLabelX = -Double.infinity
        for (i, b) in bands.enumerated() {
            let x0 = Swift.max(f.area.left, Swift.min(f.area.right, f.px(b.start)))
            let x1 = Swift.max(f.area.left, Swift.min(f.area.right, f.px(b.end)))
            let fill = i % 2 == 0 ? "#e4e4e4" : "#f1f1f1"
            out.append("<rect class=\"band\" data-label=\"\(xmlEscaped(b.label))\" x=\"\(coordinate(x0))\" y=\"\(coordinate(f.area.top))\" "
                + "width=\"\(coordinate(Swift.max(0, x1 - x0)))\" height=\"\(coordinate(f.area.height))\" fill=\"\(fill)\"/>")
            // Written upwards, the glyphs of a label lie left of its baseline:
            // 12 px in, they start 2 px right of the band's left edge.
            let labelX = x0 + 12
            if labelX - lastLabelX >= 14 && labelX <= f.area.right {
                let top = coordinate(f.area.top + 6)
                labels.append("<text class=\"band-label\" x=\"\(coordinate(labelX))\" y=\"\(top)\" transform=\"rotate(-90 \(coordinate(labelX)) \(top))\" "
                    + "text-anchor=\"end\" font-size=\"10\" fill=\"#666666\">\(xmlEscaped(b.label))</text>")
                lastLabelX = labelX
            }
        }
        // The labels after every band, so that no band covers a label.
        out += labels
        out.append("</g>")
        return out
    }

    /// One series: a polyline and/or dots, clipped to the plot area.
    func seriesElements(_ s: ChartSeries, color: String, frame f: ChartFrame) -> [String] {
        var out = ["<g class=\"series\" data-name=\"\(xmlEscaped(s.name))\" data-style=\"\(s.style.rawValue)\" clip-path=\"url(#plot-area)\">"]
        let pixels = s.points.map { (f.px($0.x), f.py($0.y)) }
        if s.style != .points && pixels.count > 1 {
            var path = pixels
            if s.style == .step {
                path = []
                for (i, p) in pixels.enumerated() {
                    if i > 0 { path.append((p.0, pixels[i - 1].1)) }
                    path.append(p)
                }
            }
            path = LineChart.thinned(path, columns: Int(f.area.width))
            let text = path.map { "\(coordinate($0.0)),\(coordinate($0.1))" }.joined(separator: " ")
            out.append("<polyline fill=\"none\" stroke=\"\(xmlEscaped(color))\" stroke-width=\"1.5\" stroke-linejoin=\"round\" points=\"\(text)\"/>")
        }
        if s.style == .points || s.style == .lineAndPoints || pixels.count == 1 {
            for p in pixels {
                out.append("<circle cx=\"\(coordinate(p.0))\" cy=\"\(coordinate(p.1))\" r=\"3\" fill=\"\(xmlEscaped(color))\"/>")
            }
        }
        out.append("</g>")
        return out
    }

    /// The legend row under the title: a swatch and the name of each series
    /// ("(no data)" after a series without points).
    func legend(_ f: ChartFrame) -> [String] {
        guard !series.isEmpty else { return [] }
        var out = ["<g class=\"legend\" font-size=\"12\" fill=\"#333333\">"]
        var x = f.area.left
        let y = 46.0
        for (i, s) in series.enumerated() {
            let color = xmlEscaped(s.color ?? chartPalette[i % chartPalette.count])
            let name = s.name + (s.points.isEmpty ? " (no data)" : "")
            out.append("<g class=\"legend-entry\" data-name=\"\(xmlEscaped(s.name))\">")
            if s.style != .points {
                out.append("<line x1=\"\(coordinate(x))\" y1=\"\(coordinate(y - 4))\" x2=\"\(coordinate(x + 22))\" y2=\"\(coordinate(y - 4))\" stroke=\"\(color)\" stroke-width=\"2\"/>")
            }
            if s.style == .points || s.style == .lineAndPoints {
                out.append("<circle cx=\"\(coordinate(x + 11))\" cy=\"\(coordinate(y - 4))\" r=\"3\" fill=\"\(color)\"/>")
            }
            out.append("<text x=\"\(coordinate(x + 28))\" y=\"\(coordinate(y))\">\(xmlEscaped(name))</text>")
            out.append("</g>")
            x += 28 + textWidth(name, size: 12) + 24
        }
        out.append("</g>")
        return out
    }

    /// `path` with at most four points per pixel column: each column's
    /// first, lowest, highest and last (in order of x), when it has more
    /// points than four times `columns`; otherwise unchanged.
    static func thinned(_ path: [(Double, Double)], columns: Int) -> [(Double, Double)] {
        guard path.count > 4 * Swift.max(1, columns) else { return path }
        var out: [(Double, Double)] = []
        var start = 0
        while start < path.count {
            let column = path[start].0.rounded(.down)
            var end = start
            var low = start, high = start
            while end + 1 < path.count && path[end + 1].0.rounded(.down) == column {
                end += 1
                if path[end].1 < path[low].1 { low = end }
                if path[end].1 > path[high].1 { high = end }
            }
            for i in Set([start, low, high, end]).sorted() { out.append(path[i]) }
            start = end + 1
        }
        return out
    }
}

/// A point of a scatter plot, with its label.
public struct LabelledPoint: Sendable, Equatable {
    public var x: Double
    public var y: Double
    public var label: String

    public init(x: Double, y: Double, label: String) {
        self.x = x
        self.y = y
        self.label = label
    }
}

/// A scatter plot of labelled points (a space/time trade-off: one point a run).
public struct ScatterChart: Sendable {
    public var title: String
    public var xAxis: Axis
    public var yAxis: Axis
    public var points: [LabelledPoint]
    public var color: String
    public var width: Int
    public var height: Int

    public init(title: String, xAxis: Axis, yAxis: Axis, points: [LabelledPoint], color: String = chartPalette[0],
                width: Int = 960, height: Int = 480) {
        self.title = title
        self.xAxis = xAxis
        self.yAxis = yAxis
        self.points = points
        self.color = color
        self.width = width
        self.height = height
    }

    var frame: ChartFrame {
        ChartFrame(width: width, height: height, xAxis: xAxis, yAxis: yAxis, xs: points.map(\.x), ys: points.map(\.y),
                   xHeadroom: true)
    }

    /// The plot area in pixels.
    public var plotArea: PlotArea { frame.area }

    /// The pixel position of a point.
    public func pixel(_ p: LabelledPoint) -> (x: Double, y: Double) {
        let f = frame
        return (f.px(p.x), f.py(p.y))
    }

    /// The chart as an SVG document. Labels go right of their point, or left
    /// of it in the right quarter of the plot.
    public func svg() -> String {
        let f = frame
        var out = f.open(title: title, kind: "scatter-chart")
        out += f.axes()
        out.append("<g class=\"points\" font-size=\"11\" fill=\"#333333\">")
        for p in points {
            let (x, y) = (f.px(p.x), f.py(p.y))
            let left = x > f.area.left + 0.75 * f.area.width
            out.append("<g class=\"point\" data-label=\"\(xmlEscaped(p.label))\">")
            out.append("<circle cx=\"\(coordinate(x))\" cy=\"\(coordinate(y))\" r=\"4\" fill=\"\(xmlEscaped(color))\"/>")
            out.append("<text x=\"\(coordinate(left ? x - 7 : x + 7))\" y=\"\(coordinate(y - 6))\" text-anchor=\"\(left ? "end" : "start")\">\(xmlEscaped(p.label))</text>")
            out.append("</g>")
        }
        out.append("</g>")
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }
}
