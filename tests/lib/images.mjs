// SPDX-License-Identifier: AGPL-3.0-or-later
// Test images: a small PNG made here in Node (no outside tool), and noise images written by
// libvips' command line (a real encoder: the format comes from the file name, e.g. x.jpg).
//
//   body.append('photo', new File([png(64, 48)], 'trou.png', { type: 'image/png' }));
//   const file = noiseImage(path.join(dir, 'a.jpg'), 640, 480);

import { execFileSync } from 'node:child_process';
import zlib from 'node:zlib';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
	let c = n;
	for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
	return c >>> 0;
});

/** The CRC-32 of buf (PNG's, zlib's). */
export function crc32(buf) {
	let c = 0xffffffff;
	for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
	return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk: length, type, data, CRC. */
function chunk(type, data) {
	const len = Buffer.alloc(4);
	len.writeUInt32BE(data.length);
	const td = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE(crc32(td));
	return Buffer.concat([len, td, crc]);
}

/** A w×h RGB PNG with a gradient. */
export function png(w = 64, h = 48) {
	const ihdr = Buffer.alloc(13);
	ihdr.writeUInt32BE(w, 0);
	ihdr.writeUInt32BE(h, 4);
	ihdr[8] = 8; // bit depth
	ihdr[9] = 2; // RGB
	const raw = Buffer.alloc((w * 3 + 1) * h);
	for (let y = 0; y < h; y++) {
		const row = y * (w * 3 + 1);
		for (let x = 0; x < w; x++) raw.set([x * 4, y * 5, 128], row + 1 + x * 3);
	}
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

/** Writes a width×height noise image to file with `vips gaussnoise` (args: more options). */
export function noiseImage(file, width, height, ...args) {
	execFileSync('vips', ['gaussnoise', file, String(width), String(height), ...args],
		{ stdio: ['ignore', 'pipe', 'pipe'] });
	return file; // for readFileSync(noiseImage(...))
}
