import Foundation
import TestSupport
import XCTest

@testable import AudioDSP

final class SpectrogramImageTests: XCTestCase {
    private let mel = try! FrontEnd(
        sampleRate: 22_050, fftSize: 1024, hopLength: 256, magnitudePower: 2,
        frequencyAxis: .mel(.init(count: 80, maximumFrequency: 11_025, scale: .htk, normalization: .none)),
        valueScale: .decibels(amin: 1e-10, topDB: 80))

    /// dB values spread over exactly −120…0 dB, bin 0 loudest so orientation mistakes show.
    private func decibels(bins: Int = 80, frames: Int = 37) -> Spectrogram {
        var state: UInt64 = 7
        var values = (0..<bins * frames).map { i -> Float in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let bin = i / frames
            return -120 * Float(bin) / Float(bins - 1) * 0.5 - Float(state >> 40) / Float(1 << 24) * 60
        }
        values[0] = 0
        values[values.count - 1] = -120
        return Spectrogram(values: values, rowCount: bins, frameCount: frames)
    }

    func testSixteenBitRoundTripIsWithinQuantisationOver120dB() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("spec.png")
        let original = decibels()
        try SpectrogramImage.write16Bit(original, frontEnd: mel, to: url)
        let decoded = try SpectrogramImage.read(url)
        XCTAssertEqual(decoded.frontEnd, mel)
        let filterbank = try XCTUnwrap(try decoded.frontEnd.makeFilterbank())
        XCTAssertEqual(
            filterbank,
            try MelFilterbank(
                sampleRate: 22_050, fftSize: 1024, melBandCount: 80, scale: .htk,
                normalization: .none))
        XCTAssertEqual(decoded.decibelRange, -120...0)
        XCTAssertNil(decoded.colorMap)
        XCTAssertEqual(decoded.decibels.shape, [80, 37])
        // Half a 16-bit step over 120 dB is 0.000 92 dB; the requirement is 0.01 dB.
        assertClose(decoded.decibels.values, original.values, relative: 0, absolute: 120 / 65_535 / 2 * 1.01)
    }

    func testLinearFrontEndAndAGivenRangeClipOutsideValues() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("linear.png")
        let linear = try FrontEnd(
            sampleRate: 16_000, fftSize: 64, hopLength: 16, windowLength: 48, window: .hamming, center: false,
            padMode: .reflect, frequencyAxis: .linear, valueScale: .decibels(amin: 1e-5, topDB: nil))
        let original = decibels(bins: 33, frames: 5)
        try SpectrogramImage.write16Bit(original, frontEnd: linear, decibelRange: -80 ... -10, to: url)
        let decoded = try SpectrogramImage.read(url)
        XCTAssertEqual(decoded.frontEnd, linear)
        assertClose(
            decoded.decibels.values, original.values.map { min(max($0, -80), -10) }, relative: 0,
            absolute: 70 / 65_535 / 2 * 1.01)
    }

    func testColorMappedImagesPutLowFrequenciesAtTheBottomAndReadBack() throws {
        let folder = try makeTemporaryDirectory(self)
        let original = decibels()
        for colorMap in ColorMap.allCases {
            let url = folder.appendingPathComponent("\(colorMap).png")
            try SpectrogramImage.writeColorMapped(original, frontEnd: mel, colorMap: colorMap, to: url)
            let png = try PNGFile.decode(try Data(contentsOf: url), path: url.path)
            guard case .rgb8(let rgb) = png.pixels else { return XCTFail("not RGB") }
            // Bin 0, frame 0 is 0 dB (the top of the range): the bottom-left pixel has the map's last colour.
            let bottomLeft = 3 * (png.height - 1) * png.width
            let top = colorMap.color(at: 255)
            XCTAssertEqual(
                [rgb[bottomLeft], rgb[bottomLeft + 1], rgb[bottomLeft + 2]], [top.red, top.green, top.blue])
            let decoded = try SpectrogramImage.read(url)
            XCTAssertEqual(decoded.colorMap, colorMap)
            // Half a step, plus one where viridis has two equal 8-bit colours (entries 43/44 and 49/50).
            assertClose(decoded.decibels.values, original.values, relative: 0, absolute: 120 / 255 * 1.5 * 1.01)
        }
    }

    func testColorMapsAreMatplotlibs() {
        // matplotlib: colormaps['viridis'](0.0 / 1.0, bytes=True), same for magma.
        XCTAssert(ColorMap.viridis.color(at: 0) == (68, 1, 84))
        XCTAssert(ColorMap.viridis.color(at: 255) == (253, 231, 36))
        XCTAssert(ColorMap.magma.color(at: 0) == (0, 0, 3))
        XCTAssert(ColorMap.magma.color(at: 255) == (251, 252, 191))
        for index in [0, 1, 100, 254, 255] {
            let c = ColorMap.magma.color(at: index)
            XCTAssertEqual(ColorMap.magma.index(nearestTo: c.red, c.green, c.blue), index)
        }
    }

    func testAPNGWithoutOurMetadataIsATypedError() throws {
        let url = try makeTemporaryDirectory(self).appendingPathComponent("plain.png")
        let plain = PNGFile(width: 2, height: 2, pixels: .gray16([0, 1, 2, 3]), text: ["Software": "someone else"])
        try plain.encoded().write(to: url)
        XCTAssertThrowsError(try SpectrogramImage.read(url)) {
            XCTAssertEqual(
                $0 as? AudioDSPError,
                .notASpectrogramImage(path: url.path, problem: .noMetadata))
        }
    }

    func testGrayLevelsSurviveExactlyAndTextChunksAreReadBack() throws {
        let levels: [UInt16] = [0, 1, 255, 256, 32_767, 32_768, 65_534, 65_535]
        let png = PNGFile(width: 4, height: 2, pixels: .gray16(levels), text: ["a": "1", "b key": "x y"])
        XCTAssertEqual(try PNGFile.decode(try png.encoded(), path: "memory"), png)
    }

    /// A 16-bit PNG saved by another tool may declare a display gamma (here gAMA 1/2.2); libpng's simplified reader
    /// would convert such levels to linear light, which would corrupt the dB values.
    func testGrayLevelsOfAPNGWithADisplayGammaAreNotConverted() throws {
        let levels: [UInt16] = [0, 100, 1000, 20_000, 40_000, 65_535]
        let png = PNGFile(width: 3, height: 2, pixels: .gray16(levels), text: [:])
        var bytes = [UInt8](try png.encoded())
        let gamma = [UInt8]("gAMA".utf8)
        guard let start = (0..<bytes.count - 4).first(where: { Array(bytes[$0..<$0 + 4]) == gamma }) else {
            return XCTFail("the encoder should write gAMA")
        }
        bytes.replaceSubrange(start + 4..<start + 8, with: [0, 0, 0xB1, 0x8F])  // 45 455 = 1/2.2
        let crc = PNGFile.crc32(bytes[start..<start + 8])
        bytes.replaceSubrange(
            start + 8..<start + 12, with: (0..<4).map { UInt8(truncatingIfNeeded: crc >> (24 - 8 * $0)) })
        XCTAssertEqual(try PNGFile.decode(Data(bytes), path: "memory").pixels, .gray16(levels))
    }

    func testBadFilesAndBadSpectrogramsAreTypedErrors() throws {
        let folder = try makeTemporaryDirectory(self)
        let text = folder.appendingPathComponent("text.png")
        try Data("not an image".utf8).write(to: text)
        let empty = folder.appendingPathComponent("empty.png")
        try Data().write(to: empty)
        let missing = folder.appendingPathComponent("missing.png")
        XCTAssertThrowsError(try SpectrogramImage.read(missing)) {
            XCTAssertEqual($0 as? AudioDSPError, .fileNotFound(path: missing.path))
        }
        XCTAssertThrowsError(try SpectrogramImage.read(empty)) {
            XCTAssertEqual($0 as? AudioDSPError, .emptyInput(what: empty.path))
        }
        XCTAssertThrowsError(try SpectrogramImage.read(text)) {
            XCTAssertEqual($0 as? AudioDSPError, .notASpectrogramImage(path: text.path, problem: .notPNG))
        }
        let out = folder.appendingPathComponent("out.png")
        var bad = decibels()
        bad.values[3] = .nan
        XCTAssertThrowsError(try SpectrogramImage.write16Bit(bad, frontEnd: mel, to: out)) {
            XCTAssertEqual($0 as? AudioDSPError, .nonFiniteInput(what: "spectrogram for \(out.path)"))
        }
        XCTAssertThrowsError(try SpectrogramImage.write16Bit(decibels(bins: 81), frontEnd: mel, to: out)) {
            guard case .shapeMismatch? = $0 as? AudioDSPError else { return XCTFail("\($0)") }
        }
        // A front end above Nyquist cannot be made, so no image of it can be written.
        XCTAssertThrowsError(
            try FrontEnd(
                sampleRate: 22_050, fftSize: 1024, hopLength: 256, magnitudePower: 2,
                frequencyAxis: .mel(.init(count: 80, maximumFrequency: 12_000)),
                valueScale: .decibels(amin: 1e-10, topDB: 80))
        ) {
            guard case .invalidParameter(name: "maximumFrequency", _, _)? = $0 as? AudioDSPError else {
                return XCTFail("\($0)")
            }
        }
        // The image holds decibels: a front end on another value scale is refused.
        let log1p = try FrontEnd(
            sampleRate: 22_050, fftSize: 1024, hopLength: 256,
            frequencyAxis: .mel(.init(count: 80, maximumFrequency: 11_025)), valueScale: .log1p)
        XCTAssertThrowsError(try SpectrogramImage.write16Bit(decibels(), frontEnd: log1p, to: out)) {
            guard case .invalidParameter(name: "frontEnd", _, _)? = $0 as? AudioDSPError else {
                return XCTFail("\($0)")
            }
        }
        let inMissingFolder = folder.appendingPathComponent("nowhere/out.png")
        XCTAssertThrowsError(try SpectrogramImage.write16Bit(decibels(), frontEnd: mel, to: inMissingFolder)) {
            guard case .writeFailed? = $0 as? AudioDSPError else { return XCTFail("\($0)") }
        }
        XCTAssertEqual(fileNames(in: folder), ["empty.png", "text.png"])
    }
}
