import { reviewerName } from '../../server/modules/reviews';

describe('reviewerName', () => {
  it.each([
    ['Nguyễn Thị Mai', 'N. T. Mai'],
    ['  Lò   Văn Tâm ', 'L. V. Tâm'],
    ['Giàng A Páo', 'G. A. Páo'],
    ['Mai', 'Mai'],
    ['đỗ hùng', 'Đ. hùng'],
    ['', '…'],
  ])('%j → %j: the given name and the initials of the others', (full, shown) => {
    expect(reviewerName(full)).toBe(shown);
  });
});
