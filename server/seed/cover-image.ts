import { sharp } from '../lib/sharp';

/** Colour of each top-level OCOP group, used for generated demo covers. */
export const GROUP_COLOURS: Record<string, string> = {
  I: '#2e7d32',
  II: '#1565c0',
  III: '#00796b',
  IV: '#8e244d',
  V: '#6a1b9a',
  VI: '#e65100',
};

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function wrap(text: string, maxChars: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && (line + ' ' + word).length > maxChars) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  if (lines.length > maxLines) {
    lines.length = maxLines;
    lines[maxLines - 1] = lines[maxLines - 1].replace(/\s*\S*$/, '') + '…';
  }
  return lines;
}

/** Five-pointed star as a polygon, so covers need no font with a ★ glyph. */
function starPolygon(cx: number, cy: number, r: number): string {
  const points: string[] = [];
  for (let i = 0; i < 10; i++) {
    const radius = i % 2 === 0 ? r : r * 0.45;
    const angle = (Math.PI / 5) * i - Math.PI / 2;
    points.push(`${(cx + radius * Math.cos(angle)).toFixed(1)},${(cy + radius * Math.sin(angle)).toFixed(1)}`);
  }
  return points.join(' ');
}

/** A square WebP cover: group colour, product name, producer and OCOP stars. Returns one buffer per width. */
export async function renderCover(
  input: { name: string; producer: string; groupCode: string; stars: number | null },
  widths: readonly number[],
): Promise<Map<number, Buffer>> {
  const size = 800;
  const colour = GROUP_COLOURS[input.groupCode.split('.')[0]] ?? '#455a64';
  const lines = wrap(input.name, 16, 4);
  const nameY = 330 - (lines.length - 1) * 35;
  const starCount = input.stars ?? 0;
  const stars = Array.from(
    { length: starCount },
    (_, i) => `<polygon points="${starPolygon(size / 2 + (i - (starCount - 1) / 2) * 78, 600, 32)}" fill="#ffd54f"/>`,
  ).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="${colour}"/><stop offset="1" stop-color="#1b1b1b" stop-opacity="0.85"/></linearGradient></defs>
    <rect width="${size}" height="${size}" fill="${colour}"/>
    <rect width="${size}" height="${size}" fill="url(#g)" opacity="0.55"/>
    <circle cx="680" cy="120" r="210" fill="#ffffff" opacity="0.07"/>
    <circle cx="90" cy="760" r="260" fill="#ffffff" opacity="0.05"/>
    <text x="60" y="110" font-family="DejaVu Sans, sans-serif" font-size="40" font-weight="bold" fill="#ffd54f">OCOP</text>
    ${lines.map((l, i) => `<text x="${size / 2}" y="${nameY + i * 70}" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="58" font-weight="bold" fill="#ffffff">${escapeXml(l)}</text>`).join('')}
    ${stars}
    <text x="${size / 2}" y="720" text-anchor="middle" font-family="DejaVu Sans, sans-serif" font-size="28" fill="#ffffff" opacity="0.9">${escapeXml(wrap(input.producer, 44, 1)[0] ?? '')}</text>
  </svg>`;
  const base = sharp(Buffer.from(svg));
  const out = new Map<number, Buffer>();
  for (const width of widths) {
    out.set(width, await base.clone().resize(width, width).webp({ quality: 78 }).toBuffer());
  }
  return out;
}
