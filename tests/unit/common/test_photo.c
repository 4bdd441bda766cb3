// SPDX-License-Identifier: AGPL-3.0-or-later
/*
 * photo: the type comes from the bytes (JPEG, PNG and WebP taken; GIF, PDF and text refused
 * whatever they are called), the stored JPEG carries no metadata and has the EXIF orientation
 * applied, sizes are bounded (the file, the pixels, the longest side, the thumbnail, the pixels
 * decoding would produce after shrink-on-load), and truncated files are refused. The input images
 * are made here with libvips itself.
 */
#include "common/photo.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <vips/vips.h>

#include <cmocka.h>

#define CAMERA "BaladiyaTestCam 3000"

/* A width × height sRGB image: the left half white, the right half black. */
static VipsImage *
two_halves(int width, int height)
{
	VipsImage *black = NULL, *white = NULL, *left = NULL, *joined = NULL, *rgb = NULL;
	assert_int_equal(vips_black(&black, width, height, "bands", 3, NULL), 0);
	assert_int_equal(vips_linear1(black, &white, 1.0, 255.0, "uchar", TRUE, NULL), 0);
	assert_int_equal(vips_extract_area(white, &left, 0, 0, width / 2, height, NULL), 0);
	assert_int_equal(vips_insert(black, left, &joined, 0, 0, NULL), 0);
	assert_int_equal(vips_cast(joined, &rgb, VIPS_FORMAT_UCHAR, NULL), 0);
	/* copy so that metadata can be set on an image no one else holds */
	VipsImage *out = NULL;
	assert_int_equal(vips_copy(rgb, &out, "interpretation", VIPS_INTERPRETATION_sRGB, NULL), 0);
	g_object_unref(black);
	g_object_unref(white);
	g_object_unref(left);
	g_object_unref(joined);
	g_object_unref(rgb);
	return out;
}

/* A JPEG of two_halves with an EXIF block: the camera model and, when > 1, an orientation. */
static void *
jpeg_with_exif(int width, int height, int orientation, size_t *len)
{
	VipsImage *im = two_halves(width, height);
	vips_image_set_string(im, "exif-ifd0-Model", CAMERA);
	if (orientation > 1)
		vips_image_set_int(im, VIPS_META_ORIENTATION, orientation);
	void *buf = NULL;
	assert_int_equal(vips_jpegsave_buffer(im, &buf, len, "Q", 90, NULL), 0);
	g_object_unref(im);
	return buf;
}

static bool
has_bytes(const void *hay, size_t hay_len, const void *needle, size_t needle_len)
{
	const char *h = hay;
	for (size_t i = 0; i + needle_len <= hay_len; i++)
		if (memcmp(h + i, needle, needle_len) == 0)
			return true;
	return false;
}

/* The mean of a band over a small square around (x, y) of a JPEG. */
static double
mean_at(const void *jpeg, size_t len, int x, int y)
{
	VipsImage *im = NULL, *area = NULL;
	double mean = -1;
	assert_int_equal(vips_jpegload_buffer((void *)(uintptr_t)jpeg, len, &im, NULL), 0);
	assert_int_equal(vips_extract_area(im, &area, x, y, 4, 4, NULL), 0);
	assert_int_equal(vips_avg(area, &mean, NULL), 0);
	g_object_unref(area);
	g_object_unref(im);
	return mean;
}

static void
test_sniff_by_bytes(void **state)
{
	(void)state;
	assert_string_equal(photo_sniff("\xFF\xD8\xFF\xE0", 4), "image/jpeg");
	assert_string_equal(photo_sniff("\x89PNG\r\n\x1a\n\0\0", 10), "image/png");
	assert_string_equal(photo_sniff("RIFF\x10\0\0\0WEBPVP8 ", 16), "image/webp");
	assert_null(photo_sniff("GIF89a\x01\0\x01\0", 10));
	assert_null(photo_sniff("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n", 16));
	assert_null(photo_sniff("just some text, saved as photo.jpg\n", 35));
	assert_null(photo_sniff("RIFF\x10\0\0\0WAVEfmt ", 16)); /* RIFF, but audio */
	assert_null(photo_sniff("\xFF\xD8", 2));                /* too short to tell */
	assert_null(photo_sniff(NULL, 0));
}

