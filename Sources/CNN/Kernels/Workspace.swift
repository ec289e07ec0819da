#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#endif

// Buffers the layers reuse from step to step, so that a training step allocates (almost) nothing.

extension Tensor {
  /// A tensor of `shape` whose elements are unspecified: for outputs every element of which is
  /// written before it is read, so that no time goes into zero-filling them first.
  init(uninitializedShape shape: [Int]) {
    let count = shape.reduce(1, *)
    self.init(shape: shape, data: [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count })
  }

  /// Gives the tensor `shape`, keeping its storage when the element count allows; the elements are
  /// then unspecified. A layer's output workspace lives across steps this way: once the next layer
  /// has dropped its reference (after its backward pass), the storage is unique again and writing
  /// into it copies nothing.
  mutating func prepare(shape newShape: [Int]) {
    if shape == newShape { return }
    let newCount = newShape.reduce(1, *)
    if count == newCount {
      shape = newShape
    } else {
      // From the thread's pool when one of that size is there (an inference pass's outputs, recycled).
      self = Tensor(shape: newShape, data: Scratch.current.takeArray(count: newCount))
    }
  }

  /// An empty tensor, to drop a cached reference.
  static let none = Tensor(shape: [0])

  /// A tensor of `shape` with unspecified elements, its storage from the thread's pool of
  /// recycled gradients (see ``Scratch/recycle(_:)``).
  static func pooled(shape: [Int]) -> Tensor {
    Tensor(shape: shape, data: Scratch.current.takeArray(count: shape.reduce(1, *)))
  }

  /// As ``pooled(shape:)``, filled with zeros.
  static func pooledZeros(shape: [Int]) -> Tensor {
    var tensor = pooled(shape: shape)
    tensor.zero()
    return tensor
  }
}

/// Scratch buffers shared by all the layers a thread runs (one im2col matrix for every
/// convolution rather than one per layer), grown on demand and never shrunk.
///
/// Each thread has its own, so tests running in parallel do not share one; a layer may use a
/// slot only within one `forward` or `backward` call and must not call another layer meanwhile.
final class Scratch {
  /// What a buffer is for; two slots in use at once never overlap.
  enum Slot: Int, CaseIterable {
    /// im2col matrices and their gradients.
    case columns
    /// A convolution's output or output gradient in channel-major (CNHW) order.
    case channelMajor
    /// A matrix product's packed block of B (SIMDKernels.matrixProduct).
    case packing
  }

  private var buffers: [UnsafeMutablePointer<Float>?] = Array(repeating: nil, count: Slot.allCases.count)
  private var capacities: [Int] = Array(repeating: 0, count: Slot.allCases.count)

  /// A buffer of at least `count` elements for `slot`, with unspecified contents.
  func buffer(_ slot: Slot, count: Int) -> UnsafeMutablePointer<Float> {
    let index = slot.rawValue
    if let buffer = buffers[index], capacities[index] >= count { return buffer }
    buffers[index]?.deallocate()
    // 64-byte alignment suits every vector width the BLAS may use.
    let raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1) * 4, alignment: 64)
    let buffer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    buffers[index] = buffer
    capacities[index] = count
    return buffer
  }

  deinit {
    for buffer in buffers { buffer?.deallocate() }
  }

  /// Arrays given back by ``recycle(_:)``, by element count: the gradients of a backward pass,
  /// which each live only until the previous layer has read them. Reusing them avoids allocating
  /// fresh memory for every one, whose page faults cost as much as a ReLU's whole backward pass.
  private var pool: [Int: [[Float]]] = [:]
  /// Arrays kept per element count; a network needs about three gradients of one size at once.
  private static let arraysPerSize = 4

  /// Inference's released layer outputs (``recycleOutput(_:)``), whatever their sizes, largest first: a request no
  /// array of its own size answers takes the smallest that can hold it, so that a pass holds about as many
  /// arrays as it has outputs alive at once (tiny-YOLOv2: two or three) rather than two of every size it makes.
  private var outputs: [[Float]] = []
  /// The most arrays ``outputs`` keeps.
  private static let outputArrays = 8

  /// An array of `count` elements with unspecified contents, from the pools when one is there: one of that
  /// many elements, else the smallest released output that can hold them, resized (elements it gains are zeros).
  func takeArray(count: Int) -> [Float] {
    if let array = pool[count]?.popLast() { return array }
    if let index = outputs.lastIndex(where: { $0.capacity >= count }) {
      var array = outputs.remove(at: index)
      if array.count > count {
        array.removeLast(array.count - count)
      } else if array.count < count {
        array.append(contentsOf: repeatElement(0, count: count - array.count))
      }
      return array
    }
    return [Float](unsafeUninitializedCapacity: count) { _, initialized in initialized = count }
  }

  /// Gives an inference pass's released layer output to the pool of ``outputs`` and leaves the tensor empty (as
  /// ``recycle(_:)``); when the pool is full the smallest array goes.
  func recycleOutput(_ tensor: inout Tensor) {
    guard tensor.count > 0 else { return }
    var array: [Float] = []
    swap(&array, &tensor.data)
    tensor.shape = [0]
    let index = outputs.firstIndex { $0.capacity < array.capacity } ?? outputs.endIndex
    outputs.insert(array, at: index)
    if outputs.count > Self.outputArrays { outputs.removeLast() }
  }

  /// Gives the tensor's storage to the pool and leaves the tensor empty. Only for a tensor nobody
  /// else reads: one that was shared is merely copied on its next use (value semantics still hold).
  func recycle(_ tensor: inout Tensor) {
    let count = tensor.count
    guard count > 0 else { return }
    var array: [Float] = []
    swap(&array, &tensor.data)
    tensor.shape = [0]
    if pool[count, default: []].count < Self.arraysPerSize { pool[count, default: []].append(array) }
  }

  /// Recycles `consumed`, a gradient a layer has read, unless `result` shares its storage (a
  /// reshape, an identity).
  func recycle(_ consumed: inout Tensor, unlessSharedWith result: Tensor) {
    recycle(&consumed, unlessSharedWith: [result])
  }

  /// Recycles `consumed` unless one of `results` shares its storage (a merge's input gradients).
  func recycle(_ consumed: inout Tensor, unlessSharedWith results: [Tensor]) {
    let shared = consumed.data.withUnsafeBufferPointer { a in
      results.contains { result in result.data.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress } }
    }
    if !shared { recycle(&consumed) }
  }

  /// The calling thread's scratch buffers.
  static var current: Scratch {
    if let existing = pthread_getspecific(scratchKey) {
      return Unmanaged<Scratch>.fromOpaque(existing).takeUnretainedValue()
    }
    let scratch = Scratch()
    pthread_setspecific(scratchKey, Unmanaged.passRetained(scratch).toOpaque())
    return scratch
  }
}

/// The thread-local key of ``Scratch/current``; the destructor frees a thread's buffers when it ends.
private let scratchKey: pthread_key_t = {
  var key = pthread_key_t()
  let status = pthread_key_create(&key) { pointer in
    if let pointer { Unmanaged<Scratch>.fromOpaque(pointer).release() }
  }
  precondition(status == 0, "pthread_key_create failed: \(status)")
  return key
}()
