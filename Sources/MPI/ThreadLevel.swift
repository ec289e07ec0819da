/// How much threading a process asks of MPI, from least to most.
///
/// Rank code in this project is synchronous and calls MPI from the main thread only, so
/// ``funneled`` is the default (PLATFORM.md section 4: async code may resume on another thread).
/// The corresponding C constants are `MPI_THREAD_SINGLE` ... `MPI_THREAD_MULTIPLE`.
public enum ThreadLevel: Int32, Sendable, Comparable, CaseIterable, CustomStringConvertible {
  /// One thread only. The corresponding C constant is `MPI_THREAD_SINGLE`.
  case single = 0
  /// Several threads, but only the main thread calls MPI. The corresponding C constant is
  /// `MPI_THREAD_FUNNELED`.
  case funneled = 1
  /// Any thread calls MPI, one at a time. The corresponding C constant is `MPI_THREAD_SERIALIZED`.
  case serialized = 2
  /// Any thread calls MPI at any time. The corresponding C constant is `MPI_THREAD_MULTIPLE`.
  case multiple = 3

  public static func < (lhs: ThreadLevel, rhs: ThreadLevel) -> Bool {
    lhs.rawValue < rhs.rawValue
  }

  /// `"single"`, `"funneled"`, `"serialized"` or `"multiple"`.
  public var description: String {
    switch self {
    case .single: "single"
    case .funneled: "funneled"
    case .serialized: "serialized"
    case .multiple: "multiple"
    }
  }

  /// The C library's value for this level.
  internal var cValue: Int32 {
    switch self {
    case .single: Constants.threadSingle
    case .funneled: Constants.threadFunneled
    case .serialized: Constants.threadSerialized
    case .multiple: Constants.threadMultiple
    }
  }

  /// The level for a value the C library returned (`MPI_Query_thread`, `MPI_Init_thread`).
  internal init(cValue: Int32) {
    switch cValue {
    case Constants.threadMultiple: self = .multiple
    case Constants.threadSerialized: self = .serialized
    case Constants.threadFunneled: self = .funneled
    default: self = .single
    }
  }
}
