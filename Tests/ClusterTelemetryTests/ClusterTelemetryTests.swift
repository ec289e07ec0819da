import ClusterTelemetry
import Telemetry
import Testing

struct TimeSpanTests {
  @Test func parsesPlainSecondsUnitsAndSums() throws {
    #expect(try TimeSpan.seconds("10", flag: "--interval") == 10)
    #expect(try TimeSpan.seconds("0.5", flag: "--interval") == 0.5)
    #expect(try TimeSpan.seconds("500ms", flag: "--interval") == 0.5)
    #expect(try TimeSpan.seconds("30s", flag: "--interval") == 30)
    #expect(try TimeSpan.seconds("5m", flag: "--interval") == 300)
    #expect(try TimeSpan.seconds("3h", flag: "--duration") == 10_800)
    #expect(try TimeSpan.seconds("1h30m", flag: "--duration") == 5_400)
    #expect(try TimeSpan.seconds("2d", flag: "--duration") == 172_800)
    #expect(try TimeSpan.seconds(" 3H ", flag: "--duration") == 10_800)
  }

  @Test(arguments: ["0", "-5", "abc", "", "5x", "h", "0s", "-1h", "nan", "inf", "1h-5m"])
  func rejectsNonsenseNamingTheFlag(_ text: String) {
    #expect(throws: TimeSpanError(flag: "--duration", text: text)) { try TimeSpan.seconds(text, flag: "--duration") }
    let message = TimeSpanError(flag: "--duration", text: text).description
    #expect(message.hasPrefix("--duration: expected a positive time span"))
  }

  @Test(arguments: ["1e-9", "0.000000001", "0.05", "99ms", "0.0999"])
  func refusesSamplingIntervalsBelowTheMinimumNamingFlagAndValue(_ text: String) throws {
    #expect(throws: TimeSpanError(flag: "--interval", text: text, minimum: 0.1)) {
      try TimeSpan.interval(text, flag: "--interval")
    }
    #expect(
      TimeSpanError(flag: "--interval", text: text, minimum: 0.1).description
        == "--interval: expected an interval of at least 0.1s (100ms), such as 0.5, 500ms, 10s or 1m; got \"\(text)\"")
    // A duration or a timeout may be that short: only sampling intervals have a minimum.
    #expect(try TimeSpan.seconds(text, flag: "--duration") < 0.1)
  }

  @Test func acceptsSamplingIntervalsFromTheMinimumOn() throws {
    #expect(TimeSpan.minimumInterval == 0.1)
    #expect(try TimeSpan.interval("0.1", flag: "--interval") == 0.1)
    #expect(try TimeSpan.interval("100ms", flag: "--interval") == 0.1)
    #expect(try TimeSpan.interval("10s", flag: "--interval") == 10)
    #expect(throws: TimeSpanError(flag: "--interval", text: "0")) { try TimeSpan.interval("0", flag: "--interval") }
  }

  @Test func describesSpans() {
    #expect(TimeSpan.describe(10) == "10s")
    #expect(TimeSpan.describe(0.5) == "0.5s")
    #expect(TimeSpan.describe(5_400) == "1h30m")
    #expect(TimeSpan.describe(10_800) == "3h")
  }
}

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

struct NodeGroupsTests {
  @Test func groupsRanksByHostWithTheLowestRankLeading() {
    let members: [(host: String, pid: Int32, cores: Int)] = [
      ("node-b", 100, 2), ("node-a", 101, 4), ("node-b", 102, 2), ("node-a", 103, 4), ("node-c", 104, 1),
    ]
    let groups = (0..<5).map { NodeGroups(members: members, myRank: $0) }
    #expect(groups[0].hosts == ["node-b", "node-a", "node-c"])
    #expect(groups[0].ranks == ["node-b": [0, 2], "node-a": [1, 3], "node-c": [4]])
    #expect(groups.map(\.isLeader) == [true, true, false, false, true])
    #expect(groups[1].myNodePIDs == [101, 103])
    #expect(groups[4].myNodePIDs == [104])
    #expect(groups[0].ranksPerHost == ["node-b": 2, "node-a": 2, "node-c": 1])
    #expect(groups[0].cores == ["node-b": 2, "node-a": 4, "node-c": 1])
    #expect(groups[0].oversubscriptionWarning == nil)
  }

  @Test func warnsOnlyForHostsWithMoreRanksThanCores() {
    let members: [(host: String, pid: Int32, cores: Int)] = [
      ("rock01", 1, 2), ("rock01", 2, 2), ("rock01", 3, 2), ("rock02", 4, 6), ("rock02", 5, 6),
    ]
    let groups = NodeGroups(members: members, myRank: 0)
    #expect(groups.oversubscribed.map(\.host) == ["rock01"])
    #expect(
      groups.oversubscriptionWarning
        == "warning: oversubscribed: rock01 runs 3 ranks on 2 cores; ranks wait for cores and figures understate the hardware"
    )
  }
}

struct NodeIdentityTests {
  @Test func environmentOverridesTheHostName() {
    #expect(NodeIdentity.hostName(["CLUSTERBENCH_HOSTNAME": "rock07"]) == "rock07")
    #expect(NodeIdentity.hostName(["CLUSTERBENCH_HOSTNAME": ""]) == NodeIdentity.hostName([:]))
    #expect(!NodeIdentity.hostName([:]).isEmpty)
  }
}
