/// A value a ``Parameter`` or ``Buffer`` can hold: a ``Tensor``, or an optional one (nil means "absent": no
/// state-dict key, like `bias=False` in PyTorch).
public protocol ModuleTensorValue {
    /// The tensor held, or nil when absent.
    var moduleTensor: Tensor? { get }
    /// A value holding `tensor`.
    init(moduleTensor tensor: Tensor)
}

extension Tensor: ModuleTensorValue {
    /// `self`.
    public var moduleTensor: Tensor? { self }
    /// `tensor`.
    public init(moduleTensor tensor: Tensor) { self = tensor }
}

extension Optional: ModuleTensorValue where Wrapped == Tensor {
    /// The wrapped tensor, nil when absent.
    public var moduleTensor: Tensor? { self }
    /// `.some(tensor)`.
    public init(moduleTensor tensor: Tensor) { self = .some(tensor) }
}

/// The storage of one discovered module tensor, shared by the property and by loading, gradients and optimizers.
protocol ModuleTensorSlot: AnyObject {
    associatedtype Value: ModuleTensorValue
    /// The value; nil until the module's initialiser assigns it.
    var storage: Value? { get set }
    var explicitKey: String? { get }
    /// Whether the tensor is a trainable parameter (false for buffers and frozen parameters).
    var isTrainable: Bool { get }
    func setFrozen(_ frozen: Bool)
}

extension ModuleTensorSlot {
    /// The tensor, or nil when absent (an optional set to nil).
    var tensor: Tensor? { storage?.moduleTensor }
    /// Replaces the tensor (loading, gradient tracking, optimiser updates).
    func assign(_ tensor: Tensor) { storage = Value(moduleTensor: tensor) }
}

/// A learnable tensor of a ``Module`` (PyTorch `nn.Parameter`): listed in the state dictionary, updated by
/// optimizers and differentiated by ``valueWithGradient(of:_:)`` unless frozen.
///
/// `@Parameter var weight: Tensor` has the key `weight`; `@Parameter(key: "in_proj_weight") var
/// inputProjectionWeight: Tensor` sets it explicitly (assign such a property after `super.init()`);
/// `@Parameter var bias: Tensor?` is absent when nil.
@propertyWrapper
public final class Parameter<Value: ModuleTensorValue>: ModuleTensorSlot {
    var storage: Value?
    /// The state-dict key when it is not the property's snake_case name.
    public let explicitKey: String?
    /// True after ``Module/freeze()``: the parameter keeps its key but is neither differentiated nor updated.
    public private(set) var isFrozen = false
    /// The tensor (or optional tensor); reading it before the module's initialiser assigned it is an error.
    public var wrappedValue: Value {
        get { storage! }
        set { storage = newValue }
    }

    /// Wraps `wrappedValue`, with an optional explicit state-dict `key`.
    public init(wrappedValue: Value, key: String? = nil) { (storage, explicitKey) = (wrappedValue, key) }
    /// A property with an explicit state-dict `key`, assigned later by the module's initialiser.
    public init(key: String) { (storage, explicitKey) = (nil, key) }

    var isTrainable: Bool { !isFrozen }
    func setFrozen(_ frozen: Bool) { isFrozen = frozen }
}

/// A non-learnable tensor of a ``Module`` saved in the state dictionary (PyTorch `register_buffer`), such as
/// `BatchNorm2d`'s `running_mean`; optimizers and gradients never touch it. Keys as for ``Parameter``.
@propertyWrapper
public final class Buffer<Value: ModuleTensorValue>: ModuleTensorSlot {
    var storage: Value?
    /// The state-dict key when it is not the property's snake_case name.
    public let explicitKey: String?
    /// The tensor (or optional tensor); reading it before the module's initialiser assigned it is an error.
    public var wrappedValue: Value {
        get { storage! }
        set { storage = newValue }
    }

    /// Wraps `wrappedValue`, with an optional explicit state-dict `key`.
    public init(wrappedValue: Value, key: String? = nil) { (storage, explicitKey) = (wrappedValue, key) }
    /// A property with an explicit state-dict `key`, assigned later by the module's initialiser.
    public init(key: String) { (storage, explicitKey) = (nil, key) }

    var isTrainable: Bool { false }
    func setFrozen(_ frozen: Bool) {}
}

/// The module (or modules) a ``Child`` property holds.
protocol ModuleChildSlot {
    var explicitKey: String? { get }
    /// Each module with its key suffix: empty for a single module, `0`, `1`, … for an array.
    var modules: [(suffix: String, module: Module)] { get }
}

/// A child module (or array of modules) stored under an explicit state-dict key, e.g.
/// `@Child(key: "out_proj") var outputProjection: Linear` (PyTorch `nn.MultiheadAttention.out_proj`).
///
/// Plain `let`/`var` module properties need no wrapper; use this only when the key is not the snake_case name.
@propertyWrapper
public struct Child<Value>: ModuleChildSlot {
    private var value: Value?
    /// The module or array of modules. Reading it before the module's initialiser assigned it is a programming
    /// error.
    public var wrappedValue: Value {
        get { value! }
        set { value = newValue }
    }
    /// The state-dict key of the property; the empty key puts an array's elements directly under the parent
    /// (`0`, `1`, … as in `nn.Sequential`).
    public let explicitKey: String?

    /// Wraps `wrappedValue` under state-dict key `key`.
    public init(wrappedValue: Value, key: String) {
        self.value = wrappedValue
        self.explicitKey = key
    }

    /// A property under state-dict key `key` whose value the module's initialiser assigns.
    public init(key: String) {
        self.value = nil
        self.explicitKey = key
    }

    var modules: [(suffix: String, module: Module)] {
        switch value as Any {
        case let module as Module: [("", module)]
        case let modules as [Module]: modules.enumerated().map { ("\($0.offset)", $0.element) }
        default: []
        }
    }
}
