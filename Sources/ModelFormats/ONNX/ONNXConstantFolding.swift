import ONNXProto

/// Shape arithmetic on constants, computed at import: exporters often spell a constant (a Pad's pads, a
/// Reshape's shape) as a chain of small integer operators — PyTorch's ZeroPad2d gives ConstantOfShape,
/// Concat, Reshape, Slice, Transpose, Reshape and Cast. A node of ``operators`` or of the structural
/// operators (Concat, Reshape, Slice, Transpose, Identity) whose inputs are all integer constants becomes a
/// constant itself. Only integer tensors of at most ``limit`` elements are folded; anything else is left to
/// the operator's ordinary reading, which refuses what it does not support.
enum ONNXConstantFolding {
  /// Operators read only when they compute on constants.
  static let operators = ["ConstantOfShape", "Cast", "Unsqueeze", "Squeeze"]
  /// Operators that are folded when every input is a constant.
  static let foldable: Set<String> = Set(operators + ["Concat", "Reshape", "Slice", "Transpose", "Identity"])
  /// The most elements a folded tensor may have.
  static let limit = 1024

  /// An integer tensor: its dimensions and row-major elements.
  struct Integers {
    var dims: [Int]
    var values: [Int64]

    var strides: [Int] {
      var strides = [Int](repeating: 1, count: dims.count)
      for axis in dims.indices.dropLast().reversed() { strides[axis] = strides[axis + 1] * dims[axis + 1] }
      return strides
    }
  }

  /// Whether `node` should be folded: a foldable operator whose inputs are all integer constants.
  static func applies(to node: Onnx_NodeProto, constants: [String: Onnx_TensorProto]) -> Bool {
    guard foldable.contains(node.opType) else { return false }
    let inputs = node.input.filter { !$0.isEmpty }
    guard !inputs.isEmpty else { return false }
    return inputs.allSatisfy { name in
      guard let tensor = constants[name] else { return false }
      return [6, 7].contains(tensor.dataType)
    }
  }

