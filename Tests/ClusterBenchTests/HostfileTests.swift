import ClusterBench
import Foundation
import TestSupport
import Testing

struct HostfileTests {
  @Test func readsHostsAndSlotsSkippingComments() throws {
    let text = """
      # a comment
      rock01:6
      rock02   # two ranks by default placement
        rock03:4\t

      10.0.0.4:2
      """
    let file = try Hostfile(parsing: text, path: "h")
    #expect(file.hosts == ["rock01", "rock02", "rock03", "10.0.0.4"])
    #expect(file.entries.map(\.slots) == [6, nil, 4, 2])
    #expect(file.entries.map(\.line) == [2, 3, 4, 6])
    #expect(file.subset(2, ranksPerHost: 3) == "rock01:3\nrock02:3\n")
  }

  @Test(arguments: [
    ("rock01 slots=4", "line 1: 'rock01 slots=4' is Open MPI's syntax; MPICH's hydra reads 'rock01:N'"),
    ("192.168.1.10 rock01", "line 1: '192.168.1.10 rock01' looks like an /etc/hosts line"),
    ("rock01:0", "line 1: 'rock01:0': the rank count after ':' must be an integer from 1 to 4096"),
    ("rock01:x", "line 1: 'rock01:x': the rank count after ':' must be an integer from 1 to 4096"),
    ("rock01\nrock01:2", "line 2: host 'rock01' is listed again (first on line 1)"),
    ("rock01 rock02", "line 1: expected one host per line"),
    ("# nothing\n\n", "h: lists no host"),
  ])
  func namesTheMistake(text: String, expected: String) {
    #expect {
      try Hostfile(parsing: text, path: "h")
    } throws: { error in
      "\(error)".hasPrefix(expected.hasPrefix("h:") ? expected : "h " + expected)
    }
  }
}

/// Host names from input are checked by one rule before hydra or ssh see them.
struct HostNameTests {
  @Test(arguments: [
    ("rock01", HostName.Form.name), ("node-7.lab.example", .name), ("rock01.lab.", .name), ("10.0.0.4", .ipv4),
    ("[fe80::1]", .ipv6(address: "fe80::1")), ("[fe80::1%eth0]", .ipv6(address: "fe80::1%eth0")),
    ("[::ffff:10.0.0.1]", .ipv6(address: "::ffff:10.0.0.1")),
  ])
  func acceptsNamesAndAddresses(text: String, form: HostName.Form) throws {
    #expect(try HostName.check(text).get() == form)
  }

  @Test(arguments: [
    ("-oProxyCommand=touch", "'-oProxyCommand=touch' starts with '-' (ssh and hydra would read it as an option)"),
    ("rock;reboot", "'rock;reboot' holds ';', which no host name has"),
    ("rock$(id)", "'rock$(id)' holds '$', which no host name has"),
    ("rock 01", "'rock 01' holds a space (\\u{20}), which no host name or address has"),
    ("rock\u{1B}[2J", "'rock\\u{1B}[2J' holds a control character (\\u{1B}), which no host name or address has"),
    ("r\u{FFFD}ck", "'r\\u{FFFD}ck' holds a character that is not ASCII (\\u{FFFD})"),
    ("node_1", "'node_1' holds '_', which no host name has"),
    ("rock..lab", "'rock..lab' has an empty label"),
    ("rock-.lab", "'rock-.lab' has a label 'rock-' that starts or ends with '-'"),
    (String(repeating: "a", count: 64), "has a label of 64 characters; labels have at most 63"),
    ("fe80::1", "'fe80::1' an IPv6 address is written in brackets, [fe80::1], so that ':N' can follow it"),
    ("[fe80::zz]", "'[fe80::zz]' 'fe80::zz' is not an IPv6 address"),
    ("", "'' no host name"),
  ])
  func refusesAnythingElseSayingWhy(text: String, expected: String) {
    guard case .failure(let error) = HostName.check(text) else {
      Issue.record("accepted \(text)")
      return
    }
    #expect(error.description.hasPrefix(expected) || error.description.contains(expected), "\(error)")
    #expect(!error.description.unicodeScalars.contains { $0.value < 0x20 })
  }
}

extension HostfileTests {
  @Test func refusesHostsThatAreNotNamesOrAddressesWithTheirLines() {
    let text = "rock01\n-oProxyCommand=id:2\nrock;reboot\nrock\u{1B}]0;pwned\u{7}\nrock02\n"
    let (entries, problems) = Hostfile.diagnose(text, path: "h")
    #expect(entries.map(\.host) == ["rock01", "rock02"])
    #expect(
      problems.map(\.description) == [
        "h line 2: '-oProxyCommand=id' starts with '-' (ssh and hydra would read it as an option); expected 'host' "
          + "or 'host:N'",
        "h line 3: 'rock;reboot' holds ';', which no host name has; expected a host name (letters, digits and '-' "
          + "in labels joined by '.') or an address; expected 'host' or 'host:N'",
        "h line 4: 'rock\\u{1B}]0;pwned\\u{7}' holds a control character (\\u{1B}), which no host name or address "
          + "has; expected 'host' or 'host:N'",
      ])
  }

  @Test func readsCRLFLinesAndNamesIPv6AddressesHydraCannotUse() throws {
    let file = try Hostfile(parsing: "rock01:2\r\n10.0.0.4\r\n# end\r\n", path: "h")
    #expect(file.hosts == ["rock01", "10.0.0.4"] && file.entries.map(\.slots) == [2, nil])
    for (text, address) in [("[fe80::1]:2", "fe80::1"), ("fe80::1", "fe80::1"), ("[::1]", "::1"), ("::1:2", "::1:2")] {
      let problems = Hostfile.diagnose(text + "\r\n", path: "h").problems.map(\.description)
      #expect(
        problems == [
          "h line 1: '\(text)' is an IPv6 address: MPICH's hydra splits hostfile lines at ':' and cannot launch "
            + "on it; name it in /etc/hosts on every node ('\(address) NAME') and list NAME"
        ])
    }
  }

  @Test func binaryGarbageIsOneMistakeAndLongListsAreCapped() {
    #expect(
      Hostfile.diagnose("rock01\n\u{0}\u{1}\u{2}", path: "h").problems.map(\.description) == [
        "h: is not a text file (it holds NUL bytes)"
      ])
    let bad = (1...80).map { "bad;\($0)" }.joined(separator: "\n")
    let problems = Hostfile.diagnose(bad, path: "h").problems
    #expect(problems.count == Hostfile.problemLimit + 1)
    #expect(problems.last?.description == "h: 30 more line(s) with mistakes")
    #expect(Hostfile.diagnose("Rock01\nrock01", path: "h").problems.first?.line == 2)
  }

  @Test(.timeLimit(.minutes(1))) func readsThroughBoundedFile() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hostfile-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    #expect(FIFO.make(folder + "/pipe"))
    let start = Date()
    let fifo = #expect(throws: HostfileError.self) { try Hostfile.read(path: folder + "/pipe") }
    #expect(Date().timeIntervalSince(start) < 2)
    #expect(fifo?.description == "\(folder)/pipe: is a named pipe (FIFO), not a regular file")
    let missing = #expect(throws: HostfileError.self) { try Hostfile.read(path: folder + "/absent") }
    #expect(missing?.description == "\(folder)/absent: does not exist")
  }
}