/* Refused by content, whatever name the browser sent: photo_normalize never sees a name. */
static void
test_refuses_other_types(void **state)
{
	(void)state;
	static const char gif[] = "GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!\xf9\x04\x01\0\0\0"
				  "\0,\0\0\0\0\x01\0\x01\0\0\x02\x02\x44\x01\0;";
	static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
	static const char text[] = "not an image at all\n";
	const void *inputs[] = {gif, pdf, text};
	size_t lens[] = {sizeof(gif) - 1, sizeof(pdf) - 1, sizeof(text) - 1};
	for (size_t i = 0; i < 3; i++) {
		struct photo_image img;
		const char *code = NULL;
		assert_int_equal(photo_normalize(inputs[i], lens[i], &img, &code),
				 STATUS_UNSUPPORTED);
		assert_string_equal(code, "photo_type");
		assert_null(img.jpeg);
	}
	struct photo_image img;
	const char *code = NULL;
	assert_int_equal(photo_normalize("", 0, &img, &code), STATUS_UNSUPPORTED);
	assert_string_equal(code, "photo_type");
}

static void
accept_and_check(void *buf, size_t len, int want_w, int want_h)
{
	struct photo_image img;
	const char *code = "unset";
	assert_int_equal(photo_normalize(buf, len, &img, &code), STATUS_OK);
	assert_null(code);
	assert_int_equal(img.width, want_w);
	assert_int_equal(img.height, want_h);
	assert_non_null(img.jpeg);
	assert_string_equal(photo_sniff(img.jpeg, img.jpeg_len), "image/jpeg");
	assert_string_equal(photo_sniff(img.thumb, img.thumb_len), "image/jpeg");
	assert_int_equal(strlen(img.sha256), 64);
	assert_int_equal(strspn(img.sha256, "0123456789abcdef"), 64);
	photo_image_release(&img);
}

static void
test_accepts_png_jpeg_webp(void **state)
{
	(void)state;
	VipsImage *im = two_halves(120, 80);
	void *buf = NULL;
	size_t len = 0;
	assert_int_equal(vips_pngsave_buffer(im, &buf, &len, NULL), 0);
	accept_and_check(buf, len, 120, 80);
	g_free(buf);
	assert_int_equal(vips_webpsave_buffer(im, &buf, &len, NULL), 0);
	accept_and_check(buf, len, 120, 80);
	g_free(buf);
	assert_int_equal(vips_jpegsave_buffer(im, &buf, &len, NULL), 0);
	accept_and_check(buf, len, 120, 80);
	g_free(buf);
	/* a transparent PNG (four bands) becomes an opaque JPEG */
	VipsImage *alpha = NULL;
	assert_int_equal(vips_bandjoin_const1(im, &alpha, 0.0, NULL), 0);
	assert_int_equal(vips_pngsave_buffer(alpha, &buf, &len, NULL), 0);
	accept_and_check(buf, len, 120, 80);
	g_free(buf);
	g_object_unref(alpha);
	g_object_unref(im);
}

