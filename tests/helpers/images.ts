import sharp from 'sharp';

/** A real JPEG with EXIF (camera, GPS-like comment, orientation 6 = rotate 90°). */
export async function jpegWithExif(width = 1200, height = 800): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .withMetadata({ orientation: 6, exif: { IFD0: { Make: 'CameraCo', Model: 'X100', Copyright: 'GPS 22.33N 103.84E' } } })
    .toBuffer();
}

export function png(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 30, g: 120, b: 60 } } })
    .png({ compressionLevel: 9 })
    .toBuffer();
}

export const SVG = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>');
export const PHP_AS_JPG = Buffer.from('<?php system($_GET["c"]); ?>');
