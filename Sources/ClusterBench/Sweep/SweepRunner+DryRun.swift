import HPL
import SuiteCore

extension SweepRunner {
  /// What `clusterbench submit --dry-run` prints: per point, how it was sized, its bound, its
  /// hostfile, the exact mpiexec command line and (HPL) its HPL.dat.
  public func dryRunText() -> String {
    let runner = self
    var lines = [
      "# \(plan.job.name): \(plan.points.count) point\(plan.points.count == 1 ? "" : "s") on \(plan.target.label)",
      "# nodes: "
        + plan.resources.map {
          $0.memTotalBytes > 0 ? "\($0.host) (\($0.cores) cores, \(ByteSize.describe($0.memTotalBytes)))" : $0.host
        }
        .joined(separator: ", "),
      "",
    ]
    for point in plan.points {
      let launch = runner.launch(for: point, runID: "\(plan.job.name)-\(point.id)-<start time>")
      lines.append("## point \(point.index): \(point.id)")
      lines += point.explanation.map { "# " + $0 }
      lines.append("# bound: \(TimeSpan.elapsed(runner.bound(for: point, done: []))) (timeout)")
      lines.append("cd \(launch.workingDirectory ?? ".")")
      if case .local = plan.target.kind {
      } else {
        lines.append("# hostfile:")
        lines += runner.hostfileText(for: point).split(separator: "\n").map { "#   " + $0 }
      }
      lines.append(launch.displayText)
      if let problem = point.hpl {
        lines.append("# HPL.dat:")
        lines += problem.dat.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { "#   " + $0 }
      }
      lines.append("")
    }
    return lines.joined(separator: "\n")
  }
}
