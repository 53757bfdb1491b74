// The emulator's public API: re-exports only.
export { startEmulator, type RunningEmulator } from "./emulator-server";
export {
  parseEmulatorOptions,
  parseFaultRules,
  resolveEmulatorOptions,
  EmulatorOptionsError,
  DEFAULT_EMULATOR_OPTIONS,
  EMULATOR_OPTION_FIELDS,
  type EmulatorOptions,
  type ResolvedEmulatorOptions,
} from "./options";
export {
  FAULT_KINDS,
  OPERATIONS,
  HTTP_FAULT_ERRORS,
  STREAM_FAULT_EXCEPTIONS,
  TRANSPORT_FAULTS,
  type FaultKind,
  type FaultRule,
  type OperationName,
} from "./faults";
export { GroundTruth, type GroundTruthEntry, type RequestOutcome, type ErrorSource } from "./ground-truth";
export {
  loadProfiles,
  loadDefaultProfiles,
  parseProfiles,
  defaultProfilesPath,
  ProfilesError,
  type ProfilesDocument,
  type ModelProfile,
  type PerformanceLatency,
  type ServiceTierName,
} from "./profiles";
export { decodeEventStream, type DecodedFrame } from "./event-stream";
export { modelCatalogue, type CatalogueEntry } from "./catalogue";
export { GROUND_TRUTH_FIELDS, groundTruthFieldsMarkdown, type GroundTruthField } from "./ground-truth-fields";
