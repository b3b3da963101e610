import { createTestContext, type TestContext } from '../../helpers/test-context';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const details = (categoryId: number) => ({
  name: 'Chè Shan tuyết Suối Giàng',
  categoryId,
  description: '',
  priceVnd: 90000,
  unit: 'gói 200g',
  lowStockThreshold: 5,
});

describe('ProductService.createDraft', () => {
  it('returns the new row as a Product: a draft with an unverified claim, version 1', async () => {
    const seller = await ctx.factories.createSeller();
    const [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.2.b'`);
    const product = await ctx.ds.transaction((m) => ctx.container.products.createDraft(m, seller.id, { ...details(categoryId), name: 'Mật ong bạc hà' }));
    expect(product).toMatchObject({
      sellerId: seller.id,
      categoryId,
      name: 'Mật ong bạc hà',
      slug: 'mat-ong-bac-ha',
      status: 'draft',
      stock: 0,
      ocopStars: null,
      ocopVerified: false,
      ocopClaimVersion: 1,
      hiddenReason: null,
      version: 1,
    });
    expect(product.createdAt).toBeInstanceOf(Date);
  });

  // CASE: two products with the same name created at the same instant both pick the free slug; the
  // second one to write takes a suffix instead of failing (a unique violation would abort its transaction).
  it('a slug taken by a concurrent transaction after it was chosen gets a suffix', async () => {
    const seller = await ctx.factories.createSeller();
    const [{ id: categoryId }] = await ctx.ds.query(`SELECT id FROM categories WHERE code = 'I.2.b'`);
    const first = ctx.ds.createQueryRunner();
    await first.connect();
    try {
      await first.startTransaction();
      const mine = await ctx.container.products.createDraft(first.manager, seller.id, details(categoryId));
      expect(mine.slug).toBe('che-shan-tuyet-suoi-giang');
      // The second transaction cannot see the uncommitted slug, chooses it too, and waits on the insert.
      const theirs = ctx.ds.transaction((m) => ctx.container.products.createDraft(m, seller.id, details(categoryId)));
      await new Promise((resolve) => setTimeout(resolve, 200));
      await first.commitTransaction();
      expect((await theirs).slug).toMatch(/^che-shan-tuyet-suoi-giang-[0-9a-f]{4}$/);
    } finally {
      await first.release();
    }
  });
});
