// Plain SVG charts, built node by node: labels are text nodes, so a step or provider name from a log can
// never become markup. Colours come from classes in media/health.css (theme variables), not attributes.
import type { ProviderStats, StepStats, StepTiming } from '../../protocol/health-report';
import { formatMs, formatPercent } from './format';

const SVG_NS = 'http://www.w3.org/2000/svg';
const WIDTH = 420;
const LABEL_WIDTH = 112;
const ROW = 20;
const BAR = 12;

type SvgAttrs = Readonly<Record<string, string | number>>;

function svgElement<K extends keyof SVGElementTagNameMap>(tag: K, attrs: SvgAttrs = {}, text?: string): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function chart(rows: number, label: string, testId: string): SVGSVGElement {
  const height = Math.max(1, rows) * ROW + 4;
  const svg = svgElement('svg', { viewBox: `0 0 ${WIDTH} ${height}`, width: '100%', role: 'img', 'aria-label': label, class: 'chart', 'data-testid': testId });
  return svg;
}

function withTooltip<T extends SVGElement>(element: T, tooltip: string): T {
  element.appendChild(svgElement('title', {}, tooltip));
  return element;
}

function rowLabel(text: string, row: number): SVGTextElement {
  return svgElement('text', { x: 0, y: row * ROW + BAR, class: 'label' }, text.length > 16 ? `${text.slice(0, 15)}…` : text);
}

/** The run's steps on one time axis: where each started and how long it took. */
export function waterfallChart(steps: readonly StepTiming[]): SVGSVGElement {
  const total = Math.max(1, ...steps.map((step) => step.offset_ms + step.duration_ms));
  const svg = chart(steps.length, `Step timeline: ${steps.map((step) => `${step.step} ${formatMs(step.duration_ms)}`).join(', ')}`, 'waterfall');
  const scale = (WIDTH - LABEL_WIDTH - 60) / total;
  steps.forEach((step, row) => {
    const x = LABEL_WIDTH + step.offset_ms * scale;
    const width = Math.max(2, step.duration_ms * scale);
    svg.appendChild(rowLabel(step.step, row));
    svg.appendChild(withTooltip(svgElement('rect', { x, y: row * ROW + 2, width, height: BAR, rx: 2, class: `bar step-${step.outcome}` }), `${step.step}: ${formatMs(step.duration_ms)} (${step.outcome}), started at +${formatMs(step.offset_ms)}`));
    svg.appendChild(svgElement('text', { x: Math.min(x + width + 4, WIDTH - 56), y: row * ROW + BAR, class: 'value' }, step.outcome === 'running' ? `${formatMs(step.duration_ms)}…` : formatMs(step.duration_ms)));
  });
  return svg;
}

/** p50 (solid) and p95 (light) per step, with the step's budget as a tick when it fits the scale. */
export function stepPercentileChart(steps: readonly StepStats[]): SVGSVGElement {
  const max = Math.max(1, ...steps.map((step) => step.p95_ms));
  const svg = chart(steps.length, `Step durations, p50 and p95: ${steps.map((step) => `${step.step} ${formatMs(step.p50_ms)} / ${formatMs(step.p95_ms)}`).join(', ')}`, 'step-percentiles');
  const scale = (WIDTH - LABEL_WIDTH - 90) / max;
  steps.forEach((step, row) => {
    const y = row * ROW + 2;
    svg.appendChild(rowLabel(step.step, row));
    svg.appendChild(withTooltip(svgElement('rect', { x: LABEL_WIDTH, y, width: Math.max(2, step.p95_ms * scale), height: BAR, class: `bar p95${step.slow ? ' slow' : ''}` }), `${step.step} p95 ${formatMs(step.p95_ms)} (budget ${formatMs(step.budget_ms)})`));
    svg.appendChild(withTooltip(svgElement('rect', { x: LABEL_WIDTH, y, width: Math.max(2, step.p50_ms * scale), height: BAR, class: 'bar p50' }), `${step.step} p50 ${formatMs(step.p50_ms)}`));
    if (step.budget_ms <= max) {
      const x = LABEL_WIDTH + step.budget_ms * scale;
      svg.appendChild(svgElement('line', { x1: x, x2: x, y1: y - 1, y2: y + BAR + 1, class: 'budget' }));
    }
    svg.appendChild(svgElement('text', { x: WIDTH - 86, y: row * ROW + BAR, class: `value${step.slow ? ' slow' : ''}` }, `${formatMs(step.p50_ms)} / ${formatMs(step.p95_ms)}`));
  });
  return svg;
}

/** Per provider, one bar of its attempts split into served, fell back, failed and other (cancelled, prompt problems). */
export function providerRateChart(providers: readonly ProviderStats[]): SVGSVGElement {
  const svg = chart(providers.length, `Provider outcomes: ${providers.map((p) => `${p.provider} served ${formatPercent(p.success_rate)}, fell back ${formatPercent(p.fallback_rate)}, failed ${formatPercent(p.failure_rate)}`).join('; ')}`, 'provider-rates');
  const span = WIDTH - LABEL_WIDTH - 50;
  providers.forEach((provider, row) => {
    svg.appendChild(rowLabel(provider.provider, row));
    const other = Math.max(0, 1 - provider.success_rate - provider.fallback_rate - provider.failure_rate);
    let x = LABEL_WIDTH;
    for (const [part, rate] of [['served', provider.success_rate], ['fallback', provider.fallback_rate], ['failed', provider.failure_rate], ['other', other]] as const) {
      if (rate <= 0) continue;
      const width = rate * span;
      svg.appendChild(withTooltip(svgElement('rect', { x, y: row * ROW + 2, width, height: BAR, class: `bar provider-${part}` }), `${provider.provider}: ${part} ${formatPercent(rate)} of ${provider.attempts} run(s)`));
      x += width;
    }
    svg.appendChild(svgElement('text', { x: WIDTH - 46, y: row * ROW + BAR, class: 'value' }, `${provider.attempts} run${provider.attempts === 1 ? '' : 's'}`));
  });
  return svg;
}
