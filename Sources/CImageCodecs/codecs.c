#include "CImageCodecs.h"

// stdio.h first: jpeglib.h uses FILE without including it.
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>
#include <png.h>

void CImageCodecs_free(void *pointer) { free(pointer); }

static int fail(char *error, size_t error_size, const char *message) {
  snprintf(error, error_size, "%s", message);
  return -1;
}

int CImageCodecs_decode_png(const uint8_t *bytes, size_t count, uint8_t **pixels, int *width, int *height,
                            char *error, size_t error_size) {
  // libpng's simplified API reports errors in the image structure, without longjmp.
  png_image image;
  memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_memory(&image, bytes, count)) return fail(error, error_size, image.message);
  if (image.width == 0 || image.height == 0 || image.width > CIMAGECODECS_MAX_SIDE ||
      image.height > CIMAGECODECS_MAX_SIDE) {
    png_image_free(&image);
    return fail(error, error_size, "its size is beyond 16384 pixels a side");
  }
  image.format = PNG_FORMAT_RGB;
  uint8_t *buffer = malloc(PNG_IMAGE_SIZE(image));
  if (!buffer) {
    png_image_free(&image);
    return fail(error, error_size, "out of memory");
  }
  if (!png_image_finish_read(&image, NULL, buffer, 0, NULL)) {
    free(buffer);
    return fail(error, error_size, image.message);
  }
  *pixels = buffer;
  *width = (int)image.width;
  *height = (int)image.height;
  return 0;
}

struct jpeg_failure {
  struct jpeg_error_mgr manager;
  jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};

static void jpeg_failed(j_common_ptr info) {
  struct jpeg_failure *failure = (struct jpeg_failure *)info->err;
  (*info->err->format_message)(info, failure->message);
  longjmp(failure->jump, 1);
}

int CImageCodecs_decode_jpeg(const uint8_t *bytes, size_t count, uint8_t **pixels, int *width, int *height,
                             char *error, size_t error_size) {
  struct jpeg_decompress_struct info;
  struct jpeg_failure failure;
  // volatile: it is read after a longjmp back into this frame.
  uint8_t *volatile buffer = NULL;
  info.err = jpeg_std_error(&failure.manager);
  failure.manager.error_exit = jpeg_failed;
  failure.manager.output_message = (void (*)(j_common_ptr))jpeg_failed;  // warnings about corrupt data too
  if (setjmp(failure.jump)) {
    jpeg_destroy_decompress(&info);
    free(buffer);
    return fail(error, error_size, failure.message);
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes, (unsigned long)count);
  jpeg_read_header(&info, TRUE);
  if (info.image_width == 0 || info.image_height == 0 || info.image_width > CIMAGECODECS_MAX_SIDE ||
      info.image_height > CIMAGECODECS_MAX_SIDE) {
    jpeg_destroy_decompress(&info);
    return fail(error, error_size, "its size is beyond 16384 pixels a side");
  }
  info.out_color_space = JCS_RGB;
  jpeg_start_decompress(&info);
  size_t stride = (size_t)info.output_width * 3;
  buffer = malloc(stride * info.output_height);
  if (!buffer) {
    jpeg_destroy_decompress(&info);
    return fail(error, error_size, "out of memory");
  }
  while (info.output_scanline < info.output_height) {
    JSAMPROW row = buffer + stride * info.output_scanline;
    jpeg_read_scanlines(&info, &row, 1);
  }
  jpeg_finish_decompress(&info);
  *width = (int)info.output_width;
  *height = (int)info.output_height;
  jpeg_destroy_decompress(&info);
  *pixels = buffer;
  return 0;
}

int CImageCodecs_jpeg_size(const uint8_t *bytes, size_t count, int *width, int *height, char *error,
                           size_t error_size) {
  struct jpeg_decompress_struct info;
  struct jpeg_failure failure;
  info.err = jpeg_std_error(&failure.manager);
  failure.manager.error_exit = jpeg_failed;
  failure.manager.output_message = (void (*)(j_common_ptr))jpeg_failed;  // as the decoder: warnings fail too
  if (setjmp(failure.jump)) {
    jpeg_destroy_decompress(&info);
    return fail(error, error_size, failure.message);
  }
  jpeg_create_decompress(&info);
  jpeg_mem_src(&info, bytes, (unsigned long)count);
  jpeg_read_header(&info, TRUE);
  *width = (int)info.image_width;
  *height = (int)info.image_height;
  jpeg_destroy_decompress(&info);
  return 0;
}

int CImageCodecs_encode_png(const uint8_t *pixels, int width, int height, uint8_t **png, size_t *png_size,
                            char *error, size_t error_size) {
  png_image image;
  memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  image.width = (png_uint_32)width;
  image.height = (png_uint_32)height;
  image.format = PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&image, NULL, &size, 0, pixels, 0, NULL)) return fail(error, error_size, image.message);
  uint8_t *buffer = malloc(size);
  if (!buffer) return fail(error, error_size, "out of memory");
  if (!png_image_write_to_memory(&image, buffer, &size, 0, pixels, 0, NULL)) {
    free(buffer);
    return fail(error, error_size, image.message);
  }
  *png = buffer;
  *png_size = size;
  return 0;
}

int CImageCodecs_encode_jpeg(const uint8_t *pixels, int width, int height, int quality, uint8_t **jpeg,
                             size_t *jpeg_size, char *error, size_t error_size) {
  struct jpeg_compress_struct info;
  struct jpeg_failure failure;
  unsigned char *volatile buffer = NULL;
  unsigned long size = 0;
  info.err = jpeg_std_error(&failure.manager);
  failure.manager.error_exit = jpeg_failed;
  if (setjmp(failure.jump)) {
    jpeg_destroy_compress(&info);
    free(buffer);
    return fail(error, error_size, failure.message);
  }
  jpeg_create_compress(&info);
  jpeg_mem_dest(&info, (unsigned char **)&buffer, &size);
  info.image_width = (JDIMENSION)width;
  info.image_height = (JDIMENSION)height;
  info.input_components = 3;
  info.in_color_space = JCS_RGB;
  jpeg_set_defaults(&info);
  jpeg_set_quality(&info, quality, TRUE);
  jpeg_start_compress(&info, TRUE);
  size_t stride = (size_t)width * 3;
  while (info.next_scanline < info.image_height) {
    JSAMPROW row = (JSAMPROW)(pixels + stride * info.next_scanline);
    jpeg_write_scanlines(&info, &row, 1);
  }
  jpeg_finish_compress(&info);
  jpeg_destroy_compress(&info);
  *jpeg = buffer;
  *jpeg_size = size;
  return 0;
}
