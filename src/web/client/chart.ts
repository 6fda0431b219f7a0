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
