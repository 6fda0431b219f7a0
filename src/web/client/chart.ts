/**
 * Calls per provider per day (`GET /api/v1/orgs/{org}/calls/stats`). The API stores only
 * days that had calls; the chart needs every day, so missing ones are filled with zero.
 */

/** One stored count, as the API answers it. */
export interface DailyCount {
  day: string;
  provider: string;
  count: number;
}

/** A complete series: every day of the range, every provider seen, zero where nothing happened. */
export interface CallSeries {
  days: string[];
  providers: string[];
  /** `counts[provider][dayIndex]`. */
  counts: Record<string, number[]>;
  /** Calls per day, all providers. */
  totals: number[];
}

const DAY_MS = 86_400_000;

/** Builds the series of `days` UTC days starting at `since`. */
export function fillDays(since: string, days: number, counts: DailyCount[]): CallSeries {
  const start = Date.parse(since);
  const dayList: string[] = [];
  for (let i = 0; i < days; i += 1) dayList.push(new Date(start + i * DAY_MS).toISOString().slice(0, 10));
  const providers = [...new Set(counts.map((entry) => entry.provider))].sort();
  const series: Record<string, number[]> = {};
  for (const provider of providers) series[provider] = dayList.map(() => 0);
  for (const entry of counts) {
    const index = dayList.indexOf(entry.day);
    const row = series[entry.provider];
    if (index >= 0 && row) row[index] = (row[index] ?? 0) + entry.count;
  }
  const totals = dayList.map((_day, index) => providers.reduce((sum, p) => sum + (series[p]?.[index] ?? 0), 0));
  return { days: dayList, providers, counts: series, totals };
}

/** One-sentence summary of a series, the chart's text alternative. */
export function describeSeries(series: CallSeries, names: Record<string, string>): string {
  const total = series.totals.reduce((sum, value) => sum + value, 0);
  const first = series.days[0] ?? '';
  const last = series.days[series.days.length - 1] ?? '';
  if (total === 0) return `No calls from ${first} to ${last}.`;
  const byProvider = series.providers
    .map((provider) => {
      const sum = (series.counts[provider] ?? []).reduce((a, b) => a + b, 0);
      return `${names[provider] ?? provider}: ${sum}`;
    })
    .join(', ');
  return `${total} ${total === 1 ? 'call' : 'calls'} from ${first} to ${last} (${byProvider}).`;
}

/** How many colours the chart has (`.series-0` … in callgate.css). */
export const SERIES_COLOURS = 8;

/**
 * A provider's colour, by id: its place among the server's providers (`known`, the order of
 * `GET /api/v1/providers`), so a provider keeps its colour whichever providers the data
 * shows; an id the server no longer offers gets one from a hash of its name.
 */
export function seriesColour(provider: string, known: readonly string[]): number {
  const index = known.indexOf(provider);
  if (index >= 0) return index % SERIES_COLOURS;
  let hash = 0;
  for (const char of provider) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % SERIES_COLOURS;
}

/**
 * Values on the y-axis: 0 up to a round top at or above `max`, in at most about five steps
 * of 1, 2 or 5 times a power of ten. No calls gives just 0.
 */
export function yTicks(max: number): number[] {
  if (max <= 0) return [0];
  const rough = max / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = Math.max(1, [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power);
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let value = 0; value <= top; value += step) ticks.push(value);
  return ticks;
}
