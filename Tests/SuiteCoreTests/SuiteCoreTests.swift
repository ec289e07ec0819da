import SuiteCore
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

struct ByteSizeTests {
  @Test(arguments: [
    ("4GiB", 4 << 30), ("512MiB", 512 << 20), ("4G", 4 << 30), ("4GB", 4_000_000_000),
    ("4 gib", 4 << 30), ("1.5GiB", 3 << 29), ("4294967296", 4 << 30), ("100B", 100),
    ("64k", 65536), ("64kB", 64000), ("2Ti", 2 << 40), ("3 MB", 3_000_000),
  ])
  func byteSizes(_ text: String, _ bytes: Int) throws {
    #expect(try ByteSize.parse(text, flag: "--memory-per-node") == bytes)
  }

  @Test(arguments: ["", "GiB", "4XB", "-4GiB", "four", "4 GiB extra", "1e3"])
  func badByteSizesNameTheFlag(_ text: String) {
    let error = #expect(throws: ByteSizeError.self) {
      try ByteSize.parse(text, flag: "--memory-per-node")
    }
    #expect(error?.flag == "--memory-per-node")
  }
}
