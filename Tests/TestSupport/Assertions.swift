import Foundation
import XCTest

/// Asserts that two arrays have the same count and agree element by element within a tolerance relative to the
/// largest magnitude of the expected values: `|a − e| ≤ relative · max|e| + absolute`.
///
/// Failures report the worst index, both values and the caller's file and line.
public func assertClose(
    _ actual: [Float], _ expected: [Float],
    relative: Float = 1e-5, absolute: Float = 0,
    _ message: @autoclosure () -> String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    guard actual.count == expected.count else {
        XCTFail("count \(actual.count) ≠ expected \(expected.count). \(message())", file: file, line: line)
        return
    }
    let scale = expected.reduce(Float(0)) { max($0, abs($1)) }
    let bound = relative * scale + absolute
    var worst = 0
    var worstError: Float = -1
    for i in actual.indices {
        let error = abs(actual[i] - expected[i])
        if error.isNaN || error > worstError { worst = i; worstError = error.isNaN ? .infinity : error }
    }
    if worstError > bound {
        XCTFail(
            "max error \(worstError) at index \(worst) (actual \(actual[worst]), expected \(expected[worst])) "
                + "exceeds \(bound) = \(relative)·\(scale) + \(absolute). \(message())",
            file: file, line: line)
    }
}

/// The folder of committed fixture files, `Tests/Fixtures`, and the scripts that generated them.
public enum Fixtures {
    /// `Tests/Fixtures` in the package checkout.
    public static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    /// The URL of the fixture file `name` (for example `"stft/hann_1024_256.npy"`).
    public static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
}

/// The bundled sample clips in `Resources/Samples` (made by `Scripts/make_samples.py`).
public enum Samples {
    /// `Resources/Samples` in the package checkout.
    public static let directory: URL = Fixtures.directory.deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Resources/Samples")

    /// The URL of the sample `name` (for example `"speech_male_us.wav"`).
    public static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }
}
