import MPI

/// A scalar type the typed checks run for, with a reference for each reduction.
///
/// Test values are small integers, so sums, maxima and powers of two are exact in every type
/// and any reduction order; integer arithmetic wraps, as MPI's does for unsigned types.
protocol SelfTestScalar: MPIScalar, Equatable, CustomStringConvertible {
  /// The name printed in check lines, such as `"Double"`.
  static var typeName: String { get }
  /// The reductions MPI defines for this type.
  static var operations: [ReductionOperation] { get }
  /// A value from a small non-negative integer (wrapping for narrow integer types).
  init(small: Int)
  /// What `operation` makes of `a` and `b`, computed in Swift.
  static func combine(_ a: Self, _ b: Self, _ operation: ReductionOperation) -> Self
}

extension SelfTestScalar {
  /// Runs every typed check for this type.
  static func runTypedChecks(_ report: Report) {
    PointToPointChecks.run(report, Self.self)
    BroadcastChecks.run(report, Self.self)
    ReductionChecks.run(report, Self.self)
    GatherChecks.run(report, Self.self)
    AllgatherChecks.run(report, Self.self)
    ScatterChecks.run(report, Self.self)
  }

  /// Rank `rank`'s element `index` for a reduction with `operation` over `size` ranks.
  static func contribution(
    rank: Int, index: Int, size: Int, operation: ReductionOperation
  ) -> Self {
    switch operation {
    case .product: Self(small: index % size == rank ? 2 : 1)
    case .max, .min: Self(small: (rank * 7 + index * 3) % 23)
    case .logicalAnd, .logicalOr, .logicalXor: Self(small: (rank + index) % 3 == 0 ? 0 : 1)
    case .bitwiseAnd, .bitwiseOr, .bitwiseXor: Self(small: (rank * 37 + index * 11) % 256)
    default: Self(small: (rank * 3 + index) % 10 + 1)
    }
  }

  /// The reduction of every rank's contribution at `index`.
  static func expected(index: Int, size: Int, operation: ReductionOperation) -> Self {
    var result = contribution(rank: 0, index: index, size: size, operation: operation)
    for rank in 1..<max(1, size) {
      result = combine(
        result, contribution(rank: rank, index: index, size: size, operation: operation),
        operation)
    }
    return result
  }

  /// A distinct value for rank `rank`'s element `index` in data-movement checks.
  static func pattern(rank: Int, index: Int) -> Self {
    Self(small: (rank * 13 + index * 5 + 1) % 97)
  }
}

extension SelfTestScalar where Self: BinaryFloatingPoint {
  static var operations: [ReductionOperation] { [.sum, .product, .max, .min] }

  init(small: Int) { self.init(small) }

  static func combine(_ a: Self, _ b: Self, _ operation: ReductionOperation) -> Self {
    switch operation {
    case .product: a * b
    case .max: Swift.max(a, b)
    case .min: Swift.min(a, b)
    default: a + b
    }
  }
}

extension SelfTestScalar where Self: FixedWidthInteger {
  static var operations: [ReductionOperation] {
    [
      .sum, .product, .max, .min, .logicalAnd, .logicalOr, .logicalXor, .bitwiseAnd, .bitwiseOr,
      .bitwiseXor,
    ]
  }

  init(small: Int) { self.init(truncatingIfNeeded: small) }

  static func combine(_ a: Self, _ b: Self, _ operation: ReductionOperation) -> Self {
    switch operation {
    case .product: a &* b
    case .max: Swift.max(a, b)
    case .min: Swift.min(a, b)
    case .logicalAnd: (a != 0 && b != 0) ? 1 : 0
    case .logicalOr: (a != 0 || b != 0) ? 1 : 0
    case .logicalXor: ((a != 0) != (b != 0)) ? 1 : 0
    case .bitwiseAnd: a & b
    case .bitwiseOr: a | b
    case .bitwiseXor: a ^ b
    default: a &+ b
    }
  }
}

extension Double: SelfTestScalar { static var typeName: String { "Double" } }
extension Float: SelfTestScalar { static var typeName: String { "Float" } }
extension Int32: SelfTestScalar { static var typeName: String { "Int32" } }
extension Int64: SelfTestScalar { static var typeName: String { "Int64" } }
extension UInt8: SelfTestScalar { static var typeName: String { "UInt8" } }
extension Int: SelfTestScalar { static var typeName: String { "Int" } }

extension ReductionOperation {
  /// The name printed in check lines.
  var checkName: String {
    switch self {
    case .sum: "sum"
    case .product: "product"
    case .max: "max"
    case .min: "min"
    case .maxLocation: "maxLocation"
    case .minLocation: "minLocation"
    case .logicalAnd: "logicalAnd"
    case .logicalOr: "logicalOr"
    case .logicalXor: "logicalXor"
    case .bitwiseAnd: "bitwiseAnd"
    case .bitwiseOr: "bitwiseOr"
    case .bitwiseXor: "bitwiseXor"
    }
  }
}
