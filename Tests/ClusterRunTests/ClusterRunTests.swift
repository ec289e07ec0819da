import ClusterRun
import SuiteCore
import Telemetry
import Testing

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
