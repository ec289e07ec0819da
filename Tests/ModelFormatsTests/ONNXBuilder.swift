import CNN
import Foundation
import ONNXProto

/// Small ONNX models written by hand for the tests, with the ONNXProto types (no other tool's files).
enum ONNXBuilder {
  static func attribute(_ name: String, ints: [Int]) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    (a.name, a.type, a.ints) = (name, .ints, ints.map(Int64.init))
    return a
  }

  static func attribute(_ name: String, int: Int) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    (a.name, a.type, a.i) = (name, .int, Int64(int))
    return a
  }

  static func attribute(_ name: String, float: Float) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    (a.name, a.type, a.f) = (name, .float, float)
    return a
  }

  static func attribute(_ name: String, string: String) -> Onnx_AttributeProto {
    var a = Onnx_AttributeProto()
    (a.name, a.type, a.s) = (name, .string, Data(string.utf8))
    return a
  }

  static func node(
    _ op: String, _ inputs: [String], _ output: String, name: String? = nil, _ attributes: [Onnx_AttributeProto] = []
  ) -> Onnx_NodeProto {
    var n = Onnx_NodeProto()
    (n.opType, n.input, n.output, n.name, n.attribute) = (op, inputs, [output], name ?? output, attributes)
    return n
  }

  /// A FLOAT initializer in float_data.
  static func floats(_ name: String, _ dims: [Int], _ values: [Float]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    (t.name, t.dims, t.dataType, t.floatData) = (name, dims.map(Int64.init), 1, values)
    return t
  }

  /// A FLOAT initializer in little-endian raw_data.
  static func raw(_ name: String, _ dims: [Int], _ values: [Float]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    (t.name, t.dims, t.dataType) = (name, dims.map(Int64.init), 1)
    var bytes = Data()
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    t.rawData = bytes
    return t
  }

  static func int64s(_ name: String, _ values: [Int64]) -> Onnx_TensorProto {
    var t = Onnx_TensorProto()
    (t.name, t.dims, t.dataType, t.int64Data) = (name, [Int64(values.count)], 7, values)
    return t
  }

  static func valueInfo(_ name: String, _ dims: [Int?]) -> Onnx_ValueInfoProto {
    var info = Onnx_ValueInfoProto()
    info.name = name
    info.type.tensorType.elemType = 1
    info.type.tensorType.shape.dim = dims.map { size in
      var d = Onnx_TensorShapeProto.Dimension()
      if let size { d.dimValue = Int64(size) } else { d.dimParam = "N" }
      return d
    }
    return info
  }

  /// A model of `nodes` over `input` (`[N] + sample`), its output `output`.
  static func model(
    input sample: [Int], nodes: [Onnx_NodeProto], initializers: [Onnx_TensorProto], output: String = "y",
    opset: Int64 = 13, name: String = "test"
  ) -> Onnx_ModelProto {
    var graph = Onnx_GraphProto()
    graph.name = name
    graph.node = nodes
    graph.initializer = initializers
    graph.input = [valueInfo("x", [nil] + sample)]
    graph.output = [valueInfo(output, [])]
    var m = Onnx_ModelProto()
    m.irVersion = 7
    var set = Onnx_OperatorSetIdProto()
    set.version = opset
    m.opsetImport = [set]
    m.graph = graph
    return m
  }

  /// Deterministic values in [-1, 1).
  static func values(_ count: Int, seed: Int) -> [Float] {
    (0..<count).map { Float((($0 * 7919 + seed * 104_729) % 2000)) / 1000 - 1 }
  }
}

/// Plain loops for the operators, written from ONNX's definitions, to check the imported layers against.
enum Reference {
  /// NCHW convolution of `x` [N, C, H, W] with `w` [K, C, k, k], stride, padding (top/left, bottom/right).
  static func conv(
    _ x: Tensor, _ w: Tensor, bias: [Float]?, stride: Int = 1, pad: (Int, Int) = (0, 0)
  ) -> Tensor {
    let (n, c, h, wd) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (k, kernel) = (w.shape[0], w.shape[2])
    let oh = (h + pad.0 + pad.1 - kernel) / stride + 1
    let ow = (wd + pad.0 + pad.1 - kernel) / stride + 1
    var y = Tensor(shape: [n, k, oh, ow])
    for b in 0..<n {
      for o in 0..<k {
        for i in 0..<oh {
          for j in 0..<ow {
            var total = bias?[o] ?? 0
            for ch in 0..<c {
              for u in 0..<kernel {
                for v in 0..<kernel {
                  let (r, s) = (i * stride + u - pad.0, j * stride + v - pad.0)
                  guard r >= 0, r < h, s >= 0, s < wd else { continue }
                  total += x.data[((b * c + ch) * h + r) * wd + s] * w.data[((o * c + ch) * kernel + u) * kernel + v]
                }
              }
            }
            y.data[((b * k + o) * oh + i) * ow + j] = total
          }
        }
      }
    }
    return y
  }

  /// Inference batch normalization per channel: scale·(x − mean)/√(var + ε) + bias.
  static func batchNorm(_ x: Tensor, scale: [Float], bias: [Float], mean: [Float], variance: [Float], epsilon: Float)
    -> Tensor
  {
    var y = x
    let plane = x.shape[2...].reduce(1, *)
    for index in 0..<x.count {
      let c = (index / plane) % x.shape[1]
      y.data[index] = scale[c] * (x.data[index] - mean[c]) / (variance[c] + epsilon).squareRoot() + bias[c]
    }
    return y
  }

  static func relu(_ x: Tensor) -> Tensor { Tensor(shape: x.shape, data: x.data.map { max($0, 0) }) }

  /// Max pooling of `size`×`size` windows, stride `size`.
  static func maxPool(_ x: Tensor, _ size: Int) -> Tensor {
    let (n, c, h, w) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
    let (oh, ow) = (h / size, w / size)
    var y = Tensor(shape: [n, c, oh, ow])
    for p in 0..<n * c {
      for i in 0..<oh {
        for j in 0..<ow {
          var best = -Float.infinity
          for u in 0..<size {
            for v in 0..<size { best = max(best, x.data[(p * h + i * size + u) * w + j * size + v]) }
          }
          y.data[(p * oh + i) * ow + j] = best
        }
      }
    }
    return y
  }

  /// Y = A·B + C for A [N, F], B [F, M].
  static func gemm(_ a: Tensor, _ b: Tensor, _ c: [Float]) -> Tensor {
    let (n, f, m) = (a.shape[0], b.shape[0], b.shape[1])
    var y = Tensor(shape: [n, m])
    for i in 0..<n {
      for j in 0..<m {
        var total = c[j]
        for k in 0..<f { total += a.data[i * f + k] * b.data[k * m + j] }
        y.data[i * m + j] = total
      }
    }
    return y
  }
}
