import MPI
import Testing

/// Every in-process MPI suite is nested here, so that `.serialized` keeps them from running
/// at the same time (Swift Testing runs suites in parallel by default, and MPI calls from
/// several threads at once need `MPI_THREAD_MULTIPLE`).
@Suite("In-process MPI (singleton)", .serialized)
struct SingletonMPI {}

/// Starts MPI once for this test process (MPICH singleton: rank 0 of 1, no mpiexec).
///
/// `MPI_Init` may run only once per process, so every in-process test calls this and no test
/// ever finalizes (PLATFORM.md section 4). Tests run on varying threads, one at a time, hence
/// `MPI_THREAD_SERIALIZED`.
@discardableResult
func startSingletonMPI() throws -> Communicator {
  try MPIEnvironment.initialize(threadLevel: .serialized)
  return Communicator.world
}
