/// Darknet's letterbox: an image scaled, keeping its aspect ratio, to fit the network's input, centred on grey
/// (0.5) bars; and the inverse mapping of boxes found in the input back to the image.
public struct Letterbox: Sendable, Equatable {
  public var imageWidth: Int
  public var imageHeight: Int
  public var inputWidth: Int
  public var inputHeight: Int

  public init(imageWidth: Int, imageHeight: Int, inputWidth: Int, inputHeight: Int) {
    precondition(imageWidth > 0 && imageHeight > 0 && inputWidth > 0 && inputHeight > 0, "empty letterbox")
    (self.imageWidth, self.imageHeight) = (imageWidth, imageHeight)
    (self.inputWidth, self.inputHeight) = (inputWidth, inputHeight)
  }

  /// The scaled image's size inside the input (darknet's integer arithmetic).
  public var scaledSize: (width: Int, height: Int) {
    if Float(inputWidth) / Float(imageWidth) < Float(inputHeight) / Float(imageHeight) {
      return (inputWidth, imageHeight * inputWidth / imageWidth)
    }
    return (imageWidth * inputHeight / imageHeight, inputHeight)
  }

  /// `box`, in fractions of the network's input, in pixels of the image (darknet's `correct_region_boxes`).
  public func imageBox(_ box: Box) -> Box {
    let (scaledWidth, scaledHeight) = scaledSize
    let (fractionWidth, fractionHeight) =
      (Float(scaledWidth) / Float(inputWidth), Float(scaledHeight) / Float(inputHeight))
    let x = (box.x - Float(inputWidth - scaledWidth) / 2 / Float(inputWidth)) / fractionWidth
    let y = (box.y - Float(inputHeight - scaledHeight) / 2 / Float(inputHeight)) / fractionHeight
    return Box(
      x: x * Float(imageWidth), y: y * Float(imageHeight), width: box.width / fractionWidth * Float(imageWidth),
      height: box.height / fractionHeight * Float(imageHeight))
  }

  /// The network input of an RGB image `pixels` (`[3, imageHeight, imageWidth]` planes, values 0 to 1): the image
  /// resized bilinearly as darknet's `resize_image` does, centred on 0.5.
  public func input(from pixels: [Float], channels: Int) -> [Float] {
    precondition(pixels.count == channels * imageWidth * imageHeight, "the image is not the letterbox's")
    let (scaledWidth, scaledHeight) = scaledSize
    let resized = Self.resize(
      pixels, channels: channels, from: (imageWidth, imageHeight), to: (scaledWidth, scaledHeight))
    var canvas = [Float](repeating: 0.5, count: channels * inputWidth * inputHeight)
    let (left, top) = ((inputWidth - scaledWidth) / 2, (inputHeight - scaledHeight) / 2)
    for c in 0..<channels {
      for row in 0..<scaledHeight {
        for column in 0..<scaledWidth {
          canvas[(c * inputHeight + top + row) * inputWidth + left + column] =
            resized[(c * scaledHeight + row) * scaledWidth + column]
        }
      }
    }
    return canvas
  }

  /// Darknet's bilinear resize (`resize_image`), exactly: along rows first (the last column is the image's last),
  /// then along columns (the last row takes only its upper neighbour's share, as darknet's does).
  static func resize(_ pixels: [Float], channels: Int, from: (Int, Int), to: (Int, Int)) -> [Float] {
    let (width, height) = from
    let (newWidth, newHeight) = to
    let scaleX = newWidth > 1 ? Float(width - 1) / Float(newWidth - 1) : 0
    let scaleY = newHeight > 1 ? Float(height - 1) / Float(newHeight - 1) : 0
    var part = [Float](repeating: 0, count: channels * height * newWidth)
    for c in 0..<channels {
      for row in 0..<height {
        let source = (c * height + row) * width
        for column in 0..<newWidth {
          let value: Float
          if column == newWidth - 1 || width == 1 {
            value = pixels[source + width - 1]
          } else {
            let x = Float(column) * scaleX
            let left = Int(x)
            let fraction = x - Float(left)
            value = (1 - fraction) * pixels[source + left] + fraction * pixels[source + left + 1]
          }
          part[(c * height + row) * newWidth + column] = value
        }
      }
    }
    var resized = [Float](repeating: 0, count: channels * newHeight * newWidth)
    for c in 0..<channels {
      for row in 0..<newHeight {
        let y = Float(row) * scaleY
        let top = Int(y)
        let fraction = y - Float(top)
        let last = row == newHeight - 1 || height == 1
        for column in 0..<newWidth {
          var value = (1 - fraction) * part[(c * height + top) * newWidth + column]
          if !last { value += fraction * part[(c * height + top + 1) * newWidth + column] }
          resized[(c * newHeight + row) * newWidth + column] = value
        }
      }
    }
    return resized
  }
}
