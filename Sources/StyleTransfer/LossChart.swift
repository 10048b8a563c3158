import Foundation

/// Loss curves as inline SVG: one polyline per chunk against the global step number, log-scaled values.
enum LossChart {
    static func svg(_ history: [StepReport], title: String, value: KeyPath<StepReport, Float>, color: String,
                    width: Double = 480, height: Double = 260) -> String {
        let margin = (left: 64.0, right: 12.0, top: 28.0, bottom: 36.0)
        let points = history.enumerated().compactMap { index, report -> (Int, Int, Double)? in
            let v = Double(report[keyPath: value])
            return v > 0 && v.isFinite ? (report.chunk, index + 1, log10(v)) : nil
        }
        guard let low = points.map(\.2).min(), let high = points.map(\.2).max() else {
            return "<svg width=\"\(Int(width))\" height=\"\(Int(height))\"><text x=\"12\" y=\"20\">\(title): no positive values</text></svg>"
        }
        let span = max(high - low, 1e-6), steps = Double(max(history.count, 2) - 1)
        let plotWidth = width - margin.left - margin.right, plotHeight = height - margin.top - margin.bottom
        func x(_ step: Int) -> Double { margin.left + Double(step - 1) / steps * plotWidth }
        func y(_ logValue: Double) -> Double { margin.top + (high - logValue) / span * plotHeight }
        var lines = ""
        for chunk in Set(points.map(\.0)).sorted() {
            let coordinates = points.filter { $0.0 == chunk }.map { "\(format(x($0.1))),\(format(y($0.2)))" }
            lines += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" points=\"\(coordinates.joined(separator: " "))\"/>"
        }
        let axes = """
            <line x1="\(margin.left)" y1="\(margin.top)" x2="\(margin.left)" y2="\(height - margin.bottom)" stroke="#888"/>
            <line x1="\(margin.left)" y1="\(height - margin.bottom)" x2="\(width - margin.right)" y2="\(height - margin.bottom)" stroke="#888"/>
            <text x="\(margin.left - 6)" y="\(margin.top + 4)" text-anchor="end" font-size="11">\(scientific(high))</text>
            <text x="\(margin.left - 6)" y="\(height - margin.bottom)" text-anchor="end" font-size="11">\(scientific(low))</text>
            <text x="\(margin.left)" y="\(height - 12)" font-size="11">1</text>
            <text x="\(width - margin.right)" y="\(height - 12)" text-anchor="end" font-size="11">step \(history.count)</text>
            <text x="\(margin.left)" y="18" font-size="13" font-weight="600">\(title)</text>
            """
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\">\(axes)\(lines)</svg>"
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func scientific(_ logValue: Double) -> String { String(format: "%.2g", pow(10, logValue)) }
}