static void
test_metadata_dropped(void **state)
{
	(void)state;
	size_t len = 0;
	void *buf = jpeg_with_exif(200, 100, 1, &len);
	/* the input does carry what must go */
	assert_true(has_bytes(buf, len, "Exif\0\0", 6));
	assert_true(has_bytes(buf, len, CAMERA, strlen(CAMERA)));
	struct photo_image img;
	const char *code = NULL;
	assert_int_equal(photo_normalize(buf, len, &img, &code), STATUS_OK);
	g_free(buf);
	assert_false(has_bytes(img.jpeg, img.jpeg_len, "Exif\0\0", 6));
	assert_false(has_bytes(img.jpeg, img.jpeg_len, CAMERA, strlen(CAMERA)));
	assert_false(has_bytes(img.jpeg, img.jpeg_len, "http://ns.adobe.com/xap", 23)); /* XMP */
	assert_false(has_bytes(img.jpeg, img.jpeg_len, "ICC_PROFILE", 11));
	assert_false(has_bytes(img.thumb, img.thumb_len, "Exif\0\0", 6));
	/* and libvips, reading it back, finds no metadata block either */
	VipsImage *back = NULL;
	assert_int_equal(vips_jpegload_buffer(img.jpeg, img.jpeg_len, &back, NULL), 0);
	assert_int_equal(vips_image_get_typeof(back, VIPS_META_EXIF_NAME), 0);
	assert_int_equal(vips_image_get_typeof(back, VIPS_META_XMP_NAME), 0);
	assert_int_equal(vips_image_get_typeof(back, VIPS_META_ICC_NAME), 0);
	assert_int_equal(vips_image_get_typeof(back, VIPS_META_ORIENTATION), 0);
	g_object_unref(back);
	photo_image_release(&img);
}

static void
test_orientation_applied(void **state)
{
	(void)state;
	/* 6: the camera was turned clockwise; shown upright, the image is 100 wide, 200 high and
	 * its white left half becomes the top half */
	size_t len = 0;
	void *buf = jpeg_with_exif(200, 100, 6, &len);
	struct photo_image img;
	const char *code = NULL;
	assert_int_equal(photo_normalize(buf, len, &img, &code), STATUS_OK);
	g_free(buf);
	assert_int_equal(img.width, 100);
	assert_int_equal(img.height, 200);
	assert_true(mean_at(img.jpeg, img.jpeg_len, 48, 20) > 240); /* top: white */
	assert_true(mean_at(img.jpeg, img.jpeg_len, 48, 176) < 15); /* bottom: black */
	photo_image_release(&img);

	/* without the tag, the same pixels stay as they are */
	buf = jpeg_with_exif(200, 100, 1, &len);
	assert_int_equal(photo_normalize(buf, len, &img, &code), STATUS_OK);
	g_free(buf);
	assert_int_equal(img.width, 200);
	assert_int_equal(img.height, 100);
	assert_true(mean_at(img.jpeg, img.jpeg_len, 20, 48) > 240); /* left: white */
	photo_image_release(&img);
}

static void
test_sizes_bounded(void **state)
{
	(void)state;
	VipsImage *im = two_halves(3000, 1000);
	void *buf = NULL;
	size_t len = 0;
	assert_int_equal(vips_jpegsave_buffer(im, &buf, &len, NULL), 0);
	g_object_unref(im);
	struct photo_image img;
	const char *code = NULL;
	assert_int_equal(photo_normalize(buf, len, &img, &code), STATUS_OK);
	g_free(buf);
	assert_int_equal(img.width, PHOTO_MAX_SIDE);
	assert_int_equal(img.height, 533);
	int tw, th;
	photo_thumb_size(img.width, img.height, &tw, &th);
	assert_int_equal(tw, PHOTO_THUMB_SIDE);
	assert_int_equal(th, 133);
	/* the thumbnail has exactly the size the pages announce */
	VipsImage *t = NULL;
	assert_int_equal(vips_jpegload_buffer(img.thumb, img.thumb_len, &t, NULL), 0);
	assert_int_equal(vips_image_get_width(t), tw);
	assert_int_equal(vips_image_get_height(t), th);
	g_object_unref(t);
	photo_image_release(&img);
	/* small images are never enlarged */
	photo_thumb_size(300, 20, &tw, &th);
	assert_int_equal(tw, 300);
	assert_int_equal(th, 20);
}

