import { dailyChart } from '../../server/rendering/charts';

describe('dailyChart with stacked series (online / stall)', () => {
  const spec = {
    title: 'Doanh thu',
    format: 'vnd' as const,
    series: ['Trực tuyến', 'Tại quầy chợ phiên'],
    data: [
      { day: '2026-11-28', value: 100_000, parts: [100_000, 0] },
      { day: '2026-11-29', value: 300_000, parts: [100_000, 200_000] },
    ],
  };

  it('draws one piece per non-zero part, stacked to the column height, with a legend of each series’ total', () => {
    const svg = dailyChart(spec);
    expect(svg).toContain('chart-stacked');
    expect(svg.match(/class="series-0"/g)).toHaveLength(2);
    expect(svg.match(/class="series-1"/g)).toHaveLength(1);
    const heights = [...svg.matchAll(/class="series-\d" x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)"/g)].map((m) => [Number(m[1]), Number(m[2])]);
    // The last day is the tallest: its two pieces together fill the plot (48 → 184), the stall piece on top.
    const [online29, stall29] = heights.slice(1);
    expect(online29[1] + stall29[1]).toBeCloseTo(136, 0);
    expect(stall29[0]).toBeCloseTo(48, 0);
    expect(svg).toContain('Trực tuyến: 200.000\u00a0₫');
    expect(svg).toContain('Tại quầy chợ phiên: 200.000\u00a0₫');
    expect(svg).toMatch(/aria-label="[^"]*Trực tuyến 200.000\u00a0₫; Tại quầy chợ phiên 200.000\u00a0₫/);
    expect(svg).toContain('<title>29/11/2026: 300.000\u00a0₫</title>');
  });

  it('escapes series names and keeps the plain chart when no series are given', () => {
    const evil = dailyChart({ ...spec, series: ['<b>x</b>', 'y'] });
    expect(evil).not.toContain('<b>');
    expect(evil).toContain('&lt;b&gt;x&lt;/b&gt;');
    const plain = dailyChart({ title: 'Doanh thu', format: 'vnd', data: spec.data.map(({ day, value }) => ({ day, value })) });
    expect(plain).not.toContain('chart-stacked');
    expect(plain).not.toContain('series-');
  });
});
