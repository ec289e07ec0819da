import Foundation

/// A linear axis with round ticks (steps of 1, 2, 2.5 or 5 times a power of ten) that cover the
/// data, as a reader would draw them by hand.
struct AxisScale: Sendable, Equatable {
  var lower: Double
  var upper: Double
  var step: Double

  /// Covers `values` (and 0 when `fromZero`) with about `targetTicks` ticks; `integers` keeps the
  /// step whole (node counts). With no values the axis is 0 to 1.
  ///
  /// `padding` widens the data's range by that share of it on each side, so that the extreme
  /// points do not sit on the frame; `limits` keeps the axis within what the quantity can be
  /// (an accuracy between 0 and 1).
  init(
    covering values: [Double], fromZero: Bool, integers: Bool = false, targetTicks: Int = 6, padding: Double = 0,
    limits: ClosedRange<Double>? = nil
  ) {
    var low = values.min() ?? 0
    var high = values.max() ?? 1
    if fromZero {
      low = min(low, 0)
      high = max(high, 0)
    }
    if high == low {  // a single value: give it room on both sides
      let pad = high == 0 ? 1 : abs(high) * 0.1
      (low, high) = (fromZero && low >= 0 ? low : low - pad, high + pad)
    } else if padding > 0 {
      let pad = (high - low) * padding
      (low, high) = (fromZero && low >= 0 ? low : low - pad, high + pad)
    }
    if let limits {
      (low, high) = (max(low, limits.lowerBound), min(high, limits.upperBound))
    }
    var step = Self.niceStep((high - low) / Double(max(1, targetTicks)))
    if integers { step = max(1, step.rounded(.up)) }
    lower = (low / step).rounded(.down) * step
    upper = (high / step).rounded(.up) * step
    if let limits {  // a round tick past a limit (1.05 for an accuracy) is cut back to it
      (lower, upper) = (max(lower, limits.lowerBound), min(upper, limits.upperBound))
    }
    self.step = step
  }

  /// 1, 2, 2.5 or 5 times a power of ten, the smallest at least `raw`.
  static func niceStep(_ raw: Double) -> Double {
    guard raw > 0, raw.isFinite else { return 1 }
    let magnitude = pow(10, (log10(raw)).rounded(.down))
    let normalized = raw / magnitude
    let nice: Double = normalized <= 1 ? 1 : normalized <= 2 ? 2 : normalized <= 2.5 ? 2.5 : normalized <= 5 ? 5 : 10
    return nice * magnitude
  }

  /// The ticks from ``lower`` to ``upper``.
  var ticks: [Double] {
    let count = Int(((upper - lower) / step).rounded())
    return (0...max(0, count)).map { lower + Double($0) * step }
  }

  /// Where `value` falls, 0 at ``lower`` and 1 at ``upper``.
  func fraction(_ value: Double) -> Double { upper == lower ? 0 : (value - lower) / (upper - lower) }

  /// A tick's label with as many decimals as the step needs (`0.25`, `2.5`, `10`).
  func label(_ value: Double) -> String {
    var decimals = 0
    while decimals < 6, abs(step * pow(10, Double(decimals)) - (step * pow(10, Double(decimals))).rounded()) > 1e-9 {
      decimals += 1
    }
    let text = String(format: "%.\(decimals)f", value)
    return text.hasPrefix("-") && Double(text) == 0 ? String(text.dropFirst()) : text
  }
}
