import AudioDSP
import StyleTransfer
import XCTest

final class TransferMeasuresTests: XCTestCase {
    private func spectrogram(_ bins: Int, _ frames: Int, _ value: (Int, Int) -> Float) -> Spectrogram {
        var values = [Float](repeating: 0, count: bins * frames)
        for bin in 0..<bins { for frame in 0..<frames { values[bin * frames + frame] = value(bin, frame) } }
        return Spectrogram(values: values, binCount: bins, frameCount: frames)
    }

    func testUnchangedOutputMovesNothingAndKeepsEverything() {
        let content = spectrogram(4, 20) { bin, frame in Float(bin) + sin(Float(frame * (bin + 1))) }
        let style = spectrogram(4, 30) { bin, frame in 3 - Float(bin) + 0.5 * cos(Float(frame)) }
        let measures = TransferMeasures(output: content, content: content, style: style)
        XCTAssertEqual(measures.styleMovement, 0, accuracy: 1e-6)
        XCTAssertEqual(measures.contentRetention, 1, accuracy: 1e-6)
    }

    func testTakingOnTheStyleBandStatisticsMovesAllTheWay() {
        let content = spectrogram(3, 40) { bin, frame in Float(bin) + sin(Float(frame) * 0.7) }
        let style = spectrogram(3, 40) { bin, frame in 5 + 2 * sin(Float(frame) * 0.3 + Float(bin)) }
        // The content's time course, rescaled per band to the style's mean and deviation.
        let output = spectrogram(3, 40) { bin, frame in 5 + 2 * sin(Float(frame) * 0.7) }
        let measures = TransferMeasures(output: output, content: content, style: style)
        XCTAssertEqual(measures.styleMovement, 1, accuracy: 0.05)
        XCTAssertEqual(measures.contentRetention, 1, accuracy: 1e-4)
        let halfway = spectrogram(3, 40) { bin, frame in (content[bin: bin, frame: frame] + output[bin: bin, frame: frame]) / 2 }
        XCTAssertEqual(TransferMeasures(output: halfway, content: content, style: style).styleMovement, 0.5, accuracy: 0.05)
    }
}
