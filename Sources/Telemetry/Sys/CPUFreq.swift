/// One core's current frequency, `/sys/devices/system/cpu/cpu<N>/cpufreq/scaling_cur_freq`.
///
/// A frequency below the core's maximum under load is how thermal throttling shows.
/// prometheus/procfs: `sysfs/system_cpu.go`; node exporter: `node_cpu_scaling_frequency_hertz`.
public struct CPUFrequency: Sendable, Equatable {
  /// The core's number, the `N` of `cpuN`.
  public var cpu: Int
  /// `scaling_cur_freq`, which the kernel gives in kHz.
  public var frequencyHertz: Int

  public init(cpu: Int, frequencyHertz: Int) {
    (self.cpu, self.frequencyHertz) = (cpu, frequencyHertz)
  }
}

extension SysFS {
  /// The current frequency of every core that has cpufreq, in core order; none when no core has
  /// (virtual machines). A core whose file cannot be read or parsed is left out with its error in
  /// ``SensorReadings/failures``, the others still read.
  public func cpuFrequencies() -> SensorReadings<CPUFrequency> {
    var frequencies = SensorReadings<CPUFrequency>()
    for name in KernelFiles.entries(path("devices/system/cpu"), prefix: "cpu") {
      guard let cpu = KernelFiles.index(of: name, prefix: "cpu") else { continue }
      frequencies.read { () throws(TelemetryError) in
        let file = path("devices/system/cpu/\(name)/cpufreq/scaling_cur_freq")
        guard let kiloHertz = try KernelFiles.readInteger(file) else { return nil }
        let (hertz, overflow) = kiloHertz.multipliedReportingOverflow(by: 1000)
        guard !overflow, hertz >= 0 else { throw .malformed(path: file, text: String(kiloHertz)) }
        return CPUFrequency(cpu: cpu, frequencyHertz: hertz)
      }
    }
    return frequencies
  }
}
