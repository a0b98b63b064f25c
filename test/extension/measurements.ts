// Figures a test measures inside the extension host and reports with the results (see report.ts).
const measurements: Record<string, number> = {};

export function recordMeasurement(name: string, value: number): void {
  measurements[name] = value;
}

export function allMeasurements(): Record<string, number> {
  return { ...measurements };
}
