// CImageCodecs: PNG and JPEG images decoded to 8-bit RGB, and RGB written as PNG, through Debian's libpng and
// libjpeg (libjpeg-turbo). Both libraries report errors by longjmp, which Swift cannot catch; these functions
// catch them in C and return a message instead.
//
// Not API. Only the Swift module `ImageFiles` includes this header.

#ifndef CIMAGECODECS_H
#define CIMAGECODECS_H

#include <stddef.h>
#include <stdint.h>

/// The largest width or height decoded: a header announcing more is refused before any pixel buffer exists.
#define CIMAGECODECS_MAX_SIDE 16384

/// Decodes a PNG or JPEG in `bytes` into `*pixels` (malloc'd, width × height × 3 bytes, RGB, row-major; the
/// caller frees it with CImageCodecs_free). Returns 0, or -1 with a message in `error` (at most `error_size`).
int CImageCodecs_decode_png(const uint8_t *bytes, size_t count, uint8_t **pixels, int *width, int *height,
                            char *error, size_t error_size);
int CImageCodecs_decode_jpeg(const uint8_t *bytes, size_t count, uint8_t **pixels, int *width, int *height,
                             char *error, size_t error_size);

/// The width and height a JPEG's frame header (SOF) announces, read by libjpeg's jpeg_read_header without
/// decoding any pixel. Returns 0, or -1 with a message in `error` (at most `error_size`).
int CImageCodecs_jpeg_size(const uint8_t *bytes, size_t count, int *width, int *height, char *error,
                           size_t error_size);

/// Encodes width × height RGB `pixels` as a PNG into `*png` (malloc'd, `*png_size` bytes; freed with
/// CImageCodecs_free). Returns 0, or -1 with a message in `error`.
int CImageCodecs_encode_png(const uint8_t *pixels, int width, int height, uint8_t **png, size_t *png_size,
                            char *error, size_t error_size);

/// Encodes width × height RGB `pixels` as a baseline JPEG of `quality` (1–100) into `*jpeg` (malloc'd,
/// `*jpeg_size` bytes; freed with CImageCodecs_free). Returns 0, or -1 with a message in `error`.
int CImageCodecs_encode_jpeg(const uint8_t *pixels, int width, int height, int quality, uint8_t **jpeg,
                             size_t *jpeg_size, char *error, size_t error_size);

void CImageCodecs_free(void *pointer);

#endif
