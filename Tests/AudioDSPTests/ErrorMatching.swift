import AudioDSP
import XCTest

/// Asserts that `expression` throws ``AudioDSPError/invalidParameter(name:value:reason:)`` for the parameter `name`.
func assertInvalidParameter<T>(
    _ expression: @autoclosure () throws -> T, named name: String, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        guard case let .invalidParameter(parameter, _, _)? = error as? AudioDSPError else {
            return XCTFail("expected invalidParameter(\(name)), got \(error)", file: file, line: line)
        }
        XCTAssertEqual(parameter, name, file: file, line: line)
    }
}

/// Asserts that `expression` throws an ``AudioDSPError`` for which `matches` holds (a `guard case` on the case).
func assertAudioDSPError<T>(
    _ expression: @autoclosure () throws -> T, file: StaticString = #filePath, line: UInt = #line,
    _ matches: (AudioDSPError) -> Bool
) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
        guard let error = error as? AudioDSPError, matches(error) else {
            return XCTFail("unexpected error \(error)", file: file, line: line)
        }
    }
}
