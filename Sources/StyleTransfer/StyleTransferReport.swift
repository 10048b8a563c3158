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
        let range = SpectrogramPictures.sharedRange([result.content, result.style, result.output])
        var panels = ""
        for (name, features, waveform) in [("Content", result.content, content), ("Style", result.style, style),
                                           ("Output", result.output, result.waveform)] {
            let picture = try encoded("png") { try SpectrogramPictures.writeColorMapped(features, decibelRange: range, to: $0) }
            let audio = try encoded("wav") { url in
                try AudioFile.write(waveform, to: url, format: .wav16)
            }
            panels += """
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
            <div class="row">\(panels)</div>
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

    /// Writes a file through `write` into a temporary folder and returns its bytes as base64.
    private static func encoded(_ pathExtension: String, _ write: (URL) throws -> Void) throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("styletransfer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("file.\(pathExtension)")
        try write(url)
        return try Data(contentsOf: url).base64EncodedString()
    }

    private static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }
}
