import CMPICH
import CMPICHShims

// MARK: - Point-to-point

extension CMPI {
  @usableFromInline
  static func send(
    _ buffer: UnsafeRawPointer?, _ count: Int32, _ datatype: Int32, to destination: Int32,
    tag: Int32, _ communicator: Int32
  ) throws {
    try check(MPI_Send(buffer, count, datatype, destination, tag, communicator), "MPI_Send")
  }

  @usableFromInline
  static func receive(
    _ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: Int32, from source: Int32,
    tag: Int32, _ communicator: Int32
  ) throws -> Status {
    var status = MPI_Status()
    try check(
      MPI_Recv(buffer, count, datatype, source, tag, communicator, &status), "MPI_Recv")
    return Status(status, datatype: datatype)
  }

  @usableFromInline
  static func sendReceive(
    _ sendBuffer: UnsafeRawPointer?, _ sendCount: Int32, to destination: Int32, sendTag: Int32,
    _ receiveBuffer: UnsafeMutableRawPointer?, _ receiveCount: Int32, from source: Int32,
    receiveTag: Int32, _ datatype: Int32, _ communicator: Int32
  ) throws -> Status {
    var status = MPI_Status()
    try check(
      MPI_Sendrecv(
        sendBuffer, sendCount, datatype, destination, sendTag,
        receiveBuffer, receiveCount, datatype, source, receiveTag, communicator, &status),
      "MPI_Sendrecv")
    return Status(status, datatype: datatype)
  }

  @usableFromInline
  static func sendReceiveReplace(
    _ buffer: UnsafeMutableRawPointer?, _ count: Int32, _ datatype: Int32,
    to destination: Int32, sendTag: Int32, from source: Int32, receiveTag: Int32,
    _ communicator: Int32
  ) throws -> Status {
    var status = MPI_Status()
    try check(
      MPI_Sendrecv_replace(
        buffer, count, datatype, destination, sendTag, source, receiveTag, communicator, &status),
      "MPI_Sendrecv_replace")
    return Status(status, datatype: datatype)
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

  @usableFromInline
  static func probe(from source: Int32, tag: Int32, _ communicator: Int32) throws -> Status {
    var status = MPI_Status()
    try check(MPI_Probe(source, tag, communicator, &status), "MPI_Probe")
    return Status(status, datatype: Constants.typeByte)
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
