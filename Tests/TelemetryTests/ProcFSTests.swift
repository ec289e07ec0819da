import Foundation
import Telemetry
import Testing

@Suite struct ProcFSTests {
  @Test func meminfoInBytesWithDerivedUsage() throws {
    let memory = try #require(try TelemetryFixtures.proc.meminfo())
    #expect(memory.memTotalBytes == 3_969_540 * 1024)
    #expect(memory.memAvailableBytes == 2_884_112 * 1024)
    #expect(memory.swapTotalBytes == 1_984_764 * 1024)
    #expect(memory.swapFreeBytes == 1_722_620 * 1024)
    #expect(memory.usedBytes == (3_969_540 - 2_884_112) * 1024)
    #expect(abs(memory.usedPercent - 1_085_428.0 / 3_969_540 * 100) < 1e-9)
    #expect(memory.swapUsedBytes == (1_984_764 - 1_722_620) * 1024)
    #expect(memory.fieldsBytes["CmaTotal"] == 65536 * 1024)
    #expect(memory.fieldsBytes["HugePages_Total"] == nil)
  }

  @Test func meminfoWithoutMemAvailableFallsBackToFreeBuffersCached() throws {
    let memory = try Meminfo(
      parsing: "MemTotal: 1000 kB\nMemFree: 100 kB\nBuffers: 50 kB\nCached: 250 kB\n", path: "m")
    #expect(memory.usedBytes == 600 * 1024)
    #expect(memory.usedPercent == 60)
    #expect(memory.swapUsedBytes == nil)
  }

  @Test func loadAverage() throws {
    #expect(try TelemetryFixtures.proc.loadAverage() == (try LoadAverage(parsing: "3.92 2.15 1.07 5/312 40211")))
    let load = try #require(try TelemetryFixtures.proc.loadAverage())
    #expect((load.load1, load.load5, load.load15) == (3.92, 2.15, 1.07))
  }

