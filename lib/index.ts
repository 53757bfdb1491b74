/**
 * The public API of `bedrock-bench`: what notebooks, scripts and the README call, listed by name. Everything else in
 * lib/ is internal and may change without notice. Adding a name here is an API decision: see ARCHITECTURE.md.
 */

// Version and errors
export { VERSION } from "./base/version";
export { BenchError, ERROR_KINDS, errorKind, type ErrorKind } from "./base/errors";
export {
  InputError,
  DatasetError,
  ExperimentConfigError,
  PricingError,
  formatProblem,
  type InputProblem,
} from "./base/input-error";
export { BudgetExceededError } from "./inputs/cost";
export { ResultsInputError } from "./analysis/results-loader";
export { ResumeError } from "./engine/runner";
export { CredentialsError } from "./engine/bedrock-clients";
export { IncompleteStreamError } from "./engine/request-executor";
export { formatMs, formatPercent, formatPValue, formatSignedMs, formatSignedPercent, formatUsd } from "./base/number-format";

// Inputs: datasets, experiments, pricing
export {
  loadScenarios,
  parseScenario,
  PERFORMANCE_CONFIGS,
  SERVICE_TIERS,
  type Scenario,
  type ScenarioMessage,
  type ScenarioSet,
  type PerformanceConfig,
  type ServiceTier,
  type PromptCachePlacement,
} from "./inputs/scenarios";
export {
  loadExperiment,
  parseExperiment,
  experimentWithOverrides,
  type Experiment,
  type Arrivals,
  type ArrivalDistribution,
  type HttpHandlerKind,
  type Order,
  type RetryMode,
  type Target,
} from "./inputs/experiment";
export { loadPricing, parsePricing, priceFor, type ModelPrice, type PriceTable } from "./inputs/pricing";
export { estimateCost, type CostEstimate, type ConfigurationEstimate } from "./inputs/cost";

// Running: plan, estimate, run, progress
export { planRun, estimateRun, type RunInputs, type RunPlan, type RunEstimate } from "./engine/run-plan";
export { runExperiment, type RunOptions, type RunOutcome, type RunCounts, type EmulatorStarter } from "./engine/runner";
export { readAnswers, readAnswersFile, type AnswerEntry, type AnswersFileContent, type AnswersFileHead } from "./engine/results-writer";
export { realClock, type Clock, type ClockReadings } from "./base/clock";
export {
  progressSnapshot,
  type ProgressSnapshot,
  type ProgressCounts,
  type RunEvent,
  type StopReason,
  type StatusCounts,
} from "./engine/run-progress";

// The per-request record (`requests.csv`)
export { RECORD_COLUMNS, RECORD_COLUMN_NAMES, isThrottle, type RequestRecord, type RequestStatus } from "./records/request-record";

// Analysis: numbers
export {
  analyzeResults,
  analyzeResultSet,
  latestRunInput,
  type Analysis,
  type AnalysisOptions,
  type AnalysisOverview,
  type AnalysisSettings,
} from "./analysis/analyze-results";
export { loadResults, resultSetFromRecords, type ResultSet, type LoadOptions, type RunInfo } from "./analysis/results-loader";
export { DEFAULT_GROUP_DIMENSIONS, GROUP_DIMENSIONS, type GroupDimension, type GroupKey, type RequestGroup } from "./analysis/request-groups";
export { summarize, writeSummaryCsv, SUMMARY_COLUMNS, type SummaryRow } from "./analysis/summary";
export { simpleSummary, simpleSummaryToCsv, SIMPLE_SUMMARY_COLUMNS, type SimpleSummaryRow } from "./analysis/simple-summary";
export { summaryFrame } from "./analysis/summary-frame";
export { recordsFrame, type RecordsFrameInput, type RecordsFrameOptions } from "./analysis/records-frame";
export {
  compareResults,
  fallbackRates,
  type Comparison,
  type ComparisonOptions,
  type ComparisonOutcome,
  type VerdictKind,
  type FallbackRate,
  type MetricComparison,
} from "./analysis/comparison";
export { findingsOf, ERROR_RATE_THRESHOLD, type Findings, type FindingsOptions, type ModelFindings } from "./analysis/findings";

// Reports: tables, charts, HTML and Markdown
export { writeReports, REPORT_FORMATS, DEFAULT_REPORT_FORMATS, type ReportFormat, type ReportPaths, type WriteReportsOptions } from "./report/report-files";
export { buildReport, type ReportDocument, type ReportOptions } from "./report/report";
export { reportHtml } from "./report/report-html";
export { reportMarkdown } from "./report/report-markdown";
export {
  awsCompatibleTable,
  comparisonsTable,
  configurationTable,
  costTable,
  errorClassesTable,
  errorsTable,
  fallbacksTable,
  groupsTable,
  latencyTable,
  overviewTable,
  runsTable,
  throughputTable,
  tableRecords,
  type ReportTable,
} from "./report/report-tables";
export { chartsOf, type AnalysisChart, type AnalysisChartSet, type OmittedChart } from "./report/analysis-charts";
export { ChartSvgError } from "./report/chart-svg";
export { METRIC_DEFINITIONS, PERCENTILE_METHOD, type MetricDefinition } from "./report/metric-definitions";
export { verdictOf, metricVerdict, sampleWarning, OUTCOME_LABELS } from "./report/verdicts";
export { wordedFindings, type WordedFindings } from "./report/findings";
export type { PlotlyFigure } from "./report/plotly-embed";

// Notebooks: displays, progress, parameters
export { notebook, Display, type DisplaySink } from "./notebook/display";
export { notebookProgress, ProgressView } from "./notebook/progress-view";
export {
  runInNotebook,
  showEstimate,
  lastNotebookRun,
  scenarioRows,
  answerRows,
  estimateRows,
  outcomeRows,
  type NotebookRunOptions,
} from "./notebook/run-display";
export { showAnalysis, type ShowAnalysisOptions } from "./notebook/analysis-display";
export { notebookParameters, NotebookParamsError, PARAMS_FILE_ENV, PARAM_ENV_PREFIX } from "./app/notebook-params";
export { runDemo, type DemoOptions, type DemoResult } from "./app/demo";
export { resumeInputs, type ResumeInputs } from "./app/resume";

// The Bedrock Runtime emulator
export {
  startEmulator,
  parseEmulatorOptions,
  parseFaultRules,
  resolveEmulatorOptions,
  EmulatorOptionsError,
  DEFAULT_EMULATOR_OPTIONS,
  FAULT_KINDS,
  GroundTruth,
  loadProfiles,
  loadDefaultProfiles,
  ProfilesError,
  modelCatalogue,
  decodeEventStream,
  type RunningEmulator,
  type EmulatorOptions,
  type ResolvedEmulatorOptions,
  type FaultKind,
  type FaultRule,
  type OperationName,
  type GroundTruthEntry,
  type ProfilesDocument,
  type ModelProfile,
  type CatalogueEntry,
} from "./emulator";
