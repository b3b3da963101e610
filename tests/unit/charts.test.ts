import { barChart, dailyChart, emptyChart, escapeXml, NO_DATA_TEXT, renderChart } from '../../server/rendering/charts';
import { chart } from '../../server/rendering/helpers/chart';

const NBSP = '\u00a0';

/** Every <text> of a chart, decoded back to what a reader sees. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) =>
    m[1]
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );
}

function expectAccessibleSvg(svg: string, title: string): void {
  expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
  expect(svg.endsWith('</svg>')).toBe(true);
  expect(svg).toContain('role="img"');
  expect(svg).toMatch(/aria-label="[^"]+"/);
  expect(svg).toContain(`<title>${escapeXml(title)}</title>`);
  // Scales with its box: a viewBox 320 wide (a 360 px phone less its margins), no fixed pixel width or height.
  expect(svg).toMatch(/viewBox="0 0 320 \d+(\.\d)?"/);
  expect(svg).not.toMatch(/<svg[^>]* (width|height)="/);
  // The CSP allows no inline styles, and nothing in a chart may run.
  expect(svg).not.toMatch(/style=|<script|on\w+=/i);
}

describe('escapeXml', () => {
  it('escapes markup characters and drops control characters', () => {
    expect(escapeXml(`<a href="x" title='y'>&</a>`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(escapeXml('Xã\u0000 Bản\u0007 Hồ')).toBe('Xã Bản Hồ');
    expect(escapeXml(null)).toBe('');
  });
});

describe('barChart', () => {
  const data = [
    { label: 'Phường Sa Pa', value: 1250000 },
    { label: 'Xã Bản Hồ', value: 400000 },
  ];

  it('draws one labelled bar per row with its formatted value, longest bar for the largest value', () => {
    const svg = barChart({ title: 'Doanh số theo xã/phường', data, format: 'vnd' });
    expectAccessibleSvg(svg, 'Doanh số theo xã/phường');
    expect(texts(svg)).toEqual(['Phường Sa Pa', `1.250.000${NBSP}₫`, 'Xã Bản Hồ', `400.000${NBSP}₫`]);
    const widths = [...svg.matchAll(/<rect [^>]*width="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(widths).toHaveLength(2);
    expect(widths[0]).toBeGreaterThan(widths[1]);
    expect(widths[0] / widths[1]).toBeCloseTo(1250000 / 400000, 1);
    // A screen reader hears the data, not only the title.
    expect(svg).toContain(`aria-label="Doanh số theo xã/phường: Phường Sa Pa 1.250.000${NBSP}₫; Xã Bản Hồ 400.000${NBSP}₫"`);
  });

  it('writes counts with their unit and Vietnamese digit grouping', () => {
    const svg = barChart({
      title: 'Đơn theo hạng sao',
      data: [
        { label: '5 sao', value: 1234 },
        { label: 'Không sao', value: 0 },
      ],
      unit: 'đơn',
    });
    expect(texts(svg)).toEqual(['5 sao', '1.234 đơn', 'Không sao', '0 đơn']);
  });

  it('escapes a label like <script> everywhere it appears: text, tooltip and aria-label', () => {
    const evil = '<script>alert("x")</script> & \'Bản\'';
    const svg = barChart({ title: 'Tiêu đề <b>đậm</b>', data: [{ label: evil, value: 3 }] });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;Bản&#39;');
    expect(svg).toContain('<title>Tiêu đề &lt;b&gt;đậm&lt;/b&gt;</title>');
    expect(texts(svg)[0]).toBe(evil);
  });

  it('shortens very long labels on screen but keeps them whole in the tooltip', () => {
    const long = 'Hợp tác xã Nông nghiệp và Dịch vụ Tổng hợp Thôn Bản Khoang Xã Tả Phìn';
    const svg = barChart({ title: 't', data: [{ label: long, value: 1 }] });
    expect(texts(svg)[0]).toMatch(/…$/);
    expect([...texts(svg)[0]].length).toBeLessThanOrEqual(36);
    expect(svg).toContain(`<title>${long}: 1</title>`);
  });

  it('never crashes on empty, all-zero or malformed data: it says “Chưa có dữ liệu”', () => {
    for (const svg of [
      barChart({ title: 'Trống', data: [] }),
      barChart({ title: 'Trống', data: [{ label: 'a', value: 0 }] }),
      barChart({ title: 'Trống', data: undefined as never }),
      barChart({
        title: 'Trống',
        data: [
          { label: 'a', value: Number.NaN },
          { label: 'b', value: Infinity },
        ],
      }),
    ]) {
      expectAccessibleSvg(svg, 'Trống');
      expect(texts(svg)).toEqual([NO_DATA_TEXT]);
      expect(svg).toContain(`aria-label="Trống: ${NO_DATA_TEXT}"`);
    }
    expect(emptyChart('<x>')).toContain('<title>&lt;x&gt;</title>');
  });
});

describe('dailyChart', () => {
  const days = Array.from({ length: 30 }, (_, i) => ({
    day: new Date(Date.UTC(2026, 10, 1 + i)).toISOString().slice(0, 10),
    value: i === 10 ? 500000 : i % 3 === 0 ? 120000 : 0,
  }));

  it('draws a column per day with a value, writes the total and the best day, and labels days dd/mm without overlap', () => {
    const svg = dailyChart({ title: 'Doanh thu theo ngày', data: days, format: 'vnd' });
    expectAccessibleSvg(svg, 'Doanh thu theo ngày');
    const total = days.reduce((a, d) => a + d.value, 0);
    const shown = texts(svg);
    expect(shown).toContain(`Tổng: ${new Intl.NumberFormat('vi-VN').format(total)}${NBSP}₫`);
    expect(shown).toContain(`Cao nhất: 500.000${NBSP}₫ (11/11)`);
    const dayLabels = shown.filter((t) => /^\d\d\/\d\d$/.test(t));
    expect(dayLabels[0]).toBe('01/11');
    expect(dayLabels[dayLabels.length - 1]).toBe('30/11');
    expect(dayLabels.length).toBeLessThanOrEqual(6);
    // Columns only for days with money; each carries its day and value.
    expect(svg.match(/<rect /g)).toHaveLength(days.filter((d) => d.value > 0).length);
    expect(svg).toContain(`<title>11/11/2026: 500.000${NBSP}₫</title>`);
    expect(svg).toContain(`<desc>01/11/2026: 120.000${NBSP}₫; 02/11/2026: 0${NBSP}₫`);
    expect(svg).toMatch(/aria-label="Doanh thu theo ngày từ 01\/11\/2026 đến 30\/11\/2026: Tổng: [^"]+; cao nhất 500\.000.₫ ngày 11\/11\/2026"/);
  });

  it('a month without sales is the “Chưa có dữ liệu” chart', () => {
    const svg = dailyChart({ title: 'Doanh thu', data: days.map((d) => ({ ...d, value: 0 })), format: 'vnd' });
    expect(texts(svg)).toEqual([NO_DATA_TEXT]);
    expect(dailyChart({ title: 'Doanh thu', data: [] })).toContain(NO_DATA_TEXT);
  });

  it('handles a single day', () => {
    const svg = dailyChart({ title: 'Một ngày', data: [{ day: '2026-11-26', value: 7 }], unit: 'đơn' });
    expect(svg).toContain('aria-label="Một ngày ngày 26/11/2026: Tổng: 7 đơn; cao nhất 7 đơn ngày 26/11/2026"');
  });
});

describe('the chart helper', () => {
  it('returns the generated SVG as a SafeString and ignores anything that is not a chart', () => {
    const spec = { kind: 'bar' as const, title: 'x', data: [{ label: '<i>', value: 1 }] };
    const out = chart(spec);
    expect(typeof out).not.toBe('string');
    expect(out.toString()).toBe(renderChart(spec));
    expect(out.toString()).toContain('&lt;i&gt;');
    expect(chart('<svg onload=alert(1)>')).toBe('');
    expect(chart({ kind: 'pie', data: [] })).toBe('');
    expect(chart(undefined)).toBe('');
  });
});
