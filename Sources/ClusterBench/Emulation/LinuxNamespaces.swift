import Foundation
import SuiteCore

#if canImport(Glibc)
  import Glibc
#endif

/// The Linux namespace calls Swift's Glibc module does not import (`setns`, `unshare` and
/// their flags), looked up at run time, and a way to run code inside a network namespace.
enum LinuxNamespaces {
  static let newMount: Int32 = 0x0002_0000  // CLONE_NEWNS
  static let newUTS: Int32 = 0x0400_0000  // CLONE_NEWUTS
  static let newNetwork: Int32 = 0x4000_0000  // CLONE_NEWNET

  private typealias SetNamespace = @convention(c) (Int32, Int32) -> Int32
  private typealias Unshare = @convention(c) (Int32) -> Int32

  /// The folder where `ip netns` keeps its namespaces (one file each, to open and join).
  static let namespaceFolder = "/run/netns"

  /// Moves the calling thread into the network namespace `name` (`ip netns` style). Only this
  /// thread moves; a process that then `exec`s takes it along.
  static func enterNetworkNamespace(_ name: String) throws(ClusterError) {
    let path = "\(namespaceFolder)/\(name)"
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else {
      throw ClusterError("cannot open network namespace \(path): \(String(cString: strerror(errno)))")
    }
    defer { close(descriptor) }
    guard let symbol = dlsym(nil, "setns") else { throw ClusterError("this C library has no setns()") }
    guard unsafeBitCast(symbol, to: SetNamespace.self)(descriptor, newNetwork) == 0 else {
      throw ClusterError("cannot enter network namespace \(name): \(String(cString: strerror(errno)))")
    }
  }

  /// Gives the calling thread its own copies of the namespaces in `flags`.
  static func unshare(_ flags: Int32, what: String) throws(ClusterError) {
    guard let symbol = dlsym(nil, "unshare") else { throw ClusterError("this C library has no unshare()") }
    guard unsafeBitCast(symbol, to: Unshare.self)(flags) == 0 else {
      throw ClusterError("cannot make a new \(what) namespace: \(String(cString: strerror(errno)))")
    }
  }

  /// Runs `body` on a thread of its own that first enters network namespace `name`, and waits
  /// for it. The thread ends afterwards, so no other code ever runs in that namespace by
  /// accident (a pooled thread would carry it to unrelated tasks). Files under
  /// `/proc/thread-self/net/` then describe the namespace's interfaces.
  static func run<T: Sendable>(
    inNetworkNamespace name: String, _ body: @escaping @Sendable () throws(ClusterError) -> T
  ) throws(ClusterError) -> T {
    let box = ResultBox<T, ClusterError>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
      defer { done.signal() }
      do throws(ClusterError) {
        try enterNetworkNamespace(name)
        box.set(.success(try body()))
      } catch {
        box.set(.failure(error))
      }
    }
    thread.start()
    done.wait()
    return try ClusterError.result(of: box)
  }
}

extension ClusterError {
  /// The value a namespace thread left in `box`, or its error.
  static func result<T>(of box: ResultBox<T, ClusterError>) throws(ClusterError) -> T {
    guard let value = box.value else { throw ClusterError("a namespace thread ended without a result") }
    return try value.get()
  }
}
