import Foundation

/// Everything `clusterbench compare` and `clusterbench report` show, read in one go: the results
/// joined with the sweeps, each run's telemetry read once, the table, and (for the report) the
/// temperature timeline.
public struct Comparison: Sendable {
  public var catalog: ResultsCatalog
  /// Every run of the selection, with its group and telemetry folder.
  public var runs: [CatalogRun]
  public var telemetry: TelemetryDigests
  public var table: CompareTable
  /// The training runs beside the HPL results (`train.csv`) and their table.
  public var training: TrainingCatalog
  public var trainingTable: TrainingCompareTable
  /// Which runs the timeline shows, in words (`the 12 runs of sweep rock`, `run hpl-…`); `nil`
  /// when no run has telemetry or no timeline was asked for.
  public var timelineSource: String?

  /// Every warning: the results' and points' broken rows, then the telemetry's.
  public var warnings: [String] { catalog.warnings + training.warnings + telemetry.warnings }

  /// Reads the results at `resultsPath` (and the sweeps beside them, or only `sweep`) and the
  /// telemetry of their runs. With `timeline`, also draws the temperature timeline, at most
  /// `timelinePoints` points per node, of the chosen sweep's runs; without a chosen sweep, of
  /// the latest run with telemetry and the other runs of its sweep (just it if it is in none).
  public static func load(
    resultsPath: String, sweep: String? = nil, timeline: Bool = false, timelinePoints: Int = 500
  ) throws(CompareError) -> Comparison {
    // `train.csv` names the results folder as well as `hpl.csv` does.
    let path = resultsPath as NSString
    let resultsPath =
      path.lastPathComponent == TrainingCatalog.fileName
      ? (path.deletingLastPathComponent as NSString).appendingPathComponent("hpl.csv") : resultsPath
    let catalog = try ResultsCatalog.load(resultsPath: resultsPath, sweep: sweep)
    let runs = catalog.runs()
    let training = TrainingCatalog.load(
      resultsPath: catalog.trainingResultsPath, points: catalog.trainingPoints, sweep: sweep,
      telemetryFolder: { catalog.telemetryFolder(runID: $0, point: $1) })
    let trainingRuns = training.catalogRuns
    var timelineRuns: [CatalogRun] = []
    var source: String?
    if timeline {
      let withTelemetry = (runs + trainingRuns).filter { $0.telemetryFolder != nil }
      if let sweep {
        timelineRuns = withTelemetry.filter { $0.key.sweep == sweep }
        source = "the \(timelineRuns.count) run(s) of sweep \(sweep)"
      } else if let latest = withTelemetry.max(by: { ($0.time ?? -.infinity) < ($1.time ?? -.infinity) }) {
        if let latestSweep = latest.key.sweep {
          timelineRuns = withTelemetry.filter { $0.key.sweep == latestSweep }
          source = "the \(timelineRuns.count) run(s) of sweep \(latestSweep), the latest with telemetry"
        } else {
          timelineRuns = [latest]
          source = "run \(latest.runID), the latest with telemetry"
        }
      }
    }
    let telemetry = TelemetryDigests.read(
      runs: runs + trainingRuns, timelineRunIDs: Set(timelineRuns.map(\.runID)), pointLimit: timelinePoints)
    return Comparison(
      catalog: catalog, runs: runs, telemetry: telemetry,
      table: CompareTable(catalog: catalog, runs: runs, telemetry: telemetry), training: training,
      trainingTable: TrainingCompareTable(catalog: training, telemetry: telemetry),
      timelineSource: timelineRuns.isEmpty ? nil : source)
  }
}
