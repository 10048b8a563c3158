import AudioDSP
import NeuralCore
import XCTest

/// AudioDSP and NeuralCore share one thread count: setting either name sets the other.
final class ThreadCountTests: XCTestCase {
    func testBothModulesReadOneThreadCount() {
        let original = NeuralCoreThreads.threadCount
        defer { NeuralCoreThreads.threadCount = original }
        AudioDSPThreads.threadCount = 1
        XCTAssertEqual(NeuralCoreThreads.threadCount, 1)
        NeuralCoreThreads.threadCount = 2
        XCTAssertEqual(AudioDSPThreads.threadCount, 2)
        AudioDSPThreads.threadCount = 0
        XCTAssertEqual(NeuralCoreThreads.threadCount, 1)
    }
}
