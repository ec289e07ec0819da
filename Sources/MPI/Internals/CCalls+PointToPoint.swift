import CMPICH
import CMPICHShims

// MARK: - Point-to-point
//
// The blocking calls pass their blocking and non-blocking MPI functions to
// `blocking(_:_:requests:_:)`, which picks one by the wait policy.

extension CMPI {
  @usableFromInline
  static func send(
    _ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: Int32, to destination: Int32,
    tag: Int32, _ communicator: Int32
  ) throws {
    try blocking(
      "MPI_Send", { _ in MPI_Send(buffer, count, datatype, destination, tag, communicator) },
      { MPI_Isend(buffer, count, datatype, destination, tag, communicator, $0) })
  }

  @usableFromInline
  static func receive(
    _ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: Int32, from source: Int32,
    tag: Int32, _ communicator: Int32
  ) throws -> Status {
    let status = try blocking(
      "MPI_Recv", { MPI_Recv(buffer, count, datatype, source, tag, communicator, $0) },
      { MPI_Irecv(buffer, count, datatype, source, tag, communicator, $0) })
    return Status(status, datatype: datatype)
  }

  @usableFromInline
  static func sendReceive(
    _ sendBuffer: UnsafeRawPointer?, _ sendCount: Int32, to destination: Int32, sendTag: Int32,
    _ receiveBuffer: UnsafeMutableRawPointer?, _ receiveCount: Int32, from source: Int32,
    receiveTag: Int32, _ datatype: Int32, _ communicator: Int32,
    as sendReceiveFunction: StaticString = "MPI_Sendrecv"
  ) throws -> Status {
    // MPICH 4.0.2's MPI_Isendrecv leaves its status empty, so the yielding form starts the
    // receive (request 0, whose status is returned) and the send separately.
    let status = try blocking(
      sendReceiveFunction,
      {
        MPI_Sendrecv(
          sendBuffer, sendCount, datatype, destination, sendTag,
          receiveBuffer, receiveCount, datatype, source, receiveTag, communicator, $0)
      }, requests: 2,
      { requests in
        let code = MPI_Irecv(
          receiveBuffer, receiveCount, datatype, source, receiveTag, communicator, requests)
        guard code == Constants.success else { return code }
        return MPI_Isend(
          sendBuffer, sendCount, datatype, destination, sendTag, communicator, requests + 1)
      })
    return Status(status, datatype: datatype)
  }

  @usableFromInline
  static func sendReceiveReplace(
    _ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: Int32,
    to destination: Int32, sendTag: Int32, from source: Int32, receiveTag: Int32,
    _ communicator: Int32
  ) throws -> Status {
    switch WaitPolicy.current {
    case .busy:
      var status = MPI_Status()
      try check(
        MPI_Sendrecv_replace(
          buffer, count, datatype, destination, sendTag, source, receiveTag, communicator,
          &status),
        "MPI_Sendrecv_replace")
      return Status(status, datatype: datatype)
    case .yielding:
      // MPICH 4.0.2's MPI_Isendrecv_replace leaves its status empty: receive into a scratch
      // buffer with the yielding sendReceive, then copy (as MPI_Sendrecv_replace does inside).
      let byteCount = Int(count) * typeSize(datatype)
      return try withUnsafeTemporaryAllocation(byteCount: byteCount, alignment: 16) { incoming in
        let status = try sendReceive(
          buffer, count, to: destination, sendTag: sendTag, incoming.baseAddress, count,
          from: source, receiveTag: receiveTag, datatype, communicator,
          as: "MPI_Sendrecv_replace")
        if let buffer, let received = incoming.baseAddress {
          buffer.copyMemory(from: received, byteCount: min(status.byteCount, byteCount))
        }
        return status
      }
    }
  }

  @usableFromInline
  static func immediateSend(
    _ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: Int32, to destination: Int32,
    tag: Int32, _ communicator: Int32
  ) throws -> Int32 {
    var request = Constants.requestNull
    try check(
      MPI_Isend(buffer, count, datatype, destination, tag, communicator, &request), "MPI_Isend")
    return request
  }

  @usableFromInline
  static func immediateReceive(
    _ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: Int32, from source: Int32,
    tag: Int32, _ communicator: Int32
  ) throws -> Int32 {
    var request = Constants.requestNull
    try check(
      MPI_Irecv(buffer, count, datatype, source, tag, communicator, &request), "MPI_Irecv")
    return request
  }

  /// `MPI_Probe`; under the yielding policy, `MPI_Iprobe` with `sched_yield()` between tries.
  @usableFromInline
  static func probe(from source: Int32, tag: Int32, _ communicator: Int32) throws -> Status {
    switch WaitPolicy.current {
    case .busy:
      var status = MPI_Status()
      try check(MPI_Probe(source, tag, communicator, &status), "MPI_Probe")
      return Status(status, datatype: Constants.typeByte)
    case .yielding:
      while true {
        var status = MPI_Status()
        var found: Int32 = 0
        try check(MPI_Iprobe(source, tag, communicator, &found, &status), "MPI_Probe")
        if found != 0 { return Status(status, datatype: Constants.typeByte) }
        yieldProcessor()
      }
    }
  }

  @usableFromInline
  static func immediateProbe(from source: Int32, tag: Int32, _ communicator: Int32) throws
    -> Status?
  {
    var status = MPI_Status()
    var flag: Int32 = 0
    try check(MPI_Iprobe(source, tag, communicator, &flag, &status), "MPI_Iprobe")
    return flag != 0 ? Status(status, datatype: Constants.typeByte) : nil
  }

  /// The size in bytes of one element of `datatype` (`MPI_Type_size`), or 0 if unknown.
  static func typeSize(_ datatype: Int32) -> Int {
    var size: Int32 = 0
    guard MPI_Type_size(datatype, &size) == Constants.success else { return 0 }
    return Int(size)
  }
}

extension Status {
  /// Reads a C status; `count` is in elements of `datatype`.
  init(_ status: MPI_Status, datatype: Int32) {
    var copy = status
    var elements: Int32 = 0
    var bytes: Int32 = 0
    _ = MPI_Get_count(&copy, datatype, &elements)
    _ = MPI_Get_count(&copy, Constants.typeByte, &bytes)
    self.init(
      source: Int(CMPICHShims_Status_source(&copy)), tag: Int(CMPICHShims_Status_tag(&copy)),
      count: elements == Constants.undefined ? 0 : Int(elements), byteCount: Int(bytes))
  }
}
