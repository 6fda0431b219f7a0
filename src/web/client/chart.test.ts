import { describe, expect, test } from '@jest/globals';
import { describeSeries, fillDays } from './chart.js';

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