static void
test_too_large_refused(void **state)
{
	(void)state;
	/* a JPEG by its first bytes, one byte over the limit: refused before decoding */
	size_t len = PHOTO_MAX_BYTES + 1;
	unsigned char *buf = calloc(1, len);
	memcpy(buf, "\xFF\xD8\xFF\xE0", 4);
	struct photo_image img;
	const char *code = NULL;
	assert_int_equal(photo_normalize(buf, len, &img, &code), STATUS_TOO_LARGE);
	assert_string_equal(code, "photo_too_large");
	free(buf);
}

static void
test_too_many_pixels_refused(void **state)
{
	(void)state;
	/* 8000 × 5001 = 40 008 000 pixels of one grey: a small file, a huge image */
	VipsImage *im = NULL;
	assert_int_equal(vips_black(&im, 8000, 5001, NULL), 0);
	void *buf = NULL;
	size_t len = 0;
	assert_int_equal(vips_pngsave_buffer(im, &buf, &len, "compression", 9, NULL), 0);
	g_object_unref(im);
	assert_true(len < PHOTO_MAX_BYTES);
	struct photo_image img;
	const char *code = NULL;
	assert_int_equal(photo_normalize(buf, len, &img, &code), STATUS_INVALID);
	assert_string_equal(code, "photo_dimensions");
	g_free(buf);
}

static void
test_decode_plan(void **state)
{
	(void)state;
	int shrink;
	double scale;
	long long px;
	/* a 24-megapixel camera: JPEG decoded at half size each way */
	photo_decode_plan("image/jpeg", 6000, 4000, &shrink, &scale, &px);
	assert_int_equal(shrink, 2);
	assert_int_equal(px, 3000LL * 2000);
	/* 40 megapixels: a quarter each way, still at least PHOTO_MAX_SIDE to resize from */
	photo_decode_plan("image/jpeg", 7746, 5164, &shrink, &scale, &px);
	assert_int_equal(shrink, 4);
	assert_int_equal(px, 1937LL * 1291);
	photo_decode_plan("image/jpeg", 3199, 3199, &shrink, &scale, &px);
	assert_int_equal(shrink, 1);
	photo_decode_plan("image/jpeg", 1200, 900, &shrink, &scale, &px);
	assert_int_equal(shrink, 1);
	assert_int_equal(px, 1200LL * 900);
	/* a PNG cannot be shrunk on load */
	photo_decode_plan("image/png", 6300, 6300, &shrink, &scale, &px);
	assert_int_equal(shrink, 1);
	assert_true(scale == 1.0);
	assert_int_equal(px, 6300LL * 6300);
	assert_true(px > PHOTO_DECODE_MAX_PIXELS);
	/* a WebP is decoded at the stored size */
	photo_decode_plan("image/webp", 6000, 4000, &shrink, &scale, &px);
	assert_true(scale > 0.266 && scale < 0.267);
	assert_true(px <= 1601LL * 1068);
}

static void
test_decode_cost_refused(void **state)
{
	(void)state;
	/* 6300 × 6300 = 39.7 megapixels, under PHOTO_MAX_PIXELS: as a PNG it would be decoded
	 * whole, so it is refused from its header; as a JPEG it is shrunk on load and taken */
	VipsImage *im = NULL;
	assert_int_equal(vips_black(&im, 6300, 6300, NULL), 0);
	void *buf = NULL;
	size_t len = 0;
	assert_int_equal(vips_pngsave_buffer(im, &buf, &len, "compression", 9, NULL), 0);
	assert_true(len < PHOTO_MAX_BYTES);
	struct photo_image img;
	const char *code = NULL;
	assert_int_equal(photo_normalize(buf, len, &img, &code), STATUS_TOO_LARGE);
	assert_string_equal(code, "photo_decode_limit");
	assert_null(img.jpeg);
	g_free(buf);
	assert_int_equal(vips_jpegsave_buffer(im, &buf, &len, NULL), 0);
	g_object_unref(im);
	assert_int_equal(photo_normalize(buf, len, &img, &code), STATUS_OK);
	assert_int_equal(img.width, PHOTO_MAX_SIDE);
	assert_int_equal(img.height, PHOTO_MAX_SIDE);
	photo_image_release(&img);
	g_free(buf);
}

