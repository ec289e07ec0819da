import Foundation

/// A seeded synthetic data set of any image shape and class count, for quick runs and benchmarks
/// (`--data synthetic:N`).
///
/// Each class has a fixed template (a grating and a blob per channel, drawn from the seed), a sample is its class's
/// template shifted by up to 2 pixels, with random contrast and strong noise. The classes overlap enough that a
/// linear model stays near 90 % while a CNN does better, so accuracy visibly rises over a short run instead of
/// jumping to 100 %. Every sample is generated from the seed and its own index alone, so a rank generates exactly
/// its shard and gets the same samples whatever the number of ranks.
public struct SyntheticData: Sendable {
  /// The mean and standard deviation of `pixel / 255` over the generator's output, for the normalization
  /// (measured on 3,000 samples for seeds 0 to 2 and shapes 1×28×28, 1×32×32, 3×32×32: means 0.43 to 0.45,
  /// deviations 0.23).
  static let pixelMean: Float = 0.44
  static let pixelStd: Float = 0.23

  /// The shape of one sample, `[C, H, W]`.
  public let sampleShape: [Int]
  /// The number of classes; labels are `0..<classes`.
  public let classes: Int
  /// The seed every template and sample derives from.
  public let seed: UInt64
  /// Intensity in about [0, 1] per class, channel, row and column.
  private let templates: [Float]

  /// The synthetic set of samples of `sampleShape` (`[C, H, W]`) in `classes` classes drawn from `seed`.
  public init(sampleShape: [Int], classes: Int = 10, seed: UInt64 = 0) {
    precondition(sampleShape.count == 3 && sampleShape.allSatisfy { $0 > 0 }, "sample shape \(sampleShape)")
    precondition(classes >= 2 && classes <= 256, "\(classes) classes")
    self.sampleShape = sampleShape
    self.classes = classes
    self.seed = seed
    let (channels, height, width) = (sampleShape[0], sampleShape[1], sampleShape[2])
    let plane = height * width
    var raw = [Float](repeating: 0, count: classes * channels * plane)
    for label in 0..<classes {
      var generator = SeededGenerator(seed: SeededGenerator.mix(seed, 0x7E3A_0000 + UInt64(label)))
      for channel in 0..<channels {
        let fx = 0.5 + 2.5 * generator.nextUnit()
        let fy = -3 + 6 * generator.nextUnit()
        let phase = 2 * Float.pi * generator.nextUnit()
        let cx = Float(width) * (0.2 + 0.6 * generator.nextUnit())
        let cy = Float(height) * (0.2 + 0.6 * generator.nextUnit())
        let sigma = Float(min(height, width)) * (0.1 + 0.15 * generator.nextUnit())
        let base = (label * channels + channel) * plane
        for y in 0..<height {
          for x in 0..<width {
            let (px, py) = (Float(x), Float(y))
            let angle = 2 * Float.pi * (fx * px / Float(width) + fy * py / Float(height)) + phase
            let distance2 = (px - cx) * (px - cx) + (py - cy) * (py - cy)
            raw[base + y * width + x] = 0.2 * sin(angle) + 0.4 * exp(-distance2 / (2 * sigma * sigma))
          }
        }
      }
    }
    // Shrink each class's difference from the mean template: this, with the noise, sets how hard the task is.
    let size = channels * plane
    var templates = raw
    for i in 0..<size {
      let mean = (0..<classes).reduce(Float(0)) { $0 + raw[$1 * size + i] } / Float(classes)
      for label in 0..<classes {
        templates[label * size + i] = 0.35 + mean + 0.35 * (raw[label * size + i] - mean)
      }
    }
    self.templates = templates
  }

  /// The pixels (sample after sample, each CHW) and labels of samples `range` of `partition`; train and test
  /// samples are drawn from separate streams.
  public func generate(_ range: Range<Int>, partition: Partition) -> (pixels: [UInt8], labels: [UInt8]) {
    let (channels, height, width) = (sampleShape[0], sampleShape[1], sampleShape[2])
    let size = channels * height * width
    let maxShift = min(height, width) >= 16 ? 2 : 0
    let stream = SeededGenerator.mix(seed, partition == .train ? 0x7261_696E : 0x7465_7374)
    var pixels = [UInt8](repeating: 0, count: range.count * size)
    var labels = [UInt8](repeating: 0, count: range.count)
    templates.withUnsafeBufferPointer { templates in
      pixels.withUnsafeMutableBufferPointer { pixels in
        for (slot, index) in range.enumerated() {
          var generator = SeededGenerator(seed: SeededGenerator.mix(stream, UInt64(index)))
          let label = generator.nextIndex(below: classes)
          let dx = generator.nextIndex(below: 2 * maxShift + 1) - maxShift
          let dy = generator.nextIndex(below: 2 * maxShift + 1) - maxShift
          let contrast = 0.6 + 0.4 * generator.nextUnit()
          labels[slot] = UInt8(label)
          for channel in 0..<channels {
            let template = label * size + channel * height * width
            let output = slot * size + channel * height * width
            for y in 0..<height {
              // The shift wraps around, so every template pixel stays in the image.
              let row = template + ((y - dy + height) % height) * width
              for x in 0..<width {
                let t = templates[row + (x - dx + width) % width]
                let noise = 0.55 * (generator.nextUnit() + generator.nextUnit() - 1)
                let value = 0.5 + contrast * (t - 0.5) + noise
                pixels[output + y * width + x] = UInt8((min(max(value, 0), 1) * 255).rounded())
              }
            }
          }
        }
      }
    }
    return (pixels, labels)
  }
}
