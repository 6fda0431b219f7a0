/**
 * The site icon (`/favicon.ico`, which every browser asks for on every page): a 32×32 PNG
 * of a white camera on callgate's blue, drawn here so the repository holds no binary file.
 * Browsers accept PNG data at that path.
 */
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 32;
const BLUE = [0x1d, 0x4e, 0xd8];
const WHITE = [0xff, 0xff, 0xff];

function inRoundedSquare(x: number, y: number): boolean {
  const radius = 7;
  const cx = Math.min(Math.max(x, radius), SIZE - 1 - radius);
  const cy = Math.min(Math.max(y, radius), SIZE - 1 - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

function inCamera(x: number, y: number): boolean {
  const body = x >= 6 && x <= 19 && y >= 10 && y <= 21;
  // The lens housing: a triangle widening to the right of the body.
  const lens = x >= 20 && x <= 26 && Math.abs(y - 15.5) <= 1.5 + (x - 20) * 0.75;
  return body || lens;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

function drawPng(): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < SIZE; y++) {
    const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0, then RGBA
    for (let x = 0; x < SIZE; x++) {
      const colour = inCamera(x, y) ? WHITE : BLUE;
      const alpha = inRoundedSquare(x, y) ? 0xff : 0;
      row.set([...colour, alpha], 1 + x * 4);
    }
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** The icon's PNG bytes, drawn once. */
export const FAVICON_PNG: Buffer = drawPng();
