import Handlebars from 'handlebars';
import { renderChart, type ChartSpec } from '../charts';

function isChartSpec(value: unknown): value is ChartSpec {
  const spec = value as Partial<ChartSpec> | null;
  return !!spec && typeof spec === 'object' && (spec.kind === 'bar' || spec.kind === 'daily') && Array.isArray(spec.data);
}

/**
 * {{chart revenueChart}} — an SVG chart from a ChartSpec. Marked safe only because renderChart
 * generates every tag itself and escapes every label and title it is given.
 */
export function chart(spec: unknown): Handlebars.SafeString | string {
  return isChartSpec(spec) ? new Handlebars.SafeString(renderChart(spec)) : '';
}
