import SuiteCore

/// One run (one hplswift launch, one `run_id`) named by the results or by a sweep's point, with
/// where it belongs in the comparison and where its telemetry is.
public struct CatalogRun: Sendable, Equatable {
  public var runID: String
  public var key: CompareKey
  /// Its telemetry folder, when one exists.
  public var telemetryFolder: String?
  /// When it ended, seconds since 1970: its latest result, or its point's start; `nil` if unknown.
  public var time: Double?

  public init(runID: String, key: CompareKey, telemetryFolder: String?, time: Double?) {
    (self.runID, self.key, self.telemetryFolder, self.time) = (runID, key, telemetryFolder, time)
  }
}

extension ResultsCatalog {
  /// Every run of the selected results and points, each once, in order of first mention (results
  /// first). A run's key is that of its first mention.
  public func runs() -> [CatalogRun] {
    var order: [String] = []
    var runs: [String: CatalogRun] = [:]
    for result in results where !result.row.runID.isEmpty {
      let time = result.row.timestamp.timeIntervalSince1970
      if var run = runs[result.row.runID] {
        run.time = max(run.time ?? time, time)
        runs[result.row.runID] = run
      } else {
        order.append(result.row.runID)
        runs[result.row.runID] = CatalogRun(
          runID: result.row.runID, key: CompareKey(result), telemetryFolder: nil, time: time)
      }
    }
    var pointOfRun: [String: SweepPointRecord] = [:]
    for point in points where !point.record.runID.isEmpty {
      let runID = point.record.runID
      if pointOfRun[runID] == nil { pointOfRun[runID] = point.record }
      let started = UTCTimestamp.seconds(point.record.started)
      if var run = runs[runID] {
        run.time = run.time ?? started
        runs[runID] = run
      } else {
        order.append(runID)
        runs[runID] = CatalogRun(runID: runID, key: CompareKey(point), telemetryFolder: nil, time: started)
      }
    }
    return order.map { runID in
      var run = runs[runID]!
      run.telemetryFolder = telemetryFolder(runID: runID, point: pointOfRun[runID])
      return run
    }
  }
}
