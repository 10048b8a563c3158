import Foundation
import NeuralCore
import TestSupport
import XCTest

final class SafeTensorsTests: XCTestCase {
    /// The fixture script's `ramp`: exactly representable values `(i − 7 + offset) / 8`.
    private func ramp(_ count: Int, offset: Int = 0) -> [Float] { (0 ..< count).map { Float($0 - 7 + offset) / 8 } }

    private var pythonTensors: [String: (shape: [Int], scalars: [Float])] {
        ["b.weight": ([4], ramp(4)), "a": ([2, 3], ramp(6, offset: 1)), "conv.bias": ([3, 1, 2], ramp(6, offset: -2)),
         "scalar": ([], ramp(1))]
    }

    /// A file from a hand-written header and data section, for the malformed cases.
    private func file(header: String, dataBytes: Int) -> Data {
        var data = Data()
        withUnsafeBytes(of: UInt64(header.utf8.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: Array(header.utf8))
        data.append(Data(count: dataBytes))
        return data
    }

    private func problem(_ body: () throws -> Void) -> SafeTensorsProblem? {
        do { try body() } catch let NeuralCoreError.invalidSafeTensors(_, reason) { return reason } catch {
            XCTFail("unexpected error \(error)")
        }
        return nil
    }

    func testReadsAFileWrittenByPython() throws {
        let file = try SafeTensors(contentsOf: Fixtures.url("neuralcore/modules/python_written.safetensors"))
        XCTAssertEqual(file.tensorNames, ["a", "b.weight", "conv.bias", "scalar"])
        XCTAssertEqual(file.metadata, ["format": "pt"])
        for (name, expected) in pythonTensors {
            XCTAssertEqual(file.shape(of: name), expected.shape, name)
            XCTAssertEqual(try file.scalars(named: name), expected.scalars, name)
        }
        XCTAssertThrowsError(try file.scalars(named: "nope")) { XCTAssertEqual($0 as? NeuralCoreError, .missingKey("nope")) }
    }

    func testWritesTheSameBytesAsPython() throws {
        let python = try Data(contentsOf: Fixtures.url("neuralcore/modules/python_written.safetensors"))
        XCTAssertEqual(SafeTensors.serialized(pythonTensors, metadata: ["format": "pt"]), python)
    }

    func testWriteThenReadRoundTripsAndWritesAtomically() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("safetensors-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let url = folder.appendingPathComponent("round \"trip\".safetensors")
        let tensors: [String: (shape: [Int], scalars: [Float])] = [
            "x\ny": ([2, 2], [1, -2, .pi, -0.0]), "empty": ([0, 3], []), "ünïcode": ([1], [Float.greatestFiniteMagnitude])]
        try SafeTensors.write(tensors, metadata: ["a": "b", "c": "d"], to: url)
        let file = try SafeTensors(contentsOf: url)
        XCTAssertEqual(file.metadata, ["a": "b", "c": "d"])
        for (name, expected) in tensors {
            XCTAssertEqual(file.shape(of: name), expected.shape)
            XCTAssertEqual(try file.scalars(named: name).map(\.bitPattern), expected.scalars.map(\.bitPattern))
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).count, 1, "no temporary left")
        let missingFolder = folder.appendingPathComponent("missing/out.safetensors")
        XCTAssertThrowsError(try SafeTensors.write(tensors, to: missingFolder)) {
            guard case .writeFailed(missingFolder.path, _)? = $0 as? NeuralCoreError else { return XCTFail("\($0)") }
        }
    }

    func testConvertsHalfBFloatDoubleAndIntegerTensors() throws {
        let file = try SafeTensors(contentsOf: Fixtures.url("neuralcore/modules/dtypes.safetensors"))
        XCTAssertEqual(file.tensorInfos["f16"]?.dtype, .float16)
        XCTAssertEqual(file.tensorInfos["bf16"]?.dtype, .bfloat16)
        XCTAssertEqual(try file.scalars(named: "f16"), try file.scalars(named: "f16_as_f32"))
        XCTAssertEqual(try file.scalars(named: "bf16"), try file.scalars(named: "bf16_as_f32"))
        XCTAssertEqual(try file.scalars(named: "f64"), try file.scalars(named: "f64_as_f32"))
        XCTAssertEqual(try file.scalars(named: "i64"), [-3, -2, -1, 0, 1, 2])
        XCTAssertEqual(file.shape(of: "f16"), [5, 3])
    }

    func testMissingFileOrFolderThrowsFileNotFoundAndEmptyFileTruncated() throws {
        XCTAssertThrowsError(try SafeTensors(contentsOf: URL(fileURLWithPath: "/nonexistent/x.safetensors"))) {
            XCTAssertEqual($0 as? NeuralCoreError, .fileNotFound(path: "/nonexistent/x.safetensors"))
        }
        let folder = FileManager.default.temporaryDirectory
        XCTAssertThrowsError(try SafeTensors(contentsOf: folder)) {
            XCTAssertEqual($0 as? NeuralCoreError, .fileNotFound(path: folder.path))
        }
        let empty = folder.appendingPathComponent("empty-\(UUID()).safetensors")
        try Data().write(to: empty)
        defer { try? FileManager.default.removeItem(at: empty) }
        XCTAssertEqual(problem { _ = try SafeTensors(contentsOf: empty) }, .truncated(expectedBytes: 8, actualBytes: 0))
    }

    func testTruncatedFilesThrowTruncated() throws {
        let python = try Data(contentsOf: Fixtures.url("neuralcore/modules/python_written.safetensors"))
        XCTAssertEqual(problem { _ = try SafeTensors(bytes: python.prefix(5)) }, .truncated(expectedBytes: 8, actualBytes: 5))
        XCTAssertEqual(problem { _ = try SafeTensors(bytes: python.prefix(100)) },
                       .truncated(expectedBytes: 8 + 280, actualBytes: 100))
        XCTAssertEqual(problem { _ = try SafeTensors(bytes: python.dropLast(3)) },
                       .truncated(expectedBytes: python.count, actualBytes: python.count - 3))
    }

    func testMalformedHeadersThrowTheMatchingProblem() {
        XCTAssertEqual(problem { _ = try SafeTensors(bytes: file(header: "{\"a\": [1,", dataBytes: 0)) },
                       .invalidHeader(detail: "not a JSON object"))
        XCTAssertEqual(problem { _ = try SafeTensors(bytes: file(header: "[1, 2]", dataBytes: 0)) },
                       .invalidHeader(detail: "not a JSON object"))
        XCTAssertEqual(
            problem { _ = try SafeTensors(bytes: file(header: #"{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}"#, dataBytes: 8)) },
            .invalidHeader(detail: "entry a lacks a dtype string, an integer shape or two data_offsets"))
        XCTAssertEqual(
            problem { _ = try SafeTensors(bytes: file(header: #"{"__metadata__":{"k":1}}"#, dataBytes: 0)) },
            .invalidHeader(detail: "__metadata__ is not an object of strings"))
        XCTAssertEqual(
            problem { _ = try SafeTensors(bytes: file(header: #"{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}"#, dataBytes: 2)) },
            .unsupportedDType(tensor: "a", dtype: "U8"))
        XCTAssertEqual(
            problem { _ = try SafeTensors(bytes: file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,12]}}"#, dataBytes: 12)) },
            .byteCountMismatch(tensor: "a", expected: 8, actual: 12))
        XCTAssertEqual(
            problem { _ = try SafeTensors(bytes: file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}}"#, dataBytes: 8)) },
            .offsetsOutOfRange(tensor: "a", begin: 8, end: 0, dataBytes: 8))
        XCTAssertEqual(
            problem { _ = try SafeTensors(bytes: file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[96,100]}}"#, dataBytes: 12)) },
            .offsetsOutOfRange(tensor: "b", begin: 96, end: 100, dataBytes: 12))
        XCTAssertEqual(
            problem { _ = try SafeTensors(bytes: file(header: #"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, dataBytes: 12)) },
            .overlappingTensors("a", "b"))
    }

    func testErrorsDescribeThemselvesInOneLine() {
        let error = NeuralCoreError.invalidSafeTensors(path: "m.safetensors", reason: .overlappingTensors("a", "b"))
        XCTAssertEqual(error.description, "invalid safetensors file m.safetensors: tensors a and b overlap")
    }
}
