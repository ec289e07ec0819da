import Foundation

/// The report's training charts, shaped from the training table: the figures of Park et al.
/// (time and accuracy against the number of devices for each model, batch and sync mode, Tables
/// 1, 2 and Fig. 3a; accuracy after each epoch, Table 4).
enum TrainingCharts {
  /// The chart ids, in page order.
  static let ids = ["training-time-chart", "training-accuracy-chart", "training-epochs-chart"]

  /// One line per configuration (model, batch, sync) of `y` against ranks.
  static func againstRanks(
    _ table: TrainingCompareTable, id: String, heading: String, title: String, subtitle: String, yTitle: String,
    value: (TrainingCompareRow) -> Double?, describe: (Double) -> String
  ) -> ReportChart {
    let keys = Array(Set(table.rows.map(\.key.series))).sorted()
    let several = Set(keys.map(\.sweep)).count > 1
    let series = keys.map { key in
      LineChart.Series(
        name: key.seriesName(withSweep: several),
        points: table.rows.filter { $0.key.series == key }.compactMap { row in
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
      "\(row.key.seriesName(withSweep: several)), \(row.key.ranks) rank(s): "
        + (row.notes.isEmpty ? "no value" : row.notes.joined(separator: "; "))
    }
    let chart = LineChart(
      id: id, title: title, subtitle: subtitle, xTitle: "MPI ranks", yTitle: yTitle, series: series, xIntegers: true,
      missing: "no training result to plot")
    return ReportChart(id: id, heading: heading, svg: chart.svg(), notes: notes)
  }

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
      yTitle: "test accuracy (0–1)", value: \.testAccuracy, describe: { String(format: "%.4f", $0) })
    return [time, accuracy, epochs(table)]
  }

  /// Test accuracy after each epoch, one line per configuration and rank count (Table 4).
  static func epochs(_ table: TrainingCompareTable) -> ReportChart {
    let groups = table.epochSeries()
    let several = Set(groups.map(\.key.sweep)).count > 1
    let series = groups.map { group in
      LineChart.Series(
        name: (several ? "\(group.key.sweep ?? "no sweep") · " : "")
          + "\(group.key.model) b\(group.key.batchPerRank) \(group.key.sync) · \(group.key.ranks) rank(s)",
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
    let chart = LineChart(
      id: ids[2], title: "Test accuracy after each epoch",
      subtitle: "median of runs; one line per model, batch, sync mode and rank count", xTitle: "epoch",
      yTitle: "test accuracy (0–1)", series: series, xIntegers: true, missing: "no test accuracy to plot")
    return ReportChart(id: chart.id, heading: "Accuracy by epoch", svg: chart.svg(), notes: [])
  }
}
