import type { LabelSize } from './traceability.schemas';

/**
 * An A4 sheet (210 × 297 mm) of one size of label, 5 mm page margin (what most printers leave
 * unprinted): as many whole labels as fit, in mm so the print matches a sheet of stickers.
 */
export interface LabelLayout {
  size: LabelSize;
  widthMm: number;
  heightMm: number;
  columns: number;
  rows: number;
  count: number;
}

const PRINTABLE = { widthMm: 200, heightMm: 287 };

function layout(size: LabelSize): LabelLayout {
  const [widthMm, heightMm] = size.split('x').map(Number);
  const columns = Math.floor(PRINTABLE.widthMm / widthMm);
  const rows = Math.floor(PRINTABLE.heightMm / heightMm);
  return { size, widthMm, heightMm, columns, rows, count: columns * rows };
}

export const LABEL_LAYOUTS: Record<LabelSize, LabelLayout> = { '40x30': layout('40x30'), '50x30': layout('50x30') };
