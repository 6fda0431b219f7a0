import { describe, expect, test } from '@jest/globals';
import { describeSeries, fillDays, SERIES_COLOURS, seriesColour, yTicks } from './chart.js';

describe('fillDays', () => {
  test('when days have no calls, then they are filled with zero', () => {
    const series = fillDays('2024-03-01T00:00:00.000Z', 4, [
      { day: '2024-03-02', provider: 'zoom', count: 2 },
      { day: '2024-03-04', provider: 'jitsi_meet', count: 1 },
      { day: '2024-03-04', provider: 'zoom', count: 3 },
    ]);
    expect(series.days).toEqual(['2024-03-01', '2024-03-02', '2024-03-03', '2024-03-04']);
    expect(series.providers).toEqual(['jitsi_meet', 'zoom']);
    expect(series.counts).toEqual({ jitsi_meet: [0, 0, 0, 1], zoom: [0, 2, 0, 3] });
    expect(series.totals).toEqual([0, 2, 0, 4]);
  });

  test('when the range crosses a month end, then every UTC day appears once', () => {
    const series = fillDays('2024-02-27T00:00:00.000Z', 4, []);
    expect(series.days).toEqual(['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01']);
    expect(series.totals).toEqual([0, 0, 0, 0]);
  });

  test('when a count falls outside the range, then it is ignored', () => {
    const series = fillDays('2024-03-01T00:00:00.000Z', 1, [{ day: '2024-02-01', provider: 'zoom', count: 5 }]);
    expect(series.counts).toEqual({ zoom: [0] });
  });
});

describe('describeSeries', () => {
  test('when there were calls, then the summary gives the total and each provider by name', () => {
    const series = fillDays('2024-03-01T00:00:00.000Z', 2, [
      { day: '2024-03-01', provider: 'jitsi_meet', count: 1 },
      { day: '2024-03-02', provider: 'zoom', count: 2 },
    ]);
    expect(describeSeries(series, { jitsi_meet: 'Jitsi Meet', zoom: 'Zoom' })).toBe(
      '3 calls from 2024-03-01 to 2024-03-02 (Jitsi Meet: 1, Zoom: 2).',
    );
  });

  test('when there were none, then the summary says so', () => {
    expect(describeSeries(fillDays('2024-03-01T00:00:00.000Z', 1, []), {})).toBe(
      'No calls from 2024-03-01 to 2024-03-01.',
    );
  });
});

describe('seriesColour', () => {
  const known = ['disabled', 'jitsi_meet', 'zoom', 'zoom_server_to_server', 'big_blue_button'];

  test('when the data shows different providers, then each provider keeps the colour of its id', () => {
    const alone = fillDays('2024-03-01T00:00:00.000Z', 1, [{ day: '2024-03-01', provider: 'zoom', count: 1 }]);
    const together = fillDays('2024-03-01T00:00:00.000Z', 1, [
      { day: '2024-03-01', provider: 'big_blue_button', count: 1 },
      { day: '2024-03-01', provider: 'zoom', count: 1 },
    ]);
    const colours = (providers: string[]): number[] => providers.map((p) => seriesColour(p, known));
    expect(colours(alone.providers)).toEqual([2]);
    expect(colours(together.providers)).toEqual([4, 2]);
  });

  test('when providers are known, then no two of them share a colour', () => {
    expect(new Set(known.map((p) => seriesColour(p, known))).size).toBe(known.length);
  });

  test('when an id is no longer offered, then its colour still depends on the id alone', () => {
    const colour = seriesColour('webex', known);
    expect(colour).toBe(seriesColour('webex', ['jitsi_meet']));
    expect(colour).toBeGreaterThanOrEqual(0);
    expect(colour).toBeLessThan(SERIES_COLOURS);
  });
});

describe('yTicks', () => {
  test('when there were no calls, then the axis shows only zero', () => {
    expect(yTicks(0)).toEqual([0]);
  });

  test('when the counts are small, then every whole number up to the highest is a tick', () => {
    expect(yTicks(1)).toEqual([0, 1]);
    expect(yTicks(3)).toEqual([0, 1, 2, 3]);
    expect(yTicks(5)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('when the counts are large, then the ticks are round steps reaching at least the highest', () => {
    expect(yTicks(7)).toEqual([0, 2, 4, 6, 8]);
    expect(yTicks(17)).toEqual([0, 5, 10, 15, 20]);
    expect(yTicks(230)).toEqual([0, 50, 100, 150, 200, 250]);
    expect(yTicks(1000)).toEqual([0, 200, 400, 600, 800, 1000]);
  });
});
