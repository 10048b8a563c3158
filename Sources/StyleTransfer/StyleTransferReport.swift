import AudioDSP
import Foundation
import Vocoders

/// A self-contained HTML page of one transfer: the ``TransferMeasures`` in a table, audio players for content, style
/// and output, their spectrograms one above the other on one dB scale (time axis in seconds, frequency axis in Hz,
/// colour bar in dB, drawn as inline SVG around the pictures), and the content- and style-loss curves against steps.
/// Audio (16-bit WAV) and pictures (PNG) are embedded as base64 data, so the file can be mailed.
public enum StyleTransferReport {
    /// The page's HTML.
    ///
    /// - Parameters:
    ///   - result: the transfer.
    ///   - content: the content clip as given to the session (embedded as 16-bit WAV).
    ///   - style: the style clip as given to the session.
    ///   - measures: the transfer's measures (``TransferMeasures/init(output:content:style:)`` of `result.waveform`,
    ///     `content` and `style`), or `nil` when they could not be taken (the page says so).
    ///   - title: the page heading (e.g. the preset and file names).
    ///   - details: lines shown under the heading (settings, timings).
    /// - Throws: AudioDSP's errors if a picture or a clip cannot be encoded.
    public static func html(for result: StyleTransferResult, content: Waveform, style: Waveform,
                            measures: TransferMeasures?, title: String, details: [String] = []) throws -> String {
        let panels = [("Content", result.content, content), ("Style", result.style, style),
                      ("Output", result.output, result.waveform)]
        let colorMap = ColorMap.default
        let (pictures, clips, decibelRange) = try inTemporaryFolder { folder -> ([String], [String], ClosedRange<Float>) in
            let urls = panels.map { folder.appendingPathComponent("\($0.0).png") }
            let range = try SpectrogramImage.writeColorMapped(zip(panels, urls).map { (features: $0.1, url: $1) },
                                                              colorMap: colorMap)
            let clips = try panels.map { panel in
                let url = folder.appendingPathComponent("\(panel.0).wav")
                try AudioFile.write(panel.2, to: url, format: .wav16)
                return try Data(contentsOf: url).base64EncodedString()
            }
            return (try urls.map { try Data(contentsOf: $0).base64EncodedString() }, clips, range)
        }
        var figures = ""
        for ((name, features, _), (picture, audio)) in zip(panels, zip(pictures, clips)) {
            let figure = SpectrogramFigure.svg(
                png: picture, name: name, frontEnd: features.frontEnd,
                frameCount: features.spectrogram.frameCount, decibelRange: decibelRange, colorMap: colorMap)
            figures += """
                <figure><figcaption>\(name)</figcaption>
                \(figure)
                <audio controls src="data:audio/wav;base64,\(audio)"></audio></figure>

                """
        }
        let detailList = details.map { "<li>\(escaped($0))</li>" }.joined()
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escaped(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; max-width: 1200px; }
            .row { display: flex; flex-wrap: wrap; gap: 1.5em; }
            figure { margin: 0 0 1.5em 0; } figcaption { font-weight: 600; margin-bottom: .3em; }
            svg.spectrogram { display: block; width: 100%; height: auto; }
            audio { width: 100%; margin-top: .4em; }
            svg { background: #fafafa; border: 1px solid #ddd; }
            table.measures { border-collapse: collapse; margin: 1em 0; }
            table.measures th, table.measures td { border: 1px solid #ccc; padding: .35em .7em; text-align: left; }
            table.measures td.value { text-align: right; font-variant-numeric: tabular-nums; font-weight: 600; }
            </style></head><body>
            <h1>\(escaped(title))</h1><ul>\(detailList)</ul>
            <h2>Measures</h2>
            \(measuresTable(measures))
            <h2>Spectrograms</h2>
            \(figures)
            <p>One dB scale (the colour bar) for the three pictures: 80 dB below the loudest cell among them up to it.</p>
            <h2>Losses</h2>
            \(lossCharts(result.history))
            </body></html>

            """
    }

    /// The content and style loss curves, or a note when the configuration ran no optimisation step.
    private static func lossCharts(_ history: [StepReport]) -> String {
        guard !history.isEmpty else { return "<p>No optimisation steps (the configuration has 0 steps).</p>" }
        return """
            <div class="row">\(LossChart.svg(history, title: "Content loss", value: \.contentLoss, color: "#1f77b4"))
            \(LossChart.svg(history, title: "Style loss", value: \.styleLoss, color: "#d62728"))</div>
            <p>Loss curves: weighted losses against steps (log scale), one line per chunk.</p>
            """
    }

    /// The measures as an HTML table, one row per measure with its value and how to read it.
    private static func measuresTable(_ measures: TransferMeasures?) -> String {
        guard let measures else {
            return "<p>Not measured: a clip was silent, empty or too short for the measures (see the summary line).</p>"
        }
        func value(_ number: Double) -> String { number.isInfinite ? "∞" : String(format: "%.3f", number) }
        let rows: [(String, Double, String)] = [
            ("Band-Gram ratio", measures.gramRatio,
             "style texture (log-mel band correlations): 1 = unchanged, lower is closer to the style, 0 = the style's; "
                + "the style voice saying the same words scores 0.15–0.45"),
            ("Timbre progress", measures.timbreProgress,
             "mean MFCC on the content → style axis: 0 = the content's timbre, 1 = the style's"),
            ("Timbre ratio", measures.timbreRatio,
             "MFCC distance to the style ÷ distance to the content: below 1 = closer to the style, ∞ = unchanged"),
            ("STOI", measures.stoi,
             "intelligibility against the content (10 kHz): 1 = the content's envelopes, ≥ 0.8 keeps the words"),
        ] + (measures.f0ShiftTowardStyle.map { shift in
            [("F0 shift toward the style", shift,
              "median pitch moved toward the style's, in semitones: 0 = the content's, 1 = the style's"
                + String(format: " (%.0f → %.0f Hz; the style %.0f Hz)", measures.contentMedianFrequency ?? 0,
                         measures.outputMedianFrequency ?? 0, measures.styleMedianFrequency ?? 0))]
        } ?? [])
        let body = rows.map { name, number, meaning in
            "<tr><th>\(name)</th><td class=\"value\">\(value(number))</td><td>\(escaped(meaning))</td></tr>"
        }.joined(separator: "\n")
        return """
            <table class="measures">
            <thead><tr><th>measure</th><th>value</th><th>how to read it</th></tr></thead>
            <tbody>
            \(body)
            </tbody></table>
            <p>Computed on the audio with the formulas of the project's independent judge; read them together (noise can
            move one while the others move away).</p>
            """
    }

    /// Writes the page to `url` atomically.
    public static func write(_ result: StyleTransferResult, content: Waveform, style: Waveform,
                             measures: TransferMeasures?, title: String, details: [String] = [], to url: URL) throws {
        let page = try html(for: result, content: content, style: style, measures: measures, title: title,
                            details: details)
        try writeAtomically(Data(page.utf8), to: url)
    }

    /// Runs `body` with a fresh temporary folder (for the encoders that write files) and removes it afterwards.
    private static func inTemporaryFolder<T>(_ body: (URL) throws -> T) throws -> T {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("styletransfer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try body(folder)
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
