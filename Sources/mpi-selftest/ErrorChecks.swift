import MPI

/// Errors reach the caller as `MPIError` with MPI's own message, and MPI keeps working after.
enum ErrorChecks {
  static func run(_ report: Report) {
    let world = report.world
    let (rank, size) = (world.rank, world.size)

    report.check("error invalid rank") {
      do {
        try world.send([1.0], to: size + 3, tag: 0)
        return "sending to rank \(size + 3) did not throw"
      } catch let error as MPIError {
        return error.function == "MPI_Send" && error.message.contains("Invalid rank")
          ? nil : "unexpected error: \(error)"
      }
    }

    report.check("error invalid operation for the datatype") {
      do {
        _ = try world.allreduce(1.5, operation: .bitwiseOr)
        return "bitwiseOr on Double did not throw"
      } catch let error as MPIError {
        return error.function == "MPI_Allreduce" && !error.message.isEmpty
          ? nil : "unexpected error: \(error)"
      }
    }

    report.check("error truncated receive") {
      var small = [Int32](repeating: 0, count: 5)
      return try [Int32](repeating: 7, count: 10).withUnsafeBufferPointer {
        let request = try world.immediateSend($0, to: rank, tag: 30)
        defer { _ = try? request.wait() }
        do {
          try world.receive(into: &small, from: rank, tag: 30)
          return "receiving 10 elements into 5 did not throw"
        } catch let error as MPIError {
          return error.function == "MPI_Recv" && error.message.lowercased().contains("trunc")
            ? nil : "unexpected error: \(error)"
        }
      }
    }

    report.check("error buffer too small") {
      var small = [Double](repeating: 0, count: size - 1)
      do {
        try [1.0].withUnsafeBufferPointer { send in
          try small.withUnsafeMutableBufferPointer { try world.allgather(send, into: $0) }
        }
        return "an allgather into \(size - 1) elements did not throw"
      } catch let error as MPIError {
        return error.message.contains("needs \(size)") ? nil : "unexpected error: \(error)"
      }
    }

    report.check("error grid does not fit") {
      do {
        _ = try ProcessGrid(communicator: world, rows: size + 1, columns: 1)
        return "a \(size + 1) × 1 grid on \(size) ranks did not throw"
      } catch let error as MPIError {
        return error.function == "ProcessGrid.init" ? nil : "unexpected error: \(error)"
      }
    }

    report.check("MPI works after errors") {
      let sum = try world.allreduce(1, operation: .sum)
      return sum == size ? nil : "allreduce gave \(sum)"
    }
  }
}
