import AudioDSP
import Foundation
import Vocoders

/// A self-contained HTML page of one transfer: audio players for content, style and output, their spectrograms
/// side by side on one dB scale, and the content- and style-loss curves against steps — what the study showed on
/// its slides. Audio (16-bit WAV) and pictures (PNG) are embedded as base64 data, so the file can be mailed.
public enum StyleTransferReport {
    /// The page's HTML.
    ///
    /// - Parameters:
    ///   - result: the transfer.
    ///   - content: the content clip as given to the session (embedded as 16-bit WAV).
    ///   - style: the style clip as given to the session.
    ///   - title: the page heading (e.g. the preset and file names).
    ///   - details: lines shown under the heading (settings, timings).
    /// - Throws: AudioDSP's errors if a picture or a clip cannot be encoded.
    public static func html(for result: StyleTransferResult, content: Waveform, style: Waveform, title: String,
                            details: [String] = []) throws -> String {
        let panels = [("Content", result.content, content), ("Style", result.style, style),
                      ("Output", result.output, result.waveform)]
        let (pictures, clips) = try inTemporaryFolder { folder -> ([String], [String]) in
            let urls = panels.map { folder.appendingPathComponent("\($0.0).png") }
            try SpectrogramPictures.writeColorMapped(zip(panels, urls).map { (features: $0.1, url: $1) })
            let clips = try panels.map { panel in
                let url = folder.appendingPathComponent("\(panel.0).wav")
                try AudioFile.write(panel.2, to: url, format: .wav16)
                return try Data(contentsOf: url).base64EncodedString()
            }
            return (try urls.map { try Data(contentsOf: $0).base64EncodedString() }, clips)
        }
        var figures = ""
        for ((name, _, _), (picture, audio)) in zip(panels, zip(pictures, clips)) {
            figures += """
                <figure><figcaption>\(name)</figcaption>
                <img src="data:image/png;base64,\(picture)" alt="\(name) spectrogram">
                <audio controls src="data:audio/wav;base64,\(audio)"></audio></figure>

                """
        }
        let detailList = details.map { "<li>\(escaped($0))</li>" }.joined()
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(escaped(title))</title>
            <style>
            body { font-family: system-ui, sans-serif; margin: 2em; color: #222; }
            .row { display: flex; flex-wrap: wrap; gap: 1.5em; }
            figure { margin: 0; } figcaption { font-weight: 600; margin-bottom: .3em; }
            img { display: block; height: 260px; max-width: 32vw; image-rendering: pixelated; border: 1px solid #ccc; }
            audio { width: 100%; margin-top: .4em; }
            svg { background: #fafafa; border: 1px solid #ddd; }
            </style></head><body>
            <h1>\(escaped(title))</h1><ul>\(detailList)</ul>
            <div class="row">\(figures)</div>
            <h2>Losses</h2>
            <div class="row">\(LossChart.svg(result.history, title: "Content loss", value: \.contentLoss, color: "#1f77b4"))
            \(LossChart.svg(result.history, title: "Style loss", value: \.styleLoss, color: "#d62728"))</div>
            <p>Spectrograms: 80 dB range shared by the three pictures, low frequencies at the bottom. Loss curves:
            weighted losses against steps (log scale), one line per chunk.</p>
            </body></html>

            """
    }

    /// Writes the page to `url` atomically.
    public static func write(_ result: StyleTransferResult, content: Waveform, style: Waveform, title: String,
                             details: [String] = [], to url: URL) throws {
        let page = try html(for: result, content: content, style: style, title: title, details: details)
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
