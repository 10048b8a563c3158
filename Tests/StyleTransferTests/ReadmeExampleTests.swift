import AudioDSP
import Foundation
import StyleTransfer
import TestSupport
import XCTest

/// The README's library example, line for line, on short cuts of the bundled clips written as `male.wav` and
/// `female.wav` in a temporary folder.
final class ReadmeExampleTests: XCTestCase {
    func testTheReadmeExampleRuns() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("readme-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (sample, name) in [("speech_male_us.wav", "male.wav"), ("speech_female_us.wav", "female.wav")] {
            let clip = try AudioFile.read(Samples.url(sample), sampleRate: 22_050)
            try AudioFile.write(Waveform(samples: Array(clip.samples.prefix(22_050)), sampleRate: 22_050),
                                to: folder.appendingPathComponent(name))
        }
        let previous = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(folder.path)
        defer { FileManager.default.changeCurrentDirectoryPath(previous) }

        let content = try AudioFile.read(URL(fileURLWithPath: "male.wav"))
        let style = try AudioFile.read(URL(fileURLWithPath: "female.wav"))
        let result = try await StyleTransferSession(preset: .gender).run(content: content, style: style)
        try AudioFile.write(result.waveform, to: URL(fileURLWithPath: "out.wav"))
        let measures = try TransferMeasures(output: result.waveform, content: content, style: style)
        print(measures.gramRatio, measures.f0ShiftTowardStyle ?? 0)

        XCTAssertTrue(FileManager.default.fileExists(atPath: folder.appendingPathComponent("out.wav").path))
        XCTAssertLessThan(measures.gramRatio, 0.8)
        XCTAssertGreaterThan(measures.f0ShiftTowardStyle ?? 0, 0.8)
        XCTAssertGreaterThan(measures.stoi, 0.6)  // 0.68 on these 1 s cuts; a pitch change costs STOI
    }
}
