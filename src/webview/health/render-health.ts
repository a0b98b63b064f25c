// The health view's sections, rebuilt from the latest report and live figures on every update. Every
// string from a log (messages, codes, repository names) goes in as text.
import type { LiveRun } from '../../protocol/health-messages';
import type { HealthReport, LiveMetricsReport, Recommendation } from '../../protocol/health-report';
import { button, h, type Child } from '../shared/dom';
import { formatCount, formatMs, formatPercent, formatTime } from './format';
import { providerRateChart, stepPercentileChart, waterfallChart } from './svg-charts';

export interface HealthViewState {
  report?: HealthReport;
  live?: { metrics: LiveMetricsReport; runs: readonly LiveRun[] };
  problem?: string;
}

export interface HealthViewActions {
  refresh(): void;
  openTrace(requestId: string): void;
}

const FACTOR_LABELS: Readonly<Record<string, string>> = {
  completion_rate: 'Completion rate',
  error_frequency: 'Error frequency',
  slow_steps: 'Slow steps',
  provider_reliability: 'Provider reliability',
};

function section(title: string, testId: string, children: readonly Child[]): HTMLElement {
  return h('section', { className: 'section', testId }, [h('h2', {}, [title]), ...children]);
}

function stat(label: string, value: string, testId: string): HTMLElement {
  return h('div', { className: 'stat', testId }, [h('span', { className: 'stat-value' }, [value]), h('span', { className: 'stat-label' }, [label])]);
}

function requestLink(requestId: string, actions: HealthViewActions): HTMLButtonElement {
  return h('button', { className: 'link', testId: 'request-link', attrs: { type: 'button' }, title: `Open the trace of request ${requestId}`, onClick: () => actions.openTrace(requestId) }, [requestId.slice(0, 8)]);
}

function scoreSection(report: HealthReport): HTMLElement {
  const { score } = report;
  return h('section', { className: `section score status-${score.status}`, testId: 'score' }, [
    h('div', { className: 'score-head' }, [
      h('span', { className: 'score-value', testId: 'score-value' }, [String(score.value)]),
      h('span', { className: 'score-scale' }, ['/100']),
      h('span', { className: 'score-status', testId: 'score-status' }, [score.status.replace('_', ' ')]),
    ]),
    h(
      'ul',
      { className: 'factors', testId: 'factors' },
      score.factors.map((factor) =>
        h('li', {}, [
          h('span', { className: 'factor-name' }, [FACTOR_LABELS[factor.name] ?? factor.name]),
          h('span', { className: 'factor-points' }, [`${factor.points} / ${factor.weight}`]),
          h('span', { className: 'factor-detail' }, [factor.detail]),
        ]),
      ),
    ),
  ]);
}

function liveSection(report: HealthReport | undefined, live: HealthViewState['live']): HTMLElement {
  const metrics = live?.metrics ?? report?.live;
  const runs = report?.runs;
  return section('Activity', 'activity', [
    h('div', { className: 'stats' }, [
      stat('active runs', String(metrics?.active_runs ?? 0), 'active-runs'),
      stat('requests/min', String(metrics?.requests_per_minute ?? 0), 'requests-per-minute'),
      stat('errors/min', String(metrics?.errors_per_minute ?? 0), 'errors-per-minute'),
      stat('completion', formatPercent(runs?.completion_rate ?? null), 'completion-rate'),
    ]),
    runs
      ? h('p', { className: 'muted' }, [
          `${runs.total} run(s) analysed: ${runs.completed} completed, ${runs.failed} failed, ${runs.cancelled} cancelled. Mean ${formatMs(runs.mean_duration_ms)}, p95 ${formatMs(runs.p95_duration_ms)}.`,
        ])
      : undefined,
  ]);
}

function timelineSection(report: HealthReport | undefined, live: HealthViewState['live'], actions: HealthViewActions): HTMLElement | undefined {
  const running = live?.runs[0];
  if (running) {
    return section('Running now', 'timeline', [
      h('p', { className: 'muted' }, [requestLink(running.request_id, actions), ` ${running.repo ?? ''} · ${running.current_step ?? 'starting'} · ${Math.round(running.progress)}%`]),
      running.steps.length > 0 ? waterfallChart(running.steps) : h('p', { className: 'muted' }, ['Starting…']),
    ]);
  }
  const last = report?.last_run;
  if (!last) return undefined;
  return section('Last run', 'timeline', [
    h('p', { className: 'muted' }, [requestLink(last.request_id, actions), ` ${last.status}${last.duration_ms === undefined ? '' : ` in ${formatMs(last.duration_ms)}`}${last.repo ? ` · ${last.repo}` : ''}${last.agent ? ` · ${last.agent}` : ''}`]),
    waterfallChart(last.steps),
  ]);
}

