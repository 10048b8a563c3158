import XCTest

@testable import demo

/// `--shard`: the accepted spellings, and the shard each scheduler's environment gives.
final class ShardArgumentTests: XCTestCase {
    private func shard(_ index: Int, _ count: Int) -> Shard { Shard(index: index, count: count)! }

    func testParsing() {
        XCTAssertEqual(ShardArgument(argument: "2/8"), .fixed(shard(2, 8)))
        XCTAssertEqual(ShardArgument(argument: "1/1"), .fixed(shard(1, 1)))
        XCTAssertEqual(ShardArgument(argument: "auto"), .auto(count: nil))
        XCTAssertEqual(ShardArgument(argument: "auto/8"), .auto(count: 8))
        for bad in ["0/2", "3/2", "1/0", "-1/2", "2", "1/2/3", "a/b", "auto/0", "auto/x", "automatic", "", "/"] {
            XCTAssertNil(ShardArgument(argument: bad), bad)
        }
    }

    func testFilesAreDealtRoundRobin() {
        let positions = (0..<7).filter { shard(2, 3).contains(position: $0) }
        XCTAssertEqual(positions, [1, 4])
    }

    func testSlurmArraysStartAtTheirMinimumAndStepByTheirStep() throws {
        func slurm(_ id: Int, minimum: Int, count: Int, step: Int? = nil) -> [String: String] {
            var environment = ["SLURM_ARRAY_TASK_ID": "\(id)", "SLURM_ARRAY_TASK_MIN": "\(minimum)",
                               "SLURM_ARRAY_TASK_COUNT": "\(count)"]
            environment["SLURM_ARRAY_TASK_STEP"] = step.map { "\($0)" }
            return environment
        }
        let auto = ShardArgument.auto(count: nil)
        XCTAssertEqual(try auto.resolved(environment: slurm(0, minimum: 0, count: 4)), shard(1, 4))
        XCTAssertEqual(try auto.resolved(environment: slurm(4, minimum: 1, count: 4)), shard(4, 4))
        XCTAssertEqual(try auto.resolved(environment: slurm(103, minimum: 100, count: 8)), shard(4, 8))
        XCTAssertEqual(try auto.resolved(environment: slurm(12, minimum: 0, count: 4, step: 4)), shard(4, 4))
        XCTAssertEqual(try ShardArgument.auto(count: 4).resolved(environment: slurm(2, minimum: 1, count: 4)), shard(2, 4))
        XCTAssertThrowsError(try auto.resolved(environment: slurm(5, minimum: 1, count: 4))) {
            XCTAssertEqual($0 as? DemoError, .invalidSchedulerVariable(
                name: "SLURM_ARRAY_TASK_ID", value: "5", reason: .indexOutsideCount(index: 4, count: 4)))
        }
        XCTAssertThrowsError(try auto.resolved(environment: slurm(6, minimum: 0, count: 4, step: 4))) {
            XCTAssertEqual($0 as? DemoError, .invalidSchedulerVariable(
                name: "SLURM_ARRAY_TASK_ID", value: "6", reason: .offStep(minimum: 0, step: 4)))
        }
        XCTAssertThrowsError(try ShardArgument.auto(count: 3).resolved(environment: slurm(1, minimum: 1, count: 4))) {
            XCTAssertEqual($0 as? DemoError, .shardCountMismatch(given: 3, scheduler: 4))
        }
        XCTAssertThrowsError(try auto.resolved(environment: ["SLURM_ARRAY_TASK_ID": "1", "SLURM_ARRAY_TASK_COUNT": "2"])) {
            XCTAssertEqual($0 as? DemoError, .missingSchedulerVariable(name: "SLURM_ARRAY_TASK_MIN"))
        }
        XCTAssertThrowsError(try auto.resolved(environment: slurm(1, minimum: 1, count: 0))) {
            XCTAssertEqual($0 as? DemoError, .invalidSchedulerVariable(
                name: "SLURM_ARRAY_TASK_COUNT", value: "0", reason: .notPositive))
        }
    }

    func testKubernetesIndexIsZeroBasedWithTheCountGivenOnce() throws {
        XCTAssertEqual(try ShardArgument.auto(count: 8).resolved(environment: ["JOB_COMPLETION_INDEX": "0"]), shard(1, 8))
        XCTAssertEqual(try ShardArgument.auto(count: 8).resolved(environment: ["JOB_COMPLETION_INDEX": "7"]), shard(8, 8))
        XCTAssertThrowsError(try ShardArgument.auto(count: nil).resolved(environment: ["JOB_COMPLETION_INDEX": "0"])) {
            XCTAssertEqual($0 as? DemoError, .shardCountMissing)
        }
        XCTAssertThrowsError(try ShardArgument.auto(count: 8).resolved(environment: ["JOB_COMPLETION_INDEX": "8"])) {
            XCTAssertEqual($0 as? DemoError, .invalidSchedulerVariable(
                name: "JOB_COMPLETION_INDEX", value: "8", reason: .indexOutsideCount(index: 8, count: 8)))
        }
        XCTAssertThrowsError(try ShardArgument.auto(count: 8).resolved(environment: ["JOB_COMPLETION_INDEX": "one"])) {
            XCTAssertEqual($0 as? DemoError, .invalidSchedulerVariable(
                name: "JOB_COMPLETION_INDEX", value: "one", reason: .notAnInteger))
        }
    }

    func testAutoWithoutASchedulerAndFixedShardsIgnoringIt() throws {
        XCTAssertThrowsError(try ShardArgument.auto(count: 4).resolved(environment: [:])) {
            XCTAssertEqual($0 as? DemoError, .noSchedulerIndex)
        }
        XCTAssertEqual(try ShardArgument.fixed(shard(2, 3)).resolved(environment: ["JOB_COMPLETION_INDEX": "0"]), shard(2, 3))
    }
}
