/**
 * Engineer view analytics (docs/analytics.md): station timelines, KPIs and active period bottleneck
 * detection. The HTTP side is server/http/analytics-routes.ts.
 */
export { StationTimelines, DEFAULT_RETENTION_MS, type TimelinesOptions, type MomentaryBottleneck, type StationTimeline } from './station-timelines.ts';
export { analyse, clipWindow, type AnalyticsReport, type StationReport, type AnalysisWindow } from './report.ts';
export { stationKpis, lineKpis, stateTimes, type StationKpis, type LineKpis, type StateShares, type CycleTimeStats } from './kpis.ts';
export { bottleneckKpis, type BottleneckKpis, type StationBottleneck, type MomentaryBottleneckOut } from './bottlenecks.ts';
export { kpisCsv, bottlenecksCsv, kpiCsvColumns, bottleneckCsvColumns } from './csv.ts';
export { runAnalyticsBench, type AnalyticsBenchResult, type AnalyticsBenchOptions } from './bench.ts';
export { generateShiftLog, type ShiftLog } from './shift-log.ts';
