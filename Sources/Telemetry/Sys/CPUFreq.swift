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
  /// The current frequency of every core that has cpufreq, in core order; an empty list when
  /// none has (virtual machines).
  public func cpuFrequencies() throws(TelemetryError) -> [CPUFrequency] {
    var frequencies: [CPUFrequency] = []
    for name in KernelFiles.entries(path("devices/system/cpu"), prefix: "cpu") {
      guard let cpu = KernelFiles.index(of: name, prefix: "cpu"),
        let kiloHertz = try KernelFiles.readInteger(path("devices/system/cpu/\(name)/cpufreq/scaling_cur_freq"))
      else { continue }
      frequencies.append(CPUFrequency(cpu: cpu, frequencyHertz: kiloHertz * 1000))
    }
    return frequencies
  }
}
