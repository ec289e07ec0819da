import Testing

@testable import MPI

#if canImport(Glibc)
  import Glibc
#endif

/// The watchdog's pieces, without finalizing: which sockets it would shut down, and the bound.
@Suite("Finalize watchdog", .serialized)
struct FinalizeWatchdogTests {
  @Test(
    "bound from CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS",
    arguments: [
      (nil, 3.0), ("", 3.0), ("5", 5.0), (" 0.5 ", 0.5), ("0", nil), ("-1", nil), ("off", nil),
      ("OFF", nil), ("3600", 3600.0),
    ] as [(String?, Double?)])
  func bound(value: String?, expected: Double?) throws {
    #expect(try FinalizeWatchdog.boundSeconds(environmentValue: value) == expected)
  }

  /// A typo, a non-number or a bound past an hour is refused with the variable, the value and
  /// what is accepted (before, "soon" silently meant 3 s and 1e300 trapped the watchdog thread).
  @Test(
    "bad CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS values are refused",
    arguments: ["soon", "nan", "inf", "1e300", "3601", "0x10", "3s"])
  func badBound(value: String) {
    #expect {
      try FinalizeWatchdog.boundSeconds(environmentValue: value)
    } throws: { error in
      let text = "\(error)"
      return text.contains("CLUSTERBENCH_FINALIZE_WATCHDOG_SECONDS is '\(value)'")
        && text.contains("a number up to 3600") && text.contains("or off to disable")
    }
  }

  @Test(
    "CLUSTERBENCH_FINALIZE_QUIESCE accepts on and off words and refuses others",
    arguments: [
      (nil, true), ("", true), ("on", true), (" YES ", true), ("1", true), ("off", false),
      ("0", false), ("No", false),
    ] as [(String?, Bool)])
  func quiesceSetting(value: String?, expected: Bool) throws {
    #expect(try FinalizeQuiesce.isEnabled(environmentValue: value) == expected)
  }

  @Test("a bad CLUSTERBENCH_FINALIZE_QUIESCE is refused")
  func badQuiesce() {
    #expect {
      try FinalizeQuiesce.isEnabled(environmentValue: "disable")
    } throws: { error in
      "\(error)".contains("CLUSTERBENCH_FINALIZE_QUIESCE is 'disable'; accepted values are off")
    }
  }

  @Test("new connection sockets are found; old, listening and PMI sockets are not")
  func selectsNewConnections() throws {
    var old: [Int32] = [0, 0]
    try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &old) == 0)
    defer { closeAll(old) }
    let before = FileDescriptors.open()
    #expect(before.isSuperset(of: old))

    var fresh: [Int32] = [0, 0]
    try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fresh) == 0)
    defer { closeAll(fresh) }
    var pmi: [Int32] = [0, 0]
    try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pmi) == 0)
    defer { closeAll(pmi) }
    let listening = try listeningSocket()
    defer { close(listening) }
    let pipeEnds = try makePipe()
    defer { closeAll(pipeEnds) }

    let selected = FileDescriptors.newConnectionSockets(before: before, pmi: pmi[0])
    #expect(selected.contains(fresh[0]) && selected.contains(fresh[1]))
    #expect(selected.contains(pmi[1]))
    #expect(!selected.contains(pmi[0]), "the PMI connection must stay open")
    #expect(!selected.contains(listening), "listening sockets must stay open")
    #expect(!selected.contains(old[0]) && !selected.contains(old[1]), "sockets from before init")
    #expect(!selected.contains(pipeEnds[0]) && !selected.contains(pipeEnds[1]), "not sockets")
  }

  @Test("shutting a connection down shows the peer end of file")
  func shutDownReachesPeer() throws {
    let before = FileDescriptors.open()
    var pair: [Int32] = [0, 0]
    try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
    defer { closeAll(pair) }
    let count = FinalizeWatchdog.shutDownNewConnections(before: before, pmi: nil)
    #expect(count >= 2)
    var byte: UInt8 = 0
    #expect(read(pair[1], &byte, 1) == 0, "the peer reads end of file")
  }

  private func listeningSocket() throws -> Int32 {
    let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    try #require(descriptor >= 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    let bound = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    try #require(bound == 0)
    try #require(listen(descriptor, 1) == 0)
    return descriptor
  }

  private func makePipe() throws -> [Int32] {
    var ends: [Int32] = [0, 0]
    try #require(pipe(&ends) == 0)
    return ends
  }

  private func closeAll(_ descriptors: [Int32]) {
    for descriptor in descriptors { close(descriptor) }
  }
}
