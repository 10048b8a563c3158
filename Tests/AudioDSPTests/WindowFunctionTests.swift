import AudioDSP
import Foundation
import TestSupport
import XCTest

final class WindowFunctionTests: XCTestCase {
    /// Periodic windows: scipy `get_window(name, 8, fftbins=True)` values.
    func testPeriodicValues() {
        assertClose(WindowFunction.hann.values(length: 8),
                    [0, 0.146446609, 0.5, 0.853553391, 1, 0.853553391, 0.5, 0.146446609], relative: 0, absolute: 1e-7)
        assertClose(WindowFunction.hamming.values(length: 4), [0.08, 0.54, 1, 0.54], relative: 0, absolute: 1e-7)
        assertClose(WindowFunction.blackman.values(length: 4), [0, 0.34, 1, 0.34], relative: 0, absolute: 1e-7)
        XCTAssertEqual(WindowFunction.rectangular.values(length: 3), [1, 1, 1])
        XCTAssertEqual(WindowFunction.hann.values(length: 1), [1])
        XCTAssertEqual(WindowFunction.hann.values(length: 0), [])
    }

    /// A shorter window is centred in zeros with the extra zero on the right, as `librosa.util.pad_center`.
    func testCentralZeroPadding() {
        let padded = WindowFunction.rectangular.values(length: 3, paddedTo: 8)
        XCTAssertEqual(padded, [0, 0, 1, 1, 1, 0, 0, 0])
    }
}
