/** The table and JSON `npm run bench` prints and writes to BENCHMARKS.md. */

/** One row of the printed table. */
export interface Row {
  section: string;
  measure: string;
  value: string;
}

/** Rows in the order measured. */
export const rows: Row[] = [];
/** Raw figures by section. */
export const json: Record<string, unknown> = {};

/** Adds a row. */
export function row(section: string, measure: string, value: string): void {
  rows.push({ section, measure, value });
}

/** The rows as a Markdown table. */
export function table(): string {
  const width = Math.max(...rows.map((r) => r.measure.length));
  const sectionWidth = Math.max(8, ...rows.map((r) => r.section.length));
  const header = `| ${'section'.padEnd(sectionWidth)} | ${'measure'.padEnd(width)} | ${'value'.padStart(14)} |\n|${'-'.repeat(sectionWidth + 2)}|${'-'.repeat(width + 2)}|${'-'.repeat(16)}|`;
  const body = rows
    .map((r) => `| ${r.section.padEnd(sectionWidth)} | ${r.measure.padEnd(width)} | ${r.value.padStart(14)} |`)
    .join('\n');
  return `${header}\n${body}`;
}
