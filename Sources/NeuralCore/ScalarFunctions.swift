import Foundation

/// A function of one scalar as a type. The elementwise loops are generic over it, so each loop is specialised for its
/// function and the body is inlined into a vectorised loop; a closure, captured by the loop's Dispatch closure, would
/// instead be called once per element (measured: `squared()` at 1.4 ns per scalar instead of memory speed).
protocol UnaryScalarFunction {
    func callAsFunction(_ x: Float) -> Float
}

/// A function of two scalars as a type, for the same reason as ``UnaryScalarFunction``.
protocol BinaryScalarFunction {
    func callAsFunction(_ a: Float, _ b: Float) -> Float
}

/// A closure as a ``UnaryScalarFunction``, for functions that cost far more than a call (`exp`, `log`, `erf`, `tanh`).
struct UnaryClosure: UnaryScalarFunction {
    let body: (Float) -> Float
    @inline(__always) func callAsFunction(_ x: Float) -> Float { body(x) }
}

/// The scalar functions of NeuralCore's elementwise operations and of their gradients.
enum Scalar {
    struct Sum: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a + b }
    }

    struct Difference: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a - b }
    }

    struct Product: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a * b }
    }

    struct Quotient: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a / b }
    }

    /// The first argument (broadcasting a tensor against a shape).
    struct First: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ a: Float, _ b: Float) -> Float { a }
    }

    struct Negation: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { -x }
    }

    /// `x + offset`.
    struct Offset: UnaryScalarFunction {
        let offset: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x + offset }
    }

    /// `x · factor`.
    struct Scale: UnaryScalarFunction {
        let factor: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x * factor }
    }

    struct Square: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x * x }
    }

    /// `(g, x) ↦ 2·g·x`, the gradient of `x²`.
    struct SquareGradient: BinaryScalarFunction {
        @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { 2 * g * x }
    }

    struct SquareRoot: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x.squareRoot() }
    }

    /// `max(x, 0)`.
    struct ReLU: UnaryScalarFunction {
        @inline(__always) func callAsFunction(_ x: Float) -> Float { max(x, 0) }
    }

    /// `x > 0 ? x : slope·x`.
    struct LeakyReLU: UnaryScalarFunction {
        let slope: Float
        @inline(__always) func callAsFunction(_ x: Float) -> Float { x > 0 ? x : slope * x }
    }

    /// `(g, x) ↦ x > 0 ? g : slope·g`, the gradient of ``LeakyReLU`` (of ``ReLU`` with slope 0).
    struct LeakyReLUGradient: BinaryScalarFunction {
        let slope: Float
        @inline(__always) func callAsFunction(_ g: Float, _ x: Float) -> Float { x > 0 ? g : slope * g }
    }
}