  /// The constant `node` computes from `constants`.
  static func fold(_ node: Onnx_NodeProto, constants: [String: Onnx_TensorProto]) throws(ONNXProblem)
    -> Onnx_TensorProto
  {
    var inputs: [Integers?] = []
    for name in node.input {
      guard !name.isEmpty else {
        inputs.append(nil)
        continue
      }
      let tensor = constants[name]!
      let (dims, _) = try ONNXTensor.checkedShape(tensor)
      try checkExtent(dims, "'\(name)'")
      inputs.append(Integers(dims: dims, values: try ONNXTensor.integers(tensor, limit: limit)))
    }
    let attributes = try ONNXAttributes(node)
    let result: Integers
    switch node.opType {
    case "ConstantOfShape":
      try attributes.only(["value"])
      let shape = inputs[0]!.values.map { Int(clamping: $0) }
      var fill: Int64 = 0
      if let value = try attributes.tensor("value") {
        guard [6, 7].contains(value.dataType) else {
          throw ONNXProblem("fills with a non-integer value; cnnswift folds integer constants only")
        }
        fill = try ONNXTensor.integers(value).first ?? 0
      }
      result = Integers(dims: shape, values: Array(repeating: fill, count: try count(shape)))
    case "Cast":
      try attributes.only(["to", "saturate"])
      let to = try attributes.int("to", default: 0)
      guard to == 6 || to == 7 else { throw ONNXProblem("casts integers to type \(to); cnnswift folds integer casts") }
      result = inputs[0]!
    case "Identity":
      result = inputs[0]!
    case "Unsqueeze", "Squeeze":
      try attributes.only(["axes"])
      var value = inputs[0]!
      let axes = try inputs.count > 1 ? inputs[1]!.values.map { Int($0) } : (attributes.ints("axes") ?? [])
      if node.opType == "Unsqueeze" {
        let rank = value.dims.count + axes.count
        for axis in axes.map({ $0 < 0 ? $0 + rank : $0 }).sorted() {
          guard axis >= 0, axis <= value.dims.count else { throw ONNXProblem("axis \(axis) is out of range") }
          value.dims.insert(1, at: axis)
        }
      } else {
        let rank = value.dims.count
        let resolved =
          axes.isEmpty ? value.dims.indices.filter { value.dims[$0] == 1 } : axes.map { $0 < 0 ? $0 + rank : $0 }
        guard resolved.allSatisfy({ value.dims.indices.contains($0) && value.dims[$0] == 1 }) else {
          throw ONNXProblem("squeezes an axis that is not of size 1")
        }
        value.dims = value.dims.indices.filter { !resolved.contains($0) }.map { value.dims[$0] }
      }
      result = value
    case "Concat":
      try attributes.only(["axis"])
      result = try concat(inputs.compactMap { $0 }, axis: try attributes.int("axis", default: 0))
    case "Reshape":
      try attributes.only(["allowzero"])
      let value = inputs[0]!
      var shape = inputs[1]!.values.map { Int(clamping: $0) }
      for (axis, size) in shape.enumerated() where size == 0 && axis < value.dims.count {
        shape[axis] = value.dims[axis]
      }
      let refusal = ONNXProblem(
        "reshapes \(value.values.count) elements to \(ONNXTensor.text(inputs[1]!.values.map { Int(clamping: $0) }))")
      if let unknown = shape.firstIndex(of: -1) {
        var known = 1
        for (axis, size) in shape.enumerated() where axis != unknown {
          // Every size is checked before it multiplies: a product of sizes from the file could overflow.
          guard size > 0, size <= limit else { throw refusal }
          let (product, overflow) = known.multipliedReportingOverflow(by: size)
          guard !overflow, product <= limit else { throw refusal }
          known = product
        }
        guard value.values.count % known == 0 else { throw refusal }
        shape[unknown] = value.values.count / known
      }
      guard shape.allSatisfy({ $0 >= 0 }), try count(shape) == value.values.count else { throw refusal }
      result = Integers(dims: shape, values: value.values)
    case "Transpose":
      try attributes.only(["perm"])
      let value = inputs[0]!
      let perm = try attributes.ints("perm") ?? Array(value.dims.indices.reversed())
      guard perm.sorted() == Array(value.dims.indices) else { throw ONNXProblem("perm \(perm) is not a permutation") }
      let dims = perm.map { value.dims[$0] }
      let strides = value.strides
      result = Integers(
        dims: dims,
        values: indices(dims).map { index in value.values[zip(perm, index).reduce(0) { $0 + strides[$1.0] * $1.1 }] })
    case "Slice":
      try attributes.only([])
      result = try slice(inputs)
    default:
      throw ONNXProblem("operator \(node.opType) is not folded")
    }
    guard result.values.count <= limit else { throw ONNXProblem("folds to over \(limit) elements") }
    try checkExtent(result.dims, "its result")
    var tensor = ONNXTensor.make(name: node.output[0], integers: result.values)
    tensor.dims = result.dims.map(Int64.init)
    return tensor
  }

  /// Refuses dimensions whose product, counting a dimension of 0 as 1, is over ``limit``: a tensor of 0 elements
  /// may still have dimensions of 2⁴⁰, and folding walks every index along each dimension (Slice, Transpose, Concat).
  private static func checkExtent(_ dims: [Int], _ what: String) throws(ONNXProblem) {
    var extent = 1
    for size in dims {
      let (product, overflow) = extent.multipliedReportingOverflow(by: max(size, 1))
      guard !overflow, product <= limit else {
        throw ONNXProblem(
          "\(what) has dimensions \(ONNXTensor.text(dims)), over \(limit) positions; cnnswift folds small integer "
            + "constants only")
      }
      extent = product
    }
  }

  private static func count(_ dims: [Int]) throws(ONNXProblem) -> Int {
    var total = 1
    for size in dims {
      guard size >= 0 else { throw ONNXProblem("a dimension is negative: \(ONNXTensor.text(dims))") }
      let (product, overflow) = total.multipliedReportingOverflow(by: size)
      guard !overflow, product <= limit else { throw ONNXProblem("folds to over \(limit) elements") }
      total = product
    }
    return total
  }

