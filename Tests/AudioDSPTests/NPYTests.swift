import AudioDSP
import Foundation
import TestSupport
import XCTest

final class NPYTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("npy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try FileManager.default.removeItem(at: folder) }

    /// A fixture written by NumPy reads with the shape NumPy gave it.
    func testReadsNumPyFile() throws {
        let (shape, values) = try NPY.read(Fixtures.url("audiodsp/mel_slaney_22050_512_40.npy"))
        XCTAssertEqual(shape, [40, 257])
        XCTAssertEqual(values.count, 40 * 257)
    }

    func testRoundTripShapes() throws {
        for shape in [[], [5], [2, 3], [2, 1, 3], [0, 4]] {
            let values = (0..<shape.reduce(1, *)).map { Float($0) * 0.5 - 1 }
            let url = folder.appendingPathComponent("a.npy")
            try NPY.write(values, shape: shape, to: url)
            let read = try NPY.read(url)
            XCTAssertEqual(read.shape, shape)
            XCTAssertEqual(read.values, values)
            XCTAssertEqual(try Data(contentsOf: url).count % 16, (values.count * 4) % 16, "header is 64-byte aligned")
        }
    }

    /// `<f8`, `<i2`, `<i4` and version-2 headers convert to Float.
    func testReadsOtherTypesAndVersion2() throws {
        func file(version: UInt8, descr: String, shape: String, payload: [UInt8]) throws -> URL {
            let header = Array("{'descr': '\(descr)', 'fortran_order': False, 'shape': \(shape), }\n".utf8)
            var bytes: [UInt8] = [0x93] + Array("NUMPY".utf8) + [version, 0, UInt8(header.count), 0]
            if version > 1 { bytes += [0, 0] }  // versions 2 and 3 have a 4-byte header length
            let url = folder.appendingPathComponent("\(descr.dropFirst())-\(version).npy")
            try Data(bytes + header + payload).write(to: url)
            return url
        }
        let doubles = [1.5, -2.25].flatMap { withUnsafeBytes(of: Double($0).bitPattern.littleEndian, Array.init) }
        XCTAssertEqual(try NPY.read(file(version: 1, descr: "<f8", shape: "(2,)", payload: doubles)).values, [1.5, -2.25])
        let shorts = [Int16(-3), 7].flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        XCTAssertEqual(try NPY.read(file(version: 2, descr: "<i2", shape: "(1, 2)", payload: shorts)).values, [-3, 7])
        let ints = [Int32(100_000)].flatMap { withUnsafeBytes(of: $0.littleEndian, Array.init) }
        XCTAssertEqual(try NPY.read(file(version: 3, descr: "<i4", shape: "(1,)", payload: ints)).values, [100_000])
    }

    /// Corrupted files throw `unreadableFile`; a missing file throws `fileNotFound`.
    func testCorruptedFilesThrow() throws {
        let good = folder.appendingPathComponent("good.npy")
        try NPY.write([1, 2, 3, 4], shape: [2, 2], to: good)
        let bytes = [UInt8](try Data(contentsOf: good))
        var variants: [String: [UInt8]] = [
            "empty": [],
            "bad magic": [0x94] + bytes.dropFirst(),
            "truncated header": Array(bytes.prefix(40)),
            "truncated data": Array(bytes.dropLast(3)),
            "bad version": Array(bytes.prefix(6)) + [9] + bytes.dropFirst(7),
        ]
        let header = String(decoding: bytes[10..<(bytes.count - 16)], as: UTF8.self)
        for (name, replacement) in [("big-endian", header.replacingOccurrences(of: "<f4", with: ">f4")),
                                    ("fortran flag", header.replacingOccurrences(of: "False", with: "Maybe")),
                                    ("bad shape", header.replacingOccurrences(of: "(2, 2)", with: "(2, x)"))] {
            variants[name] = Array(bytes[..<10]) + Array(replacement.utf8) + bytes.suffix(16)
        }
        for (name, content) in variants {
            let url = folder.appendingPathComponent("\(name).npy")
            try Data(content).write(to: url)
            XCTAssertThrowsError(try NPY.read(url), name) {
                guard case AudioDSPError.unreadableFile = $0 else { return XCTFail("\(name): \($0)") }
            }
        }
        XCTAssertThrowsError(try NPY.read(folder.appendingPathComponent("missing.npy"))) {
            XCTAssertEqual($0 as? AudioDSPError, .fileNotFound(path: self.folder.appendingPathComponent("missing.npy").path))
        }
    }

    /// A Fortran-order file (as `np.save` writes librosa's `mel_to_stft` result) is returned in C order.
    func testReadsFortranOrder() throws {
        let url = folder.appendingPathComponent("f.npy")
        try NPY.write([1, 2, 3, 4, 5, 6], shape: [2, 3], to: url)
        var bytes = [UInt8](try Data(contentsOf: url))
        let header = String(decoding: bytes[10..<(bytes.count - 24)], as: UTF8.self)
        bytes = Array(bytes[..<10]) + Array(header.replacingOccurrences(of: "False", with: "True ").utf8) + bytes.suffix(24)
        try Data(bytes).write(to: url)
        let read = try NPY.read(url)
        XCTAssertEqual(read.shape, [2, 3])
        XCTAssertEqual(read.values, [1, 3, 5, 2, 4, 6])  // column-major [[1, 3, 5], [2, 4, 6]]
    }

    func testWriteRejectsWrongShapeAndLeavesNothing() throws {
        let url = folder.appendingPathComponent("bad.npy")
        XCTAssertThrowsError(try NPY.write([1, 2, 3], shape: [2, 2], to: url)) {
            guard case AudioDSPError.shapeMismatch = $0 else { return XCTFail("\($0)") }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
        let unwritable = folder.appendingPathComponent("no/such/dir.npy")
        assertAudioDSPError(try NPY.write([1], shape: [1], to: unwritable)) {
            if case .writeFailed(path: unwritable.path, _) = $0 { true } else { false }
        }
    }
}
