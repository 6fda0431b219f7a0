/**
 * The admin settings page: provider choice, Jitsi server, connection test, calls per day
 * and audit log. Its API calls use a page token embedded by the server in
 * `<meta name="callgate-token">`, good only for this page's calls, for at most 15 minutes;
 * members get a read-only view.
 */
import { apiRequest, ApiError, byId, errorText, objectList, showStatus, stringField, type Json } from './api.js';
import { describeSeries, fillDays, type CallSeries, type DailyCount } from './chart.js';

function meta(name: string): string {
  return document.querySelector<HTMLMetaElement>(`meta[name="${name}"]`)?.content ?? '';
}

const token = meta('callgate-token');
const org = meta('callgate-org');
const role = meta('callgate-role');
const isAdmin = role === 'admin' || role === 'owner';
const orgPath = `/api/v1/orgs/${encodeURIComponent(org)}`;

const loadStatus = byId('load-status');
const providerForm = byId<HTMLFormElement>('provider-form');
const providerOptions = byId('provider-options');
const providerStatus = byId('provider-status');
const checkResult = byId('check-result');
const jitsiForm = byId<HTMLFormElement>('jitsi-form');
const jitsiInput = byId<HTMLInputElement>('jitsi-url');
const jitsiError = byId('jitsi-error');
const jitsiStatus = byId('jitsi-status');

/** Provider names by id, for messages and the chart. */
const providerNames: Record<string, string> = { disabled: 'None' };

const api = (method: string, path: string, body?: unknown): Promise<Json> =>
  apiRequest(method, path, { token, ...(body === undefined ? {} : { body }) });

function selectedProvider(): string {
  return providerForm.querySelector<HTMLInputElement>('input[name="video_chat_provider"]:checked')?.value ?? '';
}

function renderProviders(providers: Json[], settings: Json): void {
  const current = stringField(settings, 'video_chat_provider');
  const options = providers.map((provider) => {
    const id = stringField(provider, 'id');
    const name = stringField(provider, 'name', id);
    providerNames[id] = name;
    const available = provider['available'] === true;
    const wrapper = document.createElement('div');
    wrapper.className = 'option';
    const input = document.createElement('input');
    input.type = 'radio';
    input.name = 'video_chat_provider';
    input.id = `provider-${id}`;
    input.value = id;
    input.checked = id === current;
    input.disabled = !available;
    const label = document.createElement('label');
    label.htmlFor = input.id;
    label.textContent = id === 'disabled' ? 'None: calls are turned off' : name;
    wrapper.append(input, label);
    if (!available) {
      const reason = document.createElement('p');
      reason.className = 'hint';
      reason.id = `provider-${id}-reason`;
      reason.textContent = `Not available: ${stringField(provider, 'reason', 'not configured on this server')}`;
      input.setAttribute('aria-describedby', reason.id);
      wrapper.append(reason);
    }
    return wrapper;
  });
  providerOptions.replaceChildren(...options);
}

function renderJitsi(settings: Json): void {
  jitsiInput.value = stringField(settings, 'jitsi_server_url');
  const serverDefault = stringField(settings, 'server_jitsi_server_url');
  byId('jitsi-default').textContent = serverDefault ? ` (${serverDefault})` : ' (none: Jitsi is off on this server)';
}

async function loadSettings(): Promise<void> {
  const [providers, settings] = await Promise.all([api('GET', '/api/v1/providers'), api('GET', `${orgPath}/settings`)]);
  renderProviders(objectList(providers, 'providers'), settings);
  renderJitsi(settings);
}

function cell(row: HTMLTableRowElement, text: string, header = false): void {
  const element = document.createElement(header ? 'th' : 'td');
  if (header) element.scope = 'row';
  element.textContent = text;
  row.append(element);
}

function headerRow(table: HTMLTableElement, labels: string[]): void {
  const head = table.createTHead().insertRow();
  for (const label of labels) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = label;
    head.append(th);
  }
}

function describeChanges(changes: unknown): string {
  if (changes === null || typeof changes !== 'object') return '';
  return Object.entries(changes as Record<string, unknown>)
    .map(([field, change]) => {
      const { from, to } = (change ?? {}) as { from?: unknown; to?: unknown };
      const show = (value: unknown): string => (value === null || value === undefined ? 'default' : String(value));
      return `${field}: ${show(from)} → ${show(to)}`;
    })
    .join('; ');
}

