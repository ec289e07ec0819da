import Foundation

/// The report's training charts, shaped from the training table: the figures of Park et al.
/// (time and accuracy against the number of devices for each model, batch and sync mode, Tables
/// 1, 2 and Fig. 3a; accuracy after each epoch, Table 4).
enum TrainingCharts {
  /// The chart ids, in page order.
  static let ids = ["training-time-chart", "training-accuracy-chart", "training-epochs-chart"]

  /// One line per configuration (model, batch, sync) of `y` against ranks.
  /// With `accuracy`, the y axis covers the data with some room (not 0 to 1) within 0–1.
  static func againstRanks(
    _ table: TrainingCompareTable, id: String, heading: String, title: String, subtitle: String, yTitle: String,
    accuracy: Bool = false, value: (TrainingCompareRow) -> Double?, describe: (Double) -> String
  ) -> ReportChart {
    let keys = Array(Set(table.rows.map { table.line(of: $0.key) })).sorted()
    let names = TrainingCompareKey.seriesNames(keys)
    let series = keys.map { key in
      LineChart.Series(
        name: names[key]!,
        points: table.rows.filter { table.line(of: $0.key) == key }.compactMap { row in
          guard let y = value(row) else { return nil }
          return LineChart.Point(
            x: Double(row.key.ranks), y: y,
            attributes: [
              DataAttribute("ranks", String(row.key.ranks)), DataAttribute("nodes", String(row.key.nodes)),
            ],
            tooltip:
              "\(row.key.model), batch \(row.key.batchPerRank), sync \(row.key.sync), \(row.key.ranks) rank(s) on "
              + "\(row.key.nodes) node(s): \(describe(y)) (\(row.runs) run(s))")
        })
    }
    let notes = table.rows.filter { value($0) == nil }.map { row in
      "\(names[table.line(of: row.key)]!), \(row.key.ranks) rank(s): "
        + (row.notes.isEmpty ? "no value" : row.notes.joined(separator: "; "))
    }
    guard series.contains(where: { !$0.points.isEmpty }) else {
      return ReportChart(id: id, heading: heading, absent: "No training result to plot.", notes: notes)
    }
    var chart = LineChart(
      id: id, title: title, subtitle: subtitle, xTitle: "MPI ranks", yTitle: yTitle, series: series, xIntegers: true,
      missing: "")
    if accuracy { (chart.yFromZero, chart.yPadding, chart.yLimits) = (false, accuracyPadding, 0...1) }
    return ReportChart(id: id, heading: heading, svg: chart.svg(), notes: notes)
  }

  /// The room an accuracy axis leaves above and below the data, a share of its range: 0.85 to
  /// 0.89 is drawn on 0.84–0.90, not on 0–1 where the differences would vanish.
  static let accuracyPadding = 0.15

  /// The y title of the accuracy charts.
  static let accuracyTitle = "test accuracy (share of test images right)"

  /// The three charts.
  static func all(_ table: TrainingCompareTable) -> [ReportChart] {
    let time = againstRanks(
      table, id: ids[0], heading: "Training time",
      title: "Training time against ranks",
      subtitle: "a run's wall time over all its epochs (median of runs); one line per model, batch and sync mode",
      yTitle: "seconds", value: \.seconds, describe: { String(format: "%.1f s", $0) })
    let accuracy = againstRanks(
      table, id: ids[1], heading: "Training accuracy",
      title: "Test accuracy against ranks",
      subtitle:
        "after a run's last epoch (median of runs); sync batch is synchronous SGD, end the paper's asynchronous",
      yTitle: accuracyTitle, accuracy: true, value: \.testAccuracy, describe: { String(format: "%.4f", $0) })
    return [time, accuracy, epochs(table)]
  }

  /// Test accuracy after each epoch, one line per configuration and rank count (Table 4).
  static func epochs(_ table: TrainingCompareTable) -> ReportChart {
    let groups = table.epochSeries()
    let names = TrainingCompareKey.seriesNames(groups.map { table.line(of: $0.key) })
    let series = groups.map { group in
      LineChart.Series(
        name: "\(group.key.ranks) rank(s) · " + names[table.line(of: group.key)]!,
        points: group.epochs.compactMap { point in
          guard let accuracy = point.testAccuracy else { return nil }
          return LineChart.Point(
            x: Double(point.epoch), y: accuracy,
            attributes: [
              DataAttribute("epoch", String(point.epoch)), DataAttribute("ranks", String(group.key.ranks)),
              DataAttribute("elapsed", point.elapsedSeconds),
            ],
            tooltip: "epoch \(point.epoch): test accuracy \(String(format: "%.4f", accuracy)) after "
              + String(format: "%.1f s", point.elapsedSeconds))
        })
    }
    guard series.contains(where: { !$0.points.isEmpty }) else {
      return ReportChart(
        id: ids[2], heading: "Accuracy by epoch", absent: "No test accuracy to plot (the runs had no test set).")
    }
    var chart = LineChart(
      id: ids[2], title: "Test accuracy after each epoch",
      subtitle: "median of runs; one line per model, batch, sync mode and rank count", xTitle: "epoch",
      yTitle: accuracyTitle, series: series, xIntegers: true, missing: "")
    (chart.yFromZero, chart.yPadding, chart.yLimits) = (false, accuracyPadding, 0...1)
    return ReportChart(id: chart.id, heading: "Accuracy by epoch", svg: chart.svg(), notes: [])
  }
}
