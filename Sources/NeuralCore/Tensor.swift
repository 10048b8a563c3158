/// A dense, row-major tensor of `Float` (PyTorch `torch.float32`) with value semantics.
///
/// ## Storage
/// The scalars live in one contiguous row-major buffer (the last axis varies fastest, as in a contiguous PyTorch
/// tensor). The buffer is a copy-on-write `Array`: copying a `Tensor` is O(1) and the first mutation of a shared copy
/// copies the scalars once. There are no strided views: `transposed`, `permuted` and `sliced` produce new tensors.
///
/// Freed storage stays in the process's heap for the next tensors (glibc's mmap and trim thresholds are raised when
/// the first tensor is made), so repeated steps do not fault their memory in again.
///
/// ## Layouts
/// Operations follow PyTorch: activations are NCHW (`conv2d`) or NCL (`conv1d`), convolution weights OIHW / OIL,
/// linear weights `[out, in]`.
///
/// ## Differentiation
/// Inside ``valueWithGradient(at:of:)-(Tensor,_)`` every operation on a tensor derived from a tracked input records
/// itself on the current tape; everything else (frozen weights, constants) records nothing and costs nothing extra.
///
/// ```swift
/// let x = Tensor(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])
/// let (loss, grad) = valueWithGradient(at: x) { x in (x * x).sum() }   // grad == 2·x
/// ```
public struct Tensor: Sendable {
    /// The extent of each axis, outermost first (PyTorch `tensor.shape`). A scalar tensor has shape `[]`.
    public let shape: [Int]

    /// The scalars in row-major order.
    @usableFromInline var storage: [Float]

    /// The tape node that produced this tensor, when it was computed from a tracked input inside
    /// `valueWithGradient`; `nil` for constants.
    var node: TapeNode?

    /// Creates a tensor from its shape and row-major scalars; `scalars.count` must equal the product of `shape`.
    public init(shape: [Int], scalars: [Float]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(
            shape.reduce(1, *) == scalars.count,
            "Tensor: \(scalars.count) scalars do not fill shape \(shape)")
        HeapRetention.applied
        self.shape = shape
        self.storage = scalars
        self.node = nil
    }

    /// A tensor of the given shape filled with zeros (PyTorch `torch.zeros`).
    public init(zeros shape: [Int]) {
        self.init(repeating: 0, shape: shape)
    }

    /// A tensor of the given shape with every scalar equal to `value` (PyTorch `torch.full`).
    public init(repeating value: Float, shape: [Int]) {
        self.init(shape: shape, scalars: [Float](repeating: value, count: shape.reduce(1, *)))
    }

    /// A rank-0 tensor holding `value`.
    public init(_ value: Float) {
        self.init(shape: [], scalars: [value])
    }

    /// The scalars in row-major order. Setting them (the count must stay the same) detaches the tensor from any
    /// tape.
    public var scalars: [Float] {
        get { storage }
        set {
            precondition(newValue.count == storage.count, "Tensor: scalar count must stay \(storage.count)")
            storage = newValue
            node = nil
        }
    }

    /// The number of scalars, the product of `shape` (PyTorch `numel()`).
    public var scalarCount: Int { storage.count }

    /// The number of axes (PyTorch `dim()`).
    public var rank: Int { shape.count }

    /// The only scalar of a one-element tensor (PyTorch `item()`).
    public var item: Float {
        precondition(storage.count == 1, "Tensor.item: tensor has \(storage.count) scalars, shape \(shape)")
        return storage[0]
    }

    /// Calls `body` with a pointer to the contiguous row-major scalars, for hot loops.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows -> R {
        try storage.withUnsafeBufferPointer(body)
    }

    /// Calls `body` with a mutable pointer to the scalars (copying them first if shared); detaches the tensor from
    /// any tape.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        node = nil
        return try storage.withUnsafeMutableBufferPointer(body)
    }

    /// The same scalars without any tape connection (PyTorch `detach()`).
    public var detached: Tensor { Tensor(shape: shape, scalars: storage) }

    /// Whether this tensor was recorded on the current tape (it depends on a tracked input).
    var isTracked: Bool { node != nil }
}

extension Tensor: CustomStringConvertible {
    /// A one-line summary: the shape and up to eight leading scalars.
    public var description: String {
        let head = storage.prefix(8).map { "\($0)" }.joined(separator: ", ")
        return "Tensor(shape: \(shape), scalars: [\(head)\(storage.count > 8 ? ", …" : "")])"
    }
}

extension Tensor {
    /// Row-major strides (in scalars) of `shape`.
    static func strides(of shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in shape.indices.reversed() {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    /// `axis` with negative values counted from the end (PyTorch `dim=-1`), checked against `rank`.
    func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < max(rank, 1), "axis \(axis) out of range for shape \(shape)")
        return a
    }
}