static void
test_truncated_refused(void **state)
{
	(void)state;
	VipsImage *noise = NULL, *im = NULL;
	assert_int_equal(vips_gaussnoise(&noise, 300, 300, "mean", 128.0, "sigma", 40.0, NULL), 0);
	assert_int_equal(vips_cast(noise, &im, VIPS_FORMAT_UCHAR, NULL), 0);
	void *buf = NULL;
	size_t len = 0;
	assert_int_equal(vips_jpegsave_buffer(im, &buf, &len, NULL), 0);
	struct photo_image img;
	const char *code = NULL;
	assert_int_equal(photo_normalize(buf, len / 2, &img, &code), STATUS_INVALID);
	assert_string_equal(code, "photo_unreadable");
	assert_null(img.jpeg);
	g_free(buf);
	assert_int_equal(vips_pngsave_buffer(im, &buf, &len, NULL), 0);
	assert_int_equal(photo_normalize(buf, len / 2, &img, &code), STATUS_INVALID);
	assert_string_equal(code, "photo_unreadable");
	g_free(buf);
	/* the right magic bytes and nothing after them */
	assert_int_equal(photo_normalize("\xFF\xD8\xFF\xE0\0\x10JFIF", 10, &img, &code),
			 STATUS_INVALID);
	assert_string_equal(code, "photo_unreadable");
	g_object_unref(im);
	g_object_unref(noise);
}

static void
test_refs(void **state)
{
	(void)state;
	const char *sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
	json_t *ok = json_pack("{s:s, s:i, s:i}", "sha256", sha, "width", 1600, "height", 900);
	assert_true(photo_ref_is_valid(ok));
	json_t *v = photo_view(ok);
	assert_string_equal(
		json_string_value(json_object_get(v, "thumb_url")),
		"/photos/0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
		"-small.jpg");
	assert_int_equal(json_integer_value(json_object_get(v, "thumb_width")), 400);
	assert_int_equal(json_integer_value(json_object_get(v, "thumb_height")), 225);
	json_decref(v);
	json_decref(ok);
	const char *bad[] = {
		"{\"sha256\": "
		"\"0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"\"width\": 1, \"height\": 1}",
		"{\"sha256\": \"0123\", \"width\": 1, \"height\": 1}",
		"{\"sha256\": "
		"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"\"width\": 0, \"height\": 1}",
		"{\"sha256\": "
		"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"\"width\": \"10\", \"height\": 1}",
		"{\"sha256\": "
		"\"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\", "
		"\"width\": 1, \"height\": 1, \"gps\": \"36.7,3.0\"}",
		"[]",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_t *b = json_loads(bad[i], 0, NULL);
		assert_non_null(b);
		assert_false(photo_ref_is_valid(b));
		assert_null(photo_view(b));
		json_decref(b);
	}
}

static int
teardown(void **state)
{
	(void)state;
	photo_shutdown();
	return 0;
}

int
main(void)
{
	if (VIPS_INIT("test_photo") != 0)
		return 1;
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sniff_by_bytes),
		cmocka_unit_test(test_refuses_other_types),
		cmocka_unit_test(test_accepts_png_jpeg_webp),
		cmocka_unit_test(test_metadata_dropped),
		cmocka_unit_test(test_orientation_applied),
		cmocka_unit_test(test_sizes_bounded),
		cmocka_unit_test(test_too_large_refused),
		cmocka_unit_test(test_too_many_pixels_refused),
		cmocka_unit_test(test_decode_plan),
		cmocka_unit_test(test_decode_cost_refused),
		cmocka_unit_test(test_truncated_refused),
		cmocka_unit_test(test_refs),
	};
	return cmocka_run_group_tests(tests, NULL, teardown);
}