  @Test func statLines() throws {
    let stat = try #require(try TelemetryFixtures.proc.stat())
    #expect(stat.perCPU.keys.sorted() == [0, 1, 2, 3, 4, 5])
    #expect(
      stat.total
        == CPUJiffies(
          user: 121_500, nice: 300, system: 48000, idle: 5_400_000, iowait: 1800, irq: 0, softirq: 2400, steal: 0))
    #expect(stat.perCPU[3]?.user == 20300)
    let old = try Stat(parsing: "cpu 1 2 3 4\ncpu0 1 2 3 4\n", path: "s")
    #expect(old.total == CPUJiffies(user: 1, nice: 2, system: 3, idle: 4))
  }

  @Test func cpuUsageBetweenTwoSamples() throws {
    let earlier = try #require(try TelemetryFixtures.proc.stat())
    let later = try #require(try TelemetryFixtures.procLater.stat())
    // 6 cores × 1000 jiffies: 4 busy cores (710 user, 100 kernel, 10 iowait each), 2 nearly idle (20 user, 10 kernel).
    let total = try #require(CPUUsage(from: earlier.total, to: later.total))
    #expect(abs(total.utilisationPercent - 55) < 1e-9)
    #expect(abs(total.userPercent - 48) < 1e-9)
    #expect(abs(total.systemPercent - 7) < 1e-9)
    #expect(abs(total.iowaitPercent - 40.0 / 60) < 1e-9)
    let busy = try #require(CPUUsage(from: earlier.perCPU[0]!, to: later.perCPU[0]!))
    #expect(abs(busy.utilisationPercent - 81) < 1e-9)
    let idle = try #require(CPUUsage(from: earlier.perCPU[5]!, to: later.perCPU[5]!))
    #expect(abs(idle.utilisationPercent - 3) < 1e-9)
    #expect(CPUUsage(from: earlier.total, to: earlier.total) == nil)
  }

  @Test func cpuUsageIgnoresACounterThatWentDown() throws {
    let earlier = CPUJiffies(user: 100, nice: 0, system: 0, idle: 100, iowait: 50)
    let later = CPUJiffies(user: 150, nice: 0, system: 0, idle: 150, iowait: 40)
    let usage = try #require(CPUUsage(from: earlier, to: later))
    #expect(usage.utilisationPercent == 50)
    #expect(usage.iowaitPercent == 0)
  }

  @Test func netDevCounters() throws {
    let netDev = try #require(try TelemetryFixtures.proc.netDev())
    #expect(netDev.interfaces.map(\.interface) == ["lo", "eth0", "wlan0", "docker0"])
    #expect(
      netDev[interface: "eth0"]
        == NetDevLine(
          interface: "eth0", receiveBytes: 18_446_744_073_709_551_000, receivePackets: 812_345_678,
          transmitBytes: 9_876_543_210, transmitPackets: 6_543_210))
  }

  @Test func netDevDeltaHandlesWrapAndReset() throws {
    let earlier = try #require(try TelemetryFixtures.proc.netDev())
    let later = try #require(try TelemetryFixtures.procLater.netDev())
    let delta = NetDev.delta(from: earlier, to: later)
    // docker0 vanished and usb0 appeared: neither has a delta.
    #expect(delta.interfaces.map(\.interface) == ["lo", "eth0", "wlan0"])
    #expect(
      delta[interface: "lo"]
        == NetDevLine(
          interface: "lo", receiveBytes: 10000, receivePackets: 100, transmitBytes: 10000, transmitPackets: 100))
    // eth0's receive bytes wrapped at 2^64: 616 bytes to the top, then 1 250 000.
    #expect(
      delta[interface: "eth0"]
        == NetDevLine(
          interface: "eth0", receiveBytes: 1_250_616, receivePackets: 1000, transmitBytes: 10_000_000,
          transmitPackets: 8000))
    // wlan0 was re-created: its counters restarted from 0.
    #expect(
      delta[interface: "wlan0"]
        == NetDevLine(
          interface: "wlan0", receiveBytes: 1200, receivePackets: 10, transmitBytes: 300, transmitPackets: 4))
  }

  /// (earlier, later, expected delta): growth, wraps at 2^64, and drops taken as resets.
  static let counterCases: [(UInt64, UInt64, UInt64)] = [
    (10, 25, 15),
    (.max, 0, 1),
    (.max - 9, 5, 15),
    ((1 << 63) + 1, 0, (1 << 63) - 1),
    (1 << 63, 7, 7),
    ((1 << 32) - 1, 3, 3),
  ]

  @Test(arguments: counterCases)
  func counterDelta(earlier: UInt64, later: UInt64, expected: UInt64) {
    #expect(NetDevLine.counterDelta(from: earlier, to: later) == expected)
  }

  @Test func processStatus() throws {
    let own = try #require(try TelemetryFixtures.proc.processStatus())
    #expect(own == ProcessStatus(residentBytes: 401_408 * 1024, peakResidentBytes: 524_288 * 1024))
    let rank = try #require(try TelemetryFixtures.proc.processStatus(pid: 40211))
    #expect(rank.residentBytes == 599_000 * 1024)
    #expect(rank.peakResidentBytes == 600_000 * 1024)
    let kernelThread = try #require(try TelemetryFixtures.proc.processStatus(pid: 2))
    #expect(kernelThread.residentBytes == nil)
    #expect(try TelemetryFixtures.proc.processStatus(pid: 999_999) == nil)
  }

  @Test func missingFilesAreNil() throws {
    let proc = ProcFS(root: TelemetryFixtures.missing)
    #expect(try proc.meminfo() == nil)
    #expect(try proc.stat() == nil)
    #expect(try proc.loadAverage() == nil)
    #expect(try proc.netDev() == nil)
    #expect(try proc.processStatus() == nil)
  }

  @Test func garbageNamesFileAndText() {
    let proc = TelemetryFixtures.garbageProc
    let root = proc.root
    #expect(throws: TelemetryError.malformed(path: root + "/meminfo", text: "MemTotal:        lots kB")) {
      try proc.meminfo()
    }
    #expect(throws: TelemetryError.malformed(path: root + "/loadavg", text: "")) { try proc.loadAverage() }
    #expect(throws: TelemetryError.malformed(path: root + "/stat", text: "cpu  1 2 three 4 5 6 7 8 0 0")) {
      try proc.stat()
    }
    #expect(throws: TelemetryError.malformed(path: root + "/net/dev", text: "  eth0: 1 2 3")) { try proc.netDev() }
    #expect(throws: TelemetryError.malformed(path: root + "/self/status", text: "VmRSS:\t  -5 kB")) {
      try proc.processStatus()
    }
    #expect(
      TelemetryError.malformed(path: "/sys/x/temp", text: "N/A").description
        == "/sys/x/temp: unexpected contents \"N/A\"")
  }

  /// This machine's own /proc: values must be plausible, whatever the machine.
  @Test func liveProc() throws {
    let proc = ProcFS()
    try #require(FileManager.default.fileExists(atPath: "/proc/meminfo"), "not Linux")
    let memory = try #require(try proc.meminfo())
    #expect(memory.memTotalBytes > 64 << 20)
    #expect(try #require(memory.memAvailableBytes) <= memory.memTotalBytes)
    #expect(memory.usedPercent > 0 && memory.usedPercent < 100)

    let earlier = try #require(try proc.stat())
    #expect(!earlier.perCPU.isEmpty)
    #expect(earlier.perCPU.count <= ProcessInfo.processInfo.processorCount * 4)
    var spin = 0.0
    for i in 0..<3_000_000 { spin += Double(i).squareRoot() }
    #expect(spin > 0)
    let later = try #require(try proc.stat())
    if let usage = CPUUsage(from: earlier.total, to: later.total) {
      #expect(usage.utilisationPercent >= 0 && usage.utilisationPercent <= 100)
      #expect(usage.userPercent + usage.systemPercent <= usage.utilisationPercent + 1e-9)
    }

    let netDev = try #require(try proc.netDev())
    #expect(netDev[interface: "lo"] != nil)

    let load = try #require(try proc.loadAverage())
    #expect(load.load1 >= 0)

    let status = try #require(try proc.processStatus())
    let resident = try #require(status.residentBytes)
    #expect(resident > 1 << 20 && resident < 1 << 40)
    #expect(try #require(status.peakResidentBytes) >= resident)
  }
}
