import AudioDSP
import Backbones
import Foundation
import StyleTransfer
import TestSupport
import Vocoders
import XCTest

/// The HTML report: the measures table, and the pictures with readable axes and a colour bar.
final class StyleTransferReportTests: XCTestCase {
    private func transfer() async throws -> (StyleTransferResult, Waveform, Waveform) {
        func clip(_ name: String) throws -> Waveform {
            let full = try AudioFile.read(Samples.url(name), sampleRate: 22_050)
            return Waveform(samples: Array(full.samples.prefix(26_460)), sampleRate: 22_050)  // 1.2 s
        }
        let content = try clip("speech_male_us.wav"), style = try clip("speech_female_us.wav")
        let configuration = StyleTransferConfiguration(steps: 2)
        let session = try StyleTransferSession(
            featureExtractor: RandomCNN(seed: 0), vocoder: GriffinLimVocoder(frontEnd: configuration.frontEnd, iterations: 2),
            configuration: configuration)
        return (try await session.run(content: content, style: style), content, style)
    }

    private func count(_ fragment: String, in page: String) -> Int { page.components(separatedBy: fragment).count - 1 }

    func testPageHasTheMeasuresAndLabelledPictures() async throws {
        let (result, content, style) = try await transfer()
        let measures = try TransferMeasures(output: result.waveform, content: content, style: style)
        let page = try StyleTransferReport.html(for: result, content: content, style: style, measures: measures,
                                                title: "a <test>")
        XCTAssertTrue(page.contains("<title>a &lt;test&gt;</title>"))
        // One table row per measure, with its value as printed to three decimals.
        XCTAssertEqual(count("<table class=\"measures\">", in: page), 1)
        for (name, value) in [("Band-Gram ratio", measures.gramRatio), ("Timbre progress", measures.timbreProgress),
                              ("Timbre ratio", measures.timbreRatio), ("STOI", measures.stoi)] {
            XCTAssertTrue(page.contains("<tr><th>\(name)</th><td class=\"value\">\(String(format: "%.3f", value))</td>"),
                          name)
        }
        // Three pictures, each inside an SVG with both axes, their ticks and a colour bar with a dB scale.
        XCTAssertEqual(count("<svg class=\"spectrogram\"", in: page), 3)
        XCTAssertEqual(count("data:image/png;base64,", in: page), 3)
        XCTAssertEqual(count(">Time (s)</text>", in: page), 3)
        XCTAssertEqual(count(">Frequency (Hz)</text>", in: page), 3)
        XCTAssertEqual(count("<linearGradient", in: page), 3)
        XCTAssertEqual(count(">dB</text>", in: page), 3)
        // 1.2 s of audio: time ticks every 0.2 s up to 1.2; the front end's linear bins up to 11 025 Hz: ticks every
        // 2 kHz up to 10 kHz.
        XCTAssertEqual(count("text-anchor=\"middle\">1.2</text>", in: page), 3)
        XCTAssertEqual(count("text-anchor=\"middle\">1.4</text>", in: page), 0)
        XCTAssertEqual(count("text-anchor=\"end\">10000</text>", in: page), 3)
        XCTAssertEqual(count("text-anchor=\"end\">12000</text>", in: page), 0)
        XCTAssertEqual(count(">Not measured", in: page), 0)

        let unmeasured = try StyleTransferReport.html(for: result, content: content, style: style, measures: nil,
                                                      title: "t")
        XCTAssertEqual(count("<table class=\"measures\">", in: unmeasured), 0)
        XCTAssertEqual(count(">Not measured", in: unmeasured), 1)
    }
}
