/// Values over time squeezed, as they arrive, into at most `limit` buckets of equal width: the
/// width starts at one second and doubles (merging neighbours) whenever the buckets would exceed
/// the limit, so memory stays bounded however long the series and whatever its order.
struct DownsampledSeries: Sendable {
  /// One bucket's totals; times are relative to the series' first time.
  struct Bucket: Sendable {
    var timeSum = 0.0
    var valueSum = 0.0
    var valueMax = -Double.infinity
    var count = 0

    mutating func add(time: Double, value: Double) {
      timeSum += time
      valueSum += value
      valueMax = max(valueMax, value)
      count += 1
    }

    mutating func absorb(_ other: Bucket) {
      timeSum += other.timeSum
      valueSum += other.valueSum
      valueMax = max(valueMax, other.valueMax)
      count += other.count
    }
  }

  /// The most buckets kept (and points returned).
  let limit: Int
  private var origin: Double?
  /// Seconds per bucket.
  private(set) var width = 1.0
  private var buckets: [Int: Bucket] = [:]

  init(limit: Int) { self.limit = max(2, limit) }

  mutating func add(time: Double, value: Double) {
    let origin = self.origin ?? time
    self.origin = origin
    let relative = time - origin
    buckets[Self.bucket(relative, width), default: Bucket()].add(time: relative, value: value)
    while buckets.count > limit { coarsen() }
  }

  /// The buckets in time order: the mean time (seconds since 1970), the mean and largest value,
  /// and the values merged into each.
  var points: [(time: Double, mean: Double, max: Double, count: Int)] {
    guard let origin else { return [] }
    return buckets.sorted { $0.key < $1.key }.map { _, bucket in
      let count = Double(bucket.count)
      return (origin + bucket.timeSum / count, bucket.valueSum / count, bucket.valueMax, bucket.count)
    }
  }

  /// Doubles the width, merging each pair of neighbouring buckets.
  private mutating func coarsen() {
    width *= 2
    var merged: [Int: Bucket] = [:]
    merged.reserveCapacity(buckets.count / 2 + 1)
    for (key, bucket) in buckets {
      // Floor division, so that times before the origin (rows out of order) pair up too.
      merged[key >= 0 ? key / 2 : (key - 1) / 2, default: Bucket()].absorb(bucket)
    }
    buckets = merged
  }

  private static func bucket(_ relative: Double, _ width: Double) -> Int {
    let index = (relative / width).rounded(.down)
    return Int(max(-1e15, min(1e15, index)))  // a wild timestamp must not trap the conversion
  }
}
