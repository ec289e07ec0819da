import SIMDKernels

/// What an inference pass applies to a convolution's output channels on the way out, in one pass rather than
/// one layer each: `f((conv + bias) · scale[c] + shift[c] + residual)`, `f(v) = max(v, slope · v)`.
///
/// A network builds one for each convolution whose sole reader is an inference batch normalization, an
/// addition of one other value (a residual block's shortcut), a ReLU or a leaky ReLU, or a chain of them in
/// that order (see ``InferenceFusion``), as onnxruntime fuses Conv, BatchNormalization, Add and Relu; the
/// arithmetic is the layers' own, in their order, so the outputs are the same floats.
struct ConvolutionEpilogue {
  /// Per output channel, a batch normalization's `γ / σ` and `β − μγ / σ` (nil: 1 and 0).
  var scale: [Float]? = nil
  var shift: [Float]? = nil
  /// A value of the output's shape added after the normalization.
  var residual: Tensor? = nil
  /// The activation's slope for negative values (0: ReLU), or nil for none.
  var slope: Float? = nil

  /// Only the convolution's bias.
  static let none = ConvolutionEpilogue()

  /// Applies it to `rows` rows of `count` values of channel `c` (`x`'s rows `xStride` apart, `y`'s and the
  /// residual's `yStride` apart) from `x` into `y` (which may be `x`); the residual's rows start at
  /// `residualOffset` in `residualBase`. On `kernels` when the CPU has vector kernels.
  func apply(
    _ x: UnsafePointer<Float>, rows: Int, count: Int, xStride: Int, bias: Float, channel c: Int,
    residualOffset: Int, residualBase: UnsafePointer<Float>?, kernels: (any VectorKernels.Type)?,
    into y: UnsafeMutablePointer<Float>, yStride: Int
  ) {
    let (a, b) = (scale?[c] ?? 1, shift?[c] ?? 0)
    let r = residualBase.map { $0 + residualOffset }
    if let kernels {
      kernels.affineActivation(
        x, rows: rows, count: count, xStride: xStride, bias: bias, scale: a, shift: b, residual: r, slope: slope,
        into: y, yStride: yStride)
      return
    }
    for row in 0..<rows {
      for i in 0..<count {
        var v = a * (x[row * xStride + i] + bias) + b
        if let r { v += r[row * yStride + i] }
        if let slope { v = v > 0 ? v : slope == 0 ? 0 : slope * v }
        y[row * yStride + i] = v
      }
    }
  }

  /// `body` given the product epilogue that applies this one with `bias` (one value per channel, or none),
  /// the residual's values for the product's C at `residual`; its channels are C's columns with `perColumn`
  /// (a channels-last output), else C's rows.
  func withProductEpilogue(
    bias: [Float], residual: UnsafePointer<Float>?, perColumn: Bool = false, _ body: (ProductEpilogue) -> Void
  ) {
    func base(_ values: UnsafeBufferPointer<Float>) -> UnsafePointer<Float>? {
      values.isEmpty ? nil : values.baseAddress
    }
    bias.withUnsafeBufferPointer { b in
      (scale ?? []).withUnsafeBufferPointer { a in
        (shift ?? []).withUnsafeBufferPointer { s in
          body(
            ProductEpilogue(
              bias: base(b), scale: base(a), shift: base(s), residual: residual, slope: slope, perColumn: perColumn))
        }
      }
    }
  }
}
