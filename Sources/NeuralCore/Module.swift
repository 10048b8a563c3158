/// The base class of layers and models: tensors in ``Parameter`` and ``Buffer`` properties and child modules in
/// plain (or ``Child``) properties are discovered automatically, in declaration order, under the dotted keys
/// PyTorch's `state_dict()` uses.
///
/// ```swift
/// final class Block: Module {
///     let conv1 = Conv2d(inputChannels: 4, outputChannels: 6, kernelSize: (3, 3), padding: (1, 1), bias: false, seed: 1)
///     let bn1 = BatchNorm2d(featureCount: 6)
///     func callAsFunction(_ x: Tensor) -> Tensor { relu(bn1(conv1(x))) }
/// }
/// // keys: conv1.weight, bn1.weight, bn1.bias, bn1.running_mean, bn1.running_var
/// ```
///
/// Key rules: a property's key is its Swift name in snake_case (`runningMean` → `running_mean`) unless its wrapper
/// gives an explicit `key:`; a child module's keys are prefixed with its property key (`layer1.0.bn1.weight`); an
/// array of modules numbers its elements (`features.0.weight`, `features.1.weight`), as `nn.Sequential` and
/// `nn.ModuleList` do; an optional tensor or module that is nil has no key (a `Linear` without bias has no
/// `bias` key, as in PyTorch). Properties of a superclass come before the subclass's own.
///
/// Modules are reference types (the tensors inside are replaced in place by loading and by optimizers); they are
/// not `Sendable` — use one model per task or copy its ``stateDict()``.
open class Module: CustomStringConvertible {
    /// Creates a module with no parameters; subclasses declare their tensors and children as stored properties.
    public init() {}

    /// Discovered tensors, in PyTorch `state_dict` order, with their storage (shared with the property).
    final func namedSlots(prefix: String = "") -> [(key: String, slot: any ModuleTensorSlot)] {
        var result: [(key: String, slot: any ModuleTensorSlot)] = []
        forEachProperty { key, value in
            switch value {
            case let slot as any ModuleTensorSlot:
                if slot.tensor != nil { result.append((prefix + (slot.explicitKey ?? key), slot)) }
            default:
                for (childKey, child) in Module.children(in: value, key: key) {
                    result += child.namedSlots(prefix: prefix + childKey + ".")
                }
            }
        }
        return result
    }

    /// The direct child modules with their keys (`features`, `0`, `out_proj`, …), in declaration order.
    public final var namedChildren: [(key: String, module: Module)] {
        var result: [(key: String, module: Module)] = []
        forEachProperty { key, value in
            if !(value is any ModuleTensorSlot) { result += Module.children(in: value, key: key) }
        }
        return result
    }

    /// Calls `body` with each stored property's default key (snake_case, wrapper underscore removed) and value,
    /// superclass properties first, stopping at `Module`.
    private func forEachProperty(_ body: (String, Any) -> Void) {
        var mirrors: [Mirror] = []
        var mirror: Mirror? = Mirror(reflecting: self)
        while let current = mirror, current.subjectType != Module.self {
            mirrors.append(current)
            mirror = current.superclassMirror
        }
        for current in mirrors.reversed() {
            for child in current.children {
                guard let label = child.label else { continue }
                let name = label.hasPrefix("_") ? String(label.dropFirst()) : label
                body(snakeCased(name), child.value)
            }
        }
    }

    /// The modules a property value holds: a module, a ``Child`` wrapper, or an array of modules (numbered).
    private static func children(in value: Any, key: String) -> [(key: String, module: Module)] {
        switch value {
        case let module as Module: return [(key, module)]
        case let modules as [Module]: return modules.enumerated().map { (key + ".\($0.offset)", $0.element) }
        case let child as any ModuleChildSlot:
            let base = child.explicitKey ?? key
            return child.modules.map { ($0.suffix.isEmpty ? base : base.isEmpty ? $0.suffix : base + "." + $0.suffix, $0.module) }
        default: return []
        }
    }

    /// The text inside this module's parentheses when printed, as PyTorch's `extra_repr` (e.g.
    /// `in_features=36, out_features=10, bias=True`); empty by default. Layers override it.
    open var extraDescription: String { "" }

    /// The name printed for this module: its Swift type name (PyTorch prints the Python class name).
    open var typeName: String { String(describing: type(of: self)) }
}

/// `camelCase` → `camel_case`, the PyTorch spelling of a Swift property name (`layer1`, `bn1` unchanged).
func snakeCased(_ name: String) -> String {
    var result = ""
    for character in name {
        if character.isUppercase {
            if !result.isEmpty { result.append("_") }
            result += character.lowercased()
        } else {
            result.append(character)
        }
    }
    return result
}
