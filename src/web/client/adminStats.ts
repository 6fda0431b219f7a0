/** The admin page's call statistics: a stacked bar chart as inline SVG, with the numbers as a table. */
import { byId, errorText, objectList, stringField } from './api.js';
import { describeSeries, fillDays, type CallSeries, type DailyCount } from './chart.js';
import { api, cell, headerRow, orgPath, paragraph, providerNames } from './adminShared.js';

const SVG = 'http://www.w3.org/2000/svg';

function svgElement<K extends keyof SVGElementTagNameMap>(
  name: K,
  attributes: Record<string, string | number>,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

/** A stacked bar chart as inline SVG, named by a title and described by a summary sentence. */
function chartSvg(series: CallSeries, summary: string): SVGSVGElement {
  const barWidth = 18;
  const gap = 6;
  const plotHeight = 120;
  const top = 16;
  const bottom = 22;
  const left = 8;
  const right = 24;
  const plotWidth = series.days.length * (barWidth + gap);
  const width = left + plotWidth + right;
  const max = Math.max(1, ...series.totals);
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
  svg.append(
    svgElement('line', { x1: left, x2: left + plotWidth, y1: top + plotHeight, y2: top + plotHeight, class: 'axis' }),
  );
  const maxLabel = svgElement('text', { x: left, y: top - 4, class: 'chart-label' });
  maxLabel.textContent = `max ${max} per day`;
  svg.append(maxLabel);
  series.days.forEach((day, index) => {
    const x = left + index * (barWidth + gap);
    let y = top + plotHeight;
    series.providers.forEach((provider, providerIndex) => {
      const count = series.counts[provider]?.[index] ?? 0;
      if (count === 0) return;
      const height = (count / max) * plotHeight;
      y -= height;
      const rect = svgElement('rect', { x, y, width: barWidth, height, class: `series-${providerIndex % 5}` });
      const tip = svgElement('title', {});
      tip.textContent = `${day}, ${providerNames[provider] ?? provider}: ${count}`;
      rect.append(tip);
      svg.append(rect);
    });
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
    series.providers.forEach((provider, index) => {
      const item = document.createElement('li');
      const swatch = document.createElement('span');
      swatch.className = `swatch series-${index % 5}`;
      swatch.setAttribute('aria-hidden', 'true');
      item.append(swatch, providerNames[provider] ?? provider);
      legend.append(item);
    });
    const details = document.createElement('details');
    const summaryElement = document.createElement('summary');
    summaryElement.textContent = 'Show the numbers as a table';
    details.append(summaryElement, statsTable(series));
    container.replaceChildren(paragraph(summary), chartSvg(series, summary), legend, details);
  } catch (error) {
    container.replaceChildren(paragraph(`Could not load call statistics: ${errorText(error)}`));
  }
}
