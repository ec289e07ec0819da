import ArgumentParser
import CNN

/// How `train` and `infer` prepare a time-series data set's cases (`--data PATH/NAME` of `.ts` files).
struct TimeSeriesOptions: ParsableArguments {
  @Flag(help: "Time series: pad cases shorter than the longest with zeros at their end (else refused).")
  var padSeries = false
  @Flag(help: "Time series: stretch cases shorter than the longest to its length by linear interpolation.")
  var resampleSeries = false
  @Flag(help: "Time series: fill missing values (?) in linearly from their neighbours (else refused).")
  var imputeMissing = false
  @Flag(help: "Time series: use the values as they are, without z-normalising each case.")
  var noZnorm = false

  /// The preparation the flags ask for.
  var preparation: TimeSeriesPreparation {
    TimeSeriesPreparation(
      padsLengths: padSeries, resamplesLengths: resampleSeries, imputesMissing: imputeMissing, zNormalizes: !noZnorm)
  }

  func validate() throws {
    if padSeries && resampleSeries {
      throw ValidationError("--pad-series and --resample-series both make lengths equal: give one of them")
    }
  }
}
