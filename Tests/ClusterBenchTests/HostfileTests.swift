import ClusterBench
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
