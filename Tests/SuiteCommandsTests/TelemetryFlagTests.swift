import SuiteCommands
import Testing

struct TelemetryFlagTests {
  @Test func bareFlagGetsTheDefault() {
    #expect(TelemetryFlag.normalize(["--telemetry"]) == ["--telemetry=10s"])
    #expect(TelemetryFlag.normalize(["--telemetry", "--quiet"]) == ["--telemetry=10s", "--quiet"])
    #expect(TelemetryFlag.normalize(["run", "--telemetry", "--dat", "x"]) == ["run", "--telemetry=10s", "--dat", "x"])
  }

  @Test func valuesAreKept() {
    #expect(TelemetryFlag.normalize(["--telemetry=1"]) == ["--telemetry=1"])
    #expect(TelemetryFlag.normalize(["--telemetry", "5"]) == ["--telemetry=5"])
    #expect(TelemetryFlag.normalize(["--telemetry", "500ms", "--quiet"]) == ["--telemetry=500ms", "--quiet"])
    #expect(TelemetryFlag.normalize(["--", "--telemetry"]) == ["--", "--telemetry"])
    #expect(TelemetryFlag.normalize(["--dat", "x"]) == ["--dat", "x"])
  }

  @Test func secondsValidates() throws {
    #expect(try TelemetryFlag.seconds(nil) == nil)
    #expect(try TelemetryFlag.seconds("10s") == 10)
    #expect(throws: TimeSpanError.self) { try TelemetryFlag.seconds("0") }
    #expect(throws: TimeSpanError(flag: "--telemetry", text: "1e-9", minimum: 0.1)) {
      try TelemetryFlag.seconds("1e-9")
    }
    #expect(TelemetryFlag.normalize(["--telemetry", "0.001"]) == ["--telemetry=0.001"])
  }
}
