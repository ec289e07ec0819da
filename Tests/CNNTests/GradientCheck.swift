import Testing

@testable import CNN

/// A tensor of `shape` with standard normal elements.
func randomTensor(_ shape: [Int], seed: UInt64, scale: Float = 1) -> Tensor {
  var generator = SeededGenerator(seed: seed)
  return Tensor(shape: shape, data: (0..<shape.reduce(1, *)).map { _ in scale * generator.nextNormal() })
}

/// A tensor of `shape` whose elements are distinct and at least `gap` apart (a shuffled ramp), so
/// that finite differences of max pooling never swap a window's maximum.
func distinctTensor(_ shape: [Int], seed: UInt64, gap: Float = 0.05) -> Tensor {
  var generator = SeededGenerator(seed: seed)
  let count = shape.reduce(1, *)
  let values = (0..<count).map { Float($0) * gap - Float(count) * gap / 2 }.shuffled(using: &generator)
  return Tensor(shape: shape, data: values)
}

/// A tensor of `shape` with elements at least `margin` away from zero, so that finite differences
/// of a ReLU never cross its kink.
func awayFromZero(_ shape: [Int], seed: UInt64, margin: Float = 0.1) -> Tensor {
  var tensor = randomTensor(shape, seed: seed)
  for i in tensor.data.indices { tensor.data[i] += tensor.data[i] >= 0 ? margin : -margin }
  return tensor
}

/// How far an analytic gradient is from a numerical one: ‖a − n‖ / max(‖a‖, ‖n‖), and the worst
/// element's error relative to the largest element.
struct GradientError: CustomStringConvertible {
  var relative: Double
  var worstElement: Double
  var description: String { "relative \(relative), worst element \(worstElement)" }

  init(analytic: [Float], numeric: [Double]) {
    precondition(analytic.count == numeric.count)
    var (difference, normA, normN, worst, largest) = (0.0, 0.0, 0.0, 0.0, 0.0)
    for (a, n) in zip(analytic.map(Double.init), numeric) {
      difference += (a - n) * (a - n)
      normA += a * a
      normN += n * n
      worst = max(worst, abs(a - n))
      largest = max(largest, abs(a), abs(n))
    }
    relative = difference.squareRoot() / max(normA.squareRoot(), normN.squareRoot(), 1e-12)
    worstElement = worst / max(largest, 1e-12)
  }
}

/// Checks a layer's input gradient and every trainable parameter's gradient against central
/// differences of the scalar loss `Σ w · forward(x)`, with fixed random weights w.
///
/// The loss is summed in Double so that only the layer's own Float32 rounding limits the
/// differences; `epsilon` is the step (large enough for that rounding, small enough for the
/// curvature). `beforeForward` runs before every forward pass (to replay a dropout mask).
func checkGradients(
  _ layer: any Layer, input: Tensor, epsilon: Float = 1e-2, tolerance: Double = 1e-2, checkInput: Bool = true,
  beforeForward: () -> Void = {}, sourceLocation: SourceLocation = #_sourceLocation
) {
  beforeForward()
  let output = layer.forward(input, mode: .training)
  let weights = randomTensor(output.shape, seed: 99)
  func loss(_ x: Tensor) -> Double {
    beforeForward()
    let y = layer.forward(x, mode: .training)
    return zip(y.data, weights.data).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
  }
  // Analytic gradients from one forward and backward pass.
  for parameter in layer.parameters { parameter.gradient.zero() }
  beforeForward()
  _ = layer.forward(input, mode: .training)
  let inputGradient = layer.backward(weights)
  let parameterGradients = layer.parameters.map(\.gradient.data)

  if checkInput {
    #expect(inputGradient.shape == input.shape, sourceLocation: sourceLocation)
    var x = input
    var numeric = [Double](repeating: 0, count: input.count)
    for i in 0..<input.count {
      let original = x.data[i]
      x.data[i] = original + epsilon
      let plus = loss(x)
      x.data[i] = original - epsilon
      let minus = loss(x)
      x.data[i] = original
      numeric[i] = (plus - minus) / (2 * Double(epsilon))
    }
    let error = GradientError(analytic: inputGradient.data, numeric: numeric)
    #expect(
      error.relative < tolerance && error.worstElement < 5 * tolerance, "\(layer.summary) input gradient: \(error)",
      sourceLocation: sourceLocation)
  }
  for (parameter, analytic) in zip(layer.parameters, parameterGradients) where parameter.isTrainable {
    var numeric = [Double](repeating: 0, count: parameter.value.count)
    for i in 0..<parameter.value.count {
      let original = parameter.value.data[i]
      parameter.value.data[i] = original + epsilon
      let plus = loss(input)
      parameter.value.data[i] = original - epsilon
      let minus = loss(input)
      parameter.value.data[i] = original
      numeric[i] = (plus - minus) / (2 * Double(epsilon))
    }
    let error = GradientError(analytic: analytic, numeric: numeric)
    #expect(
      error.relative < tolerance && error.worstElement < 5 * tolerance,
      "\(layer.summary) \(parameter.name) gradient: \(error)", sourceLocation: sourceLocation)
  }
}
