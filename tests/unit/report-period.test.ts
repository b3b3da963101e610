import { isCalendarDay } from '../../server/lib/dates';
import { MAX_PERIOD_DAYS, resolvePeriod } from '../../server/modules/reports';

const TODAY = '2026-11-26';
const NOVEMBER = { from: '2026-11-01', to: '2026-11-30', isDefault: true };

describe('isCalendarDay', () => {
  it.each(['2026-11-26', '2024-02-29', '2000-01-01'])('accepts %s', (d) => expect(isCalendarDay(d)).toBe(true));
  it.each(['2026-02-30', '2025-02-29', '2026-13-01', '26-11-2026', '2026-11-26T00:00', '', '1999-12-31', '2026-1-5'])('refuses %j', (d) =>
    expect(isCalendarDay(d)).toBe(false),
  );
});

describe('resolvePeriod', () => {
  it('defaults to the current month, ending on its last day', () => {
    expect(resolvePeriod({}, TODAY)).toEqual({ ...NOVEMBER, label: '01/11/2026 – 30/11/2026' });
    expect(resolvePeriod({ from: '', to: '' }, TODAY)).toMatchObject(NOVEMBER);
    expect(resolvePeriod({}, '2024-02-10')).toMatchObject({ from: '2024-02-01', to: '2024-02-29' });
    expect(resolvePeriod({}, '2026-12-31')).toMatchObject({ from: '2026-12-01', to: '2026-12-31' });
  });

  it('takes a valid period as given, and fills a missing end', () => {
    expect(resolvePeriod({ from: '2026-01-15', to: '2026-03-01' }, TODAY)).toEqual({
      from: '2026-01-15',
      to: '2026-03-01',
      label: '15/01/2026 – 01/03/2026',
      isDefault: false,
    });
    expect(resolvePeriod({ from: '2026-10-05' }, TODAY)).toMatchObject({ from: '2026-10-05', to: TODAY });
    expect(resolvePeriod({ to: '2026-10-20' }, TODAY)).toMatchObject({ from: '2026-10-01', to: '2026-10-20' });
    expect(resolvePeriod({ from: '2026-12-05' }, TODAY)).toMatchObject({ from: '2026-12-05', to: '2026-12-05' });
    // Other parameters (the CSV's table, tracking tags) do not matter.
    expect(resolvePeriod({ from: '2026-11-02', to: '2026-11-03', table: 'x', utm: 'y' }, TODAY)).toMatchObject({ from: '2026-11-02', isDefault: false });
  });

  it.each([
    [{ from: '2026-02-30', to: '2026-03-01' }, 'không hợp lệ'],
    [{ from: 'hôm qua' }, 'không hợp lệ'],
    [{ from: ['2026-11-01', '2026-11-02'] }, 'không hợp lệ'],
    [{ to: '<script>' }, 'không hợp lệ'],
    [{ from: '2026-11-20', to: '2026-11-10' }, 'sau ngày kết thúc'],
    [{ from: '2024-01-01', to: '2026-01-01' }, `tối đa ${MAX_PERIOD_DAYS} ngày`],
  ])('falls back to the current month with a notice for %j', (query, notice) => {
    const period = resolvePeriod(query, TODAY);
    expect(period).toMatchObject(NOVEMBER);
    expect(period.notice).toContain(notice);
  });

  it('allows exactly a leap year', () => {
    expect(resolvePeriod({ from: '2024-01-01', to: '2024-12-31' }, TODAY)).toMatchObject({ from: '2024-01-01', to: '2024-12-31', isDefault: false });
  });
});
