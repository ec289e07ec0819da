import Foundation
import Testing

@testable import CNN

struct SoftmaxCrossEntropyTests {
  let criterion = SoftmaxCrossEntropy()

  @Test func gradientMatchesFiniteDifferences() {
    let logits = randomTensor([4, 5], seed: 1, scale: 2)
    let labels = [0, 3, 4, 3]
    let analytic = criterion.loss(logits: logits, labels: labels).gradient
    var numeric = [Double](repeating: 0, count: logits.count)
    let epsilon: Float = 1e-2
    for i in 0..<logits.count {
      var x = logits
      x.data[i] += epsilon
      let plus = Double(criterion.loss(logits: x, labels: labels).loss)
      x.data[i] -= 2 * epsilon
      let minus = Double(criterion.loss(logits: x, labels: labels).loss)
      numeric[i] = (plus - minus) / (2 * Double(epsilon))
    }
    let error = GradientError(analytic: analytic.data, numeric: numeric)
    #expect(error.relative < 1e-2, "\(error)")
  }

  @Test func valuesAndAccuracy() {
    // Uniform logits: loss log K; a confident right answer: loss near 0.
    let uniform = criterion.loss(logits: Tensor(shape: [2, 4]), labels: [1, 2])
    #expect(abs(uniform.loss - Float(4).logarithm) < 1e-6)
    let result = criterion.loss(logits: Tensor(shape: [2, 3], data: [10, 0, 0, 0, 0, 10]), labels: [0, 1])
    #expect(result.correct == 1)
    #expect(abs(result.loss - (0 + 10) / 2) < 1e-3)
    // The gradient of each row sums to zero.
    for row in 0..<2 {
      #expect(abs(result.gradient.data[(row * 3)..<(row * 3 + 3)].reduce(0, +)) < 1e-6)
    }
  }

  @Test func stableForLargeLogits() {
    let result = criterion.loss(logits: Tensor(shape: [1, 3], data: [1000, -1000, 999]), labels: [2])
    #expect(result.loss.isFinite)
    #expect(abs(result.loss - (1 + (1 + (-1 as Float).exp).logarithm)) < 1e-4)
    #expect(result.gradient.data.allSatisfy { $0.isFinite })
  }
}

extension Float {
  fileprivate var logarithm: Float { Float(log(Double(self))) }
  fileprivate var exp: Float { Float(Foundation.exp(Double(self))) }
}
