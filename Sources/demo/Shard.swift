import ArgumentParser

/// Which part of a sorted file list one process handles: files `i−1, i−1+n, i−1+2n, …` for shard `i/n`, so `n`
/// processes given shards `1/n … n/n` cover a folder between them, each file exactly once.
struct Shard: Equatable, CustomStringConvertible {
    /// 1-based, `1 ≤ index ≤ count`.
    let index: Int
    let count: Int

    init?(index: Int, count: Int) {
        guard count >= 1, (1...count).contains(index) else { return nil }
        (self.index, self.count) = (index, count)
    }

    func contains(position: Int) -> Bool { position % count == index - 1 }

    var description: String { "\(index)/\(count)" }
}

/// The `--shard` argument: `i/n` (1-based), or `auto` / `auto/N` to take the index, and with `auto` the count, from
/// a scheduler's environment (see ``resolved(environment:)``).
enum ShardArgument: Equatable, ExpressibleByArgument {
    case fixed(Shard)
    /// From the scheduler; `count` is required under Kubernetes, which does not export the job's completions.
    case auto(count: Int?)

    init?(argument: String) {
        let parts = argument.split(separator: "/", omittingEmptySubsequences: false)
        switch (parts.first, parts.count) {
        case ("auto", 1):
            self = .auto(count: nil)
        case ("auto", 2):
            guard let count = Int(parts[1]), count >= 1 else { return nil }
            self = .auto(count: count)
        case (_, 2):
            guard let index = Int(parts[0]), let count = Int(parts[1]),
                  let shard = Shard(index: index, count: count) else { return nil }
            self = .fixed(shard)
        default:
            return nil
        }
    }

    /// The shard this process handles.
    ///
    /// `auto` reads, in this order:
    /// - Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` (0-based) as index; the count must be given (`auto/N`,
    ///   with `N` the job's `completions`).
    /// - Slurm job array: `(SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN) / SLURM_ARRAY_TASK_STEP` as 0-based index
    ///   (an array may start at any `--array` minimum; the step is 1 when unset) and `SLURM_ARRAY_TASK_COUNT` as
    ///   count (`auto/N` must agree with it). Slurm sets all four in every task of an array.
    ///
    /// - Throws: ``DemoError`` when neither scheduler's variables are set or they hold no valid shard.
    func resolved(environment: [String: String]) throws(DemoError) -> Shard {
        switch self {
        case let .fixed(shard):
            return shard
        case let .auto(count):
            func integer(_ name: String) throws(DemoError) -> Int? {
                guard let text = environment[name] else { return nil }
                guard let value = Int(text) else {
                    throw .invalidSchedulerVariable(name: name, value: text, reason: .notAnInteger)
                }
                return value
            }
            func positive(_ name: String) throws(DemoError) -> Int? {
                guard let value = try integer(name) else { return nil }
                guard value >= 1 else { throw .invalidSchedulerVariable(name: name, value: "\(value)", reason: .notPositive) }
                return value
            }
            if let index = try integer("JOB_COMPLETION_INDEX") {
                guard let count else { throw .shardCountMissing }
                return try Self.shard(zeroBased: index, count: count, variable: ("JOB_COMPLETION_INDEX", index))
            }
            if let id = try integer("SLURM_ARRAY_TASK_ID") {
                func required(_ value: Int?, _ name: String) throws(DemoError) -> Int {
                    guard let value else { throw .missingSchedulerVariable(name: name) }
                    return value
                }
                let minimum = try required(integer("SLURM_ARRAY_TASK_MIN"), "SLURM_ARRAY_TASK_MIN")
                let schedulerCount = try required(positive("SLURM_ARRAY_TASK_COUNT"), "SLURM_ARRAY_TASK_COUNT")
                let step = try positive("SLURM_ARRAY_TASK_STEP") ?? 1
                if let count, count != schedulerCount { throw .shardCountMismatch(given: count, scheduler: schedulerCount) }
                guard (id - minimum).isMultiple(of: step) else {
                    throw .invalidSchedulerVariable(name: "SLURM_ARRAY_TASK_ID", value: "\(id)",
                                                    reason: .offStep(minimum: minimum, step: step))
                }
                return try Self.shard(zeroBased: (id - minimum) / step, count: schedulerCount,
                                      variable: ("SLURM_ARRAY_TASK_ID", id))
            }
            throw .noSchedulerIndex
        }
    }

    private static func shard(zeroBased index: Int, count: Int, variable: (name: String, value: Int))
        throws(DemoError) -> Shard
    {
        guard let shard = Shard(index: index + 1, count: count) else {
            throw .invalidSchedulerVariable(name: variable.name, value: "\(variable.value)",
                                            reason: .indexOutsideCount(index: index, count: count))
        }
        return shard
    }
}