async function loadAudit(): Promise<void> {
  const container = byId('audit');
  try {
    const entries = objectList(await api('GET', `${orgPath}/audit-log?limit=20`), 'entries');
    if (entries.length === 0) {
      container.replaceChildren(paragraph('No settings changes yet.'));
      return;
    }
    const table = document.createElement('table');
    table.createCaption().textContent = 'The latest settings changes, newest first';
    headerRow(table, ['When (UTC)', 'Who', 'Change']);
    const body = table.createTBody();
    for (const entry of entries) {
      const row = body.insertRow();
      cell(row, stringField(entry, 'created_at').replace('T', ' ').slice(0, 19), true);
      const actor = (entry['actor'] ?? {}) as Json;
      cell(row, `${stringField(actor, 'name')} (${stringField(actor, 'user_id')})`);
      cell(row, describeChanges(entry['changes']));
    }
    container.replaceChildren(table);
  } catch (error) {
    container.replaceChildren(paragraph(`Could not load the audit log: ${errorText(error)}`));
  }
}

function paragraph(text: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  return p;
}

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

async function loadStats(): Promise<void> {
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

providerForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const provider = selectedProvider();
  if (!provider) {
    showStatus(providerStatus, 'Choose a provider first.', 'error');
    return;
  }
  showStatus(providerStatus, 'Saving…');
  void (async () => {
    try {
      const settings = await api('PATCH', `${orgPath}/settings`, { video_chat_provider: provider });
      const saved = stringField(settings, 'video_chat_provider');
      showStatus(
        providerStatus,
        saved === 'disabled'
          ? 'Saved: calls are turned off.'
          : `Saved: calls now use ${providerNames[saved] ?? saved}.`,
        'ok',
      );
      await refreshAfterChange();
    } catch (error) {
      showStatus(providerStatus, errorText(error), 'error');
    }
  })();
});

byId('provider-check').addEventListener('click', () => {
  const provider = selectedProvider();
  if (!provider || provider === 'disabled') {
    showStatus(checkResult, 'Calls are turned off: choose a provider to test its connection.', 'error');
    return;
  }
  const name = providerNames[provider] ?? provider;
  showStatus(checkResult, `Testing the connection to ${name}…`);
  void (async () => {
    try {
      const result = await api('POST', `${orgPath}/providers/${encodeURIComponent(provider)}/check`);
      if (stringField(result, 'status') === 'ok') {
        showStatus(checkResult, `${name}: connection OK.`, 'ok');
      } else {
        const reason = stringField(result, 'reason', 'unknown');
        const detail = stringField(result, 'detail');
        showStatus(checkResult, `${name}: connection failed (${reason}).${detail ? ` ${detail}` : ''}`, 'error');
      }
    } catch (error) {
      showStatus(checkResult, `${name}: ${errorText(error)}`, 'error');
    }
  })();
});

function setJitsiError(text: string): void {
  jitsiError.textContent = text;
  if (text) jitsiInput.setAttribute('aria-invalid', 'true');
  else jitsiInput.removeAttribute('aria-invalid');
}

jitsiForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const value = jitsiInput.value.trim();
  setJitsiError('');
  showStatus(jitsiStatus, 'Saving…');
  void (async () => {
    try {
      const settings = await api('PATCH', `${orgPath}/settings`, { jitsi_server_url: value === '' ? null : value });
      renderJitsi(settings);
      showStatus(jitsiStatus, value === '' ? "Saved: using this server's default." : 'Saved.', 'ok');
      await refreshAfterChange();
    } catch (error) {
      if (error instanceof ApiError && stringField(error.body, 'field') === 'jitsi_server_url') {
        setJitsiError(error.message);
        showStatus(jitsiStatus, '');
        jitsiInput.focus();
      } else {
        showStatus(jitsiStatus, errorText(error), 'error');
      }
    }
  })();
});

async function refreshAfterChange(): Promise<void> {
  await Promise.all([loadSettings(), loadAudit()]);
}

async function start(): Promise<void> {
  showStatus(loadStatus, 'Loading settings…');
  try {
    await loadSettings();
    showStatus(loadStatus, '');
  } catch (error) {
    const signIn = error instanceof ApiError && error.status === 401 ? ' Sign in again, then reload this page.' : '';
    showStatus(loadStatus, `Could not load the settings: ${errorText(error)}${signIn}`, 'error');
    return;
  }
  if (isAdmin) await Promise.all([loadStats(), loadAudit()]);
}

void start();
