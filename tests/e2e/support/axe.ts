import type { Page } from 'playwright-core';

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; html: string; failureSummary: string }[];
}

// Browser globals used inside page.evaluate(), declared for this file only: the project compiles without
// lib "dom", and adding it would let DOM types leak into the server's type-check.
declare const window: { axe: { run: (context: unknown, options: unknown) => Promise<{ violations: unknown[] }> } };
declare const document: unknown;

const AXE_PATH = require.resolve('axe-core/axe.min.js');

/**
 * axe-core on the page as it is now; only serious and critical violations. The page's context needs
 * `bypassCSP: true` (the store's CSP rightly refuses the injected script).
 */
export async function seriousViolations(page: Page, label?: string): Promise<AxeViolation[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations as AxeViolation[];
  });
  const minor = violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical');
  if (minor.length && label) console.log(`axe on ${label}: not failing on ${minor.map((v) => `${v.id} [${v.impact}, ${v.nodes.length} node(s)]`).join(', ')}`);
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.map(String), html: n.html, failureSummary: n.failureSummary })),
    }));
}

export function formatViolations(label: string, violations: AxeViolation[]): string {
  const lines = [`${violations.length} serious/critical axe violation(s) on ${label}:`];
  for (const v of violations) {
    lines.push(`- ${v.id} [${v.impact}] ${v.help} (${v.helpUrl})`);
    for (const n of v.nodes.slice(0, 10)) {
      lines.push(`    ${n.target.join(' ')}  ${n.html.slice(0, 160)}`);
      if (n.failureSummary) lines.push(`      ${n.failureSummary.replace(/\n/g, '\n      ')}`);
    }
    if (v.nodes.length > 10) lines.push(`    … and ${v.nodes.length - 10} more node(s)`);
  }
  return lines.join('\n');
}

/** Fails with the rule ids, help texts and target nodes when axe finds serious or critical violations. */
export async function expectNoSeriousViolations(page: Page, label: string): Promise<void> {
  const violations = await seriousViolations(page, label);
  if (violations.length) {
    const message = formatViolations(label, violations);
    console.log(message);
    throw new Error(message);
  }
}
