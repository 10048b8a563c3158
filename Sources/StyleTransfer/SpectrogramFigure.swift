import AudioDSP
import Foundation

/// A spectrogram picture as inline SVG for the HTML report: the PNG stretched over the plot area, a time axis in
/// seconds and a frequency axis in Hz with ticks and labels, and a colour bar with its dB scale. Everything but the
/// PNG is vector (SVG text), since the library has no font rasteriser. The SVG scales to the page width.
enum SpectrogramFigure {
    /// Layout in SVG user units (the figure is `width × height`, scaled to the page width by CSS).
    private static let width = 1000.0, height = 340.0
    private static let plot = (x: 78.0, y: 12.0, width: 812.0, height: 280.0)
    private static let bar = (x: 912.0, width: 18.0)

    /// - Parameters:
    ///   - png: the picture's PNG bytes, base64 (as ``AudioDSP/SpectrogramImage`` writes them: one pixel per frame
    ///     and row, the lowest frequency at the bottom).
    ///   - name: the panel's name, for the alternative text.
    ///   - frontEnd: the picture's analysis (rows, sample rate, hop).
    ///   - frameCount: columns of the picture.
    ///   - decibelRange: the dB values of the colour map's ends.
    ///   - colorMap: the picture's colour map.
    static func svg(png: String, name: String, frontEnd: FrontEnd, frameCount: Int,
                    decibelRange: ClosedRange<Float>, colorMap: ColorMap) -> String {
        let rows = Double(frontEnd.rowCount), columns = Double(max(frameCount, 1))
        let bottom = plot.y + plot.height
        // Row coordinate r (0 = centre of the bottom row) and frame coordinate f (0 = centre of the first column).
        func y(row: Double) -> Double { plot.y + plot.height * (rows - 0.5 - row) / rows }
        func x(frame: Double) -> Double { plot.x + plot.width * (frame + 0.5) / columns }
        func x(seconds: Double) -> Double { x(frame: seconds / frontEnd.time(atFrame: 1)) }

        var parts = [String]()
        parts.append("""
            <image x="\(plot.x)" y="\(plot.y)" width="\(plot.width)" height="\(plot.height)" preserveAspectRatio="none" \
            style="image-rendering:pixelated" href="data:image/png;base64,\(png)"><title>\(name) spectrogram</title></image>
            <rect x="\(plot.x)" y="\(plot.y)" width="\(plot.width)" height="\(plot.height)" fill="none" stroke="#555"/>
            """)

        // Time axis: a tick every 0.1 … 60 s, at most about ten.
        let duration = frontEnd.time(atFrame: columns - 0.5)
        let timeStep = [0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60].first { duration / $0 <= 10 } ?? 120
        for tick in stride(from: 0, through: duration, by: timeStep) {
            let position = x(seconds: tick)
            guard position <= plot.x + plot.width else { continue }
            parts.append(tickLine(x1: position, y1: bottom, x2: position, y2: bottom + 5)
                         + label(x: position, y: bottom + 18, anchor: "middle", text: number(tick)))
        }
        parts.append(label(x: plot.x + plot.width / 2, y: bottom + 38, anchor: "middle", text: "Time (s)"))

        // Frequency axis: round frequencies inside the picture (octaves for mel rows, even steps for linear ones).
        for frequency in frequencyTicks(frontEnd) {
            let row = frontEnd.row(ofFrequency: frequency)
            guard row >= -0.5, row <= rows - 0.5 else { continue }
            let position = y(row: row)
            parts.append(tickLine(x1: plot.x - 5, y1: position, x2: plot.x, y2: position)
                         + label(x: plot.x - 8, y: position + 4, anchor: "end", text: number(frequency)))
        }
        parts.append("""
            <text x="16" y="\(plot.y + plot.height / 2)" font-size="13" text-anchor="middle" \
            transform="rotate(-90 16 \(plot.y + plot.height / 2))">Frequency (Hz)</text>
            """)

        // Colour bar: the map as a vertical gradient, dB ticks every 10 or 20 dB.
        let gradient = "colorbar-\(name.filter(\.isLetter).lowercased())"
        let stops = (0...16).map { index -> String in
            let level = Double(index) / 16
            let (r, g, b) = colorMap.color(at: min(255, Int((level * 255).rounded())))
            return "<stop offset=\"\(number(100 * level))%\" stop-color=\"rgb(\(r),\(g),\(b))\"/>"
        }
        parts.append("""
            <defs><linearGradient id="\(gradient)" x1="0" y1="1" x2="0" y2="0">\(stops.joined())</linearGradient></defs>
            <rect x="\(bar.x)" y="\(plot.y)" width="\(bar.width)" height="\(plot.height)" fill="url(#\(gradient))" stroke="#555"/>
            """)
        let (low, high) = (Double(decibelRange.lowerBound), Double(decibelRange.upperBound))
        let span = max(high - low, 1e-6)
        let decibelStep = span > 50 ? 20.0 : 10
        for tick in stride(from: (low / decibelStep).rounded(.up) * decibelStep, through: high, by: decibelStep) {
            let position = plot.y + plot.height * (high - tick) / span
            parts.append(tickLine(x1: bar.x + bar.width, y1: position, x2: bar.x + bar.width + 5, y2: position)
                         + label(x: bar.x + bar.width + 8, y: position + 4, anchor: "start", text: number(tick)))
        }
        parts.append(label(x: bar.x + bar.width / 2, y: bottom + 18, anchor: "middle", text: "dB"))

        return """
            <svg class="spectrogram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(Int(width)) \(Int(height))" \
            role="img" aria-label="\(name) spectrogram, time in seconds against frequency in Hz, colour in dB">
            \(parts.joined(separator: "\n"))
            </svg>
            """
    }

    /// Round frequencies for the axis: octaves from 125 Hz for mel rows, at most about eight even steps for linear
    /// ones (the caller keeps those inside the picture).
    private static func frequencyTicks(_ frontEnd: FrontEnd) -> [Double] {
        switch frontEnd.frequencyAxis {
        case .mel:
            return [0, 125, 250, 500, 1000, 2000, 4000, 8000, 16_000]
        case .linear:
            let top = frontEnd.frequencyRange.upperBound
            let step = [250.0, 500, 1000, 2000, 5000, 10_000].first { top / $0 <= 8 } ?? 20_000
            return Array(stride(from: 0, through: top, by: step))
        }
    }

    private static func tickLine(x1: Double, y1: Double, x2: Double, y2: Double) -> String {
        "<line x1=\"\(number(x1))\" y1=\"\(number(y1))\" x2=\"\(number(x2))\" y2=\"\(number(y2))\" stroke=\"#555\"/>"
    }

    private static func label(x: Double, y: Double, anchor: String, text: String) -> String {
        "<text x=\"\(number(x))\" y=\"\(number(y))\" font-size=\"12\" text-anchor=\"\(anchor)\">\(text)</text>"
    }

    /// A coordinate or tick value with at most two decimals and no trailing zeros.
    private static func number(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }
}
