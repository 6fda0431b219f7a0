/** The admin page's call statistics: a stacked bar chart as inline SVG, with the numbers as a table. */
import { byId, errorText, objectList, stringField } from './api.js';
import { describeSeries, fillDays, seriesColour, yTicks, type CallSeries, type DailyCount } from './chart.js';
import { api, cell, headerRow, orgPath, paragraph, providerNames, scrollBox } from './adminShared.js';

const SVG = 'http://www.w3.org/2000/svg';

function svgElement<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** Colour class of a provider's series: by id, so it never changes with the data shown. */
function colourClass(provider: string): string {
  const known = Object.keys(providerNames).filter((id) => id !== 'disabled');
  return `series-${seriesColour(provider, known)}`;
}

/** A stacked bar chart as inline SVG with a y-axis, named by a title and described by a summary sentence. */
function chartSvg(series: CallSeries, summary: string): SVGSVGElement {
  const barWidth = 18;
  const gap = 6;
  const plotHeight = 120;
  const top = 10;
  const bottom = 22;
  const left = 30;
  const right = 24;
  const plotWidth = series.days.length * (barWidth + gap);
  const width = left + plotWidth + right;
  const ticks = yTicks(Math.max(0, ...series.totals));
  const scaleTop = Math.max(1, ticks[ticks.length - 1] ?? 1);
  const yOf = (value: number): number => top + plotHeight - (value / scaleTop) * plotHeight;
  const svg = svgElement('svg', {
    viewBox: `0 0 ${width} ${top + plotHeight + bottom}`,
    role: 'img',
    'aria-labelledby': 'chart-title chart-desc',
    class: 'chart',
  });
  const title = svgElement('title', { id: 'chart-title' });
  title.textContent = 'Calls per provider per day';
  const desc = svgElement('desc', { id: 'chart-desc' });
  desc.textContent = summary;
  svg.append(title, desc);
  const axis = svgElement('g', { class: 'y-axis' });
  for (const tick of ticks) {
    const y = yOf(tick);
    axis.append(svgElement('line', { x1: left, x2: left + plotWidth, y1: y, y2: y, class: tick ? 'grid' : 'axis' }));
    const label = svgElement('text', { x: left - 4, y: y + 3, 'text-anchor': 'end', class: 'chart-label' });
    label.textContent = String(tick);
    axis.append(label);
  }
  svg.append(axis);
  series.days.forEach((day, index) => {
    const x = left + index * (barWidth + gap);
    let below = 0;
    for (const provider of series.providers) {
      const count = series.counts[provider]?.[index] ?? 0;
      if (count === 0) continue;
      const y = yOf(below + count);
      const rect = svgElement('rect', { x, y, width: barWidth, height: yOf(below) - y, class: colourClass(provider) });
      below += count;
      const tip = svgElement('title', {});
      tip.textContent = `${day}, ${providerNames[provider] ?? provider}: ${count}`;
      rect.append(tip);
      svg.append(rect);
    }
    if (index % 7 === 0 || index === series.days.length - 1) {
      const label = svgElement('text', { x, y: top + plotHeight + 14, class: 'chart-label' });
      label.textContent = day.slice(5);
      svg.append(label);
    }
  });
  return svg;
}

function statsTable(series: CallSeries): HTMLTableElement {
  const table = document.createElement('table');
  table.createCaption().textContent = 'Calls per day by provider';
  headerRow(table, ['Day (UTC)', ...series.providers.map((p) => providerNames[p] ?? p), 'Total']);
  const body = table.createTBody();
  series.days.forEach((day, index) => {
    const row = body.insertRow();
    cell(row, day, true);
    for (const provider of series.providers) cell(row, String(series.counts[provider]?.[index] ?? 0));
    cell(row, String(series.totals[index] ?? 0));
  });
  return table;
}

/** Loads and shows the calls of the last 14 days. */
export async function loadStats(): Promise<void> {
  const container = byId('stats');
  try {
    const answer = await api('GET', `${orgPath}/calls/stats?days=14`);
    const counts: DailyCount[] = objectList(answer, 'counts').map((entry) => ({
      day: stringField(entry, 'day'),
      provider: stringField(entry, 'provider'),
      count: typeof entry['count'] === 'number' ? entry['count'] : 0,
    }));
    const days = typeof answer['days'] === 'number' ? answer['days'] : 14;
    const series = fillDays(stringField(answer, 'since'), days, counts);
    const summary = describeSeries(series, providerNames);
    const legend = document.createElement('ul');
    legend.className = 'legend';
    series.providers.forEach((provider) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = `swatch ${colourClass(provider)}`;
      swatch.setAttribute('aria-hidden', 'true');
      item.append(swatch, providerNames[provider] ?? provider);
      legend.append(item);
    });
    const details = document.createElement('details');
    const summaryElement = document.createElement('summary');
    summaryElement.textContent = 'Show the numbers as a table';
    details.append(summaryElement, scrollBox(statsTable(series)));
    container.replaceChildren(paragraph(summary), chartSvg(series, summary), legend, details);
  } catch (error) {
    container.replaceChildren(paragraph(`Could not load call statistics: ${errorText(error)}`));
  }
}
