import {
  decodeUpload,
  parseDay,
  parseImport,
  parseWholeNumber,
  productsCsv,
  type ImportCategory,
} from '../../server/modules/product-import/product-import.csv';
import { planImport, type PlannedProduct } from '../../server/modules/product-import/product-import.plan';

const CATEGORIES: ImportCategory[] = [
  { id: 7, code: 'I.2.b', nameVi: 'Mật ong, mật khác và nông sản thực phẩm khác' },
  { id: 24, code: 'II.2', nameVi: 'Đồ uống không cồn' },
  { id: 26, code: 'II.2.b', nameVi: 'Đồ uống không cồn' },
];
const HEADER = 'tên,nhóm OCOP,mô tả,giá,đơn vị,tồn kho,số sao,số giấy chứng nhận,ngày quyết định,mã sản phẩm (SKU)';

const rowsOf = (text: string) => {
  const parsed = parseImport(text, CATEGORIES);
  if (!parsed.ok) throw new Error(parsed.error.key);
  return parsed.rows;
};

describe('the product spreadsheet parser', () => {
  it('takes whole đồng with . , or space thousands and an optional ₫; refuses decimals and junk', () => {
    for (const [input, value] of [
      ['125000', 125000],
      ['125.000', 125000],
      ['125 000', 125000],
      ['125\u00a0000 ₫', 125000],
      ['125,000', 125000],
      ['1.250.000đ', 1250000],
      ['45000 VND', 45000],
    ] as const) {
      expect(parseWholeNumber(input, true)).toBe(value);
    }
    for (const input of ['125,5', '125.5', '125.000,00', '1.25.000', '1.250,000', '=1+2', '-5', '12a', '']) expect(parseWholeNumber(input, true)).toBeNull();
    expect(parseWholeNumber('12 ₫', false)).toBeNull();
  });

  it('reads 26/11/2026, 6/1/2026 and 2026-11-26; refuses days that do not exist', () => {
    expect(parseDay('26/11/2026')).toBe('2026-11-26');
    expect(parseDay('6/1/2026')).toBe('2026-01-06');
    expect(parseDay('2026-11-26')).toBe('2026-11-26');
    for (const input of ['30/02/2026', '11/26/2026', '26/11/26', '1999-01-01', 'mai']) expect(parseDay(input)).toBeNull();
  });

  it('refuses binary and non-UTF-8 uploads; strips a BOM', () => {
    expect(decodeUpload(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00]))).toBeNull();
    expect(decodeUpload(Buffer.from('t\xean', 'latin1'))).toBeNull();
    expect(decodeUpload(Buffer.from('\uFEFFtên', 'utf8'))).toBe('tên');
  });

  it('detects ; or , from the header; headers match in any case, accent or spacing; unknown columns are listed and ignored', () => {
    const semicolon = rowsOf(
      'TÊN; Nhom  ocop ;Mo ta;GIA;don vi;ton kho;so sao;so giay chung nhan;ngay quyet dinh;Ma san pham (sku);Ghi chú\nMật ong, rừng;I.2.b;;125.000;chai;3;;;;MO-1;x\n',
    );
    expect(semicolon[0].values).toMatchObject({ name: 'Mật ong, rừng', categoryId: 7, priceVnd: 125000, stock: 3, sku: 'MO-1' });
    const parsed = parseImport(`${HEADER},Ghi chú\nA b,I.2.b,,1,hộp,1,,,,,\n`, CATEGORIES);
    expect(parsed.ok && parsed.ignoredColumns).toEqual(['Ghi chú']);
    expect(parseImport(`${HEADER},giá\n`, CATEGORIES)).toEqual({ ok: false, error: { key: 'import.file.duplicateColumn', params: { column: 'giá' } } });
    expect(parseImport('a,b\n1,2\n', CATEGORIES)).toMatchObject({ ok: false, error: { key: 'import.file.noHeader' } });
    expect(parseImport(`${HEADER}\n\n,,\n`, CATEGORIES)).toMatchObject({ ok: false, error: { key: 'import.file.noRows' } });
  });

  it('numbers rows as Excel does (a cell with line breaks is one row), skips empty rows, strips the export’s formula guard', () => {
    const rows = rowsOf(`${HEADER}\r\n"Dòng\r\nhai",I.2.b,"a\r\nb",1,hộp,1,,,,\r\n,,,,,,,,,\r\n'=SUM(A1),I.2.b,'-giảm giá,1,hộp,1,,,,\r\n\r\n\r\n`);
    expect(rows.map((r) => r.line)).toEqual([2, 4]);
    expect(rows[0].values).toMatchObject({ name: 'Dòng\r\nhai', description: 'a\nb' });
    expect(rows[1].values).toMatchObject({ name: '=SUM(A1)', description: '-giảm giá' });
  });

  it('matches a group by code, "code name" or a unique name; an ambiguous name asks for the code', () => {
    const rows = rowsOf(
      `${HEADER}\nA1,i.2.b,,1,h,1,,,,\nA2,MAT ONG MAT KHAC VA NONG SAN THUC PHAM KHAC,,1,h,1,,,,\nA3,Đồ uống không cồn,,1,h,1,,,,\nA4,II.2.b Đồ uống không cồn,,1,h,1,,,,\n`,
    );
    expect(rows.map((r) => r.values.categoryId)).toEqual([7, 7, null, 26]);
    expect(rows[2].errors[0]).toMatchObject({ line: 4, column: 'category', key: 'import.error.categoryAmbiguous' });
  });

  it('export → parse round-trips hostile text; the plan of an unchanged product is "unchanged" with the same fingerprint each time', () => {
    const product = {
      name: '=HYPERLINK("http://x";"y")',
      categoryCode: 'I.2.b',
      categoryName: CATEGORIES[0].nameVi,
      description: '+84 "trích dẫn"\r\n<script>alert(1)</script>',
      priceVnd: 125000,
      unit: '@hộp',
      stock: 4,
      ocopStars: 4,
      ocopCertificateNo: '-12/QĐ',
      ocopDecisionDate: '2026-11-26',
      sku: 'MO-1',
      weightGrams: 650,
    };
    const csv = productsCsv([product]);
    expect(csv).toContain(`"'=HYPERLINK(""http://x"";""y"")"`);
    expect(csv).toContain(`'@hộp`);
    const rows = rowsOf(csv.replace(/^\uFEFF/, ''));
    expect(rows[0].errors).toEqual([]);
    expect(rows[0].values).toMatchObject({ name: product.name, unit: '@hộp', ocopCertificateNo: '-12/QĐ', ocopDecisionDate: '2026-11-26' });
    const existing: PlannedProduct = {
      id: 1,
      version: 3,
      stock: 4,
      name: product.name,
      categoryId: 7,
      description: product.description,
      priceVnd: 125000,
      unit: '@hộp',
      ocopStars: 4,
      ocopCertificateNo: '-12/QĐ',
      ocopDecisionDate: '2026-11-26',
      sku: 'MO-1',
      weightGrams: 650,
      categoryLabel: 'I.2.b …',
    };
    const plan = planImport(rows, [existing], new Map([[7, 'I.2.b …']]));
    expect(plan.rows[0]).toMatchObject({ kind: 'unchanged', stockDelta: 0, detailsChanged: false });
    const changed = planImport(rows, [{ ...existing, stock: 1 }], new Map([[7, 'I.2.b …']]));
    expect(changed.rows[0]).toMatchObject({ kind: 'update', stockDelta: 3, detailsChanged: false });
    expect(changed.fingerprint).toBe(planImport(rows, [{ ...existing, stock: 1 }], new Map([[7, 'I.2.b …']])).fingerprint);
    expect(changed.fingerprint).not.toBe(planImport(rows, [{ ...existing, stock: 2 }], new Map([[7, 'I.2.b …']])).fingerprint);
  });

  it('reads the weight as whole grams (500, 1.200, 650 g), optional as a column; refuses decimals and 0 or more than 50.000', () => {
    const weights = rowsOf(`${HEADER},khối lượng (g)\nA1,I.2.b,,1,h,1,,,,,500\nA2,I.2.b,,1,h,1,,,,,1.200\nA3,I.2.b,,1,h,1,,,,,650 g\nA4,I.2.b,,1,h,1,,,,,\n`);
    expect(weights.map((r) => [r.values.weightGrams, r.errors])).toEqual([
      [500, []],
      [1200, []],
      [650, []],
      [null, []],
    ]);
    for (const bad of ['"1,5"', '0', '50001', '1 kg', '-3']) {
      const [row] = rowsOf(`${HEADER},Khoi luong\nA1,I.2.b,,1,h,1,,,,,${bad}\n`);
      expect(row.errors).toEqual([{ line: 2, column: 'weight', key: 'import.error.weight', params: { min: '1', max: '50.000' } }]);
    }
    // An older file without the column: read, every weight null (kept on update, asked for on a new row).
    const [old] = rowsOf(`${HEADER}\nA1,I.2.b,,1,h,1,,,,\n`);
    expect(old).toMatchObject({ values: { weightGrams: null }, errors: [] });
    const plan = planImport([old], [], new Map());
    expect(plan.rows[0]).toMatchObject({ kind: 'error', errors: [{ line: 2, column: 'weight', key: 'import.error.weightRequired' }] });
  });

  it('reads 2,000 rows quickly and refuses the 2,001st', () => {
    const line = (i: number) => `Sản phẩm ${i},Mật ong mật khác và nông sản thực phẩm khác,Mô tả,125.000,hộp,${i},4,CN-${i},26/11/2025,SP-${i}`;
    const started = Date.now();
    expect(rowsOf([HEADER, ...Array.from({ length: 2000 }, (_, i) => line(i))].join('\n'))).toHaveLength(2000);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(parseImport([HEADER, ...Array.from({ length: 2001 }, (_, i) => line(i))].join('\n'), CATEGORIES)).toMatchObject({
      ok: false,
      error: { key: 'import.file.tooManyRows' },
    });
  });
});