function stepsSection(report: HealthReport): HTMLElement | undefined {
  if (report.steps.length === 0) return undefined;
  return section('Step durations (p50 / p95)', 'steps', [stepPercentileChart(report.steps), h('p', { className: 'legend muted' }, ['Solid: p50. Light: p95. Tick: the step\'s budget.'])]);
}

function providersSection(report: HealthReport): HTMLElement | undefined {
  if (report.providers.length === 0) return undefined;
  return section('Providers', 'providers', [
    providerRateChart(report.providers),
    h('p', { className: 'legend' }, [
      h('span', { className: 'swatch provider-served' }),
      ' served ',
      h('span', { className: 'swatch provider-fallback' }),
      ' fell back ',
      h('span', { className: 'swatch provider-failed' }),
      ' failed ',
      h('span', { className: 'swatch provider-other' }),
      ' other',
    ]),
    h(
      'ul',
      { className: 'plain-list' },
      report.providers
        .filter((provider) => provider.fallback_reasons.length > 0)
        .map((provider) => h('li', {}, [`${provider.provider}: ${provider.fallback_reasons.map((reason) => `${reason.reason} (${reason.count}×)`).join(', ')}`])),
    ),
  ]);
}

function usageSection(report: HealthReport): HTMLElement {
  const usage = report.usage;
  return section('Tokens and cost', 'usage', [
    h('div', { className: 'stats' }, [
      stat('input tokens', formatCount(usage.input_tokens), 'input-tokens'),
      stat('output tokens', formatCount(usage.output_tokens), 'output-tokens'),
      stat('cost', `$${usage.cost_usd.toFixed(4)}`, 'cost'),
    ]),
    h(
      'ul',
      { className: 'plain-list' },
      usage.by_provider.map((row) => h('li', {}, [`${row.provider}: ${formatCount(row.input_tokens)} in, ${formatCount(row.output_tokens)} out, $${row.cost_usd.toFixed(4)}`])),
    ),
  ]);
}

function errorsSection(report: HealthReport, actions: HealthViewActions): HTMLElement {
  const { errors } = report;
  return section(`Recent errors (${errors.total})`, 'errors', [
    errors.recent.length === 0
      ? h('p', { className: 'muted' }, ['No errors.'])
      : h(
          'ul',
          { className: 'errors' },
          errors.recent.map((error) =>
            h('li', { testId: 'error-item' }, [
              h('div', { className: 'error-head' }, [
                h('span', { className: 'error-code' }, [error.code]),
                error.step ? h('span', { className: 'muted' }, [` in ${error.step}`]) : undefined,
                ' · ',
                h('span', { className: 'muted' }, [formatTime(error.time)]),
                error.request_id ? ' · ' : undefined,
                error.request_id ? requestLink(error.request_id, actions) : undefined,
              ]),
              h('div', { className: 'error-message', testId: 'error-message' }, [error.message]),
              error.remedy ? h('div', { className: 'error-remedy muted' }, [error.remedy]) : undefined,
            ]),
          ),
        ),
  ]);
}

function recommendationItem(item: Recommendation, actions: HealthViewActions): HTMLElement {
  return h('li', { className: `recommendation ${item.severity}`, testId: 'recommendation' }, [
    h('span', { className: 'severity' }, [item.severity]),
    ' ',
    item.message,
    ...(item.request_ids ?? []).slice(0, 3).flatMap((id) => [' ', requestLink(id, actions)]),
  ]);
}

export function renderHealthView(state: HealthViewState, actions: HealthViewActions): Child[] {
  const { report } = state;
  const toolbar = h('div', { className: 'toolbar' }, [
    h('span', { className: 'muted', testId: 'generated-at' }, [report ? `Updated ${formatTime(report.generated_at)}` : 'Loading…']),
    button('Refresh', { testId: 'refresh', onClick: () => actions.refresh() }),
  ]);
  const problem = state.problem ? h('p', { className: 'problem', testId: 'problem' }, [state.problem]) : undefined;
  if (!report) return [toolbar, problem, liveSection(undefined, state.live), timelineSection(undefined, state.live, actions)];
  return [
    toolbar,
    problem,
    scoreSection(report),
    section('Recommendations', 'recommendations', [
      report.recommendations.length === 0
        ? h('p', { className: 'muted' }, ['Nothing to do: no problem stands out.'])
        : h('ul', { className: 'plain-list' }, report.recommendations.map((item) => recommendationItem(item, actions))),
    ]),
    liveSection(report, state.live),
    timelineSection(report, state.live, actions),
    stepsSection(report),
    providersSection(report),
    usageSection(report),
    errorsSection(report, actions),
  ];
}
