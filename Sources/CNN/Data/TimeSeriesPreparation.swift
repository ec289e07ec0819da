/// How the cases of a ``TimeSeriesFile`` become samples of one shape, `[dimensions, length]`: unequal lengths
/// and missing values are refused unless asked for (`--pad-series` or `--resample-series`, `--impute-missing`),
/// never handled silently,
/// and each case's dimensions are z-normalised (mean 0, standard deviation 1 over the case's own values, as the
/// UCR archive's series are) unless `--no-znorm`.
public struct TimeSeriesPreparation: Sendable, Equatable {
  /// Cases shorter than the longest are padded at their end with zeros (after normalisation: their mean),
  /// rather than refused.
  public var padsLengths: Bool
  /// Cases shorter than the longest are stretched to its length by linear interpolation (before normalisation),
  /// as Ismail Fawaz et al. (2019) made the multivariate archive's lengths equal, rather than refused.
  public var resamplesLengths: Bool
  /// Missing values are filled in (linearly between the nearest known values of their dimension; the nearest
  /// one before the first or after the last; zeros for a dimension with none), rather than refused.
  public var imputesMissing: Bool
  /// Each case's dimensions are z-normalised.
  public var zNormalizes: Bool

  public init(
    padsLengths: Bool = false, resamplesLengths: Bool = false, imputesMissing: Bool = false, zNormalizes: Bool = true
  ) {
    precondition(!(padsLengths && resamplesLengths), "a case is either padded or resampled")
    (self.padsLengths, self.resamplesLengths) = (padsLengths, resamplesLengths)
    (self.imputesMissing, self.zNormalizes) = (imputesMissing, zNormalizes)
  }

  /// `file`'s cases as samples of `length` values per dimension, one after the other (`dimensions × length`
  /// each). `length` is the longest case of the data set (training and test files together); a shorter case
  /// is an error unless ``padsLengths``, a missing value unless ``imputesMissing``; `path` is named in errors.
  public func samples(of file: TimeSeriesFile, length: Int, path: String) throws(DataError) -> [Float] {
    let shortest = file.lengths.min()!
    if shortest < length && !padsLengths && !resamplesLengths {
      throw DataError(
        path,
        "cases of \(shortest) to \(length) values (the longest of the training and test files): pass "
          + "--pad-series to pad the shorter ones with zeros at their end, or --resample-series to stretch them")
    }
    if !imputesMissing, let index = file.series.firstIndex(where: { $0.contains(where: \.isNaN) }) {
      throw DataError(
        path, "case \(index + 1) has missing values (?): pass --impute-missing to fill them in from their neighbours")
    }
    var samples = [Float](repeating: 0, count: file.series.count * file.dimensions * length)
    for (index, values) in file.series.enumerated() {
      let count = file.lengths[index]
      for dimension in 0..<file.dimensions {
        var series = Array(values[(dimension * count)..<((dimension + 1) * count)])
        if imputesMissing { Self.impute(&series) }
        if resamplesLengths && count < length { series = Self.resample(series, to: length) }
        if zNormalizes { Self.zNormalize(&series) }
        let start = (index * file.dimensions + dimension) * length
        samples.replaceSubrange(start..<(start + series.count), with: series)
      }
    }
    return samples
  }

  /// Fills the NaNs of `series` in: linearly between the known values either side, else the nearest known
  /// value, else (none known) zeros.
  static func impute(_ series: inout [Float]) {
    let known = series.indices.filter { !series[$0].isNaN }
    guard let first = known.first, let last = known.last else {
      series = [Float](repeating: 0, count: series.count)
      return
    }
    for i in 0..<first { series[i] = series[first] }
    for i in (last + 1)..<series.count { series[i] = series[last] }
    for (a, b) in zip(known, known.dropFirst()) where b > a + 1 {
      for i in (a + 1)..<b {
        let t = Float(i - a) / Float(b - a)
        series[i] = series[a] + t * (series[b] - series[a])
      }
    }
  }

  /// `series` stretched to `length` values by linear interpolation, its first and last values kept (a single
  /// value repeated).
  static func resample(_ series: [Float], to length: Int) -> [Float] {
    guard series.count > 1, length > 1 else { return [Float](repeating: series.first ?? 0, count: length) }
    let scale = Double(series.count - 1) / Double(length - 1)
    return (0..<length).map { i in
      let position = Double(i) * scale
      let left = min(Int(position), series.count - 2)
      let t = Float(position - Double(left))
      return series[left] + t * (series[left + 1] - series[left])
    }
  }

  /// `(x − mean) / σ` over `series` (population σ, in doubles); a constant series only loses its mean.
  static func zNormalize(_ series: inout [Float]) {
    let n = Double(series.count)
    let mean = series.reduce(0.0) { $0 + Double($1) } / n
    let variance = series.reduce(0.0) { $0 + (Double($1) - mean) * (Double($1) - mean) } / n
    let sigma = variance.squareRoot()
    let scale = sigma > 1e-8 ? 1 / sigma : 1
    for i in series.indices { series[i] = Float((Double(series[i]) - mean) * scale) }
  }
}
