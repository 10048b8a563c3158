import AudioDSP
import XCTest

final class SpectrogramAxesTests: XCTestCase {
    /// Linear rows are bins (`f · n_fft / sr`); mel rows are the band centres of the filterbank's triangles.
    func testRowsOfFrequencies() throws {
        let linear = try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, magnitudePower: 2,
                                  frequencyAxis: .linear, valueScale: .linear)
        XCTAssertEqual(linear.row(ofFrequency: 11_025), 512, accuracy: 1e-9)
        XCTAssertEqual(linear.frequencyRange.upperBound, 11_025, accuracy: 1e-9)
        XCTAssertEqual(linear.time(atFrame: 86.1328125), 1, accuracy: 1e-9)

        let mel = try FrontEnd(sampleRate: 22_050, fftSize: 1024, hopLength: 256, magnitudePower: 2,
                               frequencyAxis: .mel(.init(count: 80, maximumFrequency: 11_025)),  // Slaney bands
                               valueScale: .linear)
        let bank = try XCTUnwrap(mel.makeFilterbank())
        for band in [0, 17, 79] {
            // The band's peak weight is at its centre frequency, between two FFT bins: find it from the weights.
            let row = Array(bank.weights[(band * bank.binCount)..<((band + 1) * bank.binCount)])
            let peak = row.indices.max { row[$0] < row[$1] }!
            let frequency = mel.frequency(atRow: Double(band))
            XCTAssertEqual(frequency, Double(peak) * 22_050 / 1024, accuracy: 22_050 / 1024, "band \(band)")
            XCTAssertEqual(mel.row(ofFrequency: frequency), Double(band), accuracy: 1e-9)
        }
        XCTAssertLessThan(mel.row(ofFrequency: 0), 0)
        XCTAssertGreaterThan(mel.row(ofFrequency: 11_025), 79)
    }
}