  /// Every index of a tensor of `dims`, in row-major order.
  private static func indices(_ dims: [Int]) -> [[Int]] {
    var all: [[Int]] = [[]]
    for size in dims { all = all.flatMap { prefix in (0..<size).map { prefix + [$0] } } }
    return all
  }

  private static func concat(_ parts: [Integers], axis: Int) throws(ONNXProblem) -> Integers {
    guard let first = parts.first else { throw ONNXProblem("concatenates nothing") }
    let rank = first.dims.count
    let axis = axis < 0 ? axis + rank : axis
    guard (0..<rank).contains(axis),
      parts.allSatisfy({
        $0.dims.count == rank
          && $0.dims.enumerated().allSatisfy { $0.offset == axis || $0.element == first.dims[$0.offset] }
      })
    else {
      throw ONNXProblem(
        "concatenates tensors of shapes \(parts.map { ONNXTensor.text($0.dims) }.joined(separator: ", ")) along axis "
          + "\(axis)")
    }
    let outer = first.dims[..<axis].reduce(1, *)
    var values: [Int64] = []
    for block in 0..<outer {
      for part in parts {
        let inner = part.dims[axis...].reduce(1, *)
        values += part.values[block * inner..<(block + 1) * inner]
      }
    }
    var dims = first.dims
    dims[axis] = parts.reduce(0) { $0 + $1.dims[axis] }
    return Integers(dims: dims, values: values)
  }

  /// ONNX's Slice (starts, ends, axes, steps; negative steps and clamped bounds).
  private static func slice(_ inputs: [Integers?]) throws(ONNXProblem) -> Integers {
    let value = inputs[0]!
    let rank = value.dims.count
    let starts = inputs[1]!.values, ends = inputs[2]!.values
    let axes = inputs.count > 3 ? inputs[3]?.values.map { Int($0) } ?? Array(0..<starts.count) : Array(0..<starts.count)
    let steps =
      inputs.count > 4
      ? inputs[4]?.values ?? Array(repeating: 1, count: starts.count) : Array(repeating: 1, count: starts.count)
    guard starts.count == ends.count, axes.count == starts.count, steps.count == starts.count else {
      throw ONNXProblem("slices with starts, ends, axes and steps of different lengths")
    }
    var ranges = value.dims.map { Array(0..<$0) }
    var sliced: Set<Int> = []
    for (position, given) in axes.enumerated() {
      let axis = given < 0 ? given + rank : given
      guard (0..<rank).contains(axis) else {
        throw ONNXProblem("axis \(given) is out of range for a rank-\(rank) value")
      }
      guard sliced.insert(axis).inserted else { throw ONNXProblem("axis \(given) is sliced twice") }
      let step = steps[position]
      guard step != 0 else { throw ONNXProblem("step 0 is not allowed (axis \(given))") }
      let size = Int64(value.dims[axis])
      func clampIndex(_ raw: Int64, low: Int64, high: Int64) -> Int64 {
        let adjusted = raw < 0 ? raw + size : raw
        return min(max(adjusted, low), high)
      }
      // The bounds are clamped to the axis first, so the walk takes at most `size` steps, and it stops before a
      // step could overflow (a step of Int64.max).
      var selected: [Int] = []
      if step > 0 {
        var i = clampIndex(starts[position], low: 0, high: size)
        let end = clampIndex(ends[position], low: 0, high: size)
        while i < end {
          selected.append(Int(i))
          guard step < end - i else { break }
          i += step
        }
      } else {
        var i = clampIndex(starts[position], low: 0, high: size - 1)
        let end = clampIndex(ends[position], low: -1, high: size - 1)
        while i > end {
          selected.append(Int(i))
          guard step > end - i else { break }
          i += step
        }
      }
      ranges[axis] = selected
    }
    let strides = value.strides
    let dims = ranges.map(\.count)
    let values = indices(dims).map { index in
      value.values[index.enumerated().reduce(0) { $0 + strides[$1.offset] * ranges[$1.offset][$1.element] }]
    }
    return Integers(dims: dims, values: values)
  }
}
