import ArgumentParser

/// The range checks of cnnswift's numeric flags, with one wording for every flag:
/// `--batch must be at least 1, got 0`, `--batch must be at most 1048576 (images per step on each
/// rank), got 5000000`.
enum FlagCheck {
  /// Refuses `value` outside `range`, naming the flag, the limit, what the flag counts and the value.
  static func count(_ flag: String, _ value: Int, in range: ClosedRange<Int>, of what: String) throws {
    guard value >= range.lowerBound else {
      throw ValidationError("\(flag) must be at least \(range.lowerBound), got \(value)")
    }
    guard value <= range.upperBound else {
      throw ValidationError("\(flag) must be at most \(range.upperBound) (\(what)), got \(value)")
    }
  }

  /// Refuses a rate that is not a positive finite number (NaN, infinity, 0 or below).
  static func positive(_ flag: String, _ value: Float) throws {
    guard value > 0, value.isFinite else {
      throw ValidationError("\(flag) must be a positive finite number, got \(value)")
    }
  }

  /// Refuses a coefficient outside [0, 1) (NaN included), giving `why` the range.
  static func fraction(_ flag: String, _ value: Float, _ why: String) throws {
    guard value >= 0, value < 1 else {
      throw ValidationError("\(flag) must be at least 0 and below 1, got \(value): \(why)")
    }
  }
}

extension FlagCheck {
  /// A sample shape given as `CxHxW` (or `C×H×W`) or `F`: one to three positive sizes.
  static func shape(_ flag: String, _ text: String) throws -> [Int] {
    let parts = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "x" || $0 == "×" })
    let sizes = parts.compactMap { Int($0) }
    guard (1...3).contains(parts.count), sizes.count == parts.count, sizes.allSatisfy({ $0 > 0 }) else {
      throw ValidationError("\(flag): '\(text)' is not a shape: expected CxHxW (such as 3x416x416) or F")
    }
    return sizes
  }
}
