import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import request from 'supertest';
import { createTestContext, type TestContext } from '../../helpers/test-context';
import { csrfFrom, signInAsSeller } from '../../helpers/auth';
import { jpegWithExif, PHP_AS_JPG, png, SVG } from '../../helpers/images';

let ctx: TestContext;
let seller: Awaited<ReturnType<typeof signInAsSeller>>;
let productId: number;
beforeAll(async () => {
  ctx = await createTestContext();
  seller = await signInAsSeller(ctx.app, ctx.ds);
  productId = (await ctx.factories.createProduct({ sellerId: seller.sellerId, status: 'draft', name: 'Túi thổ cẩm' })).id;
});
afterAll(() => ctx.close());

function filesIn(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));
}
const imageRows = async () =>
  (await ctx.ds.query(`SELECT id, storage_key, sizes, position FROM product_images WHERE product_id = $1 ORDER BY position, id`, [productId])) as {
    id: number;
    storage_key: string;
    sizes: number[];
    position: number;
  }[];

async function upload(files: { data: Buffer; name: string }[], withToken = true) {
  const token = csrfFrom((await seller.agent.get(`/seller/products/${productId}`)).text);
  let req = seller.agent.post(`/seller/products/${productId}/images`);
  if (withToken) req = req.field('_csrf', token);
  for (const f of files) req = req.attach('images', f.data, f.name);
  return req;
}

describe('product photos', () => {
  it('stores a JPEG as WebP at 400, 800 and 1600 px, upright, with no EXIF', async () => {
    const res = await upload([{ data: await jpegWithExif(2400, 1600), name: 'ảnh gốc.jpg' }]);
    expect(res.status).toBe(303);
    const [row] = await imageRows();
    for (const width of [400, 800, 1600]) {
      const file = path.join(ctx.mediaDir, `${row.storage_key}-${width}.webp`);
      const data = fs.readFileSync(file);
      expect(data.toString('latin1', 0, 4)).toBe('RIFF');
      expect(data.toString('latin1', 8, 12)).toBe('WEBP');
      const meta = await sharp(data).metadata();
      expect(meta.format).toBe('webp');
      expect(meta.exif).toBeUndefined();
      // Orientation 6 on a 2400×1600 photo: stored upright as portrait.
      expect(meta.height! > meta.width!).toBe(true);
      expect(Math.max(meta.width!, meta.height!)).toBe(width);
    }
    expect(row.storage_key).toMatch(new RegExp(`^products/${productId}/[0-9a-f]{20}$`));
    expect(row.storage_key).not.toContain('ảnh');
  });

  it.each([
    ['a PHP script named x.jpg', () => Promise.resolve(PHP_AS_JPG), 'x.jpg', 415, 'không phải ảnh JPEG, PNG, WebP hoặc AVIF'],
    ['an SVG', () => Promise.resolve(SVG), 'logo.svg', 415, 'không phải ảnh JPEG, PNG, WebP hoặc AVIF'],
    [
      'a 6 MB file',
      () => Promise.resolve(Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), Buffer.alloc(6 * 1024 * 1024)])),
      'big.jpg',
      413,
      'Mỗi ảnh tối đa 5 MB.',
    ],
    ['a 100-megapixel PNG', () => png(10_000, 10_000), 'bomb.png', 422, 'quá lớn (100 megapixel, tối đa 40)'],
  ])('refuses %s with a clear message and leaves no rows and no files', async (_label, make, name, status, message) => {
    const rowsBefore = await imageRows();
    const filesBefore = filesIn(ctx.mediaDir);
    const res = await upload([{ data: await make(), name }]);
    expect(res.status).toBe(status);
    expect(res.text).toContain(message);
    expect(await imageRows()).toEqual(rowsBefore);
    expect(filesIn(ctx.mediaDir)).toEqual(filesBefore);
  });

  it('refuses the whole upload when one file of several is bad', async () => {
    const rowsBefore = await imageRows();
    const filesBefore = filesIn(ctx.mediaDir);
    const res = await upload([
      { data: await png(500, 500), name: 'tot.png' },
      { data: SVG, name: 'xau.svg' },
    ]);
    expect(res.status).toBe(415);
    expect(await imageRows()).toEqual(rowsBefore);
    expect(filesIn(ctx.mediaDir)).toEqual(filesBefore);
  });

  it('checks CSRF on the multipart form too', async () => {
    const rowsBefore = await imageRows();
    const filesBefore = filesIn(ctx.mediaDir);
    const res = await upload([{ data: await png(300, 300), name: 'a.png' }], false);
    expect(res.status).toBe(403);
    expect(await imageRows()).toEqual(rowsBefore);
    expect(filesIn(ctx.mediaDir)).toEqual(filesBefore);
  });

  it('answers a truncated multipart body with 400 and stays up', async () => {
    const token = csrfFrom((await seller.agent.get(`/seller/products/${productId}`)).text);
    const res = await seller.agent
      .post(`/seller/products/${productId}/images`)
      .set('Content-Type', 'multipart/form-data; boundary=XYZ')
      .send(
        `--XYZ\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${token}\r\n--XYZ\r\nContent-Disposition: form-data; name="images"; filename="a.png"\r\nContent-Type: image/png\r\n\r\n\x89PNG`,
      );
    expect(res.status).toBe(400);
    expect((await request(ctx.app).get('/healthz')).status).toBe(200);
  });

  it('reorders, chooses the cover and deletes a photo together with its files', async () => {
    await upload([
      { data: await png(600, 600), name: 'b.png' },
      { data: await png(700, 700), name: 'c.png' },
    ]).then((r) => expect(r.status).toBe(303));
    const [first, second, third] = await imageRows();
    const token = csrfFrom((await seller.agent.get(`/seller/products/${productId}`)).text);
    await seller.agent.post(`/seller/products/${productId}/images/${third.id}/cover`).type('form').send({ _csrf: token }).expect(303);
    expect((await imageRows()).map((r) => r.id)).toEqual([third.id, first.id, second.id]);
    await seller.agent.post(`/seller/products/${productId}/images/${third.id}/move`).type('form').send({ _csrf: token, direction: 'down' }).expect(303);
    expect((await imageRows()).map((r) => r.id)).toEqual([first.id, third.id, second.id]);

    await seller.agent.post(`/seller/products/${productId}/images/${second.id}/delete`).type('form').send({ _csrf: token }).expect(303);
    expect((await imageRows()).map((r) => r.id)).toEqual([first.id, third.id]);
    for (const w of second.sizes) expect(fs.existsSync(path.join(ctx.mediaDir, `${second.storage_key}-${w}.webp`))).toBe(false);
    for (const w of first.sizes) expect(fs.existsSync(path.join(ctx.mediaDir, `${first.storage_key}-${w}.webp`))).toBe(true);
  });

  it('allows at most 8 photos per product', async () => {
    const have = (await imageRows()).length;
    const files = await Promise.all(Array.from({ length: 9 - have }, (_, i) => png(100 + i, 100)));
    const res = await upload(files.map((data, i) => ({ data, name: `p${i}.png` })));
    expect(res.status).toBe(422);
    expect(res.text).toContain('Mỗi sản phẩm có tối đa 8 ảnh');
    expect((await imageRows()).length).toBe(have);
  });

  it('refuses path traversal in /media', async () => {
    expect((await request(ctx.app).get('/media/..%2F..%2Fpackage.json')).status).toBe(404);
    expect((await request(ctx.app).get('/media/../package.json')).status).toBe(404);
  });
});
