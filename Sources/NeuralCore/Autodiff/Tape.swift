/// One recorded operation: which tape entries it read and how to map its output's gradient to theirs.
///
/// Nodes are owned by their ``Tape``; a tensor holds its producing node so later operations can find their parents.
/// Nodes refer to their parents by index on the tape, never by reference, so the reverse sweep is a plain loop over
/// the tape and releasing a long chain never recurses.
final class TapeNode: @unchecked Sendable {
    // Safe to share: a node is created and read only by the thread running its `valueWithGradient` closure.

    /// The tape the node belongs to (unowned: the tape outlives its sweep, and nodes are cleared after it).
    unowned let tape: Tape
    /// The node's position on the tape (recording order, which is a topological order).
    let index: Int
    /// For each input of the operation, the tape index of its node, or `nil` when that input needs no gradient.
    let parents: [Int?]
    /// The output's shape (the shape of the incoming gradient).
    let shape: [Int]
    /// Maps the output's gradient to one gradient per input; an entry is only computed (non-`nil`) where the
    /// corresponding flag is `true`.
    var pullback: ((Tensor, [Bool]) -> [Tensor?])?

    init(tape: Tape, index: Int, parents: [Int?], shape: [Int], pullback: @escaping (Tensor, [Bool]) -> [Tensor?]) {
        self.tape = tape
        self.index = index
        self.parents = parents
        self.shape = shape
        self.pullback = pullback
    }
}

/// The list of operations recorded while a `valueWithGradient` closure runs, in execution order.
final class Tape: @unchecked Sendable {
    // Safe to share: a tape is only used from the thread that runs its `valueWithGradient` call; the task-local
    // `Tape.current` makes it visible to that call's operations only.

    /// The tape operations record on, set by `valueWithGradient` for the duration of its closure.
    @TaskLocal static var current: Tape?

    private(set) var nodes: [TapeNode] = []

    /// Appends a leaf for a tracked input and returns the input connected to it.
    func track(_ x: Tensor) -> Tensor {
        let node = TapeNode(tape: self, index: nodes.count, parents: [], shape: x.shape) { _, _ in [] }
        nodes.append(node)
        var tracked = x.detached
        tracked.node = node
        return tracked
    }

    /// The reverse sweep: seeds `output`'s gradient with ones and returns the accumulated gradient of every leaf in
    /// `leaves` (zeros for a leaf the output does not depend on). Runs in reverse recording order — an iterative
    /// topological order — then frees every node's closure (and the tensors it captured).
    func gradients(of output: Tensor, at leaves: [Tensor]) -> [Tensor] {
        defer {
            for node in nodes { node.pullback = nil }
            nodes.removeAll()
        }
        guard let outputNode = output.node, outputNode.tape === self else {
            return leaves.map { Tensor(zeros: $0.shape) }
        }
        var grads = [Tensor?](repeating: nil, count: nodes.count)
        grads[outputNode.index] = Tensor(repeating: 1, shape: output.shape)
        // Operations inside pullbacks must not record.
        Tape.$current.withValue(nil) {
            for index in stride(from: outputNode.index, through: 0, by: -1) {
                guard let grad = grads[index], let pullback = nodes[index].pullback else { continue }
                grads[index] = nil
                let node = nodes[index]
                if node.parents.isEmpty {
                    grads[index] = grad  // a leaf keeps its gradient
                    continue
                }
                let inputGrads = pullback(grad, node.parents.map { $0 != nil })
                node.pullback = nil
                for (parent, inputGrad) in zip(node.parents, inputGrads) {
                    guard let parent, let inputGrad else { continue }
                    if let existing = grads[parent] {
                        grads[parent] = existing.addingUntracked(inputGrad)
                    } else {
                        grads[parent] = inputGrad
                    }
                }
            }
        }
        return leaves.map { leaf in
            guard let node = leaf.node, node.tape === self, let grad = grads[node.index] else {
                return Tensor(zeros: leaf.shape)
            }
            return grad
        }
    }
}

extension Tensor {
    /// Records an operation's result on the current tape when any of `inputs` is tracked there, and returns the
    /// result connected to its node; otherwise returns `output` unchanged (nothing is captured or kept).
    ///
    /// - Parameter pullback: maps the gradient of `output` to one gradient per input, computing only those whose
    ///   flag is `true` (inputs that need no gradient get `nil`).
    static func record(
        _ output: Tensor, inputs: [Tensor], pullback: @escaping (Tensor, [Bool]) -> [Tensor?]
    ) -> Tensor {
        guard let tape = Tape.current else { return output }
        let parents = inputs.map { input -> Int? in
            guard let node = input.node, node.tape === tape else { return nil }
            return node.index
        }
        guard parents.contains(where: { $0 != nil }) else { return output }
        var result = output
        result.node = TapeNode(
            tape: tape, index: tape.nodeCount, parents: parents, shape: output.shape, pullback: pullback)
        tape.append(result.node!)
        return result
    }

    /// Elementwise sum of two same-shaped tensors, never recorded (gradient accumulation).
    func addingUntracked(_ other: Tensor) -> Tensor {
        precondition(shape == other.shape, "gradient shapes \(shape) and \(other.shape) differ")
        var sum = storage
        other.storage.withUnsafeBufferPointer { o in
            for i in sum.indices { sum[i] += o[i] }
        }
        return Tensor(shape: shape, scalars: sum)
    }
}

extension Tape {
    var nodeCount: Int { nodes.count }
    func append(_ node: TapeNode) { nodes.append(node) }
}
